"""Query vocabulary of the comms app.

Mailboxes (threads, messages, receipts), trust (peers) and the outbox belong to a local
centre's organization, so ``visible_to`` is the core rule applied through ``scope_field``. The
directory of centres and their public keys is public information between nodes: whoever may
view centres somewhere reads the whole directory (as roles are read); changing a centre is
scoped to the organization that hosts it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from rasad.core.querysets import ScopedQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from rasad.core.models import User


class _DirectoryQuerySet(ScopedQuerySet[Any]):
    def visible_to(self, user: User | AnonymousUser, action: str = "view") -> Self:
        from rasad.core.scope import organization_scope

        scope = organization_scope(user, self.model, action)
        if scope.is_everything or (action == "view" and not scope.is_nothing):
            return self.all()
        if scope.is_nothing:
            return self.none()
        return self.filter(**{f"{self.scope_field}_id__in": scope.organization_ids()})


class CentreQuerySet(_DirectoryQuerySet):
    scope_field = "organization"


class CentreKeyQuerySet(_DirectoryQuerySet):
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
