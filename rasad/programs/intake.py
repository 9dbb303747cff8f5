"""The intake app's acceptance target "programme action item" (``programs.action_item``): a
directive read from a document becomes an action item of a programme (its directive case is opened
through ``do_add_action_item``), replacing intake's placeholder under the same code."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from rasad.core.models import User
    from rasad.intake.models import Proposal


class ProgrammeActionItemTarget:
    code: str = "programs.action_item"
    label: Any = gettext_lazy("Programme action item")
    fields: tuple[str, ...] = ("directive",)

    def unavailable_reason(self) -> str | None:
        return None

    def applies_to(self, proposal: Proposal) -> bool:
        return True

    def accept(
        self, proposal: Proposal, values: Mapping[str, Any], *, acting_user: User
    ) -> models.Model | None:
        from rasad.cases.choices import Priority
        from rasad.cases.models import Category
        from rasad.core.access import ObjectNotFound, access_object
        from rasad.intake.targets import _date, guess_category, organization_by_code
        from rasad.programs.actions import ActionItemValues, do_add_action_item, party_of
        from rasad.programs.models import Objective

        objective_id = values.get("objective")
        try:
            objective: Objective = access_object(
                Objective.objects.select_related("programme"), acting_user, objective_id, action="view"
            )
        except ObjectNotFound:
            raise ValidationError(
                {"objective": [_("Choose an objective of a programme you lead.")]}
            ) from None
        organization = organization_by_code(
            str(values.get("organization_code") or ""), acting_user, "organization_code"
        )
        party = party_of(objective.programme, organization)
        category_code = str(values.get("category") or guess_category(proposal.text))
        category = Category.objects.filter(code=category_code).first()
        if category is None:
            raise ValidationError({"category": [_("Unknown category “%(code)s”.") % {"code": category_code}]})
        document = proposal.document
        start, end = proposal.first_span
        title = str(values.get("title") or values.get("action") or proposal.text).strip()
        description = _("From “%(document)s”, characters %(start)s–%(end)s:\n%(sentence)s") % {
            "document": document.title,
            "start": start,
            "end": end,
            "sentence": document.text[start:end],
        }
        return do_add_action_item(
            ActionItemValues(
                objective=objective,
                party=party,
                title=title[:300],
                deadline=_date(values.get("deadline"), "deadline"),
                category=category,
                description=description,
                priority=str(values.get("priority") or Priority.MEDIUM),
            ),
            acting_user=acting_user,
        )


def register() -> None:
    from rasad.intake.targets import register_target

    register_target(ProgrammeActionItemTarget())
