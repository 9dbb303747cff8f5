"""Report subscriptions and their deliveries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class ReportSubscription(models.Model):
    """A person receives a report of an organization every month or quarter, as a PDF (or Excel)
    by e-mail and under "My files", made by the worker after each period closes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    report = models.CharField(_("report"), max_length=60)
    organization = models.ForeignKey(
        "core.Organization", on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    file_format = models.CharField(_("format"), max_length=8, default="pdf")
    is_active = models.BooleanField(_("active"), default=True)
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("report subscription")
        verbose_name_plural = _("report subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "report", "organization", "frequency"],
                condition=models.Q(is_active=True),
                name="report_subscription_unique_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.organization_id} {self.frequency}"


class ReportDelivery(models.Model):
    """One period's report for one subscription: made once, whatever the number of workers."""

    subscription = models.ForeignKey(ReportSubscription, on_delete=models.CASCADE, related_name="deliveries")
    period_key = models.CharField(_("period"), max_length=8)
    export = models.ForeignKey("jobs.ExportFile", null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscription", "period_key"], name="report_delivery_unique")
        ]
        verbose_name = _("report delivery")
        verbose_name_plural = _("report deliveries")

    def __str__(self) -> str:
        return f"{self.subscription_id} {self.period_key}"
