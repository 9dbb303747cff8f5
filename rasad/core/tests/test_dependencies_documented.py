"""Every dependency declared in pyproject.toml has its reason in docs/development/dependencies.md."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _names(requirements: list[str]) -> list[str]:
    return [re.split(r"[\[<>=!~ ;]", requirement, maxsplit=1)[0] for requirement in requirements]


def _declared() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = [name for group in project["optional-dependencies"].values() for name in _names(group)]
    return _names(project["dependencies"]) + extras


# Type stubs are documented with the checker they serve.
_DOCUMENTED_AS = {
    "django-stubs": "django-stubs",
    "djangorestframework-stubs": "djangorestframework-stubs",
    "types-openpyxl": "mypy",
    "types-tqdm": "mypy",
    "types-qrcode": "mypy",
    "djangorestframework": "Django REST framework",
    "redis": "redis-py",
    "Django": "Django",
}


def test_every_declared_dependency_is_explained() -> None:
    page = (ROOT / "docs" / "development" / "dependencies.md").read_text(encoding="utf-8").lower()
    declared = _declared()
    assert "numpy" in declared and "pytest" in declared  # the reader found both groups
    missing = [name for name in declared if _DOCUMENTED_AS.get(name, name).lower() not in page]
    assert missing == []


def test_names_are_read_without_versions_or_extras() -> None:
    assert _names(["psycopg[binary,pool]>=3.2,<4", "uvicorn[standard]>=0.30", "mypy>=1.11", "tqdm"]) == [
        "psycopg",
        "uvicorn",
        "mypy",
        "tqdm",
    ]
