"""The five default roles, declared as data and kept in step with every app's permissions.

A role lists permission patterns ``<app_label>.<action>_<model>``, where ``*`` matches anything
and a leading ``!`` excludes; as in ``.gitignore``, the last pattern that matches decides.
Administrators may change roles afterwards; ``sync_default_roles`` only adds what a pattern
matches (new models, new apps), and never removes a permission an administrator added.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

from django.contrib.auth.models import Permission

RASAD_APPS = (
    "core",
    "greenjobs",
    "indicators",
    "cases",
    "jobs",
    "reports",
    "programs",
    "ops",
    "comms",
    "intake",
    "assessments",
    "live",
    "training",
    "media",
)


@dataclass(frozen=True)
class RoleDefinition:
    slug: str
    name: str
    name_en: str
    description: str
    patterns: tuple[str, ...]


# Reading the audit trail is a right of its own (analysts, coordinators, administrators).
VIEW = ("*.view_*", "!core.view_auditevent")
# Green jobs: a business's people apply and correct their applications; analysts of the three
# offices review them (each office its own step), register businesses, approve and pay;
# coordinators also run the schemes (greenjobs.*).
GREEN_APPLY = (
    "greenjobs.add_application",
    "greenjobs.change_application",
    "greenjobs.add_certificate",
    "greenjobs.add_outcomereport",
)
GREEN_REVIEW = (
    *GREEN_APPLY,
    "greenjobs.review_application",
    "greenjobs.approve_application",
    "greenjobs.certify_certificate",
    "greenjobs.add_business",
    "greenjobs.change_business",
)
# Analysts and coordinators submit and review documents and record the people they name; only
# administrators edit the alias list (reviewers' corrections add aliases through the action).
INTAKE_REVIEW = (
    "intake.*",
    "!intake.add_organizationalias",
    "!intake.change_organizationalias",
    "!intake.delete_organizationalias",
)
# Assessments: the assessed side answers and submits; analysts also review and audit as assessors
# of other organizations; coordinators run cycles and keep instruments (assessments.*).
SELF_ASSESS = ("assessments.change_assessment", "assessments.submit_assessment")
ASSESS = (*SELF_ASSESS, "assessments.review_assessment", "assessments.audit_assessment")
# The risk register: analysts rate risks and keep their treatment plans in their scope.
RISK_REGISTER = (
    "assessments.add_riskrating",
    "assessments.change_riskrating",
    "assessments.add_riskaction",
    "assessments.change_riskaction",
)
# Analysts and coordinators register and change the devices of field posts in scope; only
# administrators issue and revoke the credentials post agents send with.
LIVE_DEVICES = ("live.add_device", "live.change_device")
# Media coordination: an agency's staff acknowledge and answer the statements issued to it, answer
# the rumours assigned to it and write on a crisis's timeline; analysts of a media headquarters
# also draft statements and keep the rumour log; approving, issuing and running the crisis room
# is for coordinators (media.*), so who may approve is a grant, i.e. data.
MEDIA_RESPOND = (
    "media.respond_recipient",
    "media.answer_rumour",
    "media.add_timelineentry",
    "media.publish_planneditem",
)
MEDIA_DRAFT = (
    *MEDIA_RESPOND,
    "media.add_statement",
    "media.change_statement",
    "media.add_rumour",
    "media.change_rumour",
    "media.add_planneditem",
    "media.change_planneditem",
)
DEFAULT_ROLES = (
    RoleDefinition("viewer", "بیننده", "Viewer", "Sees everything in scope; changes nothing.", VIEW),
    RoleDefinition(
        "reporter",
        "گزارشگر",
        "Reporter",
        "Reports indicators, challenges and incidents for the organizations in scope.",
        (
            *VIEW,
            "indicators.add_observation",
            "indicators.change_observation",
            "indicators.submit_observation",
            *GREEN_APPLY,
            "cases.add_case",
            "cases.change_case",
            "cases.comment_case",
            "programs.submit_statusreport",
            *SELF_ASSESS,
            *MEDIA_RESPOND,
            # Messages between command centres are for the centres' staff, not their field posts.
            "!comms.*",
        ),
    ),
    RoleDefinition(
        "analyst",
        "کارشناس",
        "Analyst",
        "Reports, reviews and analyses data; works cases; cannot manage people or structure.",
        (
            *VIEW,
            "indicators.*",
            "cases.*",
            *GREEN_REVIEW,
            "programs.submit_statusreport",
            "core.view_auditevent",
            "comms.add_message",
            "comms.acknowledge_message",
            "comms.add_grouptask",
            "comms.change_grouptask",
            *INTAKE_REVIEW,
            *ASSESS,
            *RISK_REGISTER,
            *LIVE_DEVICES,
            *MEDIA_DRAFT,
        ),
    ),
    RoleDefinition(
        "coordinator",
        "هماهنگ‌کننده",
        "Coordinator",
        "Approves data, routes and assigns cases, consolidates members' items and forwards dossiers.",
        (
            *VIEW,
            "indicators.*",
            "cases.*",
            "greenjobs.*",
            "programs.*",
            "assessments.*",
            "training.*",
            "media.*",
            "core.view_auditevent",
            "core.change_organization",
            *INTAKE_REVIEW,
            *LIVE_DEVICES,
            # Coordinators write, register peers and run joint groups; confirming a peer's
            # fingerprint and handling keys is for administrators.
            "comms.*",
            "!comms.confirm_peer",
            "!comms.manage_keys_centre",
            "!comms.*_centrekey",
            "!comms.delete_*",
        ),
    ),
    RoleDefinition(
        "administrator",
        "مدیر سامانه",
        "Administrator",
        "Manages organizations, people and grants in scope; must use two-factor sign-in.",
        ("*.*",),
    ),
)


def permissions_matching(patterns: tuple[str, ...]) -> list[Permission]:
    permissions = Permission.objects.filter(content_type__app_label__in=RASAD_APPS).select_related(
        "content_type"
    )
    return [p for p in permissions if matches(f"{p.content_type.app_label}.{p.codename}", patterns)]


def matches(name: str, patterns: tuple[str, ...]) -> bool:
    decision = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        if fnmatch.fnmatchcase(name, pattern.removeprefix("!")):
            decision = not negated
    return decision


def sync_default_roles() -> None:
    from rasad.core.models import Role

    for definition in DEFAULT_ROLES:
        role, _created = Role.objects.get_or_create(
            slug=definition.slug,
            defaults={
                "name": definition.name,
                "name_en": definition.name_en,
                "description": definition.description,
            },
        )
        role.permissions.add(*permissions_matching(definition.patterns))
