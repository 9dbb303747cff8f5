"""Indicator spreadsheets written by ``rasad.lib.tabular``: the observation list and the import
template (this module sits with the interfaces: it applies the list page's filters). Labels and
keys as headers, periods and dates in the reader's calendar plus ISO, user
text (names, comments) neutralised against formula injection."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasad.core.models import User
from rasad.indicators.filtersets import ObservationFilterSet
from rasad.indicators.importer import COLUMNS
from rasad.indicators.models import Observation
from rasad.jobs.exports import ExportKind, Params, apply_filters, register_export
from rasad.lib import formatting
from rasad.lib.tabular import ExportColumn, Sheet, date_columns, quantity_cell, write_xlsx


def observation_columns() -> list[ExportColumn]:
    return [
        ExportColumn("organization", gettext_lazy("Organization code"), lambda o: o.organization.code),
        ExportColumn("organization_name", gettext_lazy("Organization"), lambda o: o.organization.name),
        ExportColumn("indicator", gettext_lazy("Indicator code"), lambda o: o.indicator.code),
        ExportColumn("indicator_name", gettext_lazy("Indicator"), lambda o: o.indicator.name),
        ExportColumn("period", gettext_lazy("Period"), lambda o: o.period_key),
        ExportColumn(
            "period_label", gettext_lazy("Period (label)"), lambda o: formatting.period(o.period_key)
        ),
        *date_columns("period_start", gettext_lazy("Period start"), lambda o: o.period_start),
        # A number shown in its indicator's unit («۴۷٫۹ مگاوات‌ساعت»: each cell its own format, as
        # the column mixes units); in CSV the number alone. The import reads the number.
        ExportColumn("value", gettext_lazy("Value"), lambda o: quantity_cell(o.value, o.indicator.unit)),
        # The unit's code is what the import reads; its name is what the reader reads.
        ExportColumn("unit", gettext_lazy("Unit code"), lambda o: o.indicator.unit.code),
        ExportColumn("unit_name", gettext_lazy("Unit"), lambda o: formatting.unit_name(o.indicator.unit)),
        ExportColumn("status", gettext_lazy("Status"), lambda o: o.get_status_display()),
        ExportColumn("comment", gettext_lazy("Comment"), lambda o: o.comment),
    ]


def visible_observations(user: User, params: Params) -> QuerySet[Observation]:
    visible = Observation.objects.visible_to(user).select_related(
        "organization", "indicator", "indicator__unit"
    )
    return apply_filters(ObservationFilterSet, visible, params).order_by(
        "-period_start", "organization__code", "indicator__code", "pk"
    )


OBSERVATIONS = register_export(
    ExportKind(
        name="observations",
        title=gettext_lazy("Observations"),
        permission="indicators.view_observation",
        columns=observation_columns,
        queryset=visible_observations,
        list_url="indicators:observations",
    )
)


def write_template_xlsx(target: IO[bytes], rows: Sequence[Sequence[str]]) -> None:
    """The import template: the keys the importer reads, rows to fill, and a help sheet."""
    write_xlsx(
        target,
        [
            # Sheets named in the reader's language; the import reads the first sheet, by place.
            Sheet(_("Reported values"), rows, keys=list(COLUMNS)),
            Sheet(
                _("Guide"),
                [
                    ["period", _("1403-07 for a month, 1403-S2 for a season, 1403 for a year.")],
                    ["unit", _("Optional; another unit of the same kind is converted.")],
                ],
                widths=(14, 70),
            ),
        ],
    )
