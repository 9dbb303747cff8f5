"""Fixed vocabularies of live operations, with translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeviceKind(models.TextChoices):
    CAMERA = "camera", _("Camera")
    THERMAL_CAMERA = "thermal_camera", _("Thermal camera")
    GROUND_SENSOR = "ground_sensor", _("Ground sensor")
    RADIO = "radio", _("Radio")
    SOLAR_POWER = "solar_power", _("Solar power unit")
    SATELLITE_TERMINAL = "satellite_terminal", _("Satellite terminal")


class Status(models.TextChoices):
    """Where a device (or a post, from its devices) stands, derived from its last heartbeat."""

    ONLINE = "online", _("Online")
    DEGRADED = "degraded", _("Degraded")
    OFFLINE = "offline", _("Offline")
    UNKNOWN = "unknown", _("Never heard from")


class EventKind(models.TextChoices):
    SENSOR_ALARM = "sensor_alarm", _("Sensor alarm")
    TAMPER = "tamper", _("Tamper")
    POWER_LOSS = "power_loss", _("Power loss")
    OBSERVATION = "observation", _("Observation report")
    # Written by the server, never sent by an agent: a device's derived status changed.
    STATUS_CHANGED = "status_changed", _("Status changed")


# What an agent may send; STATUS_CHANGED is the server's own.
AGENT_EVENT_KINDS = (EventKind.SENSOR_ALARM, EventKind.TAMPER, EventKind.POWER_LOSS, EventKind.OBSERVATION)


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class ItemResult(models.TextChoices):
    """The answer to one item of an ingest batch (SECURITY.md B.1: per-item status)."""

    CREATED = "created", _("Recorded")
    DUPLICATE = "duplicate", _("Already recorded")
    CONFLICT = "conflict", _("Conflicts with a recorded item")
    REFUSED = "refused", _("Refused")
