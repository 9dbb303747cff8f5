"""Agent credentials: issued for one field post, shown once, stored as a SHA-256, revocable."""

from __future__ import annotations

import hashlib
import secrets
import time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rasad.core.access import require_scope
from rasad.core.models import Organization, User
from rasad.lib.actions import Errors, text
from rasad.live.actions.common import check_field_post
from rasad.live.audit import LiveAuditEvent, audit_live
from rasad.live.models import AgentCredential

PREFIX = "rpa_"  # "Rasad post agent": tells an agent's secret apart from a person's API token


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def do_issue_credential(
    organization: Organization, name: str, *, acting_user: User
) -> tuple[AgentCredential, str]:
    """A new credential for the agent of ``organization``; returns it and its secret (shown once)."""
    require_scope(acting_user, AgentCredential, "add", organization)
    errors = Errors()
    check_field_post(organization, errors)
    label = text(name, 100)
    if not label:
        errors.add("name", _("A name is required (for example, the agent's computer)."))
    errors.raise_if_any()
    secret = PREFIX + secrets.token_urlsafe(32)
    credential = AgentCredential(
        organization=organization,
        name=label,
        prefix=secret[: len(PREFIX) + 8],
        key_hash=hash_secret(secret),
        created_by=acting_user,
    )
    credential.save()
    audit_live(
        LiveAuditEvent.CREDENTIAL_ISSUED,
        organization,
        acting_user=acting_user,
        obj=credential,
        new={"name": label, "prefix": credential.prefix},
    )
    return credential, secret


@transaction.atomic
def do_revoke_credential(credential: AgentCredential, *, acting_user: User) -> AgentCredential:
    locked: AgentCredential = AgentCredential.objects.select_for_update().get(pk=credential.pk)
    require_scope(acting_user, AgentCredential, "change", locked.organization)
    if locked.revoked_at is not None:
        errors = Errors()
        errors.add("credential", _("This credential is already revoked."))
        errors.raise_if_any()
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at", "last_updated"])
    audit_live(
        LiveAuditEvent.CREDENTIAL_REVOKED,
        locked.organization,
        acting_user=acting_user,
        obj=locked,
        new={"revoked_at": locked.revoked_at},
    )
    return locked


def authenticate_agent(secret: str) -> AgentCredential | None:
    """The usable credential with this secret, or ``None``."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    credential: AgentCredential | None = (
        AgentCredential.objects.select_related("organization").filter(key_hash=hash_secret(secret)).first()
    )
    if credential is None or not credential.is_usable:
        return None
    return credential


# Usable credentials found by their secret's hash, kept for ``KNOWN_SECONDS`` (``known_agent``).
KNOWN_SECONDS = 60
KNOWN_LIMIT = 10_000
_known: dict[str, tuple[float, AgentCredential]] = {}


def known_agent(secret: str) -> AgentCredential | None:
    """``authenticate_agent`` without a query when this process has seen the secret in the last
    ``KNOWN_SECONDS``. Only for a caller that checks, in the transaction that acts on it, that
    the credential is still usable (``do_ingest_batches`` does, under the credential's lock), so
    that a revocation takes effect at once; a secret never seen is looked up every time."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    key = hash_secret(secret)
    known = _known.get(key)
    moment = time.monotonic()
    if known is not None and known[0] > moment:
        return known[1]
    credential = authenticate_agent(secret)
    if credential is None:
        _known.pop(key, None)
        return None
    if len(_known) >= KNOWN_LIMIT:
        _known.clear()
    _known[key] = (moment + KNOWN_SECONDS, credential)
    return credential


def forget_agent(credential: AgentCredential) -> None:
    """The next request with this credential's secret looks it up again."""
    _known.pop(credential.key_hash, None)
