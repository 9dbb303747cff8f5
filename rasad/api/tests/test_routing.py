"""``/api/v1/`` resolved by the path's first segment (``rasad.api.routing``) resolves every path
as Django's resolver trying the same patterns in turn does."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pytest
from django.urls import URLPattern, URLResolver, resolve, reverse
from django.urls.exceptions import Resolver404

from rasad.api import urls as api_urls
from rasad.api.routing import SegmentResolver, keys, literal_start, segment

# A value for each kind of group the API's routes capture.
_SAMPLES = ("7", "json", ".json", ".json/", "x")


def _leaves(
    patterns: Sequence[URLPattern | URLResolver], prefix: str = "", namespace: str = ""
) -> list[tuple[str, str, URLPattern]]:
    """Every route under ``patterns`` in the order Django tries them: its whole regular
    expression, its namespace, the route."""
    found = []
    for pattern in patterns:
        regex = prefix + pattern.pattern.regex.pattern.removeprefix("^")
        if isinstance(pattern, URLResolver):
            found += _leaves(pattern.url_patterns, regex, pattern.namespace or namespace)
        else:
            found.append((regex, namespace, pattern))
    return found


def _example(regex: str) -> str:
    """A path the route's regular expression matches: each group replaced by a sample it takes."""

    def sample(group: re.Match[str]) -> str:
        return next(s for s in _SAMPLES if re.fullmatch(group[1], s))

    text = re.sub(r"\(\?P<\w+>((?:[^()]|\([^()]*\))*)\)", sample, regex)
    text = re.sub(r"/\?(?=\$|\\Z)", "/", text)
    text = re.sub(r"(\$|\\Z)$", "", text)
    return re.sub(r"\\(.)", r"\1", text)


_FIELDS = (
    "func",
    "args",
    "kwargs",
    "url_name",
    "app_names",
    "namespaces",
    "route",
    "captured_kwargs",
    "extra_kwargs",
)


def test_every_route_and_its_neighbours_resolve_as_in_turn() -> None:
    by_segment = api_urls.v1
    assert isinstance(by_segment, SegmentResolver)
    leaves = _leaves(api_urls.v1_urlpatterns)
    assert len(leaves) > 500
    paths = {"", ".json", "nothing/", "cases", "Cases/", "cases/\n", "\n", "live/ingest", "live-posts.json"}
    for index, (regex, _namespace, _route) in enumerate(leaves):
        path = _example(regex)
        paths |= {path, path + "x"}
        if index % 8 == 0:  # neighbours of some: a new line after, one character less, capitals, "//"
            paths |= {path + "\n", path[:-1], path.upper(), path.replace("/", "//", 1)}
    for path in sorted(paths):
        # Django's way: the first route, in the URLconf's order, whose pattern matches.
        # (``search`` first: a cheaper test that every match passes.)
        first = next(
            (
                (ns, route, m)
                for _r, ns, route in leaves
                if route.pattern.regex.search(path) and (m := route.pattern.match(path))
            ),
            None,
        )
        if first is None:
            with pytest.raises(Resolver404):
                by_segment.resolve("v1/" + path)
            continue
        namespace, route, (_rest, args, kwargs) = first
        got = by_segment.resolve("v1/" + path)
        assert (got.func, got.namespace, got.url_name, got.args, got.kwargs) == (
            route.callback,
            namespace,
            route.name,
            args,
            kwargs,
        ), path
    by_name, other = by_segment.routes
    assert {"cases", "users", "observations", "live", "live-posts", ""} <= set(by_name)
    assert other.url_patterns == []  # every route under /api/v1/ is reached by its segment


def test_a_match_is_the_one_of_django_s_resolver() -> None:
    """Whole matches, against Django's resolver trying the includes in turn: the same view,
    arguments, names, namespaces and route."""
    by_segment = api_urls.v1
    in_turn = URLResolver(by_segment.pattern, api_urls.v1_urlpatterns)
    for path in (
        "v1/",
        "v1/.json",
        "v1/cases/",
        "v1/cases/3.json",
        "v1/users/me/",
        "v1/media-plan/4/publish/",
        "v1/live/ingest/",
        "v1/live-posts/",
        "v1/observations/bulk/",
        "v1/risk-register/heat-map/",
    ):
        got, expected = by_segment.resolve(path), in_turn.resolve(path)
        assert [getattr(got, f) for f in _FIELDS] == [getattr(expected, f) for f in _FIELDS], path
    for path in ("v1/nothing/", "v1/cases", "v2/cases/"):
        with pytest.raises(Resolver404):
            in_turn.resolve(path)
        with pytest.raises(Resolver404):
            by_segment.resolve(path)


def test_a_request_takes_the_routes_of_its_segment() -> None:
    by_name, _other = api_urls.v1.routes
    (cases,) = by_name["cases"].url_patterns
    assert isinstance(cases, URLResolver) and cases.namespace == "cases-api"
    assert {segment(literal_start(p.pattern.regex.pattern)[0]) for p in cases.url_patterns} == {"cases"}
    match = resolve("/api/v1/cases/12/")
    assert (match.view_name, match.kwargs, match.route) == (
        "cases-api:case-detail",
        {"pk": "12"},
        "api/v1/cases/(?P<pk>[^/.]+)/$",
    )
    assert reverse("cases-api:case-detail", args=[12]) == "/api/v1/cases/12/"
    assert resolve("/api/v1/").view_name == "core-api:api-root"
    assert resolve("/api/v1/live/ingest/").view_name == "live-agent:ingest"
    assert resolve("/api/schema/").view_name == "api-schema"


@pytest.mark.parametrize(
    ("regex", "start"),
    [
        (r"^cases/(?P<pk>[^/.]+)/$", ("cases/", False)),
        (r"^live\-posts/\Z", ("live-posts/", True)),
        (r"^\Z", ("", True)),
        (r"^(?P<format>\.[a-z0-9]+/?)\Z", (".", False)),
        (r"^(?:ab)c/$", ("abc/", True)),
        (r"^a(?:bc)?d", ("a", False)),  # an optional group ends the text
        (r"^ab+c/", ("a", False)),  # so does a repeated character
        (r"^abc?/", ("ab", False)),
        (r"^x[)(]y", ("x", False)),
        (r"^a/|^b/", ("", False)),  # an alternative: nothing is sure
        (r"cases/", ("", False)),  # not anchored
    ],
)
def test_literal_start(regex: str, start: tuple[str, bool]) -> None:
    assert literal_start(regex) == start


def test_segments_and_keys() -> None:
    assert [segment(p) for p in ("cases/1/", "cases.json", "", ".json", "cases\n", "nothing")] == [
        "cases",
        "cases",
        "",
        "",
        "cases",
        "nothing",
    ]
    leaves = {regex: route for regex, _namespace, route in _leaves(api_urls.v1_urlpatterns)}
    assert keys(leaves["cases/$"]) == frozenset({"cases"})
    assert keys(leaves[r"\Z"]) == frozenset({""})


def test_a_path_s_match_is_kept_and_the_kept_matches_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """A path is resolved through the patterns once; again it gets the kept match (the same
    view, arguments and route, in each language), until the resolver has kept
    ``KEPT_MATCHES`` paths; a path that matches nothing is refused every time, never kept."""
    from django.utils import translation

    from rasad.api import routing

    resolver = SegmentResolver.of(api_urls.v1)  # its own kept matches, none yet
    in_turn = URLResolver(resolver.pattern, api_urls.v1_urlpatterns)
    first = resolver.resolve("v1/cases/12/")
    assert resolver.resolve("v1/cases/12/") is first
    expected = in_turn.resolve("v1/cases/12/")
    assert [getattr(first, f) for f in _FIELDS] == [getattr(expected, f) for f in _FIELDS]
    with translation.override("en"):
        english = resolver.resolve("v1/cases/12/")
    assert english is not first and english.kwargs == {"pk": "12"}
    for _attempt in range(2):
        with pytest.raises(Resolver404):
            resolver.resolve("v1/nothing/")
    assert ("v1/nothing/", translation.get_language()) not in resolver._matches
    monkeypatch.setattr(routing, "KEPT_MATCHES", 3)
    for pk in range(5):
        assert resolver.resolve(f"v1/cases/{pk}/").kwargs == {"pk": str(pk)}
        assert len(resolver._matches) <= 3
    # The whole stack's resolver goes through it: a request's match is the same as before.
    match = resolve("/api/v1/observations/bulk/")
    assert (match.view_name, match.route) == ("indicators-api:observation-bulk", "api/v1/observations/bulk/$")
