"""Every state change of live operations (conventions.md, "Writes go through actions")."""

from rasad.live.actions.credentials import (
    authenticate_agent,
    do_issue_credential,
    do_revoke_credential,
    known_agent,
)
from rasad.live.actions.devices import DeviceValues, do_change_device, do_register_device, do_retire_device
from rasad.live.actions.incidents import (
    INCIDENT_KEY_PREFIX,
    do_check_outage,
    do_raise_device_incident,
    incident_key,
)
from rasad.live.actions.ingest import (
    BatchRefused,
    BatchResult,
    credential_refused,
    do_ingest_batch,
    do_sweep_device,
    event_payload,
    parse_batch,
)

__all__ = [
    "INCIDENT_KEY_PREFIX",
    "BatchRefused",
    "BatchResult",
    "DeviceValues",
    "authenticate_agent",
    "credential_refused",
    "do_change_device",
    "do_check_outage",
    "do_ingest_batch",
    "do_issue_credential",
    "do_raise_device_incident",
    "do_register_device",
    "do_retire_device",
    "do_revoke_credential",
    "do_sweep_device",
    "event_payload",
    "incident_key",
    "known_agent",
    "parse_batch",
]
