from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimestampedModel(models.Model):
    """Every domain row knows when it was created and last changed (UTC)."""

    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    last_updated = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        abstract = True


class OrganizationOwnedModel(TimestampedModel):
    """A record that belongs to one organization.

    Carrying the organization on every such record is what lets one scoping mechanism
    (``visible_to``) serve every module. Subclasses give their manager a queryset derived from
    ``rasad.core.querysets.OrganizationScopedQuerySet``.
    """

    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("organization")
    )

    class Meta:
        abstract = True
