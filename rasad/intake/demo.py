"""Intake demo data: the press aliases of the demo organizations, and two documents submitted by
the civil-defence coordinator and the Kerman cyberspace council, one partly reviewed.

The documents are this project's own reports in the seed scenarios' style (the seed reports
themselves are not copied into the repository). Everything goes through the intake actions, so
the demo leaves the same audit trail a person would.
"""

from __future__ import annotations

from typing import TextIO

from django.db import transaction

from rasad.core.models import Organization, User
from rasad.intake.actions import (
    Acceptance,
    SubmissionValues,
    do_accept_proposals,
    do_reject_proposals,
    do_submit_document,
)
from rasad.intake.audit import IntakeAuditEvent, audit_alias
from rasad.intake.choices import AliasSource
from rasad.intake.extraction.text import fold
from rasad.intake.gazetteers import DEMO_ALIASES
from rasad.intake.models import IntakeDocument, OrganizationAlias
from rasad.intake.quality import CORPUS_DIR
from rasad.intake.reading import read_pasted
from rasad.lib import search

DEMO_DOCUMENTS = (
    # (corpus file, submitting organization, the user who submits it, title)
    (
        "passive-defence-power-industry",
        "PDO",
        "pdo.coordinator",
        "نشست رئیس سازمان پدافند غیرعامل با مدیران صنعت برق",
    ),
    (
        "minutes-kerman-cyberspace-roadmap",
        "KER-CSC",
        "kerman-csc.coordinator",
        "صورتجلسه یازدهمین نشست شورای فضای مجازی استان کرمان",
    ),
)


def load_demo(stdout: TextIO | None = None) -> dict[str, int]:
    if not Organization.objects.filter(code="PDO").exists():
        from rasad.core.demo import load_demo as load_core_demo

        load_core_demo(stdout=stdout)
    with transaction.atomic():
        _aliases()
        if not IntakeDocument.objects.exists():
            _documents()
    summary = {"documents": IntakeDocument.objects.count(), "aliases": OrganizationAlias.objects.count()}
    if stdout is not None:
        stdout.write(f"intake: {summary['documents']} documents, {summary['aliases']} organization aliases\n")
    return summary


def _aliases() -> None:
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    for code, names in DEMO_ALIASES.items():
        organization = Organization.objects.filter(code=code).first()
        if organization is None:
            continue
        for name in names:
            key = fold(name)
            if OrganizationAlias.objects.filter(alias_key=key).exists():
                continue
            alias = OrganizationAlias(
                organization=organization,
                alias=name,
                alias_key=key,
                source=AliasSource.DEMO,
                created_by=admin,
            )
            alias.search_text = search.key_of(alias)
            alias.save()
            audit_alias(
                IntakeAuditEvent.ALIAS_ADDED, alias, acting_user=admin, new={"alias": name, "source": "demo"}
            )


def _documents() -> None:
    for stem, code, username, title in DEMO_DOCUMENTS:
        user = User.objects.filter(username=username).first()
        organization = Organization.objects.filter(code=code).first()
        if user is None or organization is None:
            continue
        text = (CORPUS_DIR / f"{stem}.txt").read_text(encoding="utf-8")
        document = do_submit_document(
            SubmissionValues(read_pasted(text), organization, title), acting_user=user
        )
        if code == "PDO":
            # Partly reviewed: the organizations of the tree confirmed, the first proposed
            # new body rejected; the rest waits for the demo user.
            pending = list(document.proposals.all())
            tree = [p for p in pending if p.field == "organization" and p.values.get("code")]
            if tree:
                do_accept_proposals(document, [Acceptance(p) for p in tree], acting_user=user)
            new = [p for p in pending if p.field == "organization" and not p.values.get("code")][:1]
            if new:
                do_reject_proposals(document, new, acting_user=user)
