"""The comms app's counts on the home page: unread centre messages, messages waiting for an
acknowledgment, and peers whose fingerprint or new key waits for an administrator."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rasad.comms.choices import Direction, EnvelopeKind, PeerStatus
from rasad.comms.models import Centre, Message, Peer
from rasad.core.models import User
from rasad.core.scope import holds_anywhere
from rasad.web.home import HomeCount


def home_counts(user: User) -> list[HomeCount]:
    counts: list[HomeCount] = []
    # Only someone who reads a mailbox hosted here gets its counts: an office with no command
    # centre on this node sees no "unread: 0" for a mailbox it does not have.
    if Centre.objects.visible_to(user).filter(is_local=True).exists() and holds_anywhere(
        user, Message, "view"
    ):
        received = Message.objects.visible_to(user).filter(
            direction=Direction.INCOMING, envelope__kind=EnvelopeKind.MESSAGE
        )
        counts.append(
            HomeCount(
                _("Unread centre messages"), received.filter(read_at__isnull=True).count(), "comms:inbox"
            )
        )
        awaiting = received.filter(envelope__requires_ack=True, acknowledged_at__isnull=True).count()
        if awaiting:
            counts.append(HomeCount(_("Messages awaiting acknowledgment"), awaiting, "comms:inbox"))
    if holds_anywhere(user, Peer, "confirm"):
        waiting = (
            Peer.objects.visible_to(user, "confirm")
            .filter(status__in=[PeerStatus.PENDING, PeerStatus.KEY_CHANGED])
            .count()
        )
        if waiting:
            counts.append(HomeCount(_("Peers awaiting fingerprint confirmation"), waiting, "comms:peers"))
    return counts
