"""What the core world is: places, organizations, people, their grants, and the audit trail."""

from rasad.core.models.audit import AccessDenialTally, AuditChainHead, AuditCheckpoint, AuditEvent
from rasad.core.models.base import OrganizationOwnedModel, TimestampedModel
from rasad.core.models.geography import City, County, Province
from rasad.core.models.organizations import Organization, OrganizationParentHistory, common_ancestor
from rasad.core.models.people import Grant, Membership, Role, User, WorkingGroup
from rasad.core.models.tokens import ApiToken

__all__ = [
    "AccessDenialTally",
    "ApiToken",
    "AuditChainHead",
    "AuditCheckpoint",
    "AuditEvent",
    "City",
    "County",
    "Grant",
    "Membership",
    "Organization",
    "OrganizationOwnedModel",
    "OrganizationParentHistory",
    "Province",
    "Role",
    "TimestampedModel",
    "User",
    "WorkingGroup",
    "common_ancestor",
]
