"""Training lists as spreadsheets (``rasad.lib.tabular``), made in the background
(``rasad.jobs.exports``): an event's roster (whose keys the roster import reads back), the
completions, and the compliance table (one row per person and requirement)."""

from __future__ import annotations

from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasad.core.models import User
from rasad.jobs.exports import ExportKind, Params, apply_filters, register_export
from rasad.lib.jalali import local_date
from rasad.lib.tabular import ExportColumn, date_columns, export_xlsx, write_csv
from rasad.training.compliance import Obligation, obligations
from rasad.training.filtersets import CompletionFilterSet, EnrolmentFilterSet
from rasad.training.models import Completion, Enrolment, PositionHolding, Requirement


def _yes_no(value: bool) -> str:
    return str(_("yes") if value else _("no"))


def roster_columns() -> list[ExportColumn]:
    return [
        ExportColumn("event", gettext_lazy("Event"), lambda e: e.event.title),
        ExportColumn("username", gettext_lazy("User name"), lambda e: e.user.username),
        ExportColumn("person", gettext_lazy("Person"), lambda e: str(e.user)),
        ExportColumn("organization", gettext_lazy("Organization"), lambda e: e.organization.name),
        ExportColumn("status", gettext_lazy("Status"), lambda e: e.get_status_display()),
        ExportColumn("attended", gettext_lazy("Attended"), lambda e: _yes_no(e.attended)),
        ExportColumn("score", gettext_lazy("Score"), lambda e: e.score if e.score is not None else ""),
    ]


def visible_enrolments(user: User, params: Params) -> QuerySet[Enrolment]:
    visible = Enrolment.objects.visible_to(user, "view").select_related("event", "user", "organization")
    return apply_filters(EnrolmentFilterSet, visible, params).order_by("event", "created", "pk")


def completion_columns() -> list[ExportColumn]:
    return [
        ExportColumn("username", gettext_lazy("User name"), lambda c: c.user.username),
        ExportColumn("person", gettext_lazy("Person"), lambda c: str(c.user)),
        ExportColumn("organization", gettext_lazy("Organization"), lambda c: c.organization.name),
        ExportColumn("course", gettext_lazy("Course"), lambda c: c.course.title),
        ExportColumn("course_code", gettext_lazy("Course code"), lambda c: c.course.code),
        *date_columns("completed_on", gettext_lazy("Completed on"), lambda c: c.completed_on),
        *date_columns("expires_on", gettext_lazy("Valid until"), lambda c: c.expires_on),
        ExportColumn("score", gettext_lazy("Score"), lambda c: c.score if c.score is not None else ""),
        ExportColumn("source", gettext_lazy("Source"), lambda c: c.get_source_display()),
    ]


def visible_completions(user: User, params: Params) -> QuerySet[Completion]:
    visible = Completion.objects.visible_to(user, "view").select_related("user", "organization", "course")
    return apply_filters(CompletionFilterSet, visible, params).order_by("-completed_on", "pk")


def compliance_columns() -> list[ExportColumn]:
    return [
        ExportColumn("username", gettext_lazy("User name"), lambda o: o.user.username),
        ExportColumn("person", gettext_lazy("Person"), lambda o: str(o.user)),
        ExportColumn("organization", gettext_lazy("Organization"), lambda o: o.organization.name),
        ExportColumn("position", gettext_lazy("Position"), lambda o: o.holding.position.name),
        ExportColumn("requirement", gettext_lazy("Requirement"), lambda o: o.requirement.title),
        ExportColumn("state", gettext_lazy("State"), lambda o: str(o.state.label)),
        *date_columns("due_on", gettext_lazy("Due on"), lambda o: o.due_on),
        *date_columns(
            "completed_on",
            gettext_lazy("Completed on"),
            lambda o: o.completion.completed_on if o.completion else None,
        ),
    ]


def visible_obligations(user: User) -> list[Obligation]:
    """The obligations of the people the user may see positions of, under the requirements the
    user may see: the compliance table and its export."""
    return obligations(
        PositionHolding.objects.visible_to(user, "view"),
        Requirement.objects.visible_to(user, "view")
        .active()
        .select_related("organization")
        .prefetch_related("courses"),
        today=local_date(timezone.now()),
    )


def _write_compliance(user: User, params: Params, file_format: str, target: IO[bytes]) -> int:
    rows = visible_obligations(user)
    columns = compliance_columns()
    if file_format == "csv":
        return write_csv(target, columns, rows, labels=True)
    export_xlsx(target, columns, rows, title=str(_("Training compliance")))
    return len(rows)


def _check_no_params(user: User, params: Params) -> None:
    unknown = sorted(set(params) - {"format"})
    if unknown:
        raise ValidationError({unknown[0]: [_("This list takes no filter.")]})


def _may_export_compliance(user: User, params: Params) -> bool:
    return PositionHolding.objects.may_act_anywhere(user, "view")


ROSTER = register_export(
    ExportKind(
        name="training-roster",
        title=gettext_lazy("Training roster"),
        permission="training.view_enrolment",
        columns=roster_columns,
        queryset=visible_enrolments,
        list_url="training:event-list",
    )
)
COMPLETIONS = register_export(
    ExportKind(
        name="training-completions",
        title=gettext_lazy("Training completions"),
        permission="training.view_completion",
        columns=completion_columns,
        queryset=visible_completions,
        list_url="training:compliance",
    )
)
COMPLIANCE = register_export(
    ExportKind(
        name="training-compliance",
        title=gettext_lazy("Training compliance"),
        permission="training.view_positionholding",
        validate=_check_no_params,
        allowed=_may_export_compliance,
        writer=_write_compliance,
        list_url="training:compliance",
    )
)

__all__: list[Any] = ["COMPLETIONS", "COMPLIANCE", "ROSTER"]
