"""Query vocabulary of the comms app.

Everything a user reads belongs to a centre hosted on this node: its keys, its peers (the other
centres it trusts, with their public keys), its mailbox (threads, messages, receipts) and its
outbox. So ``visible_to`` is the core rule applied through ``scope_field`` to the local centre's
organization. A peer centre's row (no organization here) is read through the local centre's
``Peer`` row, never on its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from rasad.core.querysets import ScopedQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from rasad.core.models import User


class CentreQuerySet(ScopedQuerySet[Any]):
    scope_field = "organization"


class CentreKeyQuerySet(ScopedQuerySet[Any]):
    scope_field = "centre__organization"


class PeerQuerySet(ScopedQuerySet[Any]):
    scope_field = "local_centre__organization"


class ThreadQuerySet(ScopedQuerySet[Any]):
    scope_field = "centre__organization"


class MessageQuerySet(ScopedQuerySet[Any]):
    scope_field = "centre__organization"


class ReceiptQuerySet(ScopedQuerySet[Any]):
    scope_field = "message__centre__organization"


class DeliveryQuerySet(ScopedQuerySet[Any]):
    scope_field = "sender__organization"

    def due(self, now: Any) -> Self:
        from rasad.comms.choices import DeliveryStatus

        return self.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)


class _GroupQuerySet(ScopedQuerySet[Any]):
    """A joint group is seen by those who may see one of its member centres hosted here."""

    members_field = "members"

    def visible_to(self, user: User | AnonymousUser, action: str = "view") -> Self:
        from rasad.core.scope import organization_scope

        scope = organization_scope(user, self.model, action)
        if scope.is_everything:
            return self.all()
        if scope.is_nothing:
            return self.none()
        ids = self.filter(**{f"{self.members_field}__organization_id__in": scope.organization_ids()}).values(
            "pk"
        )
        return self.filter(pk__in=ids)


class JointGroupQuerySet(_GroupQuerySet):
    scope_field = "owner__organization"


class GroupTaskQuerySet(_GroupQuerySet):
    scope_field = "group__owner__organization"
    members_field = "group__members"
