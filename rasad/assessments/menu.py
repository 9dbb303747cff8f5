"""The assessments app's menu entries, which are also its sub-navigation (see
``rasad.web.navigation``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from rasad.core.scope import holds_anywhere
from rasad.web.navigation import MenuGroup, MenuItem, keepers


def reviews_or_audits(user: Any) -> bool:
    """Whether the person may review or audit assessments somewhere: the audience of their
    queue, "Waiting for me"."""
    return holds_anywhere(user, "assessments.review_assessment") or holds_anywhere(
        user, "assessments.audit_assessment"
    )


MENU = (
    MenuGroup(
        "assessments",
        _("Assessments"),
        (
            MenuItem(
                _("Assessments"),
                "assessments:assessment-list",
                "bi-clipboard2-check",
                "assessments.view_assessment",
            ),
            MenuItem(
                _("Waiting for me"),
                "assessments:queue",
                "bi-inboxes",
                check=reviews_or_audits,
            ),
            MenuItem(_("Cycles"), "assessments:cycle-list", "bi-arrow-repeat", "assessments.view_cycle"),
            # The instruments' catalogue: in the main menu of those who keep it; an assessment
            # shows its own instrument.
            MenuItem(
                _("Instruments"),
                "assessments:instrument-list",
                "bi-list-check",
                "assessments.view_instrument",
                audience=keepers("assessments.add_instrument", "assessments.change_instrument"),
            ),
            MenuItem(
                _("Checklist compliance"),
                "assessments:compliance",
                "bi-grid-3x3-gap",
                "assessments.view_assessment",
            ),
            MenuItem(_("Risk register"), "assessments:risk-register", "bi-grid-3x3", "cases.view_case"),
            MenuItem(
                _("New cycle"),
                "assessments:cycle-create",
                "bi-plus-lg",
                "assessments.add_cycle",
                is_action=True,
            ),
        ),
        position=50,
        section="monitoring",
    ),
)
