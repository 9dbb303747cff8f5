"""What live operations records: the devices of field posts, the credentials their agents send
with, the heartbeats and the events they send, and the status changes the server derives.

A field post is an organization (kind ``field_post``) with a location; everything here belongs
to one post through ``organization``, so scope is the post's (``rasad.core.scope``)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rasad.core.models.base import TimestampedModel
from rasad.live.choices import DeviceKind, EventKind, Severity, Status
from rasad.live.querysets import LiveQuerySet


class Device(TimestampedModel):
    """A camera, sensor, radio, power unit or satellite terminal installed at a field post.

    It is expected to send a heartbeat every ``heartbeat_interval`` seconds; its status is derived
    from the last one (``rasad.live.status``). The ``last_*`` columns are the latest heartbeat's
    readings, kept on the row so that the map and the lists need no history query."""

    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="devices", verbose_name=_("field post")
    )
    kind = models.CharField(_("type"), max_length=32, choices=DeviceKind.choices)
    serial = models.CharField(_("serial number"), max_length=64)
    name = models.CharField(_("name"), max_length=200, blank=True)
    heartbeat_interval = models.PositiveIntegerField(_("expected heartbeat interval (seconds)"), default=60)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.UNKNOWN)
    status_since = models.DateTimeField(_("status since"), null=True, blank=True)
    last_heartbeat_at = models.DateTimeField(_("last heartbeat (received)"), null=True, blank=True)
    last_device_time = models.DateTimeField(_("last heartbeat (device clock)"), null=True, blank=True)
    battery_percent = models.FloatField(_("battery (%)"), null=True, blank=True)
    link_quality = models.FloatField(_("link quality (%)"), null=True, blank=True)
    temperature_c = models.FloatField(_("temperature (°C)"), null=True, blank=True)
    free_storage_mb = models.FloatField(_("free storage (MB)"), null=True, blank=True)
    clock_skew_seconds = models.FloatField(_("clock skew (seconds)"), null=True, blank=True)
    last_sequence = models.BigIntegerField(_("highest event sequence"), default=0)

    objects = LiveQuerySet.as_manager()

    class Meta:
        ordering = ["organization_id", "kind", "serial"]
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        constraints = [models.UniqueConstraint(fields=["organization", "serial"], name="live_device_serial")]

    def __str__(self) -> str:
        return self.name or f"{self.get_kind_display()} {self.serial}"


class AgentCredential(TimestampedModel):
    """The secret an agent at a field post sends with everything it reports. Only its SHA-256 is
    stored; the secret is shown once. It may send for its post and nothing else, and read nothing."""

    organization = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        related_name="agent_credentials",
        verbose_name=_("field post"),
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, db_index=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)
    created_by = models.ForeignKey(
        "core.User", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("issued by")
    )

    objects = LiveQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("agent credential")
        verbose_name_plural = _("agent credentials")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None


class Heartbeat(models.Model):
    """One heartbeat a device sent: its readings, its own clock and when the server took it. The
    id is the agent's (a UUIDv7), so a heartbeat resent after an outage is recorded once."""

    id = models.UUIDField(primary_key=True, editable=False)
    organization = models.ForeignKey("core.Organization", on_delete=models.PROTECT, related_name="+")
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="heartbeats")
    device_time = models.DateTimeField(_("device time"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    battery_percent = models.FloatField(null=True)
    link_quality = models.FloatField(null=True)
    temperature_c = models.FloatField(null=True)
    free_storage_mb = models.FloatField(null=True)
    content_hash = models.CharField(max_length=64)

    objects = LiveQuerySet.as_manager()

    class Meta:
        ordering = ["device_id", "device_time"]
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")
        indexes = [models.Index(fields=["device", "-device_time"], name="live_heartbeat_recent")]

    def __str__(self) -> str:
        return f"{self.device_id} @ {self.device_time:%Y-%m-%d %H:%M:%S}"


class DeviceEvent(models.Model):
    """An event a device reported (an alarm, a tamper, a power loss, an observation), or a status
    change the server derived. ``id`` is the position in the live stream (``Last-Event-ID``);
    ``uuid`` is the agent's own id (UUIDv7), which makes a resent event a duplicate.

    Both clocks are kept: ``device_time`` as the device sent it (never corrected), ``received_at``
    from the server, and ``clock_skew_seconds`` by how much the device's clock was off when it sent
    the batch (device minus server: negative when the device is behind). Events of one device are
    ordered by the device's ``sequence``, not by arrival."""

    uuid = models.UUIDField(_("event id"), unique=True, editable=False)
    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("field post")
    )
    device = models.ForeignKey(
        Device, on_delete=models.PROTECT, related_name="events", verbose_name=_("device")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=EventKind.choices)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices, default=Severity.LOW)
    text = models.TextField(_("text"), blank=True)
    sequence = models.BigIntegerField(_("sequence"), null=True, blank=True)
    device_time = models.DateTimeField(_("device time"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    clock_skew_seconds = models.FloatField(_("clock skew (seconds)"), null=True, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    content_hash = models.CharField(max_length=64)

    objects = LiveQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("device event")
        verbose_name_plural = _("device events")
        constraints = [
            models.UniqueConstraint(
                fields=["device", "sequence"],
                condition=models.Q(sequence__isnull=False),
                name="live_event_device_sequence",
            )
        ]
        indexes = [models.Index(fields=["organization", "-id"], name="live_event_recent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.device_id}, {self.uuid})"


class Outage(TimestampedModel):
    """A field post that went silent (every device in service offline) for longer than
    ``RASAD_LIVE_OUTAGE_MINUTES``: the alert that opened, or joined, the post's incident case.
    It ends when the post is heard from again; the case stays with its owner to close. At most
    one outage of a post is open at a time."""

    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="outages", verbose_name=_("post")
    )
    started_at = models.DateTimeField(_("silent since"))
    ended_at = models.DateTimeField(_("heard from again"), null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("incident case"),
    )

    objects = LiveQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("outage")
        verbose_name_plural = _("outages")
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(ended_at__isnull=True),
                name="live_one_open_outage",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.started_at:%Y-%m-%d %H:%M}"
