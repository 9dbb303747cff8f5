"""Device actions: register a device at a field post, change it, retire it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rasad.core.access import require_in_scope, require_scope
from rasad.core.models import Organization, User
from rasad.lib import formatting
from rasad.lib.actions import Errors, text
from rasad.live.actions.common import check_field_post, push
from rasad.live.audit import LiveAuditEvent, audit_live
from rasad.live.choices import DeviceKind
from rasad.live.models import Device

MIN_INTERVAL = 5
MAX_INTERVAL = 86_400


@dataclass
class DeviceValues:
    organization: Organization
    kind: str
    serial: str
    name: str = ""
    heartbeat_interval: int = 60


def _check(values: DeviceValues, errors: Errors, instance: Device | None) -> None:
    check_field_post(values.organization, errors)
    if values.kind not in DeviceKind.values:
        errors.add("kind", _("Choose one of the listed device types."))
    serial = text(values.serial)
    if not serial:
        errors.add("serial", _("A serial number is required."))
    elif len(serial) > 64 or any(c.isspace() for c in serial):
        errors.add("serial", _("A serial number is at most 64 characters, without spaces."))
    else:
        clash = Device.objects.filter(organization=values.organization, serial=serial)
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            errors.add(
                "serial", _("This post already has a device with serial “%(serial)s”.") % {"serial": serial}
            )
    if len(text(values.name)) > 200:
        errors.add("name", _("A name is at most 200 characters."))
    if (
        not isinstance(values.heartbeat_interval, int)
        or isinstance(values.heartbeat_interval, bool)
        or not MIN_INTERVAL <= values.heartbeat_interval <= MAX_INTERVAL
    ):
        errors.add(
            "heartbeat_interval",
            _("The heartbeat interval is a whole number of seconds from %(low)s to %(high)s.")
            % {"low": formatting.number(MIN_INTERVAL), "high": formatting.number(MAX_INTERVAL)},
        )


def _fields(device: Device) -> dict[str, object]:
    return {
        "organization": device.organization_id,
        "kind": device.kind,
        "serial": device.serial,
        "name": device.name,
        "heartbeat_interval": device.heartbeat_interval,
    }


@transaction.atomic
def do_register_device(values: DeviceValues, *, acting_user: User) -> Device:
    require_scope(acting_user, Device, "add", values.organization)
    errors = Errors()
    _check(values, errors, None)
    errors.raise_if_any()
    device = Device(
        organization=values.organization,
        kind=values.kind,
        serial=text(values.serial),
        name=text(values.name, 200),
        heartbeat_interval=values.heartbeat_interval,
    )
    device.save()
    audit_live(
        LiveAuditEvent.DEVICE_REGISTERED,
        values.organization,
        acting_user=acting_user,
        obj=device,
        new=_fields(device),
    )
    require_in_scope(acting_user, "view", device)
    push("live.device", device.organization_id, device=device.pk)
    return device


@transaction.atomic
def do_change_device(device: Device, values: DeviceValues, *, acting_user: User) -> Device:
    """Change a device's type, serial, name or interval. It stays at its post."""
    locked: Device = Device.objects.select_for_update().get(pk=device.pk)
    require_scope(acting_user, Device, "change", locked.organization)
    errors = Errors()
    if values.organization.pk != locked.organization_id:
        errors.add(
            "organization", _("A device stays at its post; retire it and register it at the other post.")
        )
    _check(values, errors, locked)
    errors.raise_if_any()
    old = _fields(locked)
    locked.kind = values.kind
    locked.serial = text(values.serial)
    locked.name = text(values.name, 200)
    locked.heartbeat_interval = values.heartbeat_interval
    new = _fields(locked)
    changed = {k for k in new if new[k] != old[k]}
    if changed:  # the form sent back as it was writes nothing (docs/audit.md, "What is recorded")
        locked.save()
        audit_live(
            LiveAuditEvent.DEVICE_CHANGED,
            locked.organization,
            acting_user=acting_user,
            obj=locked,
            old={k: old[k] for k in changed},
            new={k: new[k] for k in changed},
        )
        push("live.device", locked.organization_id, device=locked.pk)
    return locked


@transaction.atomic
def do_retire_device(device: Device, *, acting_user: User) -> Device:
    """Take a device out of service: it no longer counts towards its post's status, and anything
    it sends afterwards is refused. Its history stays."""
    locked: Device = Device.objects.select_for_update().get(pk=device.pk)
    require_scope(acting_user, Device, "change", locked.organization)
    if locked.retired_at is not None:
        errors = Errors()
        errors.add("device", _("This device is already retired."))
        errors.raise_if_any()
    locked.retired_at = timezone.now()
    locked.save(update_fields=["retired_at", "last_updated"])
    audit_live(
        LiveAuditEvent.DEVICE_RETIRED,
        locked.organization,
        acting_user=acting_user,
        obj=locked,
        new={"retired_at": locked.retired_at},
    )
    push("live.device", locked.organization_id, device=locked.pk)
    return locked
