"""The media app's menu entries, which are also its sub-navigation (see ``rasad.web.navigation``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rasad.web.navigation import MenuGroup, MenuItem, anything_of

MENU = (
    MenuGroup(
        "media",
        _("Media"),
        (
            MenuItem(_("Media board"), "media:board", "bi-megaphone", "media.view_statement"),
            MenuItem(_("Statements inbox"), "media:inbox", "bi-inbox", "media.respond_recipient"),
            MenuItem(_("Crisis room"), "media:crisis-list", "bi-broadcast", "media.view_crisis"),
            MenuItem(_("Rumour log"), "media:rumour-list", "bi-chat-square-quote", "media.view_rumour"),
            MenuItem(_("Media calendar"), "media:plan-calendar", "bi-calendar3", "media.view_planneditem"),
            MenuItem(_("Agencies' figures"), "media:figures", "bi-bar-chart", "media.view_recipient"),
            MenuItem(_("Member agencies"), "media:members", "bi-people", "media.view_memberagency"),
            MenuItem(
                _("New statement"),
                "media:statement-create",
                "bi-plus-lg",
                "media.add_statement",
                is_action=True,
            ),
        ),
        position=47,
        section="communication",
        # A media headquarters and its member agencies, and who may make an agency a member.
        audience=anything_of("media.MemberAgency", starts="media.add_memberagency"),
    ),
)
