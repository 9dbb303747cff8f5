"""The main menu and each app's sub-navigation, declared as data.

Each app declares its entries in its own ``<app>/menu.py`` as ``MENU: tuple[MenuGroup, ...]``;
this module discovers them by name (it imports no app), merges groups that share a ``key`` (so
several apps can add to "administration"), and orders groups by ``position``, then app order.

An entry names the permission its page requires (``"app.action_model"``, or ``None`` for every
signed-in user). It is shown when the user holds that permission somewhere
(``rasad.core.scope.holds_anywhere``), which is exactly when the page opens for them: the generic
scoped views refuse a form to anyone who may use it nowhere. Pages still apply scope to what they
show. An app's sub-navigation (the pills at the top of its pages) is its menu group, shown by the
``{% app_nav "<key>" %}`` tag with the same rule. An entry is current (``aria-current="page"``)
on its own page and on the pages it names in ``current_on`` (a view of the same thing, such as
the events calendar's week).

The main menu shows **sections**, not apps: fourteen apps do not fit on one line at 1280 px (an
office monitor), so each group names the ``section`` it belongs to (declared as ``SECTIONS`` in
an app's ``menu.py``: ``rasad/web/menu.py`` holds them), and a section is one dropdown with a
heading for each of its groups. A section in which the user sees one group only is that group
(its own label), and a group with one entry is a plain link, so a person with few pages sees
few, specific words. A section's toggle is current when one of its entries is.

A group may also name its ``audience``: whether the app concerns the user at all (something of
it in their scope, or something they may start there). Holding an app's read permission is not
enough: a reporter's role reads everything in its scope, and a border post has no member agency,
green business, intake document or command centre, so the media, green-jobs, intake and centre
messages menus would be empty pages to its operator. (The role is right: the same reporter role
is a member agency's press officer's, who needs the media menu, and a green business owner's.)
``anything_of`` builds the usual audience from the app's own records.

An entry may name its own ``audience`` in the main menu, too: a reference page every role may
read (the working calendar, the response-time policy, the catalogues of courses, training
requirements and assessment instruments) is in the main menu of those who keep it or work by it
(``keepers``: who triages cases, who runs training, who keeps the instruments), and in its app's
sub-navigation for everyone who may open it. A reporter's menu holds what they do.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from rasad.core.scope import holds_anywhere

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from rasad.core.models import User


@dataclass(frozen=True)
class MenuItem:
    label: str | Promise
    url_name: str
    icon: str
    permission: str | None = None
    # Shown in the app's sub-navigation as a button (e.g. "File a case"), not as a tab.
    is_action: bool = False
    # Left out of the main menu (still in the app's sub-navigation).
    in_main_menu: bool = True
    # A further condition on the user, for pages whose audience is not a permission's scope.
    check: Callable[[Any], bool] | None = None
    # Further pages (URL names without arguments) this entry stands for: its tab is marked
    # current on them too, e.g. the events calendar's week under "Events calendar".
    current_on: tuple[str, ...] = ()
    # Who finds the entry in the main menu, when not everyone who may open it (``keepers``: a
    # reference page in the main menu of those who keep it). The app's sub-navigation lists it
    # for all who may open it, and the page answers as before: this is a menu's choice only.
    audience: Callable[[Any], bool] | None = None


@dataclass(frozen=True)
class MenuGroup:
    key: str
    label: str | Promise
    items: tuple[MenuItem, ...]
    position: int = 50
    icon: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    # The main menu's section this group is shown in (``SECTIONS``); "" for a section of its own.
    section: str = ""
    # Whether the app concerns ``user`` at all (see the module's docstring); None: everyone who
    # may open one of its entries. Asked for the main menu, once per group and request.
    audience: Callable[[Any], bool] | None = None


@dataclass(frozen=True)
class MenuSection:
    key: str
    label: str | Promise
    position: int


def anything_of(*models: str, starts: str = "") -> Callable[[Any], bool]:
    """An audience: ``user`` sees at least one record of one of ``models`` (``"app.Model"``,
    through its ``visible_to``), or holds ``starts`` somewhere (the permission to create the
    first one: a coordinator who may start a scheme on an empty installation)."""

    def audience(user: Any) -> bool:
        if starts and holds_anywhere(user, starts):
            return True
        return any(apps.get_model(name).objects.visible_to(user, "view").exists() for name in models)

    return audience


def keepers(*permissions: str) -> Callable[[Any], bool]:
    """An entry's audience: ``user`` holds one of ``permissions`` somewhere. A reference page
    (the working calendar, the response-time policy, a catalogue of courses or instruments) is
    read by every role but used by those who keep it and work by it; a reporter filing a case
    reaches the calendar from the cases app's sub-navigation, not from the main menu."""

    def audience(user: Any) -> bool:
        return any(holds_anywhere(user, permission) for permission in permissions)

    return audience


def _menu_modules() -> list[Any]:
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("rasad."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.menu")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.menu":
                raise
            continue
        modules.append(module)
    return modules


def _discover() -> list[MenuGroup]:
    return [group for module in _menu_modules() for group in module.MENU]


@cache
def menu_sections() -> dict[str, MenuSection]:
    """The main menu's sections, by key, from every app's ``SECTIONS``."""
    return {section.key: section for module in _menu_modules() for section in getattr(module, "SECTIONS", ())}


@cache
def menu_groups() -> tuple[MenuGroup, ...]:
    """Every app's groups, those sharing a key merged (items in app order), sorted by position."""
    merged: dict[str, MenuGroup] = {}
    for group in _discover():
        known = merged.get(group.key)
        if known is None:
            merged[group.key] = group
        else:
            merged[group.key] = MenuGroup(
                known.key,
                known.label,
                known.items + group.items,
                min(known.position, group.position),
                known.icon,
                section=known.section,
                audience=known.audience,
            )
    order = list(merged)
    return tuple(sorted(merged.values(), key=lambda g: (g.position, order.index(g.key))))


def may_open(user: User | AnonymousUser, item: MenuItem) -> bool:
    if not user.is_authenticated:
        return False
    if item.permission is not None and not holds_anywhere(user, item.permission):
        return False
    return item.check is None or bool(item.check(user))


def _reverse(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def _entry(item: MenuItem, path: str) -> dict[str, Any] | None:
    url = _reverse(item.url_name)
    if url is None:
        return None
    return {
        "label": item.label,
        "url": url,
        "icon": item.icon,
        "active": path == url or any(path == _reverse(name) for name in item.current_on),
        "is_action": item.is_action,
        "url_name": item.url_name,
    }


def visible_menu(user: User | AnonymousUser, path: str) -> list[dict[str, Any]]:
    """The main menu for ``user``: its sections, each with the groups the user has an entry in
    (and is the audience of), in the order of the sections' positions, then the groups'.

    Each section: ``key``, ``label``, ``groups`` (each ``label`` and ``items``), ``active`` and
    ``link`` (the one entry, when the section has one only)."""
    sections: dict[str, dict[str, Any]] = {}
    declared = menu_sections()
    for group in menu_groups():
        items = [
            entry
            for item in group.items
            if item.in_main_menu and not item.is_action and may_open(user, item)
            if item.audience is None or item.audience(user)
            if (entry := _entry(item, path)) is not None
        ]
        if not items or (group.audience is not None and not group.audience(user)):
            continue
        section = declared.get(group.section)
        key = section.key if section else group.key
        shown = sections.setdefault(
            key,
            {
                "key": key,
                "label": section.label if section else group.label,
                "position": section.position if section else group.position,
                "groups": [],
            },
        )
        shown["groups"].append({"key": group.key, "label": group.label, "items": items})
    menu = sorted(sections.values(), key=lambda s: s["position"])
    for shown in menu:
        groups = shown["groups"]
        if len(groups) == 1:
            shown["label"] = groups[0]["label"]
        entries = [item for group in groups for item in group["items"]]
        shown["link"] = entries[0] if len(entries) == 1 else None
        shown["active"] = any(item["active"] for item in entries)
    return menu


def app_navigation(user: User | AnonymousUser, key: str, path: str) -> list[dict[str, Any]]:
    """The sub-navigation of group ``key``: its entries (tabs and action buttons) ``user`` may
    open."""
    for group in menu_groups():
        if group.key == key:
            return [
                entry
                for item in group.items
                if may_open(user, item)
                if (entry := _entry(item, path)) is not None
            ]
    return []


def action_entry(user: User | AnonymousUser, url_name: str) -> dict[str, Any] | None:
    """The menu entry whose page is ``url_name`` (an app's "New ..." button or a menu page), if
    ``user`` may open it: what an empty list offers to do next (``{% empty_list %}``)."""
    for group in menu_groups():
        for item in group.items:
            if item.url_name == url_name and may_open(user, item):
                return _entry(item, "")
    return None
