"""The server side of the one map component (``static/web/map.js``): every point feed it draws
(``data-points``) is built here, so the feature shape is the same for every map."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.http import JsonResponse


def points_response(points: Iterable[tuple[float, float, Mapping[str, Any]]]) -> JsonResponse:
    """A GeoJSON FeatureCollection of (latitude, longitude, properties); the map component shows
    ``properties["name"]`` linked to ``properties["url"]``."""
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
            "properties": dict(properties),
        }
        for latitude, longitude, properties in points
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})
