"""Two organizations through the API: Bob, who administers Kerman (a grant of the administrator
role there, beside his analyst's), meets nothing of Isfahan's, where one record of every model the
API serves is made (the apps' own factories, ``rasad.testing.factories``). The authorization
table (``rasad.testing.authz``) already holds every detail route to a 404 for him and every list
to leaving Isfahan's subject out; this module covers the rest of what a list and a write say:

* every collection the API answers (its lists and the figures, queues and maps beside them,
  read from the schema, so a new one is covered when it is routed) answers Bob the same with
  Isfahan's records as without them: no row, count or total of theirs;
* every list's filter that names a record (``?organization=``, ``?case=``...) given one of
  Isfahan's answers as it does given one that does not exist: nothing to find, and no sign that
  it exists;
* every create Bob may make in Kerman, with a field naming one of Isfahan's records instead of
  Kerman's, is refused under that field, with the words a missing one gets (a body of Kerman's
  own where the factory's names what Bob may not; a course's prerequisites too);
* every export (every registered kind, through the API and through the web's export request)
  and every file a page serves without naming a record (import templates, found from the URL
  conf) holds the header, rows and count it holds without Isfahan's records;
* every export's parameter that names a record (a list's filters, found from the filterset the
  kind's rows are filtered with; a report's parameters; ``OTHER_PARAMETERS`` for the rest) given
  one of Isfahan's answers as it does given one that does not exist, through the API and the
  web's export request: the same refusal under the same parameter, or the same file.

Isfahan's secure message and thread are sent among Isfahan's own centres (the factories send
theirs to Kerman's, which then is Kerman's to read).

One data set for the module (``_module_cast``'s transaction); each test's own changes roll back."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from typing import Any
from unittest import mock
from urllib.parse import urlencode, urlsplit

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.urls import resolve, reverse
from django.utils import timezone

from rasad.comms.models import Centre, Message
from rasad.comms.testing import centre_of
from rasad.conftest import client_for
from rasad.core.actions.people import do_grant_role
from rasad.core.models import Organization, Role
from rasad.jobs.exports import export_kinds, may_export
from rasad.jobs.models import ExportFile, ExportStatus
from rasad.jobs.testing import run_queued
from rasad.lib.jalali import JalaliPeriod
from rasad.lib.tabular import CSV_TYPE, XLSX_TYPE
from rasad.testing.authz import API
from rasad.testing.cast import Cast, refetched
from rasad.testing.factories import load_all
from rasad.testing.matrix import Endpoint, discover_endpoints
from rasad.testing.routes import api_schema, discover_pages
from rasad.testing.tabular import xlsx_sheets
from rasad.testing.web import signed_in_client, streamed

MISSING_PK = 2_000_000_000


def _collections() -> list[str]:
    """Every ``GET`` of the schema that names no record: ``/api/v1/cases/``,
    ``/api/v1/observations/completeness/``..."""
    return [
        path
        for path, operations in api_schema()["paths"].items()
        if "get" in operations and "{" not in path and path.startswith("/api/v1/")
    ]


def _query(path: str) -> dict[str, str]:
    row = API.get(f"GET {path}")
    return dict(row.query) if row is not None else {}


@pytest.fixture(scope="module")
def bob_before(
    _module_cast: Cast, kerman_baseline: Any, django_db_blocker: Any
) -> dict[str, tuple[int, Any]]:
    """Bob made Kerman's administrator, and what every collection answers him before Isfahan
    has any record."""
    with django_db_blocker.unblock():
        cast = refetched(_module_cast)
        administrator = Role.objects.get(slug="administrator")
        do_grant_role(cast.bob, administrator, acting_user=None, organization=cast.kerman)
        centre_of(cast, cast.kerman)  # the centre Kerman's messages are sent from
        client = client_for(cast.bob)
        return {path: _answer(client, path) for path in _collections()}


@pytest.fixture(scope="module")
def isfahan(
    _module_cast: Cast, bob_before: Any, bob_files_before: Any, django_db_blocker: Any
) -> dict[str, Any]:
    """One record of every model with a factory, made in Isfahan, by model label."""
    with django_db_blocker.unblock():
        cast = refetched(_module_cast)
        return {
            label: PRIVATE.get(label, factory.make)(cast, cast.isfahan)
            for label, factory in sorted(load_all().items())
        }


# ---- Isfahan's messages, kept among Isfahan's centres ------------------------------------------
# The comms factories send a message of Isfahan's to Kerman's centre (``_other_local``), which is
# then Kerman's to read: Isfahan's message and thread here go to a centre of Isfahan's own.


def _private_message(cast: Cast, organization: Organization) -> Message:
    from rasad.comms.actions import Draft, do_send_message
    from rasad.comms.testing import make_centre

    return do_send_message(
        Draft(
            sender=centre_of(cast, organization),
            recipients=[make_centre(cast, organization)],
            subject="پیام درون‌استانی",
            text="متن",
        ),
        acting_user=cast.root,
    )


PRIVATE: dict[str, Callable[[Cast, Organization], Any]] = {
    "comms.message": _private_message,
    "comms.thread": lambda cast, organization: _private_message(cast, organization).thread,
}


def _answer(client: Any, path: str, query: dict[str, str] | None = None) -> tuple[int, Any]:
    response = client.get(path, {**_query(path), **(query or {})})
    content_type = response.get("Content-Type", "")
    body = response.json() if content_type.startswith("application/json") else response.content
    return response.status_code, body


@pytest.mark.parametrize("path", _collections())
def test_a_collection_answers_kerman_the_same_with_isfahan_s_records(
    cast: Cast, bob_before: dict[str, tuple[int, Any]], isfahan: dict[str, Any], path: str
):
    assert _answer(client_for(cast.bob), path) == bob_before[path]


def _relation_filters(endpoint: Endpoint) -> list[tuple[str, type[models.Model], str]]:
    """(parameter, the model it names, the field of it the value is) of every filter of the
    endpoint's filterset that names one record: a relation of the listed model, by its key or by
    a unique field (``CodeFilter``: ``organization__code``)."""
    filterset = getattr(endpoint.viewset, "filterset_class", None)
    if filterset is None:
        return []
    found = []
    for name, declared in filterset.base_filters.items():
        relation, *rest = str(declared.field_name).split("__")
        try:
            field = endpoint.model._meta.get_field(relation)
        except FieldDoesNotExist:
            continue
        related = field.related_model
        if not field.is_relation or related is None or declared.lookup_expr != "exact" or len(rest) > 1:
            continue
        attribute = rest[0] if rest else "pk"
        if attribute == "pk" or getattr(related._meta.get_field(attribute), "unique", False):
            found.append((name, related, attribute))
    return found


def _filter_params() -> list[Any]:
    return [
        pytest.param(endpoint, name, model, field, id=f"{endpoint.route}?{name}")
        for endpoint in discover_endpoints()
        if endpoint.allows("list")
        for name, model, field in _relation_filters(endpoint)
        if _belongs_to_one(model)
    ]


def _belongs_to_one(model: type[models.Model]) -> bool:
    """Records of one organization (or one person): reference data every signed-in person reads
    (provinces, indicators, categories) is not Isfahan's."""
    label = model._meta.label_lower
    owned = label in load_all() or any(field.name == "organization" for field in model._meta.get_fields())
    return label in {"core.organization", "core.user"} or owned


@pytest.mark.parametrize(("endpoint", "name", "model", "field"), _filter_params())
def test_a_filter_naming_isfahan_s_record_reads_like_one_naming_nothing(
    cast: Cast, isfahan: dict[str, Any], endpoint: Endpoint, name: str, model: type[models.Model], field: str
):
    record = isfahan.get(model._meta.label_lower)
    if record is None:
        record = model._default_manager.filter(**_in_isfahan(model, cast)).first()
    assert record is not None, f"nothing of Isfahan's to name with {name}"
    client = client_for(cast.bob)
    named = _answer(client, endpoint.list_url, {name: str(getattr(record, field))})
    missing = _answer(client, endpoint.list_url, {name: "ZZ-MISSING" if field != "pk" else str(MISSING_PK)})
    assert named == missing, name


def _in_isfahan(model: type[models.Model], cast: Cast) -> dict[str, Any]:
    label = model._meta.label_lower
    if label == "core.organization":
        return {"pk": cast.isfahan.pk}
    if label == "core.user":
        return {"pk": cast.ali.pk}  # Isfahan's reporter, whom Bob cannot see
    names = {f.name for f in model._meta.get_fields()}
    return {"organization": cast.isfahan} if "organization" in names else {"pk": -1}


def _create_params() -> list[Any]:
    return [
        pytest.param(endpoint, id=endpoint.route)
        for endpoint in discover_endpoints()
        if endpoint.allows("create") and endpoint.factory is not None and endpoint.factory.create_payload
    ]


def _references(
    model: type[models.Model], payload: dict[str, Any]
) -> list[tuple[str, type[models.Model], str]]:
    """(key, the model it names, the field of it the value is) of every key of a create's body
    that names a record of one organization: by its key, or by a unique field (a code)."""
    found = []
    for key, value in payload.items():
        try:
            field = model._meta.get_field(key)
        except FieldDoesNotExist:
            continue
        related = field.related_model
        if not field.is_relation or related is None or not _belongs_to_one(related):
            continue
        one = value[0] if isinstance(value, list) and value else value
        if isinstance(one, int):
            found.append((key, related, "pk"))
            continue
        for candidate in related._meta.concrete_fields:
            plain = candidate.unique and not candidate.primary_key and not candidate.is_relation
            if plain and related._default_manager.filter(**{candidate.name: one}).exists():
                found.append((key, related, candidate.name))
                break
    return found


def _fields_of(response: Any) -> dict[str, Any]:
    assert response.status_code == 400, (response.status_code, response.content[:300])
    return dict(response.json()["error"]["fields"])


@pytest.mark.parametrize("endpoint", _create_params())
def test_a_create_naming_isfahan_s_record_is_refused_under_its_field(
    cast: Cast, isfahan: dict[str, Any], endpoint: Endpoint
):
    payload = _kerman_body(endpoint, cast)
    references = NAMED.get(endpoint.factory_label) or _references(endpoint.model, payload)
    assert references, f"{endpoint.route}: its body names no record"
    _assert_swaps_refused(client_for(cast.bob), endpoint.list_url, payload, references, isfahan, cast)


def _assert_swaps_refused(
    client: Any,
    url: str,
    payload: dict[str, Any],
    references: list[tuple[str, type[models.Model], str]],
    isfahan: dict[str, Any],
    cast: Cast,
) -> None:
    """``payload`` with each reference made Isfahan's is refused under its key, in the words a
    missing record gets; ``payload`` itself is made (Bob may send it: the swap is the refusal)."""
    for key, model, field in references:
        record = (
            isfahan.get(model._meta.label_lower)
            or model._default_manager.filter(**_in_isfahan(model, cast)).first()
        )
        assert record is not None, key
        named, missing = getattr(record, field), MISSING_PK if field == "pk" else "ZZ-MISSING"

        def body(value: Any, key: str = key) -> dict[str, Any]:
            return {**payload, key: [value] if isinstance(payload[key], list) else value}

        refused = _fields_of(client.post(url, body(named), format="json"))
        assert key in refused, (key, refused)
        absent = _fields_of(client.post(url, body(missing), format="json"))
        words = re.compile(re.escape(str(missing)) + "|" + re.escape(str(named)))
        assert words.sub("<value>", str(refused[key])) == words.sub("<value>", str(absent[key])), key
    made = client.post(url, payload, format="json")
    assert made.status_code == 201, (made.status_code, made.json())


# ---- Kerman's own bodies, where the factory's names what Bob may not ---------------------------
# A body Bob may send in Kerman. The factories' bodies for Kerman name the national centre (NAT)
# as a programme's other party, a party's or a member agency's organization, and an outcome's
# application is made under ISF-CC: those are given here with Kerman's records instead.
# A message names its sender by the centre's code (the organization's, not a field of the
# centre's), and may be sent to any centre hosted here (Isfahan's too): only its sender is swapped.
NAMED: dict[str, list[tuple[str, type[models.Model], str]]] = {"comms.message": [("sender", Centre, "code")]}


def _kerman_programme(cast: Cast) -> dict[str, Any]:
    """The factory's programme of Kerman's, with Kerman's post its other party (not NAT)."""
    make_payload = load_all()["programs.programme"].create_payload
    assert make_payload is not None
    payload: dict[str, Any] = dict(make_payload(cast, cast.kerman))
    parties = [p for p in payload["parties"] if p["organization"] != cast.national.code]
    return {**payload, "parties": parties}


def _kerman_party(cast: Cast) -> dict[str, Any]:
    """A third organization of Kerman's joining a programme of Kerman and its post."""
    from rasad.core.actions.organizations import OrganizationValues, do_create_organization
    from rasad.programs.testing import make_programme

    programme = make_programme(cast, cast.kerman, parties=[cast.kerman_post])
    office = do_create_organization(
        OrganizationValues(code="KER-P2", name="پاسگاه دوم کرمان", kind="field_post", parent=cast.kerman),
        acting_user=cast.root,
    )
    return {
        "programme": programme.pk,
        "organization": office.code,
        "signatory_name": "امضاکننده",
        "signatory_title": "رئیس",
    }


def _kerman_member(cast: Cast) -> dict[str, Any]:
    return {"hq": cast.kerman.code, "agency": cast.kerman_post.code}


def _kerman_outcome(cast: Cast) -> dict[str, Any]:
    from rasad.greenjobs.testing import paid_application

    application = paid_application(cast, cast.kerman)
    return {"application": application.number, "milestone": "6", "jobs_created": 3, "jobs_retained": 5}


KERMAN_BODIES = {
    "programs.programme": _kerman_programme,
    "programs.party": _kerman_party,
    "media.memberagency": _kerman_member,
    "greenjobs.outcomereport": _kerman_outcome,
}


def _kerman_body(endpoint: Endpoint, cast: Cast) -> dict[str, Any]:
    label = endpoint.factory_label
    if label in KERMAN_BODIES:
        return KERMAN_BODIES[label](cast)
    assert endpoint.factory is not None and endpoint.factory.create_payload is not None
    return dict(endpoint.factory.create_payload(cast, cast.kerman))


# ---- a course's prerequisites ------------------------------------------------------------------


def test_a_course_naming_isfahan_s_course_as_prerequisite_is_refused(cast: Cast, isfahan: dict[str, Any]):
    from rasad.training.models import Course
    from rasad.training.testing import make_course

    endpoint = next(e for e in discover_endpoints() if e.factory_label == "training.course")
    payload = {**_kerman_body(endpoint, cast), "prerequisites": [make_course(cast.kerman).code]}
    references: list[tuple[str, type[models.Model], str]] = [("prerequisites", Course, "code")]
    _assert_swaps_refused(client_for(cast.bob), endpoint.list_url, payload, references, isfahan, cast)


# ---- exports -------------------------------------------------------------------------------------
# Every list or report that can be exported (``rasad.jobs.exports``: every export is a registered
# kind, written by the one tabular module), asked for as Bob through the API and through the web
# pages' export request (where every page's export link leads, ``jobs:export-request``): the file
# holds the rows, header and count it holds in a world without Isfahan's records, the confirming
# page announces that count, and a kind he may not export is refused alike in both worlds.


@pytest.fixture(scope="module")
def kerman_baseline(_module_cast: Cast, django_db_blocker: Any) -> Any:
    """A baseline of Kerman's, the one Bob names in the baseline report (made before either
    world, so both hold it)."""
    with django_db_blocker.unblock():
        cast = refetched(_module_cast)
        return load_all()["indicators.baseline"].make(cast, cast.kerman)


@pytest.fixture(scope="module")
def bob_files_before(
    _module_cast: Cast, bob_before: Any, kerman_baseline: Any, django_db_blocker: Any
) -> dict[str, tuple[int, Any]]:
    """Every export Bob asks for before Isfahan has any record (through the API), the files
    rolled back with the rest of what asking for them wrote (his notifications, the audit)."""
    with django_db_blocker.unblock(), transaction.atomic(), _one_moment():
        cast = refetched(_module_cast)
        client = client_for(cast.bob)
        names = sorted(export_kinds())
        asked = {name: _ask(client, name, _bob_params(name, cast, kerman_baseline)) for name in names}
        run_queued()
        files = {name: _file(client, name, answer) for name, answer in asked.items()}
        web = signed_in_client(cast.bob)
        files.update({url: _downloaded(web, url) for url in _file_urls()})
        transaction.set_rollback(True)
    return files


def _one_moment() -> Any:
    """Every report read as prepared at one moment: its «prepared at» line is the minute it was
    built, which the two worlds' files need not share."""
    return mock.patch("rasad.reports.definitions.now_text", return_value="۱۴۰۵/۰۹/۱۵ ۱۰:۰۰")


def _tabular_format(name: str) -> str:
    """CSV where a kind writes it, else Excel (a report: Excel or PDF): every format of a kind
    writes the same rows (``rasad.lib.tabular``)."""
    formats = [f for f in ("csv", "xlsx") if f in export_kinds()[name].formats]
    assert formats, f"{name}: no tabular format"
    return formats[0]


def _bob_params(name: str, cast: Cast, baseline: Any) -> dict[str, list[str]]:
    """What Bob asks for: a list as it is; a report of Kerman's, last month (or season), the
    baseline his."""
    from rasad.reports.definitions import REPORTS

    definition = REPORTS.get(name.removeprefix("report-")) if name.startswith("report-") else None
    if definition is None:
        return {}
    today = timezone.localdate()
    values = {
        "organization": str(cast.kerman.pk),
        "month": JalaliPeriod.containing(today, "month").previous().key,
        "season": JalaliPeriod.containing(today, "season").previous().key,
        "baseline": str(baseline.pk),
    }
    return {parameter.name: [values[parameter.kind]] for parameter in definition.parameters}


def _rows(content: bytes, file_format: str) -> list[Any]:
    """Every row of the file, as a spreadsheet program reads it (openpyxl; every sheet)."""
    if file_format == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return [list(sheet) for sheet in xlsx_sheets(content)]


def _ask(client: Any, name: str, params: dict[str, list[str]]) -> tuple[int, Any]:
    """The export asked for through the API: 202 and the file's id, or the refusal."""
    body = {"kind": name, "format": _tabular_format(name), "filters": params}
    asked = client.post(reverse("jobs-api:export-list"), body, format="json")
    return asked.status_code, asked.json()["id"] if asked.status_code == 202 else asked.json()


def _file(client: Any, name: str, asked: tuple[int, Any]) -> tuple[int, Any]:
    """The file asked for (``_ask``) once a worker prepared it: its row count and rows, through
    the API; or the refusal."""
    status, answer = asked
    if status != 202:
        return asked
    export = ExportFile.objects.get(pk=answer)
    assert export.status == ExportStatus.READY, (name, export.status, export.error)
    download = client.get(reverse("jobs-api:export-download", args=[export.pk]))
    assert download.status_code == 200, name
    return 202, (export.row_count, _rows(streamed(download), _tabular_format(name)))


@pytest.mark.parametrize("name", sorted(export_kinds()))
def test_an_export_holds_none_of_isfahan_s_rows(
    cast: Cast, isfahan: dict[str, Any], bob_files_before: dict[str, Any], kerman_baseline: Any, name: str
):
    kind = export_kinds()[name]
    params = _bob_params(name, cast, kerman_baseline)
    file_format = _tabular_format(name)
    status, before = bob_files_before[name]
    assert (status == 202) == may_export(cast.bob, kind, params), (name, status, before)
    client, web = client_for(cast.bob), signed_in_client(cast.bob)
    page_url = reverse("jobs:export-request", args=[name, file_format])
    if params:
        page_url += "?" + urlencode(params, doseq=True)
    with _one_moment():
        asked = _ask(client, name, params)
        if status == 202:
            page = web.get(page_url)  # the page every export link leads to: how many rows
            assert page.status_code == 200, name
            if kind.queryset is not None:
                assert page.context["count"] == before[0], name
            posted = web.post(page_url)
            assert posted.status_code == 302, name
        run_queued()
        status_now, now = _file(client, name, asked)
    assert status_now == status, (name, now)
    if status != 202:
        assert now == before, name
        return
    (count, rows), (count_now, rows_now) = before, now
    assert (count_now, len(rows_now)) == (count, len(rows)), name
    assert rows_now[:2] == rows[:2], f"{name}: the header"
    assert rows_now == rows, name
    web_file = int(posted["Location"].rstrip("/").split("/")[-1])
    download = web.get(reverse("jobs:export-download", args=[web_file]))
    assert download.status_code == 200, name
    assert _rows(streamed(download), file_format) == rows, f"{name}: through the web"


# Files the pages serve themselves (import templates, a list's «export» address): every page
# route that names no record and ends in a file's extension. A template must hold the same rows
# with Isfahan's records as without; an export address leads to the export request of a
# registered kind (checked above).
FILE_ROUTE = re.compile(r"\.(xlsx|csv|<\w+:fmt>)$")


def _file_urls() -> list[str]:
    urls = []
    for page in discover_pages():
        if not FILE_ROUTE.search(page.route) or set(page.arguments) - {"fmt"}:
            continue
        formats = ("xlsx", "csv") if "fmt" in page.arguments else ("",)
        urls += [page.url(fmt=fmt) if fmt else page.url() for fmt in formats]
    return urls


def _downloaded(client: Any, url: str) -> tuple[int, Any]:
    response = client.get(url)
    if response.status_code == 302:
        return 302, response["Location"]
    content_type = response.get("Content-Type", "")
    file_format = {XLSX_TYPE: "xlsx", CSV_TYPE: "csv"}.get(content_type)
    if response.status_code != 200 or file_format is None:
        return response.status_code, content_type
    content = streamed(response) if response.streaming else response.content
    return 200, _rows(content, file_format)


@pytest.mark.parametrize("url", _file_urls())
def test_a_file_a_page_serves_holds_none_of_isfahan_s_rows(
    cast: Cast, isfahan: dict[str, Any], bob_files_before: dict[str, Any], url: str
):
    status, before = bob_files_before[url]
    assert _downloaded(signed_in_client(cast.bob), url) == (status, before)
    if status == 302:
        match = resolve(urlsplit(before).path)
        assert match.view_name == "jobs:export-request" and match.kwargs["kind"] in export_kinds(), before
    else:
        assert status == 200 and before, (url, status, before)


# ---- an export's parameters naming one of Isfahan's records -----------------------------------
# Every parameter of every registered kind that names a record, found as the filter parameters
# are: a kind's list reads its page's filterset (the one ``apply_filters`` is handed, caught as
# the kind makes its rows), a report reads its definition's parameters, and a kind that is
# neither is described in ``OTHER_PARAMETERS`` (a new one fails until it is). Given one of
# Isfahan's records, the request answers as it does given a record that does not exist: the same
# refusal under the same parameter, or a file of the same rows; through the API and through the
# web's export request (its count, its refusal).

# Method filters whose value is no record (a search, a tag): any other method filter must say in
# its label or help which record it names («Organization (id)», «A party's organization code»).
NOT_A_RECORD = {"q", "sector", "tag"}
NAMED_BEFORE = re.compile(r"([a-z]+)(?:'s)?\s*\(?(?:id|code)\b")

# The kinds with neither a filterset nor a report's definition: (parameter, the model it names,
# the field of it the value is), as their ``validate`` reads them.
OTHER_PARAMETERS: dict[str, list[tuple[str, str, str]]] = {
    "assessment-compliance": [("cycle", "assessments.cycle", "pk"), ("under", "core.organization", "code")],
    "media-figures": [],  # a period only
    "training-compliance": [],  # no parameter
}


def _filterset_of(kind: Any, user: Any) -> Any:
    """The filterset class the kind's rows are filtered with (None: it has none), caught as the
    kind makes its rows for ``user`` with no parameter."""
    from django_filters.filterset import BaseFilterSet

    if kind.queryset is None:
        return None
    made: list[type] = []
    original = BaseFilterSet.__init__

    def caught(self: Any, *args: Any, **kwargs: Any) -> None:
        made.append(type(self))
        original(self, *args, **kwargs)

    with mock.patch.object(BaseFilterSet, "__init__", caught):
        try:
            kind.queryset(user, {})
        except Exception:  # a kind refusing no parameter (the compliance's cycle) has no filterset
            return None
    return made[0] if made else None


def _english(text: Any) -> str:
    from django.utils import translation

    with translation.override("en"):
        return str(text or "").lower()


def _model_named(word: str) -> type[models.Model] | None:
    from django.apps import apps

    return next(
        (m for m in apps.get_models() if word in (m._meta.model_name, _english(m._meta.verbose_name))), None
    )


def _filter_names(model: type[models.Model], declared: Any) -> tuple[type[models.Model], str] | None:
    """The record a filter's value names (the model and its field), or None: its field path
    through the listed model's relations, ending at one (by key) or at a unique field of the last
    (``party__organization__code``); a method filter by what its label or help names
    («Party (organization id)»: an organization, by id)."""
    import django_filters

    if isinstance(declared, django_filters.BooleanFilter | django_filters.ChoiceFilter):
        return None
    if isinstance(declared, django_filters.MultipleChoiceFilter):
        return None
    if declared.method is not None:
        text = _english(declared.label) + " " + _english(getattr(declared, "extra", {}).get("help_text"))
        found = NAMED_BEFORE.search(text)
        named = _model_named(found.group(1)) if found else None
        assert named is not None or declared.field_name in NOT_A_RECORD, (
            f"{model.__name__}: which record does the filter {declared.field_name!r} name?"
        )
        if named is None:
            return None
        return named, "pk" if isinstance(declared, django_filters.NumberFilter) else "code"
    if declared.lookup_expr not in ("exact", "iexact"):
        return None
    current, named_field = model, None
    for part in str(declared.field_name).split("__"):
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        if field.is_relation and field.related_model is not None:
            current, named_field = field.related_model, "pk"
        elif (
            named_field is not None
            and getattr(field, "unique", False)
            and not getattr(field, "primary_key", 0)
        ):
            return current, part
        else:
            return None
    return (current, "pk") if named_field else None


def _record_parameters(name: str, cast: Cast) -> list[tuple[str, type[models.Model], str]]:
    """(parameter, the model it names, the field of it the value is) of every parameter of the
    kind that names a record of one organization."""
    from django.apps import apps

    from rasad.reports.definitions import REPORTS

    kind = export_kinds()[name]
    found: list[tuple[str, type[models.Model], str]] = []
    definition = REPORTS.get(name.removeprefix("report-")) if name.startswith("report-") else None
    filterset = _filterset_of(kind, cast.bob)
    if definition is not None:
        for parameter in definition.parameters:
            model = _model_named(parameter.kind)
            if model is not None:
                found.append((parameter.name, model, "pk"))
    elif filterset is not None:
        model = filterset._meta.model
        for parameter, declared in filterset.base_filters.items():
            named = _filter_names(model, declared)
            if named is not None:
                found.append((parameter, *named))
    else:
        assert name in OTHER_PARAMETERS, f"{name}: which of its parameters name a record?"
        found = [(p, apps.get_model(label), field) for p, label, field in OTHER_PARAMETERS[name]]
    return [(parameter, model, field) for parameter, model, field in found if _belongs_to_one(model)]


def _parameter_cases() -> list[Any]:
    return [pytest.param(name, id=name) for name in sorted(export_kinds())]


def _isfahan_record(model: type[models.Model], isfahan: dict[str, Any], cast: Cast) -> Any:
    label = model._meta.label_lower
    if label == "core.organization":
        return cast.isfahan
    record = isfahan.get(label) or model._default_manager.filter(**_in_isfahan(model, cast)).first()
    assert record is not None, f"nothing of Isfahan's {label} to name"
    return record


def _asked_through_both(cast: Cast, name: str, params: dict[str, list[str]], value: str) -> Any:
    """What Bob is answered asking for the export with ``params``: through the API (the refusal,
    or the file's count and rows once prepared) and through the web's export request (its page's
    count or refusal, and what asking answers); ``value`` read as «<value>» in any refusal."""
    from rasad.jobs.models import ExportFile

    file_format = _tabular_format(name)
    client, web = client_for(cast.bob), signed_in_client(cast.bob)
    page_url = reverse("jobs:export-request", args=[name, file_format]) + "?" + urlencode(params, doseq=True)
    with _one_moment():
        asked = _ask(client, name, params)
        page = web.get(page_url)
        posted = web.post(page_url)
        run_queued()
        answer = _file(client, name, asked)
    words = re.compile(re.escape(value))

    def refusals(response: Any) -> list[str]:
        return [words.sub("<value>", str(e)) for e in (response.context or {}).get("errors") or []]

    status, body = answer
    if status != 202:  # the refusal, its words with the value as «<value>»; not its request's id
        body = {key: words.sub("<value>", str(v)) for key, v in body["error"].items() if key != "request_id"}
    page_answer = [page.status_code, (page.context or {}).get("count"), refusals(page), posted.status_code]
    if posted.status_code == 302:
        export = ExportFile.objects.get(pk=int(posted["Location"].rstrip("/").split("/")[-1]))
        page_answer.append((export.status, export.row_count))
    else:
        page_answer.append(refusals(posted))
    return (status, body), page_answer


def test_the_record_parameters_are_found(cast: Cast):
    """The discovery finds what the module needs: the kinds' parameters that name a record."""
    found = {name: {p for p, _m, _f in _record_parameters(name, cast)} for name in export_kinds()}
    assert {"owner_organization_id", "within_id", "dossier_id"} <= found["cases"]
    assert {"party", "party_id", "organization"} <= found["programmes"]
    assert {"event_id", "organization_id"} <= found["training-roster"]
    assert found["assessment-compliance"] == {"cycle", "under"}
    assert found["risk-register"] == {"organization"}
    assert "organization" in found["report-case-status"]
    assert found["report-baseline"] == {"baseline"}


@pytest.mark.parametrize("name", sorted(export_kinds()))
def test_an_export_naming_isfahan_s_record_answers_as_one_naming_nothing(
    cast: Cast, isfahan: dict[str, Any], kerman_baseline: Any, name: str
):
    parameters = _record_parameters(name, cast)
    base = _bob_params(name, cast, kerman_baseline)
    for parameter, model, field in parameters:
        record = _isfahan_record(model, isfahan, cast)
        named = str(getattr(record, field))
        missing = str(MISSING_PK) if field == "pk" else "ZZ-MISSING"
        answered = _asked_through_both(cast, name, {**base, parameter: [named]}, named)
        absent = _asked_through_both(cast, name, {**base, parameter: [missing]}, missing)
        assert answered == absent, (name, parameter)
