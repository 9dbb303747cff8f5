"""Indicator actions: reporting.

One path records every batch, from the form, the Excel/CSV import and the bulk API, on SQLite and
PostgreSQL alike (docs/development/benchmarks.md has the figures):

1. The rows are checked (scope, assignment, periods, duplicates, locked periods): one statement
   reads the approved periods and the assignments of the batch's organizations.
2. On PostgreSQL that statement also locks the (organization, period) pairs of the batch
   (transaction advisory locks, in one order), so two batches touching the same key cannot both
   believe a row new, and a row's check against its period's other values (rules) sees them
   all; batches of other organizations or other periods never wait on each other (a batch's
   outlier history, earlier periods, is what was committed when it took its locks, the next
   statement). A period approved meanwhile is found again in step 4.
3. The rules of the batch's indicators are read by the same statement (they are not what the
   locks protect; the locks are its last part).
4. One indexed query reads what the batch needs: the stored rows of its keys and, for the outlier
   check, the ``HISTORY_WINDOW`` periods before each reported period (never the whole history);
   the same statement reads the ids of the targets of the batch's organizations and years.
5. Findings, created/updated/unchanged and rollup deltas are computed in Python.
6. Changed rows are merged with one ``INSERT … SELECT … ON CONFLICT DO UPDATE``: from a temporary
   staging table filled by binary COPY for large batches on PostgreSQL, from a multi-row
   ``VALUES`` list otherwise (and always on SQLite). A large batch whose rows were all read as
   new in step 4, under the locks of step 2, inserts them without ``ON CONFLICT`` (``_merge``).
7. Targets are checked (alerts and breach handlers in the same transaction); the rollup deltas,
   the client's batch id and the batch's one audit event come last, so the lock-sensitive part
   is as short as possible.
8. A client's batch id is claimed with its answer in one statement (``INSERT … ON CONFLICT DO
   NOTHING``); a batch id already recorded conflicts, and the batch rolls back and returns the
   stored answer, so it writes nothing. A twin sent at the same moment waits on the first one's
   period locks, finds its values there, and conflicts on the claim the same way.

On PostgreSQL, when nothing has to be read between the upsert and the end (the common write: no
target to check, nothing to submit, too few rows for the COPY), steps 6 to 8 are one statement
(``_write_at_once``): the upsert, the rollup deltas, the claim and the audit event, so that a
one-row write holds its locks for three round trips (the history, this statement, the commit).

On PostgreSQL a batch of fewer than ``GENERIC_PLANS_BELOW`` rows runs its transaction's prepared
statements on generic plans (planned once per connection, not again at every run for the
batch's values), asked for in the check's round trip; the check's approved periods and the
history are read by the batch's (organization, period) pairs and series joined by index
(``_pairs``), so that such a plan reads only what the batch needs, whatever its size and the
length of the record.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import json
import re
import zlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rasad.core import audit_log
from rasad.core.access import ObjectNotFound
from rasad.core.models import Organization, User
from rasad.core.models.organizations import common_ancestor_id
from rasad.core.scope import organization_scope
from rasad.indicators import rollups, validation
from rasad.indicators.actions.approval import (
    _submit,
)
from rasad.indicators.actions.targets import (
    check_targets,
)
from rasad.indicators.audit import IndicatorAuditEvent, appending_batch, audit_batch
from rasad.indicators.choices import (
    ObservationSource,
    ObservationStatus,
    Periodicity,
)
from rasad.indicators.models import (
    Alert,
    Assignment,
    Indicator,
    IndicatorRule,
    Observation,
    ObservationBatch,
    Target,
)
from rasad.lib import formatting, prepared
from rasad.lib.events import send_event_on_commit
from rasad.lib.jalali import JalaliPeriod, today_in_tehran
from rasad.lib.persian import normalize_text
from rasad.lib.prepared import Array, Many, PreparedQuery


@dataclass
class ObservationInput:
    """One value to record, already parsed; ``row`` names its place in the batch (file row or
    list index) for error messages."""

    organization: Organization
    indicator: Indicator
    period: JalaliPeriod
    value: float
    comment: str = ""
    row: int = 0


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class BatchResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    digest: str = ""
    observation_ids: list[int] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    # The stored answer of a batch id recorded before; nothing was written this time.
    replayed: dict[str, Any] | None = None

    @functools.cached_property
    def observations(self) -> list[Observation]:
        """The batch's observations (written or unchanged), in batch order; one query."""
        by_id = Observation.objects.select_related("indicator", "organization").in_bulk(self.observation_ids)
        return [by_id[pk] for pk in self.observation_ids if pk in by_id]

    def to_dict(self) -> dict[str, Any]:
        if self.replayed is not None:
            return dict(self.replayed)
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "sha256": self.digest,
            "alerts": len(self.alerts),
        }


@dataclass(frozen=True)
class BatchClaim:
    """A client's batch id with the digest of what was sent under it, and what the caller adds
    to the stored answer (the rows it rejected, when valid rows are applied)."""

    batch_id: str
    digest: str
    extra: dict[str, Any] = field(default_factory=dict)


def request_digest(payload: Any) -> str:
    """SHA-256 of a request's content in canonical JSON (key order and spacing do not matter)."""
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _batch_reused_error() -> ValidationError:
    return ValidationError(
        {"batch_id": [_("This batch id was already used for a different batch; send a new batch id.")]}
    )


def recorded_batch(user: User | None, batch_id: str, digest: str) -> dict[str, Any] | None:
    """The stored answer of ``batch_id`` if ``user`` recorded it before (a quick read, no lock);
    a different batch under the same id is refused."""
    if user is None or not batch_id:
        return None
    stored = ObservationBatch.objects.filter(user=user, batch_id=batch_id).values("digest", "result").first()
    if stored is None:
        return None
    if stored["digest"] != digest:
        raise _batch_reused_error()
    result: dict[str, Any] = stored["result"]
    return result


class BatchReplayed(Exception):
    """The batch id was recorded before (or by a twin that committed while this batch waited on
    the claim): raised inside the recording transaction so that everything it wrote rolls back;
    ``answer`` is the stored answer."""

    def __init__(self, answer: dict[str, Any]) -> None:
        super().__init__("batch recorded before")
        self.answer = answer


_CLAIM = (
    f"INSERT INTO {ObservationBatch._meta.db_table} (user_id, batch_id, digest, result, created) "  # noqa: S608
    "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (user_id, batch_id) DO NOTHING RETURNING id"
)
# On PostgreSQL the claim appends the batch's rollup deltas too (``rollups.APPEND_DELTAS``).
_CLAIM_APPENDING = f"WITH {rollups.APPEND_DELTAS} {_CLAIM}"


def _claim(
    user: User, claim: BatchClaim, answer: dict[str, Any], deltas: rollups.Deltas | None = None
) -> None:
    """Record the batch id with its answer, in one statement, as the batch's last write before
    its audit event; on PostgreSQL the same statement appends the batch's rollup ``deltas`` when
    they are few (a one-row write's), which would otherwise take a COPY of their own. A batch
    id recorded before conflicts: its stored answer is read (only then) and ``BatchReplayed``
    rolls this transaction back, with the deltas. A twin sent at the same moment waits here on
    the unique index until the first commits, then conflicts the same way. Prepared on each
    connection (``rasad.lib.prepared``): the statement is the same for every batch."""
    params = _claim_params(user, claim, answer)
    if connection.vendor == "postgresql":
        handed = (rollups.Deltas() if deltas is None else deltas).apply(hand_over=True)
        claimed = prepared.fetch(_CLAIM_APPENDING, [handed, *params])
    else:
        if deltas is not None:
            deltas.apply()
        claimed = prepared.fetch(_CLAIM, params)
    if not claimed:
        raise BatchReplayed(recorded_batch(user, claim.batch_id, claim.digest) or {})


def _claim_params(user: User, claim: BatchClaim, answer: dict[str, Any]) -> list[Any]:
    return [user.pk, claim.batch_id, claim.digest, json.dumps(answer, ensure_ascii=False), timezone.now()]


def batch_digest(rows: Sequence[ObservationInput]) -> str:
    canonical = sorted(
        [r.organization.code, r.indicator.code, r.period.key, repr(float(r.value)), r.comment] for r in rows
    )
    return hashlib.sha256(json.dumps(canonical, ensure_ascii=False).encode()).hexdigest()


def check_record_observations(
    rows: Sequence[ObservationInput], *, acting_user: User | None, lock: bool = False
) -> list[RowError]:
    """Everything that makes a parsed row unacceptable: scope, assignment, kind of indicator,
    periodicity, a future period, a duplicate in the batch, or a locked (approved) period.

    ``lock``: the rows are about to be recorded in this transaction, so their (organization,
    period) locks are taken in the statement that reads what the check needs (step 2 of the
    module docstring)."""
    errors: list[RowError] = []
    add_scope = organization_scope(acting_user, Observation, "add") if acting_user is not None else None
    seen: dict[tuple[int, int, str], int] = {}
    today = today_in_tehran()
    organizations = {r.organization.id: r.organization for r in rows}
    locked, assigned = _read_facts(rows, organizations, lock=lock)
    # Scope depends on the organization only: judged once per organization, not per row.
    in_scope = {
        pk: add_scope is None or add_scope.contains(organization)
        for pk, organization in organizations.items()
    }
    nothing: set[int] = set()
    for r in rows:
        org_id = r.organization.id
        indicator, period = r.indicator, r.period
        key = (org_id, indicator.id, period.key)
        # The common row, passed without building its (empty) lists of errors: the same tests
        # as below, in the same order.
        if (
            in_scope[org_id]
            and not indicator.is_derived
            and indicator.id in assigned.get(org_id, nothing)
            and period.kind == indicator.periodicity
            and period.start <= today
            and key not in seen
            and (org_id, period.key) not in locked
        ):
            seen[key] = r.row
            continue
        if not in_scope[org_id]:
            errors.append(
                RowError(r.row, "organization", _("Unknown organization, or you may not report for it."))
            )
            continue
        errors.extend(_indicator_errors(r, assigned.get(org_id, nothing)))
        duplicate_of = seen.get(key)
        if duplicate_of is None:
            seen[key] = r.row
        errors.extend(_period_errors(r, today=today, duplicate_of=duplicate_of, locked=locked))
    return errors


def _read_facts(
    rows: Sequence[ObservationInput], organizations: dict[int, Organization], *, lock: bool
) -> tuple[set[tuple[int, str]], dict[int, set[int]]]:
    """What the check reads, in one statement: the rows' periods that are approved, hence locked
    ((organization id, period key)), and the indicators assigned to each organization (to
    itself, or to an ancestor with its descendants); with ``lock``, on PostgreSQL, the same
    statement takes the (organization, period) locks (``_LOCKS``). ``organizations``: the rows'
    organizations by id."""
    if not rows:
        return set(), {}
    ancestors = {a for o in organizations.values() for a in o.ancestor_ids()}
    values: dict[str, Any] = {
        "organizations": organizations,
        "periods": {r.period.key for r in rows},
        "ancestors": ancestors,
    }
    facts = _FACTS
    generic = False
    if lock:
        # The rows are about to be recorded: the rules of their indicators come along (one
        # statement fewer, and one round trip fewer while the locks are held).
        facts = _FACTS_RECORDING
        values["indicators"] = {r.indicator.id for r in rows}
        if connection.vendor == "postgresql":
            facts = _FACTS_LOCKING
            pairs = sorted({(r.organization.id, r.period.key) for r in rows})
            values["sites"] = [org_id for org_id, _key in pairs]
            values["months"] = [key for _org_id, key in pairs]
            values["keys"] = _lock_keys(set(pairs))
            generic = len(rows) < GENERIC_PLANS_BELOW
    locked: set[tuple[int, str]] = set()
    reach: list[tuple[int, int, bool]] = []
    provinces: dict[int, str] = {}
    rules: list[list[Any]] = []
    if generic:
        # The write's transaction begins here: its prepared statements run on generic plans,
        # asked for with its BEGIN (``prepared.generic_plans``).
        prepared.generic_plans()
    fetched = facts.rows(**values)
    for kind, org_id, period_key, indicator_id, subtree, *rule in fetched:
        if kind == "locked":
            locked.add((org_id, period_key))
        elif kind == "assigned":
            reach.append((org_id, indicator_id, bool(subtree)))
        elif kind == "province":
            provinces[org_id] = period_key or ""
        elif kind == "rule":
            rules.append(rule)
    if lock:
        batch_rules = _rules_from(values["indicators"], rules)
        for r in rows:
            r.indicator.__dict__[_RULES] = batch_rules
    # Each organization's province, its own or its nearest ancestor's (``rollups.province_codes``,
    # which ``_plan`` asks only about organizations this did not see).
    for pk, organization in organizations.items():
        code = provinces.get(pk, "")
        for ancestor in reversed(organization.ancestor_ids()):
            if code:
                break
            code = provinces.get(ancestor, "")
        organization.__dict__[_PROVINCE] = code
    assigned: dict[int, set[int]] = {}
    lineage = {pk: set(o.ancestor_ids()) for pk, o in organizations.items()}
    for org_id, indicator_id, subtree in reach:
        for pk, above in lineage.items():
            if org_id == pk or (subtree and org_id in above):
                assigned.setdefault(pk, set()).add(indicator_id)
    return locked, assigned


def _facts(
    organizations: list[int],
    ancestors: list[int],
    periods: list[str] | None = None,
    indicators: list[int] | None = None,
    keys: list[int] | None = None,
    sites: list[int] | None = None,
    months: list[str] | None = None,
) -> tuple[str, list[Any]]:
    """``_read_facts``' statement: the approved periods, the assignments and the provinces; the
    rules of ``indicators`` when they are given (``_rules_from``'s rows, each padded after the
    facts' columns); and the locks, last, when ``keys`` (the lock keys) are given. The approved
    periods are those of ``organizations`` and ``periods``, or without ``periods`` (PostgreSQL)
    those of the batch's (organization, period) pairs (``sites`` and ``months``, joined by
    index: ``_pairs``). Compiled once per process (``_FACTS``)."""
    if periods is None:
        table = Observation._meta.db_table
        locked_sql = (
            f"SELECT o.organization_id, o.period_key FROM {_pairs('organization_id', 'period_key')} "  # noqa: S608
            f"JOIN {table} AS o ON o.organization_id = pair.organization_id "
            "AND o.period_key = pair.period_key WHERE o.status = %s"
        )
        locked_params: Any = [sites, months, ObservationStatus.APPROVED.value]
    else:
        locked_sql, locked_params = (
            Observation.objects.filter(
                organization_id__in=organizations, period_key__in=periods, status=ObservationStatus.APPROVED
            )
            .order_by()
            .values_list("organization_id", "period_key")
            .query.sql_with_params()
        )
    assigned_sql, assigned_params = (
        Assignment.objects.filter(
            Q(organization_id__in=organizations) | Q(organization_id__in=ancestors, include_descendants=True)
        )
        .order_by()
        .values_list("organization_id", "indicator_id", "include_descendants")
        .query.sql_with_params()
    )
    provinces_sql, provinces_params = (
        Organization.objects.filter(Q(pk__in=organizations) | Q(pk__in=ancestors))
        .order_by()
        .values_list("pk", "province__code")
        .query.sql_with_params()
    )
    # With the rules, every part of the UNION has their columns too, NULL where it has none
    # (typed: PostgreSQL resolves the columns' types part by part).
    no_rule = _NO_RULE if indicators is not None else ""
    # Django compiled every part, with every value as a parameter: nothing is interpolated.
    sql = (
        f"SELECT 'locked', l.*, NULL, NULL{no_rule} FROM ({locked_sql}) AS l "  # noqa: S608
        f"UNION ALL SELECT 'assigned', a.organization_id, NULL, a.indicator_id, a.include_descendants"
        f"{no_rule} FROM ({assigned_sql}) AS a "
        f"UNION ALL SELECT 'province', p.*, NULL, NULL{no_rule} FROM ({provinces_sql}) AS p"
    )
    params = [*locked_params, *assigned_params, *provinces_params]
    if indicators is not None:
        rules_sql, rules_params = _rules_query(indicators).query.sql_with_params()
        sql += f" UNION ALL SELECT 'rule', NULL, NULL, NULL, NULL, r.* FROM ({rules_sql}) AS r"  # noqa: S608
        params.extend(rules_params)
    if keys is not None:
        sql += f" UNION ALL SELECT 'locks', count(*), NULL, NULL, NULL{no_rule} FROM ({_LOCKS}) AS taken"  # noqa: S608
        params.append(keys)
    return sql, params


def _pairs(*columns: str, name: str = "pair") -> str:
    """PostgreSQL: the rows of aligned array parameters, one a column (``unnest(%s::bigint[],
    %s::text[]) AS pair(organization_id, period_key)``; a column named ``…_id`` is a bigint,
    any other text), to join a table on by index. Written so, a generic plan does not depend
    on how many pairs a batch has: it looks each one up by its index (a nested loop), where
    ``organization_id = ANY(%s) AND period_key = ANY(%s)`` was planned for lists of ten (the
    default guess for an array parameter) and kept only the first column as its index
    condition once a site had years of history (docs/development/benchmarks.md, session 19)."""
    arrays = ", ".join("%s::bigint[]" if column.endswith("_id") else "%s::text[]" for column in columns)
    return f"unnest({arrays}) AS {name}({', '.join(columns)})"


# A fact's row where a rule's columns are (``_facts``).
_NO_RULE = (
    ", CAST(NULL AS bigint), CAST(NULL AS bigint), CAST(NULL AS text), CAST(NULL AS text), "
    "CAST(NULL AS bigint), CAST(NULL AS text), CAST(NULL AS double precision), CAST(NULL AS text)"
)


# Where ``_read_facts`` leaves an organization's province code for ``_plan``.
_PROVINCE = "_rasad_province_code"
# The sentinels of the prepared statements' slots: values no real row holds.
_ORGANIZATIONS = Many(-7_301_001)
_FACTS = PreparedQuery(
    _facts, organizations=_ORGANIZATIONS, periods=Many("\x00periods"), ancestors=Many(-7_301_002)
)
_FACTS_RECORDING = PreparedQuery(
    _facts,
    organizations=_ORGANIZATIONS,
    periods=Many("\x00periods"),
    ancestors=Many(-7_301_002),
    indicators=Many(-7_301_005),
)
_FACTS_LOCKING = PreparedQuery(
    _facts,
    organizations=_ORGANIZATIONS,
    ancestors=Many(-7_301_002),
    indicators=Many(-7_301_005),
    keys=Array(-7_301_003),
    sites=Array(-7_301_007),
    months=Array("\x00months"),
)
# A batch of fewer rows is recorded on generic plans (``prepared.generic_plans``), asked for
# with its transaction's BEGIN (``_read_facts``): every prepared statement of the transaction
# is planned once per connection instead of again at every run for its values (PostgreSQL chose
# that for the check and the history, their custom plans costing less than their generic ones
# for lists of one: 0.7 ms of planning for the check's 0.1 ms of work). The statements are
# written for it (``_pairs``). A batch of this many rows or more (an upload) keeps plans made
# for its values.
GENERIC_PLANS_BELOW = 200
# Where ``_read_facts`` leaves the rules of a batch for ``_record`` (on each row's indicator).
_RULES = "_rasad_batch_rules"


def _indicator_errors(r: ObservationInput, assigned: set[int]) -> list[RowError]:
    """A derived indicator is computed, never reported; any other must be assigned to the row's
    organization (``assigned``: the indicators assigned to it)."""
    if r.indicator.is_derived:
        return [
            RowError(
                r.row,
                "indicator",
                _("“%(code)s” is computed from other indicators and cannot be reported.")
                % {"code": r.indicator.code},
            )
        ]
    if r.indicator.id not in assigned:
        return [
            RowError(
                r.row,
                "indicator",
                _("“%(code)s” is not assigned to this organization.") % {"code": r.indicator.code},
            )
        ]
    return []


def _period_errors(
    r: ObservationInput, *, today: date, duplicate_of: int | None, locked: set[tuple[int, str]]
) -> list[RowError]:
    """The row's period: of the indicator's periodicity, not in the future, not given twice in the
    batch (``duplicate_of``: the row that gave it first), not approved and locked."""
    errors: list[RowError] = []
    if r.period.kind != r.indicator.periodicity:
        errors.append(
            RowError(
                r.row,
                "period",
                _("“%(code)s” is reported per %(kind)s, not per %(given)s.")
                % {
                    "code": r.indicator.code,
                    "kind": Periodicity(r.indicator.periodicity).label,
                    "given": Periodicity(r.period.kind).label,
                },
            )
        )
    if r.period.start > today:
        errors.append(
            RowError(r.row, "period", _("The period %(period)s is in the future.") % {"period": r.period.key})
        )
    if duplicate_of is not None:
        errors.append(
            RowError(
                r.row,
                "period",
                _("Duplicate of row %(row)s (same organization, indicator and period).")
                % {"row": formatting.number(duplicate_of)},
            )
        )
    if (r.organization.id, r.period.key) in locked:
        errors.append(
            RowError(
                r.row,
                "period",
                _("The period %(period)s is approved and locked; ask for it to be reopened.")
                % {"period": r.period.key},
            )
        )
    return errors


def do_record_observations(
    rows: Sequence[ObservationInput],
    *,
    acting_user: User | None,
    source: str = ObservationSource.API,
    submit: bool = False,
    batch: BatchClaim | None = None,
    checked: bool = False,
    savepoint: bool = True,
) -> BatchResult:
    """Record a batch of values (insert or update, keyed on organization, indicator, period).

    ``checked``: the caller ran ``check_record_observations(…, lock=True)`` on these rows (or on
    more, of which these are the valid ones) in the same transaction (``do_import`` does), so the
    check is not run twice and the rows' periods are locked already.

    ``savepoint=False``: called inside a transaction that holds nothing to keep if this batch is
    refused or replayed (``do_import``'s, whose only other work is the check), so no savepoint
    is set around it (two round trips a write: the SAVEPOINT and its RELEASE). A refusal or a
    replay then marks the caller's transaction for rollback as a whole, and the caller sends
    nothing more in it: the batch stays all or nothing.

    The same batch again changes nothing and writes no audit event. Any bad row refuses the
    whole batch (the importer offers "apply valid rows" by passing only those). With ``batch``
    (a client's batch id), a batch id already recorded returns its stored answer and writes
    nothing: the batch id is claimed, with the answer, as the last write before the audit event,
    and a conflict rolls the whole batch back (``BatchReplayed``). The steps and their reasons
    are in the module docstring."""
    try:
        with transaction.atomic(savepoint=savepoint):
            return _record_batch(
                rows, acting_user=acting_user, source=source, submit=submit, batch=batch, checked=checked
            )
    except BatchReplayed as replay:
        return BatchResult(replayed=replay.answer)


def _record_batch(
    rows: Sequence[ObservationInput],
    *,
    acting_user: User | None,
    source: str,
    submit: bool,
    batch: BatchClaim | None,
    checked: bool,
) -> BatchResult:
    """``do_record_observations`` inside its transaction."""
    errors = [] if checked else check_record_observations(rows, acting_user=acting_user, lock=True)
    if errors:
        raise ValidationError({f"observations[{e.row}].{e.column}": [e.message] for e in errors})
    result = BatchResult(digest=batch_digest(rows))
    claim = batch if acting_user is not None else None
    if rows:
        _record(rows, result, acting_user=acting_user, source=source, submit=submit, claim=claim)
    elif claim is not None and acting_user is not None:
        _claim(acting_user, claim, {**result.to_dict(), **claim.extra})
    return result


_OBSERVATION_COLUMNS = (
    "organization_id",
    "indicator_id",
    "period_key",
    "period_start",
    "year",
    "value",
    "comment",
    "status",
    "source",
    "findings",
    "reported_by_id",
    "created",
    "last_updated",
)
# What every row of a batch shares (``_shared``), with each column's type: its status, source,
# reporter and times.
_BATCH_COLUMNS = {
    "status": "text",
    "source": "text",
    "reported_by_id": "bigint",
    "created": "timestamptz",
    "last_updated": "timestamptz",
}
_ROW_COLUMNS = tuple(column for column in _OBSERVATION_COLUMNS if column not in _BATCH_COLUMNS)
# A ``Row``'s own values, in ``_ROW_COLUMNS``' order.
_ROW_VALUES = itemgetter(*map(_OBSERVATION_COLUMNS.index, _ROW_COLUMNS))
# What a large batch's staging table holds of each row (``_merge``), each column with its type:
# the columns that differ from row to row and each row's change to its organization's own rollup
# row (``rollups.own_rows_insert``). The shared columns and the own rows' approved figures (none:
# a batch writes drafts) are the merge's parameters and constants, not five more values a row
# through the COPY (docs/development/benchmarks.md, "Ingest", session 25).
_STAGED_COLUMNS = (*_ROW_COLUMNS, "province", "total", "value_count")
_STAGED_TYPES = ("int8", "int8", "text", "date", "int2", "float8", "text", "text", "text", "float8", "int4")
assert len(_STAGED_TYPES) == len(_STAGED_COLUMNS)
_UPDATED_ON_CONFLICT = ("value", "comment", "findings", "status", "source", "reported_by_id", "last_updated")
_RETURNING = " RETURNING id, organization_id, indicator_id, period_key"
_ON_CONFLICT = (
    " ON CONFLICT (organization_id, indicator_id, period_key) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _UPDATED_ON_CONFLICT)
    + _RETURNING
)
# Batches at least this large go through a binary COPY into a staging table on PostgreSQL;
# smaller ones (a form, a single value) are one multi-row INSERT.
COPY_THRESHOLD = 200
_STAGE = "rasad_observation_staged"

Row = tuple[int, int, str, date, int, float, str, str, str, str, int | None, datetime, datetime]


@functools.lru_cache(maxsize=4096)
def _window_start(period: JalaliPeriod) -> str:
    """The key of the first period of the outlier check's history window before ``period``."""
    first = period
    for _step in range(validation.HISTORY_WINDOW):
        first = first.previous()
    return first.key


# The (organization, period) locks: transaction advisory locks, taken in one order so that two
# batches cannot deadlock (PostgreSQL evaluates a volatile function after the sort). Each key
# hashes to 31 bits: a collision only makes two unrelated batches wait for each other. SQLite
# needs none: one writer at a time already.
_LOCKS = (
    "SELECT pg_advisory_xact_lock(7312, k::int) "
    "FROM unnest(%s::bigint[]) WITH ORDINALITY AS t(k, n) ORDER BY n"
)


def _lock_keys(keys: set[tuple[int, str]]) -> list[int]:
    return sorted({zlib.crc32(f"{org_id}:{period}".encode()) & 0x7FFFFFFF for org_id, period in keys})


def _merge(rows: list[Row], deltas: rollups.Deltas, *, new: bool = False) -> dict[tuple[int, int, str], int]:
    """Insert or update ``rows`` with one ``INSERT … ON CONFLICT DO UPDATE``; {key: id}. A
    large batch on PostgreSQL adds its own rollup rows in the same statement (taken from
    ``deltas``); otherwise ``deltas.apply`` hands them over.

    ``new``: every row was read as absent by a batch that holds its (organization, period)
    locks (``_record``), so no other writer can have stored one of them since: a large batch on
    PostgreSQL then inserts without ``ON CONFLICT``, which checked each row against the unique
    index a second time and wrote each one in two steps (a third of the observations' part of
    the merge: docs/development/benchmarks.md, "Ingest", session 26). A row stored after all (a
    writer that bypassed the locks) is then refused by the unique index, never overwritten."""
    table = Observation._meta.db_table
    columns = ", ".join(_OBSERVATION_COLUMNS)
    conflict = _ON_CONFLICT
    ids: dict[tuple[int, int, str], int] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(rows) >= COPY_THRESHOLD and _shared(rows):
            raw = cursor.cursor
            # Created on every large batch, not once per connection: a rolled-back transaction
            # (a failed import, a test) takes the temporary table with it, so remembering the
            # connection would point COPY at a table that no longer exists. One statement per
            # batch of at least COPY_THRESHOLD rows costs nothing measurable.
            # Emptied here, before its COPY, not by the merge that reads it: the table's rows live
            # until commit, and a second batch in the same transaction (the demo's years) would
            # otherwise write the first's again. Almost always the table is empty already (its
            # rows go at each commit), and deleting nothing costs nothing, where the merge's
            # ``DELETE … RETURNING`` of a batch's 1,000 rows cost PostgreSQL 1.5 ms of the
            # merge's ~30 (docs/development/benchmarks.md, session 21). One round trip: two
            # statements without parameters.
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {_STAGE} "  # noqa: S608
                f"({', '.join(map(' '.join, zip(_STAGED_COLUMNS, _STAGED_TYPES, strict=True)))}) "
                f"ON COMMIT DELETE ROWS; DELETE FROM {_STAGE}"
            )
            # Each row carries its change to its organization's own rollup row (one per
            # observation: the organization's, indicator's and period's), which the statement
            # below adds: one COPY and one statement fewer than adding them apart (session 15).
            # A batch writes drafts: no own row of it changes an approved figure.
            own = {(o, i, k): (p, c[0], int(c[1])) for (i, o, p, k, _y), c in deltas.own_rows().items()}
            none = ("", 0.0, 0)
            with raw.copy(f"COPY {_STAGE} ({', '.join(_STAGED_COLUMNS)}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(_STAGED_TYPES)
                write = copy.write_row
                for row in rows:
                    write((*_ROW_VALUES(row), *own.get(row[:3], none)))
            # Every row has the same status, source, reporter and times (``_shared``).
            select: list[str] = []
            shared: list[Any] = []
            for place, column in enumerate(_OBSERVATION_COLUMNS):
                if column in _BATCH_COLUMNS:
                    select.append(f"CAST(%s AS {_BATCH_COLUMNS[column]})")
                    shared.append(rows[0][place])
                else:
                    select.append("findings::jsonb" if column == "findings" else column)
            # The own rollup rows are added after every observation is written (the count of
            # ``merged`` comes first): rows are locked in the order of a one-row write and of an
            # approval, observations before rollups, so that none of them waits on the other
            # in a cycle.
            after_merge = (
                "(SELECT indicator_id, organization_id, province, period_key, year, total, value_count, "
                "0::float8 AS approved_total, 0 AS approved_count FROM staged "
                "WHERE (SELECT count(*) FROM merged) >= 0) AS own_rows"
            )
            cursor.execute(
                f"WITH staged AS (SELECT {', '.join(_STAGED_COLUMNS)} FROM {_STAGE}), "  # noqa: S608
                f"merged AS (INSERT INTO {table} ({columns}) SELECT {', '.join(select)} "
                f"FROM staged{_RETURNING if new else conflict}), "
                f"own AS ({rollups.own_rows_insert(after_merge)}) "
                "SELECT id, organization_id, indicator_id, period_key FROM merged",
                shared,
            )
            for pk, org_id, indicator_id, key in cursor.fetchall():
                ids[(org_id, indicator_id, key)] = pk
            return ids
        placeholders = "(" + ", ".join(["%s"] * len(_OBSERVATION_COLUMNS)) + ")"
        chunk = 500  # SQLite allows 32,766 parameters per statement
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608 - fixed identifiers
                + ", ".join([placeholders] * len(part))
                + conflict,
                [value for row in part for value in row],
            )
            for pk, org_id, indicator_id, key in cursor.fetchall():
                ids[(org_id, indicator_id, key)] = pk
    return ids


_SHARED = itemgetter(*(_OBSERVATION_COLUMNS.index(column) for column in _BATCH_COLUMNS))


def _shared(rows: list[Row]) -> bool:
    """Whether every row has the first one's status, source, reporter and times, as every row of
    a batch has (``_plan``): then they go to the staged merge as its parameters. Rows that differ
    (a caller of ``_merge`` of its own) take the multi-row ``INSERT``, which writes each as given."""
    first = _SHARED(rows[0])
    return all(map(first.__eq__, map(_SHARED, rows)))


@dataclass
class _Stored:
    """What the database holds for a batch, read once by index: the batch's own keys and each
    series' history window (for the outlier check), and every value of a period of an
    organization (for the cross-indicator rules), the batch's new values included.

    ``series``: each (organization, indicator)'s period keys in order, and where its values start
    in ``history`` (every series' values laid end to end, in the same order), so that a value's
    window is a slice of ``history`` (``validation.outlier_scores``)."""

    existing: dict[tuple[int, int, str], tuple[int, float, str, str]]
    series: dict[tuple[int, int], tuple[list[str], int]]
    history: list[float]
    period_values: dict[tuple[int, str], dict[int, float]]
    target_ids: set[int] = field(default_factory=set)
    # Each period key of the batch: the key of its window's first period (``_window_start``).
    window_starts: dict[str, str] = field(default_factory=dict)


@dataclass
class _Plan:
    """The rows a batch writes, in order, with the rollup deltas they make."""

    writes: list[Row] = field(default_factory=list)
    keys: list[tuple[int, int, str]] = field(default_factory=list)
    locked: list[ObservationInput] = field(default_factory=list)
    deltas: rollups.Deltas = field(default_factory=rollups.Deltas)
    created: int = 0
    changed: int = 0


def _rules_query(indicators: list[int]) -> Any:
    return IndicatorRule.objects.filter(Q(left_id__in=indicators) | Q(right_id__in=indicators)).values_list(
        "pk", "left_id", "left__code", "operator", "right_id", "right__code", "factor", "severity"
    )


def _rules_of(rows: Sequence[ObservationInput]) -> tuple[dict[int, list[IndicatorRule]], set[int]]:
    """The cross-indicator rules whose left side is in the batch, by indicator, and every
    indicator they or the batch involve (whose values the rules read): as the batch's check read
    them, with its locks (``_read_facts``), taken from the rows' indicators."""
    indicators = {id(r.indicator): r.indicator for r in rows}
    taken = [indicator.__dict__.pop(_RULES, None) for indicator in indicators.values()]
    if taken and all(t is taken[0] for t in taken) and taken[0] is not None:
        rules: tuple[dict[int, list[IndicatorRule]], set[int]] = taken[0]
        return rules
    # Not checked with the same call (every caller checks first; kept for safety).
    ids = {r.indicator.id for r in rows}
    return _rules_from(ids, _rules_query(list(ids)))


def _rules_from(indicator_ids: set[int], fetched: Any) -> tuple[dict[int, list[IndicatorRule]], set[int]]:
    """``_rules_of`` from the rules' rows (``_rules_query``'s columns)."""
    rules = []
    for pk, left_id, left_code, operator, right_id, right_code, factor, severity in fetched:
        # What the checks read of a rule (``validation.findings_for``): its sides' ids and codes.
        rule = IndicatorRule(
            pk=pk, left_id=left_id, operator=operator, right_id=right_id, factor=factor, severity=severity
        )
        rule.left, rule.right = Indicator(pk=left_id, code=left_code), Indicator(pk=right_id, code=right_code)
        rules.append(rule)
    by_indicator: dict[int, list[IndicatorRule]] = defaultdict(list)
    for rule in rules:
        by_indicator[rule.left_id].append(rule)
    return by_indicator, indicator_ids | {r.left_id for r in rules} | {r.right_id for r in rules}


def _read_stored(rows: Sequence[ObservationInput], related_ids: set[int]) -> _Stored:
    """The stored values the batch needs and, in the same statement, the ids of the targets of
    its organizations and years (``target_ids``: ``check_targets`` reads nothing more when there
    are none).

    The values of the batch's periods come as rows (``existing``, ``period_values``); each
    series' outlier window, the earlier periods whose values only the outlier check reads, comes
    on PostgreSQL as one row per series, its keys and values as two arrays in key order, so that
    a batch over a long record (24 earlier values for each of its series) costs a few dozen rows
    and no Python step per stored value (``_stored``)."""
    existing: dict[tuple[int, int, str], tuple[int, float, str, str]] = {}
    windows: dict[tuple[int, int], tuple[list[str], list[float]]] = {}
    by_series: dict[tuple[int, int], list[tuple[str, float]]] = defaultdict(list)
    period_values: dict[tuple[int, str], dict[int, float]] = defaultdict(dict)
    target_ids: set[int] = set()
    # Each distinct period's window start once (by its key: a period's own hash is Python code).
    periods = {r.period.key: r.period for r in rows}
    window_starts = {key: _window_start(period) for key, period in periods.items()}
    # Small batches on PostgreSQL read by their pairs (a plan that holds generic, as their
    # transaction runs: ``GENERIC_PLANS_BELOW``); a bulk upload reads its values by its lists and
    # each series' window by its own range of the unique index (``_STORED_SERIES``, on plans made
    # for its values); SQLite by its lists (``_STORED``).
    if connection.vendor != "postgresql":
        fetched = _STORED.rows(
            organizations={r.organization.id for r in rows},
            indicators=related_ids,
            reported={r.indicator.id for r in rows},
            periods=periods.keys(),
            first=min(window_starts.values()),
            last=max(r.period.key for r in rows),
            years={r.period.year for r in rows},
        )
    elif len(rows) < GENERIC_PLANS_BELOW:
        fetched = _stored_by_pairs(rows, related_ids, window_starts)
    else:
        # Every series from the batch's first window start to its last period (a series' own
        # range, found row by row, cost the application more than reading a few more stored
        # values saves: 1-2 ms a batch of 1,000 rows).
        names = {(r.organization.id, r.indicator.id) for r in rows}
        fetched = _STORED_SERIES.rows(
            organizations={org_id for org_id, _indicator_id in names},
            indicators=related_ids,
            periods=periods.keys(),
            series_sites=[org_id for org_id, _indicator_id in names],
            series_indicators=[indicator_id for _org_id, indicator_id in names],
            first=min(window_starts.values()),
            last=max(periods),
            years={r.period.year for r in rows},
        )
    for kind, pk, org_id, indicator_id, key, value, comment, status, keys, values in fetched:
        if kind == "value":
            period_values[(org_id, key)][indicator_id] = value
            existing[(org_id, indicator_id, key)] = (pk, value, comment, status)
        elif kind == "series":
            if keys != sorted(keys):  # see ``_stored``: not seen, but not promised either
                keys, values = _in_key_order(keys, values)
            windows[(org_id, indicator_id)] = (keys, values)
        elif kind == "window":  # SQLite: a series' window a value at a time
            by_series[(org_id, indicator_id)].append((key, value))
        else:
            target_ids.add(pk)
    for name, entries in by_series.items():
        entries.sort()
        windows[name] = ([key for key, _value in entries], [value for _key, value in entries])
    series: dict[tuple[int, int], tuple[list[str], int]] = {}
    history: list[float] = []
    # Each window in key order: PostgreSQL's arrays are ordered by bytes (COLLATE "C"), which for
    # UTF-8 text is the order of its code points, the order Python compares text in.
    for name, (keys, values) in windows.items():
        series[name] = (keys, len(history))
        history.extend(values)
    for r in rows:
        period_values[(r.organization.id, r.period.key)][r.indicator.id] = float(r.value)
    return _Stored(existing, series, history, period_values, target_ids, window_starts)


def _in_key_order(keys: list[str], values: list[float]) -> tuple[list[str], list[float]]:
    """A series' window sorted by its keys (each key once in a series)."""
    ordered = sorted(zip(keys, values, strict=True))
    return [key for key, _value in ordered], [value for _key, value in ordered]


def _values_and_targets(
    organizations: list[int],
    indicators: list[int],
    periods: list[str],
    years: list[int],
    windows: str,
    window_params: Sequence[Any],
) -> tuple[str, list[Any]]:
    """A statement of ``_read_stored``: the stored values of the batch's periods (of its
    indicators and those its rules read: ``indicators``) as ``'value'`` rows, the ``windows``
    part (with its ``window_params``), and the targets' ids as ``'target'`` rows. The values and
    the targets are compiled by Django, the windows' part by the caller; every value is a
    parameter, nothing is interpolated."""
    values_sql, values_params = (
        Observation.objects.filter(
            organization_id__in=organizations, indicator_id__in=indicators, period_key__in=periods
        )
        .order_by()
        .values_list("id", "organization_id", "indicator_id", "period_key", "value", "comment", "status")
        .query.sql_with_params()
    )
    targets_sql, targets_params = (
        Target.objects.filter(organization_id__in=organizations, year__in=years)
        .order_by()
        .values_list("id")
        .query.sql_with_params()
    )
    # A series' two array columns, NULL in the other rows (typed on PostgreSQL, which resolves
    # a UNION's column types part by part).
    arrays = (
        ", CAST(NULL AS text[]), CAST(NULL AS double precision[])"
        if connection.vendor == "postgresql"
        else ", NULL, NULL"
    )
    sql = (
        f"SELECT 'value', v.*{arrays} FROM ({values_sql}) AS v UNION ALL {windows} UNION ALL "  # noqa: S608
        f"SELECT 'target', t.id, NULL, NULL, NULL, NULL, NULL, NULL{arrays} FROM ({targets_sql}) AS t"
    )
    return sql, [*values_params, *window_params, *targets_params]


def _stored(
    organizations: list[int],
    indicators: list[int],
    reported: list[int],
    periods: list[str],
    first: str,
    last: str,
    years: list[int],
) -> tuple[str, list[Any]]:
    """``_read_stored``' statement on SQLite, compiled once per process (``_STORED``): the values
    of the batch's periods and the targets' ids (``_values_and_targets``), and the windows of
    its series (of ``reported``, the indicators it reports) a value a row."""
    window_sql, window_params = (
        Observation.objects.filter(
            organization_id__in=organizations,
            indicator_id__in=reported,
            period_key__gte=first,
            period_key__lte=last,
        )
        .order_by()
        .values_list("organization_id", "indicator_id", "period_key", "value")
        .query.sql_with_params()
    )
    windows = f"SELECT 'window', NULL, w.*, NULL, NULL, NULL, NULL FROM ({window_sql}) AS w"  # noqa: S608
    return _values_and_targets(organizations, indicators, periods, years, windows, window_params)


def _stored_series(
    organizations: list[int],
    indicators: list[int],
    periods: list[str],
    series_sites: list[int],
    series_indicators: list[int],
    first: str,
    last: str,
    years: list[int],
) -> tuple[str, list[Any]]:
    """``_read_stored``' statement for a bulk batch on PostgreSQL (``_STORED_SERIES``): the values
    of the batch's periods and the targets' ids (``_values_and_targets``), and each series'
    stored values from ``first`` to ``last`` (``series_sites``, ``series_indicators``:
    ``_pairs``) as one row, its keys and values as two arrays, read by the series' range of the
    unique index (organization, indicator, period) in that index's order.

    Each series is one descent of the index and a range of its leaves in order, which the
    aggregate takes as they come: no sort. The (organization, period) index with the indicator
    as a filter, which the read by lists took, visits every indicator's rows of the window's
    periods and needs the window's rows sorted before they are aggregated (1.4 against 1.07 ms
    of PostgreSQL's CPU a batch of 40 series of 24 stored months; docs/development/benchmarks.md,
    session 21). The index's order is the database's collation, which for period keys (digits
    and a dash at the same places) is byte order in every collation we know of; ``_read_stored``
    checks each series' keys anyway and sorts one that is not in byte order."""
    table = Observation._meta.db_table
    series = _pairs("organization_id", "indicator_id", name="s")
    windows = (
        "SELECT 'series', NULL, s.organization_id, s.indicator_id, NULL, NULL, NULL, NULL, w.keys, w.vals "  # noqa: S608
        f"FROM {series} CROSS JOIN LATERAL (SELECT array_agg(x.period_key::text) AS keys, "
        "array_agg(x.value) AS vals FROM (SELECT o.period_key, o.value "
        f"FROM {table} AS o WHERE o.organization_id = s.organization_id "
        "AND o.indicator_id = s.indicator_id AND o.period_key >= %s AND o.period_key <= %s "
        "ORDER BY o.period_key) AS x) AS w WHERE w.keys IS NOT NULL"
    )
    return _values_and_targets(
        organizations, indicators, periods, years, windows, [series_sites, series_indicators, first, last]
    )


_STORED_SERIES = PreparedQuery(
    _stored_series,
    organizations=_ORGANIZATIONS,
    indicators=Many(-7_301_004),
    periods=Many("\x00stored-periods"),
    series_sites=Array(-7_301_015),
    series_indicators=Array(-7_301_016),
    first="\x00series-first",
    last="\x00series-last",
    years=Many(-7_301),
)


_STORED = PreparedQuery(
    _stored,
    organizations=_ORGANIZATIONS,
    indicators=Many(-7_301_004),
    reported=Many(-7_301_006),
    periods=Many("\x00stored-periods"),
    first="\x00first",
    last="\x00last",
    years=Many(-7_301),
)


def _stored_by_pairs(
    rows: Sequence[ObservationInput], related_ids: set[int], window_starts: dict[str, str]
) -> list[list[Any]]:
    """PostgreSQL: ``_read_stored``' rows, read by the batch's (organization, period) pairs and
    each series' own window, joined by index (``_STORED_BY_PAIRS``)."""
    windows: dict[tuple[int, int], tuple[str, str]] = {}
    for r in rows:
        series = (r.organization.id, r.indicator.id)
        key = r.period.key
        first = window_starts[key]
        known = windows.get(series)
        windows[series] = (first, key) if known is None else (min(known[0], first), max(known[1], key))
    pairs = sorted({(r.organization.id, r.period.key) for r in rows})
    return _STORED_BY_PAIRS.rows(
        sites=[org_id for org_id, _key in pairs],
        months=[key for _org_id, key in pairs],
        indicators=sorted(related_ids),
        series_sites=[org_id for org_id, _indicator_id in windows],
        series_indicators=[indicator_id for _org_id, indicator_id in windows],
        firsts=[first for first, _last in windows.values()],
        lasts=[last for _first, last in windows.values()],
        organizations={org_id for org_id, _key in pairs},
        years={r.period.year for r in rows},
    )


def _stored_pairs(
    sites: list[int],
    months: list[str],
    indicators: list[int],
    series_sites: list[int],
    series_indicators: list[int],
    firsts: list[str],
    lasts: list[str],
    organizations: list[int],
    years: list[int],
) -> tuple[str, list[Any]]:
    """``_stored`` on PostgreSQL, its values and windows read by index for each (organization,
    period) pair of the batch (``sites``, ``months``) and each series (``series_sites``,
    ``series_indicators``) from its window's first period to its last reported one
    (``firsts``, ``lasts``): a plan that reads what the batch needs whatever the lists'
    lengths (``_pairs``), generic or not."""
    table = Observation._meta.db_table
    targets_sql, targets_params = (
        Target.objects.filter(organization_id__in=organizations, year__in=years)
        .order_by()
        .values_list("id")
        .query.sql_with_params()
    )
    order = 'ORDER BY w.period_key COLLATE "C"'  # bytes: the order of Python's text
    arrays = ", CAST(NULL AS text[]), CAST(NULL AS double precision[])"
    series = _pairs("organization_id", "indicator_id", "first_key", "last_key", name="s")
    sql = (
        "SELECT 'value', o.id, o.organization_id, o.indicator_id, o.period_key, o.value, o.comment, "  # noqa: S608
        f"o.status{arrays} FROM {_pairs('organization_id', 'period_key')} "
        f"JOIN {table} AS o ON o.organization_id = pair.organization_id AND o.period_key = pair.period_key "
        "WHERE o.indicator_id = ANY(%s::bigint[]) "
        "UNION ALL SELECT 'series', NULL, s.organization_id, s.indicator_id, NULL, NULL, NULL, NULL, "
        f"array_agg(w.period_key::text {order}), array_agg(w.value {order}) FROM {series} "
        f"JOIN {table} AS w ON w.organization_id = s.organization_id AND w.indicator_id = s.indicator_id "
        "AND w.period_key >= s.first_key AND w.period_key <= s.last_key "
        "GROUP BY s.organization_id, s.indicator_id "
        "UNION ALL SELECT 'target', t.id, NULL, NULL, NULL, NULL, NULL, NULL"
        f"{arrays} FROM ({targets_sql}) AS t"
    )
    return sql, [sites, months, indicators, series_sites, series_indicators, firsts, lasts, *targets_params]


_STORED_BY_PAIRS = PreparedQuery(
    _stored_pairs,
    sites=Array(-7_301_011),
    months=Array("\x00stored-months"),
    indicators=Array(-7_301_012),
    series_sites=Array(-7_301_013),
    series_indicators=Array(-7_301_014),
    firsts=Array("\x00firsts"),
    lasts=Array("\x00lasts"),
    organizations=_ORGANIZATIONS,
    years=Many(-7_302),
)


def _plan(
    rows: Sequence[ObservationInput],
    stored: _Stored,
    rules_by_indicator: dict[int, list[IndicatorRule]],
    result: BatchResult,
    *,
    reporter: int | None,
    source: str,
) -> _Plan:
    """Each row's write, with its validation findings, or why it is not written: unchanged
    (counted in ``result``) or approved meanwhile (``locked``)."""
    plan = _Plan()
    organizations = {r.organization.id: r.organization for r in rows}
    # Taken, not read: an organization object used again later gets its province from that
    # batch's check, never from this one.
    provinces = {pk: o.__dict__.pop(_PROVINCE) for pk, o in organizations.items() if _PROVINCE in o.__dict__}
    if len(provinces) < len(organizations):
        provinces.update(rollups.province_codes(o for pk, o in organizations.items() if pk not in provinces))
    now = timezone.now()
    # The rows to write, with each one's outlier window in ``stored.history``, scored together
    # (``validation.outlier_scores``) before their findings are made.
    pending: list[tuple[ObservationInput, float, str, tuple[int, float, str, str] | None]] = []
    values: list[float] = []
    starts: list[int] = []
    lengths: list[int] = []
    # Bound once: the loop below runs a thousand times a batch.
    series_of, window_starts, bisect_left = stored.series.get, stored.window_starts, bisect.bisect_left
    for r in rows:
        period = r.period
        org_id, indicator_id, key = r.organization.id, r.indicator.id, period.key
        value = float(r.value)
        comment = normalize_text(r.comment) if r.comment else ""
        plan.keys.append((org_id, indicator_id, key))
        old = stored.existing.get((org_id, indicator_id, key))
        if old is not None:
            if old[3] == ObservationStatus.APPROVED:
                plan.locked.append(r)
                continue
            # Same value and comment is the same report: sending a batch again must change
            # nothing, even if newer history would now judge an outlier differently.
            if old[1] == value and old[2] == comment:
                result.unchanged += 1
                continue
        pending.append((r, value, comment, old))
        values.append(value)
        series = series_of((org_id, indicator_id))
        if series is None:
            starts.append(0)
            lengths.append(0)
            continue
        keys, offset = series
        begin = bisect_left(keys, window_starts[key])
        starts.append(offset + begin)
        lengths.append(bisect_left(keys, key, begin) - begin)
    scores = validation.outlier_scores(values, stored.history, starts, lengths)
    for (r, value, comment, old), scored in zip(pending, scores, strict=True):
        period = r.period
        org_id, indicator_id, key = r.organization.id, r.indicator.id, period.key
        findings = validation.findings_for(
            r.indicator,
            value,
            scored=scored,
            period_values=stored.period_values[(org_id, key)],
            rules=rules_by_indicator[indicator_id],
        )
        if old is not None:
            plan.deltas.add(
                r.organization, provinces[org_id], indicator_id, key, period.year, total=value - old[1]
            )
            plan.changed += 1
        else:
            plan.deltas.add(
                r.organization, provinces[org_id], indicator_id, key, period.year, total=value, count=1
            )
            plan.created += 1
        plan.writes.append(
            (
                org_id,
                indicator_id,
                key,
                period.start,
                period.year,
                value,
                comment,
                ObservationStatus.DRAFT,
                source,
                # Most values have no finding: "[]" without a trip through the encoder.
                json.dumps(findings, ensure_ascii=False) if findings else "[]",
                reporter,
                now,
                now,
            )
        )
    return plan


def _refuse_locked(locked: list[ObservationInput]) -> None:
    """Periods approved between the check and the lock (an approval that committed meanwhile)."""
    if locked:
        raise ValidationError(
            {
                f"observations[{r.row}].period": [
                    _("The period %(period)s is approved and locked; ask for it to be reopened.")
                    % {"period": r.period.key}
                ]
                for r in locked
            }
        )


def _record(
    rows: Sequence[ObservationInput],
    result: BatchResult,
    *,
    acting_user: User | None,
    source: str,
    submit: bool,
    claim: BatchClaim | None,
) -> None:
    """Steps 3 to 8 of the module docstring. The rows' (organization, period) locks were taken
    by their check, with the rules (``_rules_of``). ``claim``: the batch id to claim (the acting
    user's)."""
    organizations = {r.organization.id: r.organization for r in rows}
    rules_by_indicator, related_ids = _rules_of(rows)
    stored = _read_stored(rows, related_ids)
    reporter = acting_user.pk if acting_user is not None else None
    plan = _plan(rows, stored, rules_by_indicator, result, reporter=reporter, source=source)
    _refuse_locked(plan.locked)
    result.created, result.updated = plan.created, plan.changed
    if _at_once_fits(plan, stored, submit=submit):
        _check_scope(acting_user, organizations)
        ids = _write_at_once(rows, plan, result, acting_user=acting_user, source=source, claim=claim)
        result.observation_ids = [ids.get(k) or stored.existing[k][0] for k in plan.keys]
        return
    # Every row new (none of the batch's keys stored, read under its locks): a plain insert.
    ids = _merge(plan.writes, plan.deltas, new=plan.changed == 0) if plan.writes else {}
    result.observation_ids = [ids.get(k) or stored.existing[k][0] for k in plan.keys]
    # No target of the batch's organizations and years (``target_ids`` is what the stored read
    # found): nothing to check, and no list of the rows written to make for it.
    if plan.writes and stored.target_ids:
        touched = [
            (org_id, key, year, ids[(org_id, ind, key)]) for org_id, ind, key, year in _touched(plan.writes)
        ]
        result.alerts = check_targets(touched, acting_user=acting_user, target_ids=stored.target_ids)
    if submit:
        _submit(result.observations, acting_user=acting_user)
    if not plan.writes:
        if claim is not None and acting_user is not None:
            _claim(acting_user, claim, {**result.to_dict(), **claim.extra})
        return
    _check_scope(acting_user, organizations)
    # The lock-sensitive part last: the rollup deltas with the batch id, then the audit event
    # (its chain's head row).
    if claim is not None and acting_user is not None:
        _claim(acting_user, claim, {**result.to_dict(), **claim.extra}, plan.deltas)
    else:
        plan.deltas.apply()
    audit_batch(
        IndicatorAuditEvent.OBSERVATIONS_RECORDED,
        **_audit_arguments(rows, result, acting_user=acting_user, source=source),
    )
    _announce(rows, result)


def _at_once_fits(plan: _Plan, stored: _Stored, *, submit: bool) -> bool:
    """Whether the rest of the batch is one statement (``_write_at_once``): the common write (a
    form, a value from the API) on PostgreSQL, with rows to write, too few for the COPY, and
    nothing to read or do between the upsert and the end (no target to check, nothing to
    submit)."""
    return (
        bool(plan.writes)
        and len(plan.writes) < COPY_THRESHOLD
        and not stored.target_ids
        and not submit
        and connection.vendor == "postgresql"
    )


def _check_scope(acting_user: User | None, organizations: dict[int, Organization]) -> None:
    """The acting user may still add values for every organization of the batch."""
    if acting_user is not None:
        scope = organization_scope(acting_user, Observation, "add")
        if not all(scope.contains(organization) for organization in organizations.values()):
            raise ObjectNotFound(_("No such object, or you may not see it."))


# ``audit_log.APPEND_PARTS`` with positional placeholders, and the names of its values in order.
_AUDIT_NAMES = re.findall(r"%\((\w+)\)s", audit_log.APPEND_PARTS)
_AUDIT_PARTS = re.sub(r"%\(\w+\)s", "%s", audit_log.APPEND_PARTS)


@functools.lru_cache(maxsize=16)
def _at_once(rows: int, claim: bool) -> str:
    """``_write_at_once``'s statement for ``rows`` rows, with or without a batch id's claim."""
    placeholders = "(" + ", ".join(["%s"] * len(_OBSERVATION_COLUMNS)) + ")"
    parts = [
        f"merged AS (INSERT INTO {Observation._meta.db_table} ({', '.join(_OBSERVATION_COLUMNS)}) "  # noqa: S608
        f"VALUES {', '.join([placeholders] * rows)}{_ON_CONFLICT})",
        rollups.APPEND_DELTAS,
    ]
    if claim:
        parts.append(f"claimed AS ({_CLAIM})")
    parts.append(_AUDIT_PARTS)
    parts.append(f"audited AS ({audit_log.APPEND_ANSWER})")
    answer = (
        "SELECT 'audit', a.*, CAST(NULL AS bigint), CAST(NULL AS bigint), CAST(NULL AS text) "
        + "FROM audited AS a "
        "UNION ALL SELECT 'merged', id, NULL, NULL, NULL, NULL, organization_id, indicator_id, period_key "
        "FROM merged"
    )
    if claim:
        answer += " UNION ALL SELECT 'claimed', id, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM claimed"
    return f"WITH {', '.join(parts)} {answer}"


def _write_at_once(
    rows: Sequence[ObservationInput],
    plan: _Plan,
    result: BatchResult,
    *,
    acting_user: User | None,
    source: str,
    claim: BatchClaim | None,
) -> dict[tuple[int, int, str], int]:
    """PostgreSQL, a batch with no target to check and nothing to submit: the upsert, the rollup
    deltas, the batch id's claim and the audit event (its chain's head lock last) in one
    statement, the transaction's last before its commit; {key: id} of the rows written. A batch
    id recorded before conflicts and rolls it all back (``BatchReplayed``), as ``_claim`` does;
    an audit event the statement could not append (every shard held elsewhere) is appended as
    ``record`` does."""
    audit = appending_batch(
        IndicatorAuditEvent.OBSERVATIONS_RECORDED,
        **_audit_arguments(rows, result, acting_user=acting_user, source=source),
    )
    params: list[Any] = [value for row in plan.writes for value in row]
    params.append(plan.deltas.apply(hand_over=True))
    if claim is not None and acting_user is not None:
        params.extend(_claim_params(acting_user, claim, {**result.to_dict(), **claim.extra}))
    else:
        claim = None
    params.extend(audit.params[name] for name in _AUDIT_NAMES)
    ids: dict[tuple[int, int, str], int] = {}
    claimed = claim is None
    appended = None
    # Prepared for a single row (the common write); a larger batch, whose statement differs with
    # its size, is planned each time, as its upsert was.
    fetched = prepared.fetch(
        _at_once(len(plan.writes), claim is not None), params, on_server=len(plan.writes) == 1
    )
    for kind, pk, chain, sequence, prev_hash, hashed, org_id, indicator_id, key in fetched:
        if kind == "merged":
            ids[(org_id, indicator_id, key)] = pk
        elif kind == "claimed":
            claimed = True
        else:
            appended = (pk, chain, sequence, prev_hash, hashed)
    if not claimed and claim is not None and acting_user is not None:
        raise BatchReplayed(recorded_batch(acting_user, claim.batch_id, claim.digest) or {})
    if not audit.appended(appended):
        audit.append()
    _announce(rows, result)
    return ids


def _audit_arguments(
    rows: Sequence[ObservationInput], result: BatchResult, *, acting_user: User | None, source: str
) -> dict[str, Any]:
    """What the batch's audit event says (``audit_batch``'s arguments but the event)."""
    organizations = {r.organization.id: r.organization for r in rows}
    # The event keeps the common ancestor's id (``audit_log.record``): when it is none of the
    # batch's organizations (a batch of several sites), a reference by id, not a read of its row.
    ancestor = common_ancestor_id(list(organizations.values()))
    return {
        "acting_user": acting_user,
        "organization": None
        if ancestor is None
        else organizations.get(ancestor) or Organization(pk=ancestor),
        "new": {
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "sha256": result.digest,
            "source": source,
        },
    }


def _announce(rows: Sequence[ObservationInput], result: BatchResult) -> None:
    send_event_on_commit(
        "indicators.observations.recorded",
        {"count": result.created + result.updated, "periods": sorted({r.period.key for r in rows})},
        organization_ids={r.organization.id for r in rows},
    )


def _touched(writes: list[Row]) -> list[tuple[int, int, str, int]]:
    return [(w[0], w[1], w[2], w[4]) for w in writes]
