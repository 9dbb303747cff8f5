from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from rasad.core.audit import CoreAuditEvent
from rasad.core.audit_log import record
from rasad.core.models import ApiToken, User
from rasad.core.scope import held_grants_of, remember_held_grants
from rasad.lib import formatting
from rasad.lib.prepared import PreparedQuery

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
        too_long = _("A token may live at most %(days)s days.") % {"days": formatting.number(longest)}
        raise ValidationError({"expires": [too_long]})
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


@functools.cache  # read at every request of a token (``authenticate_token``): fixed per model
def _columns(model: type[models.Model]) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)


# Slot values for the prepared token query: a hash and a moment no real request has.
_KEY_SENTINEL = "rasad:prepared:key-hash"
_NOW_SENTINEL = datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)


def _token_query(key_hash: str, now: datetime) -> QuerySet[ApiToken]:
    """The token with every column of its user and the user's grants that count at ``now``."""
    user_columns = [f"user__{name}" for name in _columns(User)]
    return (
        ApiToken.objects.filter(key_hash=key_hash)
        .annotate(held_grants=held_grants_of("user_id", now=now))
        .order_by()
        .values_list(*_columns(ApiToken), *user_columns, "held_grants")[:1]
    )


# Compiled once per process: every request of a token sends this statement, and compiling it
# cost more CPU than PostgreSQL's answering it (docs/development/benchmarks.md, "Fixed cost").
_TOKEN = PreparedQuery(_token_query, key_hash=_KEY_SENTINEL, now=_NOW_SENTINEL)


def authenticate_token(secret: str) -> ApiToken | None:
    """Look a presented secret up by its hash; a revoked or expired token authenticates nobody.

    One statement reads the token, its user and the user's grants (every request of a token asks
    for them), so revoking a token or a grant, or deactivating the user, counts from the next
    request on."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    rows = _TOKEN.rows(key_hash=hash_token(secret), now=now)
    if not rows:
        return None
    row = rows[0]
    token_columns, user_columns = _columns(ApiToken), _columns(User)
    token = ApiToken.from_db(DEFAULT_DB_ALIAS, token_columns, row[: len(token_columns)])
    user = User.from_db(DEFAULT_DB_ALIAS, user_columns, row[len(token_columns) : -1])
    if token.revoked_at is not None or token.expires <= now or not user.is_active:
        return None
    token.user = user
    remember_held_grants(user, row[-1])
    if token.last_used is None or now - token.last_used > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token
