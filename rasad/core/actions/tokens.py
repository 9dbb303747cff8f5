from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rasad.core.audit import CoreAuditEvent
from rasad.core.audit_log import record
from rasad.core.models import ApiToken, User
from rasad.core.scope import held_grants_of, remember_held_grants

TOKEN_PREFIX = "rsd_"  # noqa: S105 (a public prefix, not a secret)


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def do_create_api_token(
    user: User, *, acting_user: User, name: str, expires: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns it with the secret, which is never stored or shown again."""
    if acting_user.pk != user.pk and not acting_user.is_superuser:
        raise ValidationError({"user": [_("You may create tokens only for yourself.")]})
    if not name.strip():
        raise ValidationError({"name": [_("A name is required.")]})
    now = timezone.now()
    longest = settings.API_TOKEN_MAX_DAYS
    expires = expires or now + timedelta(days=min(settings.API_TOKEN_DEFAULT_DAYS, longest))
    if expires <= now:
        raise ValidationError({"expires": [_("The expiry must be in the future.")]})
    if expires > now + timedelta(days=longest):
        raise ValidationError({"expires": [_("A token may live at most %(days)s days.") % {"days": longest}]})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100],
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        key_hash=hash_token(secret),
        expires=expires,
    )
    record(
        CoreAuditEvent.API_TOKEN_CREATED,
        actor=acting_user,
        obj=token,
        new={"user": user.pk, "name": token.name, "expires": expires},
    )
    return token, secret


@transaction.atomic
def do_revoke_api_token(token: ApiToken, *, acting_user: User) -> ApiToken:
    if acting_user.pk != token.user_id and not acting_user.is_superuser:
        raise ValidationError({"token": [_("You may revoke only your own tokens.")]})
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(CoreAuditEvent.API_TOKEN_REVOKED, actor=acting_user, obj=token)
    return token


def authenticate_token(secret: str) -> ApiToken | None:
    """Look a presented secret up by its hash; a revoked or expired token authenticates nobody."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    # The user's grants come in the same query: every request of a token asks for them.
    token = (
        ApiToken.objects.select_related("user")
        .annotate(held_grants=held_grants_of("user_id"))
        .filter(key_hash=hash_token(secret))
        .first()
    )
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    remember_held_grants(token.user, token.held_grants)
    now = timezone.now()
    if token.last_used is None or now - token.last_used > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token
