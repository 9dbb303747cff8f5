"""Every list's filters are named for the reader: each control of a page's GET form (its filters)
has a label the reader sees, ``<label for>`` not visually hidden, so no column of filters
stands unnamed beside its labelled neighbours. A lone search box, the form's only control, may be
named for screen readers instead (``aria-label``, or a visually hidden label): the box and its
button say what it is. So may each select of a compound control, a group under one visible label
(the period picker: «ماه» and «سال» in a ``role="group"``). A placeholder is no label: it
disappears as the person types. (docs/development/conventions.md, "Lists and their filters".)

Every page without arguments whose view filters (a filterset) or whose template has a GET form
is opened as the platform administrator, who sees every list."""

from __future__ import annotations

from html.parser import HTMLParser

from rasad.testing.cast import Cast
from rasad.testing.routes import Page, discover_pages
from rasad.testing.templates import template_source
from rasad.testing.web import signed_in_client

# Pages that are not lists to open here, and why.
NOT_PAGES = {
    "healthz": "no page",
    "web:login": "signed out",
    "web:two-factor": "signed out",
    "web:logout": "ends the session",
    "live:stream": "an endless stream (server-sent events)",
}
NOT_CONTROLS = {"hidden", "submit", "button", "reset", "image"}


class _Filters(HTMLParser):
    """The GET forms of a page: each visible control's attributes, and the labels."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[list[dict[str, str]]] = []
        self.labels: dict[str, str] = {}  # for= → class
        self.in_form = False
        self.wrapping = 0  # depth inside a <label> that wraps its control
        self.group: list[str] = []  # the tag of a role="group" being read, and its nested own

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if self.group and tag == self.group[0]:
            self.group.append(tag)
        elif found.get("role") == "group":
            self.group = [tag]
        if tag == "form" and found.get("method", "get").lower() == "get":
            self.in_form = True
            self.forms.append([])
        elif tag == "label":
            if "for" in found:
                self.labels[found["for"]] = found.get("class", "")
            else:
                self.wrapping += 1
        elif self.in_form and tag in {"input", "select", "textarea"}:
            if tag == "input" and found.get("type", "text") in NOT_CONTROLS:
                return
            grouped = "1" if self.group else ""
            self.forms[-1].append(
                {**found, "tag": tag, "wrapped": "1" if self.wrapping else "", "grouped": grouped}
            )

    def handle_endtag(self, tag: str) -> None:
        if self.group and tag == self.group[0]:
            self.group.pop()
        if tag == "form":
            self.in_form = False
        elif tag == "label" and self.wrapping:
            self.wrapping -= 1


def unnamed_filters(html: str) -> list[str]:
    """The controls of the page's GET forms that no visible label names."""
    parser = _Filters()
    parser.feed(html)
    problems = []
    for controls in parser.forms:
        lone = len(controls) == 1
        for control in controls:
            name = control.get("name") or control.get("id") or control["tag"]
            label = parser.labels.get(control.get("id", ""))
            if control["wrapped"] or (label is not None and "visually-hidden" not in label):
                continue
            if (lone or control["grouped"]) and (control.get("aria-label") or label is not None):
                continue
            problems.append(name)
    return problems


def _may_filter(page: Page) -> bool:
    view = page.view_class
    if view is None or page.arguments or page.name in NOT_PAGES:
        return False
    if getattr(view, "filterset_class", None) is not None:
        return True
    name = getattr(view, "template_name", None)
    if not name:
        return False
    return 'method="get"' in template_source(name)


def test_every_filter_of_every_list_has_a_visible_label(cast: Cast):
    client = signed_in_client(cast.root)
    found: dict[str, list[str]] = {}
    checked = 0
    for page in filter(_may_filter, discover_pages()):
        response = client.get(page.url())
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        checked += 1
        if problems := unnamed_filters(response.content.decode()):
            found[page.name] = problems
    assert checked > 30
    assert found == {}


def test_the_check_finds_a_hidden_label_beside_named_filters():
    named = '<label class="form-label" for="f-kind">Kind</label><select id="f-kind" name="kind"></select>'
    hidden = '<label class="visually-hidden" for="f-q">Search</label><input id="f-q" name="q">'
    assert unnamed_filters(f'<form method="get">{hidden}{named}</form>') == ["q"]
    # Alone, a search box may be named for screen readers only.
    assert unnamed_filters(f'<form method="get">{hidden}<button>Search</button></form>') == []
    assert unnamed_filters('<form method="get"><input name="q" aria-label="Search"></form>') == []
    assert unnamed_filters('<form method="get"><input name="q" placeholder="Search"></form>') == ["q"]
    # A select of a compound control, named inside its group.
    group = '<div role="group"><select name="period_0" aria-label="Month"></select></div>'
    assert unnamed_filters(f'<form method="get">{group}{named}</form>') == []
    # A form that writes (POST) is no list's filters.
    assert unnamed_filters('<form method="post"><input name="title"></form>') == []
