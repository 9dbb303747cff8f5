from __future__ import annotations

from collections.abc import Sequence

from django.db import models
from django.utils.translation import gettext_lazy as _

from rasad.core.choices import OrganizationKind
from rasad.core.models.base import TimestampedModel
from rasad.core.querysets import OrganizationQuerySet


class Organization(TimestampedModel):
    """A body in the one organization tree: a ministry, a provincial office, a company, a mine,
    a border post or a command centre.

    The tree is stored as a materialized path (``path``: each ancestor's id, zero-padded, then
    this organization's), so "this organization and everything under it" is one indexed prefix
    match on every database. Only ``rasad.core.actions.organizations`` writes ``parent``/``path``.
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganizationKind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    province = models.ForeignKey(
        "core.Province",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
        verbose_name=_("province"),
    )
    county = models.ForeignKey(
        "core.County",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
        verbose_name=_("county"),
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    sector_tags = models.JSONField(_("sector tags"), default=list, blank=True)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    # Set only by a platform administrator (do_set_national_body, audited): whoever holds a right
    # over a national body exercises it on the national reference data (the indicator catalogue).
    is_national_body = models.BooleanField(
        _("national body"),
        default=False,
        editable=False,
        help_text=_("Keeps the national indicator catalogue. Set by a platform administrator."),
    )
    # Normalized search key of the names and code (rasad.lib.persian.search_key).
    search_text = models.TextField(editable=False, default="")

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True)
                | models.Q(opened_on__isnull=True)
                | models.Q(closed_on__gte=models.F("opened_on")),
                name="organization_closed_after_opened",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.closed_on is None

    @property
    def organization(self) -> Organization:
        """An organization belongs to itself, so scope checks treat it like any owned record."""
        return self

    @property
    def organization_id(self) -> int:
        return self.pk

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]


def common_ancestor_id(organizations: Sequence[Organization]) -> int | None:
    """The id of ``common_ancestor``, read from the organizations' paths."""
    paths = [o.path.strip("/").split("/") for o in organizations]
    common: list[str] = []
    for parts in zip(*paths, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return int(common[-1]) if common else None


def common_ancestor(organizations: Sequence[Organization]) -> Organization | None:
    """The deepest organization that is an ancestor of (or one of) all of ``organizations``."""
    deepest = common_ancestor_id(organizations)
    if deepest is None:
        return None
    # Usually one of the given organizations is the common ancestor itself (a one-site batch).
    return next((o for o in organizations if o.pk == deepest), None) or Organization.objects.get(pk=deepest)


class OrganizationParentHistory(models.Model):
    """Who was under whom, and when: one row per period an organization had a given parent."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="parent_history")
    parent = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organization", "valid_from"]
        verbose_name = _("organization parent history")
        verbose_name_plural = _("organization parent history")

    def __str__(self) -> str:
        return f"{self.organization_id} under {self.parent_id} from {self.valid_from:%Y-%m-%d}"
