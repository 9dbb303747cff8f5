"""The home page is a work queue: what waits for the person, what is overdue, the alerts in
their scope and what changed in what they follow, with counts that open filtered lists.

Every app plugs in through ONE hook: a module ``<app>/home.py`` with a function

    def provide(user: User, today: date) -> HomeContribution

that returns the app's work items, counts and (for coordinators) panels, each computed through
the same scope as the app's own pages (``visible_to``). ``collect`` imports each installed Rasad
app's ``home`` module by name (a lower layer never imports an app) and merges what they give.
``docs/development/conventions.md`` describes the hook.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Literal

from django.apps import apps
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from rasad.core.models import Organization, User

Section = Literal["waiting", "overdue", "alerts", "following"]
SECTIONS: tuple[tuple[Section, str | Promise], ...] = (
    ("overdue", _("Overdue")),
    ("waiting", _("Waiting for you")),
    ("alerts", _("Alerts in your scope")),
    ("following", _("Recent changes in what you follow")),
)
Tone = Literal["primary", "danger", "warning", "success", "secondary"]


def url_with(name: str, *args: object, **query: str | int | list[str] | None) -> str:
    """A URL by name with a query string: ``url_with("cases:case-list", status="new")``."""
    url = reverse(name, args=args)
    filled = {key: value for key, value in query.items() if value not in (None, "")}
    return f"{url}?{urlencode(filled, doseq=True)}" if filled else url


@dataclass(frozen=True)
class ItemAction:
    """A button on a work item that posts to ``url`` (approve a period from the queue). The view
    behind it redirects to ``next`` (the home page) when the page works without JavaScript, and
    answers an htmx request with the item's new state."""

    label: str | Promise
    url: str
    fields: Mapping[str, str] = field(default_factory=dict)
    tone: Tone = "primary"
    testid: str = ""


@dataclass(frozen=True)
class WorkItem:
    """One thing on a person's queue.

    ``title`` is written for a person, already formatted (``rasad.lib.formatting``); ``kind`` is
    a stable code ("indicators.report_due") for tests and styling; ``due`` orders the waiting and
    overdue sections, ``moment`` the recent changes; ``detail`` is one short line under the title
    («تا ۳ روز دیگر»).
    """

    section: Section
    kind: str
    title: str | Promise
    url: str
    detail: str | Promise = ""
    due: date | None = None
    moment: datetime | None = None
    tone: Tone = "secondary"
    actions: tuple[ItemAction, ...] = ()


@dataclass(frozen=True)
class HomeCount:
    """A count that opens the filtered list it counts. ``url`` is a path, or a URL name
    ("comms:inbox") that is reversed when the count is collected."""

    label: str | Promise
    value: int
    url: str
    tone: Tone = "primary"

    @property
    def shown_tone(self) -> Tone:
        """The colour the count is shown in: a count of trouble (danger, warning) at zero is
        good news, in green, as the indicators' alerts already were; a red «۰» under "Overdue
        cases" read as an alarm."""
        return "success" if not self.value and self.tone in ("danger", "warning") else self.tone

    def resolved(self) -> HomeCount:
        if "/" in self.url or ":" not in self.url:
            return self
        return replace(self, url=reverse(self.url))


@dataclass(frozen=True)
class HomePanel:
    """A coordinator's panel (a chart, the map): ``template`` is included with ``context``."""

    title: str | Promise
    template: str
    context: Mapping[str, object] = field(default_factory=dict)
    order: int = 100


@dataclass
class HomeContribution:
    items: list[WorkItem] = field(default_factory=list)
    counts: list[HomeCount] = field(default_factory=list)
    panels: list[HomePanel] = field(default_factory=list)


@dataclass
class Home:
    """Everything the home page shows, merged from every app."""

    sections: list[tuple[Section, str | Promise, list[WorkItem]]]
    counts: list[HomeCount]
    panels: list[HomePanel]

    @property
    def is_empty(self) -> bool:
        return not any(items for _section, _label, items in self.sections)

    def items(self, section: Section) -> list[WorkItem]:
        return next((items for name, _label, items in self.sections if name == section), [])


# Each section shows at most this many items; the rest are reached through the counts.
SECTION_LIMIT = 12


def _sort_key(item: WorkItem) -> tuple[int, float, str]:
    if item.section in ("following", "alerts"):
        # Newest first.
        return (0, -(item.moment.timestamp() if item.moment else 0.0), str(item.title))
    moment = item.due.toordinal() if item.due else 10**9
    return (0, float(moment), str(item.title))


def providers() -> list[str]:
    """The dotted names of the ``home`` modules of installed Rasad apps, in app order."""
    names = []
    for config in apps.get_app_configs():
        if not config.name.startswith("rasad."):
            continue
        module_name = f"{config.name}.home"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            continue
        # rasad.web.home is this framework module, not a provider. A module written for the
        # first form of the hook (``home_counts(user) -> list[HomeCount]``) still gives counts.
        if callable(getattr(module, "provide", None)) or callable(getattr(module, "home_counts", None)):
            names.append(module_name)
    return names


def _contribution(module_name: str, user: User, today: date) -> HomeContribution:
    module = importlib.import_module(module_name)
    if callable(getattr(module, "provide", None)):
        contribution: HomeContribution = module.provide(user, today)
        return contribution
    return HomeContribution(counts=list(module.home_counts(user)))


def collect(user: User, today: date) -> Home:
    """Ask every app's provider for its part of ``user``'s home, and merge the parts."""
    merged = HomeContribution()
    for module_name in providers():
        contribution = _contribution(module_name, user, today)
        merged.items.extend(contribution.items)
        merged.counts.extend(count.resolved() for count in contribution.counts)
        merged.panels.extend(contribution.panels)
    sections = []
    for name, label in SECTIONS:
        items = sorted((item for item in merged.items if item.section == name), key=_sort_key)
        sections.append((name, label, items[:SECTION_LIMIT]))
    return Home(sections, merged.counts, sorted(merged.panels, key=lambda panel: panel.order))


def oversees(user: User, permission: str) -> bool:
    """Whether ``permission`` ("cases.assign_case") reaches more than one organization for the
    person: a coordinator over a subtree, whose home adds panels about it."""
    from rasad.core.scope import scope_for_permission

    scope = scope_for_permission(user, permission)
    if scope.is_everything:
        return True
    if scope.is_nothing:
        return False
    return Organization.objects.filter(scope.as_q())[:2].count() > 1
