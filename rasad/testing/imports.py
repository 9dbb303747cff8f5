"""Every import of the UI and the API, found in the authorization table (``rasad.testing.authz``:
every page and operation has a row there): a page or an operation whose name says it imports is
taken in without being named, so a new import is held to the tests of every import
(``rasad/web/tests/test_every_import_refuses_a_bomb.py``, ``test_every_import_refuses_bad_files.py``).
What a form asks beside the file is :func:`extra_fields`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse

from rasad.testing.authz import API, PAGES, SUBJECTS

if TYPE_CHECKING:
    from rasad.testing.cast import Cast


def _is_import(name: str) -> bool:
    return ("import" in name and "template" not in name) or name.endswith("bands-import/")


IMPORT_PAGES = sorted(name for name in PAGES if _is_import(name) or name == "assessments:instrument-bands")
IMPORT_OPERATIONS = sorted(key for key in API if key.startswith("POST ") and _is_import(key))


def extra_fields(name: str, cast: Cast) -> dict[str, Any]:
    """What each form asks beside the file, valid, so that the file is what is judged."""
    if name in ("assessments:instrument-import", "POST /api/v1/assessment-instruments/import/"):
        return {
            "code": "BOMB",
            "name": "فهرست آزمایشی",
            "kind": "compliance",
            "total_points": "100",
            "owner": cast.isfahan.pk if ":" in name else cast.isfahan.code,
        }
    return {}


def page_url(name: str, cast: Cast) -> str:
    """The import page ``name``, on a record its row's subject maker makes when it needs one."""
    subject = PAGES[name].subject
    kwargs = SUBJECTS[subject].make(cast) if subject else None
    return reverse(name, kwargs=kwargs or None)


def operation_path(key: str, cast: Cast) -> str:
    """The path of the import operation ``key`` ("POST /api/v1/…/"), its ``{id}`` a record made by
    its row's subject maker."""
    path = key.split(" ", 1)[1]
    if "{id}" in path:
        subject = API[key].subject
        assert subject is not None, key
        made = SUBJECTS[subject].make(cast)
        path = path.replace("{id}", str(next(iter(made.values()))))
    return path
