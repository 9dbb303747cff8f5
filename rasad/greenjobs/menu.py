"""The green-jobs app's menu entries, which are also its sub-navigation (see
``rasad.web.navigation``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rasad.web.navigation import MenuGroup, MenuItem, anything_of

MENU = (
    MenuGroup(
        "greenjobs",
        _("Green jobs"),
        (
            MenuItem(
                _("Incentive schemes"), "greenjobs:scheme-list", "bi-cash-coin", "greenjobs.view_scheme"
            ),
            MenuItem(_("Queues"), "greenjobs:queue", "bi-inboxes", "greenjobs.review_application"),
            MenuItem(
                _("Applications"),
                "greenjobs:application-list",
                "bi-file-earmark-text",
                "greenjobs.view_application",
            ),
            MenuItem(
                _("Outcomes dashboard"), "greenjobs:dashboard", "bi-graph-up", "greenjobs.view_application"
            ),
            MenuItem(_("Green businesses"), "greenjobs:business-list", "bi-shop", "greenjobs.view_business"),
            MenuItem(
                _("Green certificates"),
                "greenjobs:certificate-list",
                "bi-patch-check",
                "greenjobs.view_certificate",
            ),
            # The page is public (no sign-in needed); the menu shows it to people with a role.
            MenuItem(
                _("Directory of certified businesses"),
                "greenjobs:directory",
                "bi-map",
                "greenjobs.view_business",
            ),
            MenuItem(
                _("Green occupations"), "greenjobs:occupation-list", "bi-tree", "greenjobs.view_occupation"
            ),
            MenuItem(
                _("New scheme"),
                "greenjobs:scheme-create",
                "bi-plus-lg",
                "greenjobs.add_scheme",
                is_action=True,
            ),
        ),
        position=42,
        section="programmes",
        # A green business, the offices and runners of a scheme, and who may start one.
        audience=anything_of("greenjobs.Business", "greenjobs.Scheme", starts="greenjobs.add_scheme"),
    ),
)
