"""``/api/v1/``'s resolver: a request goes straight to the routes its first path segment can
reach (docs/api.md, "The request's path through the server"; docs/development/benchmarks.md,
"Session 22").

Django's resolver tries a URLconf's patterns in turn. Under ``/api/v1/`` that was thirteen
includes of some 600 patterns in all, and every include that did not match raised
``Resolver404`` with the list of what it had tried: 9 % of a ``users/me`` request's Python, 13 %
of a case detail's (session 21). Every route under ``/api/v1/`` starts with a literal name (a
router's prefix, ``live-posts/``, ``live/ingest/``), so :class:`SegmentResolver` sorts the
patterns once by the *segment* every path they match starts with (the text before the first
``/``, ``.`` or new line) and then tries, for a request, only the patterns of its path's segment
and those that could match any path, in their order in the URLconf. A pattern whose start cannot
be read safely as text (a group, a class, a quantifier, an alternative, a flag, a translated
route) is one that could match any path, so the first match is always the one the whole list in
order gives. Reversing, the schema's enumeration and the system checks read ``url_patterns``,
which is the URLconf as written.
"""

from __future__ import annotations

import re
import string
from typing import Any

from django.urls import URLPattern, URLResolver
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils.functional import cached_property
from django.utils.translation import get_language

# The segment of a path: what comes before its first "/", "." or new line ("$" matches before
# a final new line, so a pattern "^name$" matches "name\n" as well, whose segment is "name").
_SEGMENT = re.compile(r"[^/.\n]*")
_DELIMITERS = "/.\n"
# Characters that stand for themselves in a regular expression, alone or escaped (re.escape,
# which Django's routes use, escapes "-" and "."), and what makes the previous one optional or
# repeated.
_PLAIN = frozenset(string.ascii_letters + string.digits + "-_/~")
_ESCAPED = frozenset("-./_~")
_QUANTIFIERS = ("?", "*", "+", "{")
_GROUP = re.compile(r"\(\?P<\w+>|\(\?:")  # a named group, a group that captures nothing

Keys = frozenset[str] | None  # None: the pattern may match a path of any segment

# How many paths a resolver keeps the match of (``SegmentResolver.resolve``): the API's fixed
# paths and the details of the objects requested lately; past it the kept matches are dropped.
KEPT_MATCHES = 4096


def segment(path: str) -> str:
    match = _SEGMENT.match(path)
    assert match is not None  # the pattern matches the empty string
    return match.group()


def _regex(pattern: Any) -> str | None:
    """The regular expression of a route or regex pattern written as text (not translated), or
    ``None``."""
    written = getattr(pattern, "_route" if isinstance(pattern, RoutePattern) else "_regex", None)
    if not isinstance(pattern, RoutePattern | RegexPattern) or not isinstance(written, str):
        return None
    compiled = pattern.regex
    if compiled.flags & (re.IGNORECASE | re.MULTILINE | re.VERBOSE):
        return None
    return str(compiled.pattern)


def _closing(regex: str, start: int) -> int | None:
    """The index of the ``)`` that closes the group opened at ``start``."""
    depth, index = 0, start
    while index < len(regex):
        char = regex[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":  # a class: its brackets are text ("[]...]" and "[^]...]" included)
            index += 2 if regex[index + 1 : index + 2] == "^" else 1
            index += 1 if regex[index : index + 1] == "]" else 0
            while index < len(regex) and regex[index] != "]":
                index += 2 if regex[index] == "\\" else 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return None


def _read(regex: str, index: int, stop: int) -> tuple[str, int]:
    """The plain text ``regex[index:stop]`` starts with, and where reading it stopped: at
    ``stop`` if all of it is plain text (a named or plain group that is neither optional nor
    repeated is read through)."""
    text: list[str] = []
    while index < stop:
        char = regex[index]
        if char in _PLAIN:
            step = 1
        elif char == "\\" and index + 1 < stop and regex[index + 1] in _ESCAPED:
            char, step = regex[index + 1], 2
        elif (head := _GROUP.match(regex, index, stop)) is not None:
            end = _closing(regex, index)
            if end is None or end >= stop or regex[end + 1 : end + 2] in _QUANTIFIERS:
                break
            inner, reached = _read(regex, head.end(), end)
            text.append(inner)
            if reached < end:
                break
            index = end + 1
            continue
        else:
            break
        if regex[index + step : index + step + 1] in _QUANTIFIERS:
            break  # the character is optional or repeated
        text.append(char)
        index += step
    return "".join(text), index


def literal_start(regex: str) -> tuple[str, bool]:
    """The text every match of ``regex`` (searched, as Django's patterns are) starts with, and
    whether the match is that text alone. Conservative: it stops at the first character it does
    not read as plain text."""
    if not regex.startswith("^") or "|" in regex:
        return "", False
    text, index = _read(regex, 1, len(regex))
    return text, regex[index:] in ("$", r"\Z")


def _transparent(resolver: URLResolver) -> bool:
    """An include with an empty prefix (``path("", include(...))``): its patterns see the path
    as its parent does."""
    return _regex(resolver.pattern) == "^"


def keys(pattern: URLPattern | URLResolver) -> Keys:
    """The segments of the paths ``pattern`` may match, or ``None`` for any."""
    if isinstance(pattern, URLResolver) and _transparent(pattern):
        found: set[str] = set()
        for child in pattern.url_patterns:
            child_keys = keys(child)
            if child_keys is None:
                return None
            found |= child_keys
        return frozenset(found)
    regex = _regex(pattern.pattern)
    if regex is None:
        return None
    text, whole = literal_start(regex)
    cut = min((text.find(d) for d in _DELIMITERS if d in text), default=-1)
    if cut >= 0:
        return frozenset({text[:cut]})
    if whole and isinstance(pattern, URLPattern):
        return frozenset({text})
    return None


class _Narrowing:
    """Copies of an include with only the patterns that may match a path of a segment; each
    pattern's segments read once."""

    def __init__(self) -> None:
        self.keys: dict[int, Keys] = {}

    def keys_of(self, pattern: URLPattern | URLResolver) -> Keys:
        if id(pattern) not in self.keys:
            self.keys[id(pattern)] = keys(pattern)
        return self.keys[id(pattern)]

    def named(self, resolver: URLResolver) -> set[str]:
        """Every segment some pattern of ``resolver`` names."""
        found: set[str] = set()
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver) and _transparent(pattern):
                found |= self.named(pattern)
            else:
                found |= self.keys_of(pattern) or set()
        return found

    def narrowed(self, resolver: URLResolver, key: str | None) -> URLResolver:
        """A copy of ``resolver`` with only the patterns that may match a path of segment
        ``key`` (``None``: a segment no pattern names), in their order; its namespace,
        application and default arguments are the original's, so what it resolves is what the
        original resolves."""
        kept: list[URLPattern | URLResolver] = []
        for pattern in resolver.url_patterns:
            pattern_keys = self.keys_of(pattern)
            if pattern_keys is not None and key not in pattern_keys:
                continue
            if isinstance(pattern, URLResolver) and _transparent(pattern):
                pattern = self.narrowed(pattern, key)
            kept.append(pattern)
        return URLResolver(
            resolver.pattern,
            kept,
            resolver.default_kwargs,
            app_name=resolver.app_name,
            namespace=resolver.namespace,
        )


class SegmentResolver(URLResolver):
    """An include resolved through the patterns of the path's first segment (module docstring)."""

    @classmethod
    def of(cls, resolver: URLResolver) -> SegmentResolver:
        """``path(prefix, include(...))``'s resolver, resolved by segment."""
        return cls(
            resolver.pattern,
            resolver.urlconf_name,
            resolver.default_kwargs,
            app_name=resolver.app_name,
            namespace=resolver.namespace,
        )

    @cached_property
    def routes(self) -> tuple[dict[str, URLResolver], URLResolver]:
        """A narrowed copy of this resolver for each segment some pattern names, and one for
        any other segment (the patterns that may match any path). Built once (the URLconf is
        fixed once loaded), at warm-up."""
        narrowing = _Narrowing()
        named = narrowing.named(self)
        return {key: narrowing.narrowed(self, key) for key in named}, narrowing.narrowed(self, None)

    def _populate(self) -> None:
        """Django's reverse tables (which warm-up builds, ``rasad.lib.warmup``), and this
        resolver's routes with them, so that no request waits for them."""
        super()._populate()
        self.routes  # noqa: B018

    @cached_property
    def _matches(self) -> dict[tuple[str, str | None], Any]:
        return {}

    def resolve(self, path: Any) -> Any:
        """The match of ``path``, found once per path and language: the URLconf is fixed once
        loaded, so a path resolves to the same view and arguments every time, and the same few
        paths come again and again (a write's ``observations/bulk/``: 40–60 µs of a request's
        Python to find again; docs/development/benchmarks.md, "Session 26"). The match kept is
        only read by the resolvers above this one (Django's ``URLResolver.resolve`` makes its own
        match, with its own dictionaries, from it). A path that matches nothing is not kept."""
        path = str(path)
        # The language: a translated route (none under /api/v1/ today) matches by it.
        key = (path, get_language())
        matches = self._matches
        known = matches.get(key)
        if known is not None:
            return known
        match = self.pattern.match(path)
        if not match:
            raise Resolver404({"path": path})
        by_segment, other = self.routes
        found = by_segment.get(segment(match[0]), other).resolve(path)
        if len(matches) >= KEPT_MATCHES:
            matches.clear()
        matches[key] = found
        return found
