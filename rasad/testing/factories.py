"""Factories the authorization matrix uses to make one object of each API model in a given
organization. Each app registers its own in ``rasad/<app>/testing.py``:

    @register("cases.case", create_payload=lambda cast, org: {...})
    def make_case(cast: Cast, organization: Organization) -> Case:
        return do_open_case(..., acting_user=cast.root)

``create_payload`` (optional) gives a valid POST body that creates such an object in
``organization``; the matrix uses it to check that a user may create only inside their scope.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps

if TYPE_CHECKING:
    from rasad.core.models import Organization
    from rasad.testing.cast import Cast

Maker = Callable[["Cast", "Organization"], Any]
PayloadMaker = Callable[["Cast", "Organization"], dict[str, Any]]


@dataclass(frozen=True)
class Factory:
    model_label: str
    make: Maker
    create_payload: PayloadMaker | None


FACTORIES: dict[str, Factory] = {}


def register(model_label: str, *, create_payload: PayloadMaker | None = None) -> Callable[[Maker], Maker]:
    def decorator(make: Maker) -> Maker:
        FACTORIES[model_label] = Factory(model_label, make, create_payload)
        return make

    return decorator


def load_all() -> dict[str, Factory]:
    """Import every Rasad app's ``testing`` module so its factories are registered."""
    for config in apps.get_app_configs():
        if config.name.startswith("rasad."):
            try:
                importlib.import_module(f"{config.name}.testing")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.testing":
                    raise
    return FACTORIES
