"""Point-in-province lookup over the offline province polygons shipped with the web app.

The same GeoJSON file feeds every map in the browser, so the server and the map agree on where
the borders are. Polygons are simplified; a point within ``TOLERANCE_DEGREES`` of a border is
attributed to the nearest province.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext
from shapely.geometry import Point, shape
from shapely.ops import unary_union
from shapely.prepared import prep

from rasad.lib import formatting

GEOJSON_PATH = Path(__file__).resolve().parent.parent / "web" / "static" / "geo" / "iran-provinces.geojson"
TOLERANCE_DEGREES = 0.05


@dataclass(frozen=True)
class _Province:
    code: str
    geometry: object
    prepared: object


@cache
def _provinces() -> tuple[_Province, ...]:
    data = json.loads(GEOJSON_PATH.read_text(encoding="utf-8"))
    provinces = []
    for feature in data["features"]:
        geometry = shape(feature["geometry"])
        provinces.append(_Province(str(feature["properties"]["code"]), geometry, prep(geometry)))
    return tuple(provinces)


@cache
def _iran() -> object:
    return prep(unary_union([p.geometry for p in _provinces()]).buffer(TOLERANCE_DEGREES))


def is_in_iran(latitude: float, longitude: float) -> bool:
    return bool(_iran().contains(Point(longitude, latitude)))  # type: ignore[attr-defined]


def point_error(latitude: float | None, longitude: float | None) -> str | None:
    """Why a point given on a form, an import row or the API is unacceptable, or None. Giving
    neither coordinate is acceptable; giving one, or a point outside Iran, is not."""
    if (latitude is None) != (longitude is None):
        return gettext("Give both latitude and longitude, or neither.")
    if latitude is None or longitude is None:
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180) or not is_in_iran(latitude, longitude):
        return gettext("The point (%(lat)s, %(lon)s) is outside Iran.") % {
            "lat": formatting.number(latitude),
            "lon": formatting.number(longitude),
        }
    return None


def province_code_at(latitude: float, longitude: float) -> str | None:
    """The code of the province containing the point, or None outside Iran."""
    point = Point(longitude, latitude)
    for province in _provinces():
        if province.prepared.contains(point):  # type: ignore[attr-defined]
            return province.code
    if not is_in_iran(latitude, longitude):
        return None
    nearest = min(_provinces(), key=lambda p: p.geometry.distance(point))  # type: ignore[attr-defined]
    return nearest.code
