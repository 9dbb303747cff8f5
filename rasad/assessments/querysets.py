"""Query vocabulary of the assessments app, and how its rows belong to organizations.

* An **instrument** (and its sections, criteria, items and bands) belongs to its owner, the body
  that publishes it. A published instrument is a public standard: everyone who holds any grant
  for it may read it. Drafts are read, and every version is changed, only in the owner's scope.
* A **cycle** belongs to the organization that runs it. It is also read by the organizations it
  assesses, reviews or audits.
* An **assessment** belongs to the assessed organization, and in a second way to the cycle's
  owner, to the organizations its assessors act for and to the auditing agencies: which one
  counts depends on the verb (``within``). The assessed side answers and submits (``change``,
  ``submit``); assessors review (``review``); the auditing agency audits (``audit``); the cycle's
  owner assigns, decides and finalizes (``manage``).
* Everything that hangs off an assessment (scores, evidence, feedback, findings, reviews) is read
  where its assessment is read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from django.db.models import Exists, OuterRef, Q

from rasad.core.querysets import ScopedQuerySet

if TYPE_CHECKING:
    from rasad.core.models import User
    from rasad.core.scope import Scope

PUBLIC_STATUSES = ("published", "retired")


class InstrumentPartQuerySet(ScopedQuerySet[Any]):
    """An instrument (``prefix`` = "") or a part of one (``prefix`` = "instrument__")."""

    prefix = ""

    def within(self, scope: Scope, action: str) -> Self:
        owned = Q(**{f"{self.prefix}owner_id__in": scope.organization_ids()})
        if action == "view":
            return self.filter(owned | Q(**{f"{self.prefix}status__in": PUBLIC_STATUSES}))
        return self.filter(owned)


class InstrumentQuerySet(InstrumentPartQuerySet):
    scope_field = "owner"

    def published(self) -> Self:
        return self.filter(status="published")


class InstrumentChildQuerySet(InstrumentPartQuerySet):
    scope_field = "instrument__owner"
    prefix = "instrument__"


class CycleQuerySet(ScopedQuerySet[Any]):
    """A cycle belongs to the organization running it; the organizations it assesses, and those
    reviewing or auditing for it, read it too."""

    scope_field = "organization"

    def within(self, scope: Scope, action: str) -> Self:
        ids = scope.organization_ids()
        owned = Q(organization_id__in=ids)
        if action != "view":
            return self.filter(owned)
        from rasad.assessments.models import Assessment, CycleAudit, Review

        return self.filter(
            owned
            | Q(pk__in=Assessment.objects.filter(organization_id__in=ids).values("cycle_id"))
            | Q(pk__in=CycleAudit.objects.filter(organization_id__in=ids).values("cycle_id"))
            | Q(pk__in=Review.objects.filter(organization_id__in=ids).values("assessment__cycle_id"))
        )


def assessment_q(scope: Scope, action: str, prefix: str = "") -> Q:
    """Which assessments (at ``prefix``) a scope admits for ``action``."""
    from rasad.assessments.models import CycleAudit, Review

    ids = scope.organization_ids()
    assessed = Q(**{f"{prefix}organization_id__in": ids})
    owner = Q(**{f"{prefix}cycle__organization_id__in": ids})
    pk = f"{prefix}pk__in" if prefix else "pk__in"
    cycle = f"{prefix}cycle_id__in"
    assessors = Q(
        **{pk: Review.objects.filter(organization_id__in=ids, kind="assessor").values("assessment_id")}
    )
    auditors = Q(**{cycle: CycleAudit.objects.filter(organization_id__in=ids).values("cycle_id")})
    if action in ("change", "submit"):
        return assessed
    if action == "review":
        return assessors
    if action == "audit":
        return auditors
    if action in ("manage", "add", "delete"):
        return owner
    return assessed | owner | assessors | auditors


class AssessmentQuerySet(ScopedQuerySet[Any]):
    scope_field = "organization"

    def within(self, scope: Scope, action: str) -> Self:
        return self.filter(assessment_q(scope, action))

    # What waits for one person (their queue page and their home): applied after
    # ``visible_to(user, "review")`` or ``visible_to(user, "audit")``, never instead of it.

    def awaiting_review_by(self, user: User) -> Self:
        """Submitted assessments whose review ``user`` is assigned and has not submitted."""
        from rasad.assessments.models import Review

        mine = Review.objects.filter(
            assessment_id=OuterRef("pk"), reviewer=user, kind="assessor", submitted_at__isnull=True
        )
        return self.filter(Exists(mine), status__in=("submitted", "reviewed"))

    def awaiting_consensus_by(self, user: User) -> Self:
        """Assessments every assessor has reviewed whose consensus ``user``, the lead, records."""
        from rasad.assessments.models import Review

        led = Review.objects.filter(
            assessment_id=OuterRef("pk"), reviewer=user, kind="assessor", is_lead=True
        )
        return self.filter(Exists(led), status="reviewed")

    def awaiting_audit_by(self, user: User) -> Self:
        """Agreed assessments of cycles audited by an agency ``user`` audits for, whose audit
        that agency has not submitted (anyone of the agency who may audit makes it)."""
        from rasad.assessments.models import Assessment, CycleAudit, Review
        from rasad.core.scope import organization_scope

        scope = organization_scope(user, Assessment, "audit")
        if scope.is_nothing:
            return self.none()
        submitted = Review.objects.filter(
            assessment_id=OuterRef(OuterRef("pk")),
            audit_id=OuterRef("pk"),
            kind="audit",
            submitted_at__isnull=False,
        )
        pending = CycleAudit.objects.filter(
            scope.as_q("organization__"), cycle_id=OuterRef("cycle_id")
        ).filter(~Exists(submitted))
        return self.filter(Exists(pending), status="agreed")


class AssessmentChildQuerySet(ScopedQuerySet[Any]):
    """Rows of one assessment (evidence, feedback, findings): where the assessment is read, for
    every verb (writing them is decided by the assessment's own verbs in the actions)."""

    scope_field = "assessment__organization"

    def within(self, scope: Scope, action: str) -> Self:
        return self.filter(assessment_q(scope, "view", "assessment__"))


class ReviewQuerySet(ScopedQuerySet[Any]):
    """An assessor's or auditor's review belongs to the organization they act for; the assessed
    organization and the cycle's owner read it too. Assigning and withdrawing is the owner's."""

    scope_field = "organization"

    def within(self, scope: Scope, action: str) -> Self:
        ids = scope.organization_ids()
        owner = Q(assessment__cycle__organization_id__in=ids)
        if action in ("add", "delete"):
            return self.filter(owner)
        own = Q(organization_id__in=ids)
        if action != "view":
            return self.filter(own)
        return self.filter(own | owner | Q(assessment__organization_id__in=ids))


class CycleChildQuerySet(ScopedQuerySet[Any]):
    """Rows of one cycle (its auditing agencies): read where the cycle is read, written by the
    cycle's owner."""

    scope_field = "cycle__organization"

    def within(self, scope: Scope, action: str) -> Self:
        ids = scope.organization_ids()
        owned = Q(cycle__organization_id__in=ids)
        if action != "view":
            return self.filter(owned)
        from rasad.assessments.models import Assessment

        return self.filter(
            owned
            | Q(organization_id__in=ids)
            | Q(cycle_id__in=Assessment.objects.filter(organization_id__in=ids).values("cycle_id"))
        )


class RiskQuerySet(ScopedQuerySet[Any]):
    """A risk's residual rating and its treatment actions (``rasad.assessments.risks``): read
    wherever the risk case is read; written in the scope of the organization that owns the risk
    (the one that must treat it)."""

    scope_field = "case__owner_organization"

    def within(self, scope: Scope, action: str) -> Self:
        if action != "view":
            return self.filter(case__owner_organization_id__in=scope.organization_ids())
        from rasad.cases.querysets import case_visibility

        return self.filter(case_visibility(scope, "case__"))
