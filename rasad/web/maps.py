"""The server side of the one map component (``static/web/map.js``, included through
``web/includes/map.html``): every point feed it draws (``data-points``) is built here, so the
feature shape is the same for every map, and every map page says what is not on it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
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


@dataclass
class Placement:
    """How a map page's items are placed: at their own point, at their organization's point
    (approximate), or nowhere; and how many fall in each province, for the table beside the map."""

    exact: int = 0
    approximate: int = 0
    unplaced: int = 0
    provinces: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return self.exact + self.approximate + self.unplaced

    def add(self, *, exact: bool, approximate: bool, province: str) -> None:
        if exact:
            self.exact += 1
        elif approximate:
            self.approximate += 1
        else:
            self.unplaced += 1
        self.provinces[province] += 1

    def province_rows(self) -> list[tuple[str, int]]:
        """(province name, count), most first; items without a province last, named "—"."""
        named = sorted(((name, n) for name, n in self.provinces.items() if name), key=lambda r: (-r[1], r[0]))
        return named + ([("—", self.provinces[""])] if self.provinces.get("") else [])
