"""The training app's menu entries, which are also its sub-navigation (see
``rasad.web.navigation``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rasad.web.navigation import MenuGroup, MenuItem, keepers

MENU = (
    MenuGroup(
        "training",
        _("Training"),
        (
            MenuItem(_("My learning"), "training:my-learning", "bi-mortarboard", None),
            MenuItem(
                _("Events calendar"),
                "training:event-list",
                "bi-calendar3",
                "training.view_event",
                current_on=("training:event-week",),
            ),
            # The catalogues: in the main menu of those who run training (a learner's courses
            # are under "My learning").
            MenuItem(
                _("Courses"),
                "training:course-list",
                "bi-book",
                "training.view_course",
                audience=keepers("training.add_course", "training.add_event"),
            ),
            MenuItem(
                _("Compliance"), "training:compliance", "bi-clipboard-data", "training.view_positionholding"
            ),
            MenuItem(
                _("Requirements"),
                "training:requirement-list",
                "bi-list-check",
                "training.view_requirement",
                audience=keepers("training.add_requirement", "training.change_requirement"),
            ),
            MenuItem(
                _("New event"), "training:event-create", "bi-plus-lg", "training.add_event", is_action=True
            ),
            MenuItem(
                _("New course"), "training:course-create", "bi-plus-lg", "training.add_course", is_action=True
            ),
        ),
        position=45,
        section="programmes",
    ),
)
