from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser, Permission, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from rasad.core.choices import CalendarChoices, LanguageChoices
from rasad.core.models.base import TimestampedModel
from rasad.core.querysets import (
    GrantQuerySet,
    MembershipQuerySet,
    RoleQuerySet,
    UserQuerySet,
    WorkingGroupQuerySet,
)
from rasad.lib import formatting


class RasadUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    """Django's user manager with the scoped query vocabulary (``visible_to``)."""


class User(AbstractUser):
    """A person who signs in. What they may see comes only from their grants (or superuser)."""

    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    # The person's name as they write it in Latin letters («Erfan Pishin»): what English pages,
    # letters and exports for readers of English call them by (``rasad.lib.formatting.person_name``).
    # Kept apart from the display name, which is usually Persian, rather than guessed from
    # Django's first and last names, which nothing in Rasad asks for.
    latin_name = models.CharField(
        _("name in Latin letters"),
        max_length=150,
        blank=True,
        help_text=_("As in the person's passport or English correspondence, for example “Erfan Pishin”."),
    )
    language = models.CharField(
        _("language"), max_length=8, choices=LanguageChoices.choices, default=LanguageChoices.PERSIAN
    )
    calendar = models.CharField(
        _("calendar"), max_length=16, choices=CalendarChoices.choices, default=CalendarChoices.JALALI
    )
    persian_digits = models.BooleanField(_("Persian digits"), default=True)
    # Normalized search key of the names and username (rasad.lib.persian.search_key), so people
    # are found under every spelling, like organizations and cases.
    search_text = models.TextField(editable=False, default="")

    objects = RasadUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def organization(self) -> Any:
        """Where this person works (their primary membership, else any): what scopes them as a
        record, so that people are visible to those who may see people in that organization."""
        membership = self.memberships.select_related("organization").order_by("-is_primary", "pk").first()
        return membership.organization if membership is not None else None

    @property
    def requires_two_factor(self) -> bool:
        """Administrators must use TOTP; for everyone else it is optional."""
        return self.is_superuser or self.grants.filter(role__slug="administrator").exists()


class Membership(TimestampedModel):
    """A person works at an organization (with a job title). Membership alone grants nothing."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="memberships"
    )
    title = models.CharField(_("job title"), max_length=150, blank=True)
    is_primary = models.BooleanField(_("primary"), default=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="membership_unique")]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization}"


class Role(TimestampedModel):
    """A named set of permissions (viewer, reporter, analyst, coordinator, administrator).

    Roles are data: administrators may add roles, and ``rasad.core.roles`` keeps the five
    default roles in step with the permissions every app declares.
    """

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    permissions = models.ManyToManyField(Permission, blank=True, related_name="rasad_roles")

    objects = RoleQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return self.name


class WorkingGroup(TimestampedModel):
    """A joint working group: a scope shared across organizations that are not one subtree,
    for example the command centres of adjacent provinces."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    organizations = models.ManyToManyField("core.Organization", related_name="working_groups")
    include_descendants = models.BooleanField(_("include sub-organizations"), default=False)
    owner = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        related_name="owned_working_groups",
        verbose_name=_("owner organization"),
    )
    # rasad.lib.persian.search_key of the name and code, written by the actions that create and
    # rename a group (rasad.core.actions.people.working_group_search_text); lists search it
    # through rasad.lib.search.matching (docs/search.md).
    search_text = models.TextField(editable=False, default="")

    objects = WorkingGroupQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")

    def __str__(self) -> str:
        return self.name


class Grant(TimestampedModel):
    """A user holds a role over a scope: one organization (optionally with its whole subtree), or
    a working group's organizations."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="grants")
    organization = models.ForeignKey(
        "core.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="grants"
    )
    working_group = models.ForeignKey(
        WorkingGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="grants"
    )
    include_descendants = models.BooleanField(_("include sub-organizations"), default=True)
    is_enabled = models.BooleanField(_("enabled"), default=True)
    expires = models.DateTimeField(_("expires"), null=True, blank=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(organization__isnull=False) & models.Q(working_group__isnull=True))
                | (models.Q(organization__isnull=True) & models.Q(working_group__isnull=False)),
                name="grant_has_exactly_one_scope",
            )
        ]
        verbose_name = _("grant")
        verbose_name_plural = _("grants")

    def __str__(self) -> str:
        scope = self.organization or self.working_group
        return formatting.separator().join(str(part) for part in (self.user, self.role, scope))
