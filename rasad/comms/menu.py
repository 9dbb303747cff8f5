"""The comms app's menu entries, which are also its sub-navigation (see ``rasad.web.navigation``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rasad.web.navigation import MenuGroup, MenuItem, anything_of

MENU = (
    MenuGroup(
        "comms",
        _("Centre messages"),
        (
            MenuItem(_("Messages"), "comms:inbox", "bi-envelope-paper", "comms.view_thread"),
            MenuItem(_("Joint working groups"), "comms:groups", "bi-people", "comms.view_jointgroup"),
            MenuItem(_("Peer centres"), "comms:peers", "bi-diagram-3", "comms.view_peer"),
            MenuItem(_("Keys"), "comms:centres", "bi-key", "comms.view_centre"),
            MenuItem(_("Outbox"), "comms:outbox", "bi-send-check", "comms.view_delivery"),
            MenuItem(
                _("New message"), "comms:compose", "bi-pencil-square", "comms.add_message", is_action=True
            ),
        ),
        position=50,
        section="communication",
        # The staff of a command centre hosted here (and who may host one): not its field posts.
        audience=anything_of("comms.Centre", starts="comms.add_centre"),
    ),
)
