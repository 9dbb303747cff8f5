"""Matrix factories for the core app's API models (see rasad.testing.factories)."""

from __future__ import annotations

import itertools

from rasad.core.actions.organizations import OrganizationValues, do_create_organization
from rasad.core.actions.people import (
    do_add_membership,
    do_create_user,
    do_create_working_group,
    do_grant_role,
)
from rasad.core.models import Grant, Membership, Organization, Role, User, WorkingGroup
from rasad.testing.cast import Cast
from rasad.testing.factories import register

_sequence = itertools.count(1)


def _organization_payload(cast: Cast, parent: Organization) -> dict[str, object]:
    return {
        "code": f"MX-{next(_sequence)}",
        "name": "سازمان آزمایشی",
        "kind": "company",
        "parent": parent.code,
    }


@register("core.organization", create_payload=_organization_payload)
def make_organization(cast: Cast, parent: Organization) -> Organization:
    return do_create_organization(
        OrganizationValues(code=f"MO-{next(_sequence)}", name="واحد آزمایشی", kind="site", parent=parent),
        acting_user=cast.root,
    )


def _person(cast: Cast) -> User:
    return do_create_user(
        f"mx-user-{next(_sequence)}", acting_user=None, password=None, display_name="فرد آزمایشی"
    )


@register("core.user")
def make_user(cast: Cast, organization: Organization) -> User:
    user = _person(cast)
    do_add_membership(user, organization, acting_user=cast.root, title="کارشناس")
    return user


@register("core.membership")
def make_membership(cast: Cast, organization: Organization) -> Membership:
    return do_add_membership(_person(cast), organization, acting_user=cast.root, title="کارشناس")


def _grant_payload(cast: Cast, organization: Organization) -> dict[str, object]:
    user = make_user(cast, organization)
    return {"user": user.username, "role": "viewer", "organization": organization.code}


@register("core.grant", create_payload=_grant_payload)
def make_grant(cast: Cast, organization: Organization) -> Grant:
    user = make_user(cast, organization)
    return do_grant_role(
        user, Role.objects.get(slug="viewer"), acting_user=cast.root, organization=organization
    )


def _working_group_payload(cast: Cast, organization: Organization) -> dict[str, object]:
    return {
        "code": f"WG-{next(_sequence)}",
        "name": "کارگروه آزمایشی",
        "owner": organization.code,
        "organizations": [organization.code],
    }


@register("core.workinggroup", create_payload=_working_group_payload)
def make_working_group(cast: Cast, organization: Organization) -> WorkingGroup:
    return do_create_working_group(
        f"WG-{next(_sequence)}",
        "کارگروه آزمایشی",
        acting_user=cast.root,
        owner=organization,
        organizations=[organization],
    )


@register("core.auditevent")
def make_audit_event(cast: Cast, organization: Organization) -> object:
    """The trail is written only by actions: creating an organization under ``organization``
    records one event owned by the new (so in-scope) organization."""
    from rasad.core.audit import CoreAuditEvent
    from rasad.core.models import AuditEvent

    created = make_organization(cast, organization)
    return AuditEvent.objects.get(event_type=CoreAuditEvent.ORGANIZATION_CREATED, object_id=str(created.pk))
