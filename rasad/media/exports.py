"""Media figures as a spreadsheet (``rasad.lib.tabular``), made in the background
(``rasad.jobs.exports``): each agency's acknowledgment and response times, deadlines met and
rumours answered over a Jalali period, with its rank, as on the figures page."""

from __future__ import annotations

from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasad.core.models import User
from rasad.jobs.exports import ExportKind, Params, register_export
from rasad.lib.jalali import JalaliPeriod, local_date
from rasad.lib.persian import to_latin_digits
from rasad.lib.tabular import ExportColumn, export_xlsx, write_csv
from rasad.media.figures import AgencyFigures, figures_for_period
from rasad.media.models import Recipient


def period_of(params: Params) -> JalaliPeriod:
    """The ``period`` parameter (a Jalali month, season, half-year or year key: 1405-09, 1405-S3,
    1405); empty: the current month. A key that is not a period is refused naming it."""
    raw = params.get("period", "")
    key = to_latin_digits(str(raw[0] if isinstance(raw, list) and raw else raw or "")).strip()
    if not key:
        return JalaliPeriod.containing(local_date(timezone.now()), "month")
    try:
        return JalaliPeriod.parse(key)
    except ValueError:
        raise ValidationError(
            {"period": [_("“%(key)s” is not a Jalali period such as 1405-09.") % {"key": key}]}
        ) from None


def _hours(value: float | None) -> Any:
    return "" if value is None else round(value, 2)


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
            lambda f: "" if f.met_share is None else round(f.met_share, 4),
        ),
        ExportColumn("rumours_assigned", gettext_lazy("Rumours assigned"), lambda f: f.rumours_assigned),
        ExportColumn("rumours_answered", gettext_lazy("Rumours answered"), lambda f: f.rumours_answered),
        ExportColumn("score", gettext_lazy("Responsiveness score"), lambda f: _hours(f.score)),
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
        return write_csv(target, columns, rows, labels=False)
    export_xlsx(
        target,
        columns,
        rows,
        title=str(_("Agencies' responsiveness, %(period)s") % {"period": period.label()}),
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

__all__: list[Any] = ["FIGURES"]
