"""A person's calendar address: an iCalendar feed of their training events that calendar
programs (which cannot sign in) read with a secret in the address.

Only a SHA-256 of the secret is stored; the address is shown once, when it is made. Making a new
address replaces the old one (which stops working at once); stopping the feed deletes it. The
feed shows the events the person may see in Rasad at the moment it is read, and only those they
enrolled in or were told of (``rasad.training.feeds``)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from rasad.core.access import refusal
from rasad.core.models import User
from rasad.training.audit import TrainingAuditEvent, audit
from rasad.training.models import CalendarFeed

FEED_PREFIX = "cal_"


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def do_make_calendar_feed(user: User, *, acting_user: User) -> tuple[CalendarFeed, str]:
    """Make (or replace) ``user``'s calendar address; returns it with its secret, which is never
    stored or shown again. Only the person themselves may."""
    if acting_user.pk != user.pk:
        raise refusal()
    secret = FEED_PREFIX + secrets.token_urlsafe(24)
    existing = CalendarFeed.objects.select_for_update().filter(user=user).first()
    feed = existing or CalendarFeed(user=user)
    feed.prefix = secret[: len(FEED_PREFIX) + 6]
    feed.key_hash = hash_key(secret)
    feed.last_used = None
    if existing is None:
        feed.save()
    else:
        feed.save(update_fields=["prefix", "key_hash", "last_used", "last_updated"])
    audit(
        TrainingAuditEvent.CALENDAR_FEED_MADE,
        acting_user=acting_user,
        organization=None,
        obj=feed,
        new={"prefix": feed.prefix, "replaced": existing is not None},
    )
    return feed, secret


@transaction.atomic
def do_stop_calendar_feed(user: User, *, acting_user: User) -> bool:
    """Delete ``user``'s calendar address (it stops working); whether there was one."""
    if acting_user.pk != user.pk:
        raise refusal()
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if feed is None:
        return False
    audit(
        TrainingAuditEvent.CALENDAR_FEED_STOPPED,
        acting_user=acting_user,
        organization=None,
        obj=feed,
        old={"prefix": feed.prefix},
    )
    feed.delete()
    return True


def feed_owner(secret: str) -> User | None:
    """The active person whose calendar address has this secret, or None."""
    if not secret.startswith(FEED_PREFIX) or len(secret) > 80:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(key_hash=hash_key(secret)).first()
    if feed is None or not feed.user.is_active:
        return None
    now = timezone.now()
    if feed.last_used is None or now - feed.last_used > timedelta(minutes=5):
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used=now)
    return feed.user
