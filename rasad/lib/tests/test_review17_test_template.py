"""Adversarial check of the suite's migrated template (``RASAD_TEST_TEMPLATE``, session 17
review): a template made before a data migration's input changed is not used silently. The data
migrations read more than their own files (the starter catalogue, the provinces and cities, the
search keys' normalisation), so the template's name must follow those too."""

from __future__ import annotations

from pathlib import Path

import pytest

from rasad.testing.database import _migrations_digest

INPUTS = [
    "rasad/indicators/starter.py",  # imported by indicators' 0002_starter_catalogue
    "rasad/core/data/provinces.csv",  # read by core's 0002_reference_data
    "rasad/greenjobs/occupations.py",  # imported by greenjobs' 0002_standard_occupations
    "rasad/lib/persian.py",  # search_key, imported by cases' 0004_search_keys
]


@pytest.mark.parametrize("changed", INPUTS)
def test_the_templates_name_follows_what_the_migrations_read(monkeypatch: pytest.MonkeyPatch, changed: str):
    root = Path(__file__).resolve().parents[3]
    target = (root / changed).resolve()
    assert target.exists()
    before = _migrations_digest()
    read_bytes = Path.read_bytes

    def edited(path: Path) -> bytes:
        data = read_bytes(path)
        return data + b"\n# edited" if path.resolve() == target else data

    monkeypatch.setattr(Path, "read_bytes", edited)
    assert _migrations_digest() != before


def test_the_templates_name_is_the_same_while_nothing_changes():
    assert _migrations_digest() == _migrations_digest()
