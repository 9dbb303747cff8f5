"""Filters shared by the comms lists (UI) and the API. Message contents are encrypted, so the
search word ``q`` matches centres (codes and names), never what a message says."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from rasad.comms.choices import DeliveryStatus, Direction, PeerStatus, Priority, TaskStatus
from rasad.comms.models import Centre, Delivery, GroupTask, JointGroup, Message, Peer, Thread
from rasad.core.filtersets import FilterSet, IdFilter
from rasad.lib.search import matching


def _centre_words(queryset: QuerySet[Any], prefix: str, value: str) -> QuerySet[Any]:
    """The rows whose centre (through ``prefix``) holds every word of ``value`` in its search key
    (name and code), in any spelling variant."""
    return queryset.filter(matching(value, f"{prefix}search_text"))


class CentreFilterSet(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))

    class Meta:
        model = Centre
        fields = ["q"]

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return _centre_words(queryset, "", value)


class PeerFilterSet(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(choices=PeerStatus.choices, label=_("Status"))
    local_centre_id = IdFilter(label=_("Our centre (id)"))
    local_centre = django_filters.CharFilter(field_name="local_centre__code", label=_("Our centre (code)"))

    class Meta:
        model = Peer
        fields = ["q", "status", "local_centre_id", "local_centre"]

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return _centre_words(queryset, "centre__", value).distinct()


class ThreadFilterSet(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Centre"))
    centre_id = IdFilter(label=_("Mailbox (id)"))
    centre = django_filters.CharFilter(field_name="centre__code", label=_("Mailbox (code)"))
    joint_group_id = IdFilter(label=_("Joint working group (id)"))
    unread = django_filters.BooleanFilter(method="filter_unread", label=_("Unread"))

    class Meta:
        model = Thread
        fields = ["q", "centre_id", "centre", "joint_group_id", "unread"]

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return _centre_words(queryset, "participants__", value).distinct()

    def filter_unread(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return queryset
        unread = Message.objects.filter(
            direction=Direction.INCOMING, read_at__isnull=True, envelope__kind="message"
        ).values("thread_id")
        return queryset.filter(pk__in=unread) if value else queryset.exclude(pk__in=unread)


class MessageFilterSet(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Centre"))
    thread_id = IdFilter(label=_("Thread (id)"))
    centre_id = IdFilter(label=_("Mailbox (id)"))
    centre = django_filters.CharFilter(field_name="centre__code", label=_("Mailbox (code)"))
    direction = django_filters.ChoiceFilter(choices=Direction.choices, label=_("Direction"))
    priority = django_filters.MultipleChoiceFilter(
        field_name="envelope__priority", choices=Priority.choices, label=_("Priority")
    )
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label=_("Unread"))
    awaiting_acknowledgment = django_filters.BooleanFilter(
        method="filter_awaiting", label=_("Awaiting my acknowledgment")
    )

    class Meta:
        model = Message
        fields = ["q", "thread_id", "centre_id", "centre", "direction", "priority", "unread"]

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return _centre_words(queryset, "envelope__sender__", value)

    def filter_awaiting(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return queryset
        awaiting = Q(direction=Direction.INCOMING, envelope__requires_ack=True, acknowledged_at__isnull=True)
        return queryset.filter(awaiting) if value else queryset.exclude(awaiting)


class DeliveryFilterSet(FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=DeliveryStatus.choices, label=_("Status"))
    sender_id = IdFilter(label=_("Sending centre (id)"))

    class Meta:
        model = Delivery
        fields = ["status", "sender_id"]


class JointGroupFilterSet(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))

    class Meta:
        model = JointGroup
        fields = ["q"]

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        # A joint group is named by its working group: the search key of that group's name and
        # code (rasad.core.actions.people.working_group_search_text).
        return queryset.filter(matching(value, "working_group__search_text"))


class GroupTaskFilterSet(FilterSet):
    group_id = IdFilter(label=_("Joint working group (id)"))
    status = django_filters.ChoiceFilter(choices=TaskStatus.choices, label=_("Status"))
    assigned_centre = django_filters.CharFilter(
        field_name="assigned_centre__code", label=_("Assigned to (code)")
    )

    class Meta:
        model = GroupTask
        fields = ["group_id", "status", "assigned_centre"]
