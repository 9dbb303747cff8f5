"""What a browser sends when a person presses a page's save button without touching the form:
``form_as_sent(html, path)`` reads the page's own form (the one that posts back to ``path``) as
the HTML gives it, each control's value as shown, each checked box, each selected option (the
first, as a browser does, when a single select has none), each text area's text, and the first
named submit button. Used by the test that saves every edit page unchanged
(rasad/web/tests/test_unchanged_forms.py)."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

_NOT_SENT = {"file", "reset", "image", "button"}


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None
        self._select: dict[str, Any] | None = None
        self._option: dict[str, Any] | None = None
        self._textarea: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {name: value if value is not None else "" for name, value in attrs}
        if tag == "form":
            self._form = {
                "method": attr.get("method", "get").lower(),
                "action": attr.get("action", ""),
                "fields": [],
                "submit": None,
            }
            self.forms.append(self._form)
            return
        form = self._form
        if form is None or "disabled" in attr:
            return
        name = attr.get("name", "")
        if tag == "input":
            kind = attr.get("type", "text").lower()
            if kind == "submit":
                if name and form["submit"] is None:
                    form["submit"] = (name, attr.get("value", ""))
            elif kind in ("checkbox", "radio"):
                if name and "checked" in attr:
                    form["fields"].append((name, attr.get("value", "on")))
            elif name and kind not in _NOT_SENT:
                form["fields"].append((name, attr.get("value", "")))
        elif tag == "button":
            if name and attr.get("type", "submit").lower() == "submit" and form["submit"] is None:
                form["submit"] = (name, attr.get("value", ""))
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in attr, "options": [], "chosen": []}
        elif tag == "option" and self._select is not None:
            self._option = {"value": attr.get("value"), "text": "", "selected": "selected" in attr}
            self._select["options"].append(self._option)
        elif tag == "textarea" and name:
            self._textarea = {"name": name, "text": ""}

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag: str) -> None:
        form = self._form
        if tag == "form":
            self._form = None
        elif tag == "option":
            self._option = None
        elif tag == "textarea" and self._textarea is not None and form is not None:
            text = self._textarea["text"]
            # A browser drops the one line break that follows the opening tag.
            text = text[2:] if text.startswith("\r\n") else text[1:] if text.startswith("\n") else text
            form["fields"].append((self._textarea["name"], text))
            self._textarea = None
        elif tag == "select" and self._select is not None and form is not None:
            options = self._select["options"]
            chosen = [option for option in options if option["selected"]]
            if not chosen and options and not self._select["multiple"]:
                chosen = options[:1]
            for option in chosen:
                value = option["value"] if option["value"] is not None else option["text"].strip()
                form["fields"].append((self._select["name"], value))
            self._select = None


def form_as_sent(html: str, path: str) -> dict[str, list[str]]:
    """The body a browser posts for the page's form that posts back to ``path`` (the page's own
    address: an empty ``action`` or that path), as the page shows it."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if form["method"] != "post" or (form["action"] and urlsplit(form["action"]).path != path):
            continue
        sent: dict[str, list[str]] = {}
        for name, value in form["fields"]:
            sent.setdefault(name, []).append(value)
        if form["submit"] is not None:
            sent.setdefault(form["submit"][0], []).append(form["submit"][1])
        return sent
    raise AssertionError(f"no form on the page posts back to {path}")
