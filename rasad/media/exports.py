"""The media lists and figures as spreadsheets (``rasad.lib.tabular``), made in the background
(``rasad.jobs.exports``): the headquarters' board of statements, the receipts (an agency's
inbox; every agency's answers for the headquarters), the rumour log, each with the filters of its
page and only the rows its reader may see; and each agency's acknowledgment and response times,
deadlines met and rumours answered over a Jalali period, with its rank, as on the figures page."""

from __future__ import annotations

from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasad.core.models import User
from rasad.jobs.exports import ExportKind, Params, apply_filters, register_export
from rasad.lib import formatting
from rasad.lib.jalali import JalaliPeriod, is_accepted_period, local_date
from rasad.lib.persian import to_latin_digits
from rasad.lib.tabular import (
    ExportColumn,
    Quantity,
    date_columns,
    export_xlsx,
    percent_cell,
    quantity_cell,
    write_csv,
)
from rasad.media.figures import AgencyFigures, figures_for_period
from rasad.media.filtersets import RecipientFilterSet, RumourFilterSet, StatementFilterSet
from rasad.media.models import Recipient, Rumour, Statement


def period_of(params: Params) -> JalaliPeriod:
    """The ``period`` parameter (a Jalali month, season, half-year or year key: 1405-09, 1405-S3,
    1405); empty: the current month. A key that is not a period is refused naming it."""
    raw = params.get("period", "")
    key = to_latin_digits(str(raw[0] if isinstance(raw, list) and raw else raw or "")).strip()
    if not key:
        return JalaliPeriod.containing(local_date(timezone.now()), "month")
    try:
        period = JalaliPeriod.parse(key)
    except ValueError:
        period = None
    if period is None or not is_accepted_period(period):
        raise ValidationError(
            {"period": [_("“%(key)s” is not a Jalali period such as 1405-09.") % {"key": key}]}
        )
    return period


def _hours(value: float | None) -> Quantity | None:
    """A median time as the figures page shows it, «۲٫۵ ساعت», a number in the workbook."""
    return quantity_cell(value, formatting.HOUR, decimals=1)


def figure_columns() -> list[ExportColumn]:
    return [
        ExportColumn("rank", gettext_lazy("Rank"), lambda f: f.rank if f.rank is not None else ""),
        ExportColumn("agency", gettext_lazy("Agency"), lambda f: f.agency.name),
        ExportColumn("agency_code", gettext_lazy("Agency code"), lambda f: f.agency.code),
        ExportColumn("issued", gettext_lazy("Statements issued"), lambda f: f.issued),
        ExportColumn("acknowledged", gettext_lazy("Acknowledged"), lambda f: f.acknowledged),
        ExportColumn("answered", gettext_lazy("Answered"), lambda f: f.answered),
        ExportColumn(
            "ack_hours", gettext_lazy("Acknowledgment (median hours)"), lambda f: _hours(f.ack_hours)
        ),
        ExportColumn(
            "response_hours", gettext_lazy("Response (median hours)"), lambda f: _hours(f.response_hours)
        ),
        ExportColumn("on_time", gettext_lazy("Deadlines met"), lambda f: f.on_time),
        ExportColumn("due", gettext_lazy("Deadlines due"), lambda f: f.due),
        ExportColumn(
            "met_share",
            gettext_lazy("Share of deadlines met"),
            lambda f: None if f.met_share is None else percent_cell(100 * f.met_share, decimals=0),
        ),
        ExportColumn("rumours_assigned", gettext_lazy("Rumours assigned"), lambda f: f.rumours_assigned),
        ExportColumn("rumours_answered", gettext_lazy("Rumours answered"), lambda f: f.rumours_answered),
        ExportColumn(
            "score",
            gettext_lazy("Responsiveness score"),
            lambda f: "" if f.score is None else round(f.score, 2),
        ),
    ]


def _validate(user: User, params: Params) -> None:
    unknown = sorted(set(params) - {"format", "period"})
    if unknown:
        raise ValidationError({unknown[0]: [_("This list takes only a period.")]})
    period_of(params)


def _allowed(user: User, params: Params) -> bool:
    return Recipient.objects.may_act_anywhere(user, "view")


def _write(user: User, params: Params, file_format: str, target: IO[bytes]) -> int:
    period = period_of(params)
    rows: list[AgencyFigures] = figures_for_period(user, period)
    columns = figure_columns()
    if file_format == "csv":
        return write_csv(target, columns, rows, labels=True)
    export_xlsx(
        target,
        columns,
        rows,
        title=str(_("Agencies' responsiveness, %(period)s") % {"period": formatting.period(period)}),
    )
    return len(rows)


FIGURES = register_export(
    ExportKind(
        name="media-figures",
        title=gettext_lazy("Agencies' responsiveness"),
        permission="media.view_recipient",
        validate=_validate,
        allowed=_allowed,
        writer=_write,
        list_url="media:figures",
    )
)


# ---- the lists ------------------------------------------------------------------------------


def statement_columns() -> list[ExportColumn]:
    return [
        ExportColumn("id", gettext_lazy("Id"), lambda s: s.pk),
        ExportColumn("title", gettext_lazy("Title"), lambda s: s.title),
        ExportColumn("kind", gettext_lazy("Kind"), lambda s: s.get_kind_display()),
        ExportColumn("version", gettext_lazy("Version"), lambda s: s.version),
        ExportColumn("state", gettext_lazy("State"), lambda s: s.get_state_display()),
        ExportColumn("headquarters", gettext_lazy("Headquarters"), lambda s: s.organization.name),
        ExportColumn("crisis", gettext_lazy("Crisis"), lambda s: s.crisis.title if s.crisis else ""),
        *date_columns("issued_at", gettext_lazy("Issued at"), lambda s: s.issued_at),
        *date_columns("due_at", gettext_lazy("Respond by"), lambda s: s.due_at),
        ExportColumn("agencies", gettext_lazy("Agencies"), lambda s: len(s.recipients.all())),
        ExportColumn(
            "acknowledged",
            gettext_lazy("Acknowledged"),
            lambda s: sum(1 for r in s.recipients.all() if r.acknowledged_at is not None),
        ),
        ExportColumn(
            "answered",
            gettext_lazy("Answered"),
            lambda s: sum(1 for r in s.recipients.all() if r.responded_at is not None),
        ),
    ]


def visible_statements(user: User, params: Params) -> QuerySet[Statement]:
    visible = (
        Statement.objects.visible_to(user, "view")
        .select_related("organization", "crisis")
        .prefetch_related("recipients")
    )
    return apply_filters(StatementFilterSet, visible, params).order_by("-created", "-pk")


def receipt_columns() -> list[ExportColumn]:
    return [
        ExportColumn("statement", gettext_lazy("Statement"), lambda r: r.statement.title),
        ExportColumn("version", gettext_lazy("Version"), lambda r: r.statement.version),
        ExportColumn("headquarters", gettext_lazy("Headquarters"), lambda r: r.statement.organization.name),
        ExportColumn("agency", gettext_lazy("Agency"), lambda r: r.agency.name),
        ExportColumn("agency_code", gettext_lazy("Agency code"), lambda r: r.agency.code),
        ExportColumn("state", gettext_lazy("State"), lambda r: r.get_state_display()),
        *date_columns("due_at", gettext_lazy("Respond by"), lambda r: r.due_at),
        *date_columns("acknowledged_at", gettext_lazy("Acknowledged at"), lambda r: r.acknowledged_at),
        *date_columns("responded_at", gettext_lazy("Answered at"), lambda r: r.responded_at),
        ExportColumn(
            "channel", gettext_lazy("Channel"), lambda r: r.get_channel_display() if r.channel else ""
        ),
        ExportColumn("evidence_url", gettext_lazy("Link to the publication"), lambda r: r.evidence_url),
        ExportColumn("reason", gettext_lazy("Reason"), lambda r: r.reason),
    ]


def visible_receipts(user: User, params: Params) -> QuerySet[Recipient]:
    visible = Recipient.objects.visible_to(user, "view").select_related(
        "statement", "statement__organization", "agency"
    )
    filtered = apply_filters(RecipientFilterSet, visible, params)
    return filtered.order_by("-statement__issued_at", "due_at", "pk")


def rumour_columns() -> list[ExportColumn]:
    return [
        ExportColumn("id", gettext_lazy("Id"), lambda r: r.pk),
        ExportColumn("claim", gettext_lazy("Claim"), lambda r: r.claim),
        ExportColumn("seen_where", gettext_lazy("Seen where"), lambda r: r.seen_where),
        ExportColumn("reach", gettext_lazy("Estimated reach (people)"), lambda r: r.reach if r.reach else ""),
        ExportColumn("facts", gettext_lazy("Verified facts"), lambda r: r.facts),
        ExportColumn("crisis", gettext_lazy("Crisis"), lambda r: r.crisis.title if r.crisis else ""),
        ExportColumn("agency", gettext_lazy("Agency to answer"), lambda r: r.agency.name if r.agency else ""),
        ExportColumn("state", gettext_lazy("State"), lambda r: r.get_state_display()),
        *date_columns("logged_at", gettext_lazy("Logged at"), lambda r: r.logged_at),
        *date_columns("answered_at", gettext_lazy("Answered at"), lambda r: r.answered_at),
        ExportColumn("response", gettext_lazy("Response"), lambda r: r.response),
    ]


def visible_rumours(user: User, params: Params) -> QuerySet[Rumour]:
    visible = Rumour.objects.visible_to(user, "view").select_related("organization", "agency", "crisis")
    return apply_filters(RumourFilterSet, visible, params).order_by("-logged_at", "-pk")


STATEMENTS = register_export(
    ExportKind(
        name="media-statements",
        title=gettext_lazy("Media board"),
        permission="media.view_statement",
        columns=statement_columns,
        queryset=visible_statements,
        list_url="media:board",
    )
)
RECEIPTS = register_export(
    ExportKind(
        name="media-receipts",
        title=gettext_lazy("Statements received and answered"),
        permission="media.view_recipient",
        columns=receipt_columns,
        queryset=visible_receipts,
        list_url="media:inbox",
    )
)
RUMOURS = register_export(
    ExportKind(
        name="media-rumours",
        title=gettext_lazy("Rumour log"),
        permission="media.view_rumour",
        columns=rumour_columns,
        queryset=visible_rumours,
        list_url="media:rumour-list",
    )
)

__all__: list[Any] = ["FIGURES", "RECEIPTS", "RUMOURS", "STATEMENTS"]
