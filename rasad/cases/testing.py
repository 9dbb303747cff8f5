"""Matrix factories for the cases app's API models (see rasad.testing.factories), and helpers the
cases tests share."""

from __future__ import annotations

import itertools
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from rasad.cases.actions import (
    CaseValues,
    do_add_attachment,
    do_add_comment,
    do_forward_dossier,
    do_open_case,
)
from rasad.cases.choices import CaseKind, Priority
from rasad.cases.models import Attachment, Case, Category, Comment, Dossier
from rasad.core.models import Organization
from rasad.testing.cast import Cast
from rasad.testing.factories import register

_sequence = itertools.count(1)


def category(code: str = "other") -> Category:
    return Category.objects.get(code=code)


def open_challenge(
    cast: Cast, organization: Organization, *, user: Any = None, title: str = "", **values: Any
) -> Case:
    now = values.pop("now", None)
    return do_open_case(
        CaseValues(
            kind=values.pop("kind", CaseKind.CHALLENGE),
            category=values.pop("category", None) or category(),
            title=title or f"چالش آزمایشی {next(_sequence)}",
            reporter_organization=organization,
            priority=values.pop("priority", Priority.MEDIUM),
            **values,
        ),
        acting_user=user or cast.root,
        now=now,
    )


def _case_payload(cast: Cast, organization: Organization) -> dict[str, object]:
    return {
        "kind": "challenge",
        "category": "other",
        "title": f"چالش ماتریس {next(_sequence)}",
        "reporter_organization": organization.code,
    }


@register("cases.case", create_payload=_case_payload)
def make_case(cast: Cast, organization: Organization) -> Case:
    return open_challenge(cast, organization)


@register("cases.comment")
def make_comment(cast: Cast, organization: Organization) -> Comment:
    return do_add_comment(open_challenge(cast, organization), "یادداشت آزمایشی", acting_user=cast.root)


@register("cases.attachment")
def make_attachment(cast: Cast, organization: Organization) -> Attachment:
    upload = SimpleUploadedFile("note.txt", "پیوست آزمایشی".encode(), content_type="text/plain")
    return do_add_attachment(open_challenge(cast, organization), upload, acting_user=cast.root)


def _coordinator_for(cast: Cast, organization: Organization) -> Organization:
    """An organization outside ``organization``'s subtree to forward to: the national body, or
    (for the national body itself) Kerman."""
    return cast.national if organization.pk != cast.national.pk else cast.kerman


def _dossier_payload(cast: Cast, organization: Organization) -> dict[str, object]:
    case = open_challenge(cast, organization)
    return {
        "title": "پرونده ماتریس",
        "summary": "جمع‌بندی چالش‌ها",
        "from_organization": organization.code,
        "to_organization": _coordinator_for(cast, organization).code,
        "cases": [case.pk],
    }


@register("cases.dossier", create_payload=_dossier_payload)
def make_dossier(cast: Cast, organization: Organization) -> Dossier:
    return do_forward_dossier(
        organization,
        _coordinator_for(cast, organization),
        [open_challenge(cast, organization)],
        acting_user=cast.root,
        title="پرونده آزمایشی",
        summary="جمع‌بندی آزمایشی",
    )
