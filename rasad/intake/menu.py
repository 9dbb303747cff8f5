"""The intake app's menu entries, which are also its sub-navigation (see
``rasad.web.navigation``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rasad.web.navigation import MenuGroup, MenuItem, anything_of

MENU = (
    MenuGroup(
        "intake",
        _("Documents"),
        (
            MenuItem(
                _("Document intake"),
                "intake:document-list",
                "bi-file-earmark-text",
                "intake.view_intakedocument",
            ),
            MenuItem(
                _("People named in documents"),
                "intake:people-list",
                "bi-person-vcard",
                "intake.view_knownperson",
            ),
            MenuItem(
                _("Organization aliases"), "intake:alias-list", "bi-tags", "intake.view_organizationalias"
            ),
            MenuItem(
                _("Read a new document"),
                "intake:document-create",
                "bi-file-earmark-plus",
                "intake.add_intakedocument",
                is_action=True,
            ),
        ),
        position=35,
        section="cases",
        # Analysts and coordinators read documents in; others only where one is in their scope.
        audience=anything_of("intake.IntakeDocument", starts="intake.add_intakedocument"),
    ),
)
