from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from rasad.core.access import refusal, require_in_scope
from rasad.core.audit import (
    audit_national_body_changed,
    audit_organization_changed,
    audit_organization_closed,
    audit_organization_created,
    audit_organization_moved,
    audit_organizations_imported,
)
from rasad.core.audit_log import changes, create_chain_heads
from rasad.core.choices import OrganizationKind
from rasad.core.models import County, Organization, OrganizationParentHistory, Province, User
from rasad.core.scope import clear_scope_cache
from rasad.lib import formatting, geo
from rasad.lib.actions import saved_values
from rasad.lib.events import send_event_on_commit
from rasad.lib.persian import normalize_text, search_key

TRACKED_FIELDS = (
    "code",
    "name",
    "name_en",
    "kind",
    "parent_id",
    "province_id",
    "county_id",
    "latitude",
    "longitude",
    "sector_tags",
    "opened_on",
    "closed_on",
    "description",
)


@dataclass
class OrganizationValues:
    """The editable values of an organization, as given by a form, the API or an import row."""

    code: str
    name: str
    kind: str
    parent: Organization | None = None
    name_en: str = ""
    province: Province | None = None
    county: County | None = None
    latitude: float | None = None
    longitude: float | None = None
    sector_tags: Sequence[str] = field(default_factory=list)
    opened_on: date | None = None
    closed_on: date | None = None
    description: str = ""


def snapshot(organization: Organization) -> dict[str, Any]:
    return {name: getattr(organization, name) for name in TRACKED_FIELDS}


def check_organization_values(values: OrganizationValues, *, instance: Organization | None = None) -> None:
    """Validate values before any write; raises ValidationError naming each bad field."""
    errors: dict[str, list[str]] = {}
    if values.kind not in OrganizationKind.values:
        errors.setdefault("kind", []).append(
            _("Unknown organization kind “%(kind)s”.") % {"kind": values.kind}
        )
    if not values.code.strip():
        errors.setdefault("code", []).append(_("A code is required."))
    if not values.name.strip():
        errors.setdefault("name", []).append(_("A name is required."))
    duplicate = Organization.objects.filter(code=values.code.strip())
    if instance is not None:
        duplicate = duplicate.exclude(pk=instance.pk)
    if values.code.strip() and duplicate.exists():
        # Neutral: the same words whether or not the actor may see the organization holding the
        # code, so the answer reveals no hidden organization.
        errors.setdefault("code", []).append(
            _("The code “%(code)s” is already in use; choose another.") % {"code": values.code}
        )
    if (
        values.county is not None
        and values.province is not None
        and values.county.province_id != values.province.pk
    ):
        errors.setdefault("county", []).append(_("The county is not in the chosen province."))
    point_error = geo.point_error(values.latitude, values.longitude)
    if point_error is not None:
        errors.setdefault("latitude", []).append(point_error)
    elif values.latitude is not None and values.longitude is not None:
        province_code = geo.province_code_at(values.latitude, values.longitude)
        if values.province is not None and values.province.code != province_code:
            errors.setdefault("province", []).append(
                _("The point lies in another province (code %(code)s).") % {"code": province_code}
            )
    if values.opened_on and values.closed_on and values.closed_on < values.opened_on:
        errors.setdefault("closed_on", []).append(_("The closing date is before the opening date."))
    if (
        instance is not None
        and values.parent is not None
        and (values.parent.pk == instance.pk or values.parent.path.startswith(instance.path))
    ):
        errors.setdefault("parent", []).append(
            _("An organization cannot be placed under itself or one of its own sub-organizations.")
        )
    if errors:
        raise ValidationError(errors)


# What ``_apply`` sets: an update saves these (the parent moves through ``_move``).
_APPLIED_FIELDS = (
    "code",
    "name",
    "name_en",
    "kind",
    "province",
    "county",
    "latitude",
    "longitude",
    "sector_tags",
    "opened_on",
    "closed_on",
    "description",
    "search_text",
)


def _apply(organization: Organization, values: OrganizationValues) -> None:
    organization.code = values.code.strip()
    organization.name = normalize_text(values.name)
    organization.name_en = values.name_en.strip()
    organization.kind = values.kind
    organization.province = values.province
    organization.county = values.county
    organization.latitude = values.latitude
    organization.longitude = values.longitude
    if organization.province is None and values.latitude is not None and values.longitude is not None:
        code = geo.province_code_at(values.latitude, values.longitude)
        organization.province = Province.objects.filter(code=code).first()
    if organization.province is None and organization.county is not None:
        organization.province = organization.county.province
    organization.sector_tags = sorted({normalize_text(tag) for tag in values.sector_tags if tag.strip()})
    organization.opened_on = values.opened_on
    organization.closed_on = values.closed_on
    organization.description = normalize_text(values.description)
    organization.search_text = search_key(
        " ".join([organization.name, organization.name_en, organization.code])
    )


def _check_may_place_under(parent: Organization | None, *, acting_user: User, action: str) -> None:
    if parent is None:
        if not acting_user.is_superuser:
            raise ValidationError(
                {"parent": [_("Only a platform administrator may create a top-level organization.")]}
            )
        return
    require_in_scope(acting_user, action, parent)


@transaction.atomic
def do_create_organization(values: OrganizationValues, *, acting_user: User) -> Organization:
    organization = _create(values, acting_user=acting_user)
    audit_organization_created(organization, acting_user=acting_user, values=snapshot(organization))
    send_event_on_commit("organization.created", {"id": organization.pk}, organization_ids=[organization.pk])
    return organization


def _create(values: OrganizationValues, *, acting_user: User) -> Organization:
    """Validate and insert one organization; the caller audits (one event, or one per batch)."""
    check_organization_values(values)
    _check_may_place_under(values.parent, acting_user=acting_user, action="add")
    organization = Organization()
    _apply(organization, values)
    organization.parent = values.parent
    organization.save()
    parent_path = values.parent.path if values.parent else "/"
    organization.path = f"{parent_path}{organization.pk:08d}/"
    organization.depth = 0 if values.parent is None else values.parent.depth + 1
    organization.save(update_fields=["path", "depth"])
    OrganizationParentHistory.objects.create(
        organization=organization, parent=values.parent, valid_from=timezone.now()
    )
    create_chain_heads([organization.pk])
    return organization


@transaction.atomic
def do_update_organization(
    organization: Organization, values: OrganizationValues, *, acting_user: User
) -> Organization:
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    require_in_scope(acting_user, "change", organization)
    check_organization_values(values, instance=organization)
    old = snapshot(organization)
    new_parent = values.parent
    saved = saved_values(organization, _APPLIED_FIELDS)
    _apply(organization, values)
    moves = (new_parent.pk if new_parent else None) != organization.parent_id
    if not moves and saved_values(organization, _APPLIED_FIELDS) == saved:
        return organization
    organization.save(update_fields=[*_APPLIED_FIELDS, "last_updated"])
    if moves:
        _move(organization, new_parent, acting_user=acting_user)
        organization.refresh_from_db()
    new = snapshot(organization)
    before, after = changes(old, new)
    if before:
        audit_organization_changed(organization, acting_user=acting_user, old=before, new=after)
    require_in_scope(acting_user, "change", organization)
    send_event_on_commit("organization.changed", {"id": organization.pk}, organization_ids=[organization.pk])
    return organization


@transaction.atomic
def do_set_national_body(organization: Organization, value: bool, *, acting_user: User) -> Organization:
    """Mark (or unmark) ``organization`` as a national body: whoever holds a right over it holds
    that right over the national reference data too (``indicators.querysets.may_edit_catalogue``).
    Platform administrators only; anyone else is answered like a missing object."""
    if not acting_user.is_superuser:
        raise refusal()
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if organization.is_national_body == value:
        return organization
    organization.is_national_body = value
    organization.save(update_fields=["is_national_body", "last_updated"])
    audit_national_body_changed(organization, acting_user=acting_user, value=value)
    send_event_on_commit("organization.changed", {"id": organization.pk}, organization_ids=[organization.pk])
    return organization


def _move(organization: Organization, new_parent: Organization | None, *, acting_user: User) -> None:
    if new_parent is not None and new_parent.path.startswith(organization.path):
        raise ValidationError(
            {
                "parent": [
                    _("An organization cannot be placed under itself or one of its own sub-organizations.")
                ]
            }
        )
    _check_may_place_under(new_parent, acting_user=acting_user, action="add")
    old_parent_id = organization.parent_id
    old_path = organization.path
    new_path = f"{new_parent.path if new_parent else '/'}{organization.pk:08d}/"
    depth_change = (0 if new_parent is None else new_parent.depth + 1) - organization.depth
    Organization.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_change,
    )
    Organization.objects.filter(pk=organization.pk).update(parent=new_parent)
    now = timezone.now()
    OrganizationParentHistory.objects.filter(organization=organization, valid_to__isnull=True).update(
        valid_to=now
    )
    OrganizationParentHistory.objects.create(organization=organization, parent=new_parent, valid_from=now)
    audit_organization_moved(
        organization,
        acting_user=acting_user,
        old_parent_id=old_parent_id,
        new_parent_id=new_parent.pk if new_parent else None,
    )
    clear_scope_cache(acting_user)


@transaction.atomic
def do_move_organization(
    organization: Organization, new_parent: Organization | None, *, acting_user: User
) -> Organization:
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    require_in_scope(acting_user, "change", organization)
    _move(organization, new_parent, acting_user=acting_user)
    organization.refresh_from_db()
    send_event_on_commit("organization.moved", {"id": organization.pk}, organization_ids=[organization.pk])
    return organization


def check_close_organization(organization: Organization, closed_on: date | None) -> None:
    errors: dict[str, list[str]] = {}
    if closed_on is None:
        errors["closed_on"] = [_("Give the closing date.")]
    elif organization.opened_on is not None and closed_on < organization.opened_on:
        errors["closed_on"] = [_("The closing date is before the opening date.")]
    if organization.closed_on is not None:
        errors.setdefault("closed_on", []).append(_("The organization is already closed."))
    open_children = Organization.objects.filter(parent=organization, closed_on__isnull=True).count()
    if open_children:
        errors.setdefault("closed_on", []).append(
            _("Close its %(count)s active sub-organizations first.")
            % {"count": formatting.number(open_children)}
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def do_close_organization(
    organization: Organization, closed_on: date | None, *, acting_user: User
) -> Organization:
    """Record that an organization stopped operating on ``closed_on``. It stays in the tree (and in
    history and reports); only active sub-organizations block closing."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    require_in_scope(acting_user, "change", organization)
    check_close_organization(organization, closed_on)
    organization.closed_on = closed_on
    organization.save(update_fields=["closed_on", "last_updated"])
    audit_organization_closed(organization, acting_user=acting_user, closed_on=closed_on)
    require_in_scope(acting_user, "change", organization)
    send_event_on_commit("organization.closed", {"id": organization.pk}, organization_ids=[organization.pk])
    return organization


@dataclass(frozen=True)
class ImportedOrganization:
    """One row of a bulk import: its values, and the code of its parent when that parent is
    created earlier in the same batch (``values.parent`` is then None)."""

    values: OrganizationValues
    parent_code_in_batch: str | None = None


@transaction.atomic
def do_import_organizations(
    rows: Sequence[ImportedOrganization], *, acting_user: User, digest: str, file_name: str
) -> list[Organization]:
    """Create every row, in the given (topological) order, or nothing. One audit event for the
    whole batch, carrying the file's SHA-256; one push event after commit."""
    created: dict[str, Organization] = {}
    errors: dict[str, list[str]] = {}
    for index, row in enumerate(rows):
        values = row.values
        if row.parent_code_in_batch is not None:
            if row.parent_code_in_batch not in created:
                raise ValidationError(
                    {
                        "parent": [
                            _("Row %(index)s comes before its parent.")
                            % {"index": formatting.number(index + 1)}
                        ]
                    }
                )
            values = replace(values, parent=created[row.parent_code_in_batch])
        try:
            created[values.code.strip()] = _create(values, acting_user=acting_user)
        except ValidationError as error:
            for field_name, messages in error.message_dict.items():
                errors.setdefault(f"{values.code}.{field_name}", []).extend(messages)
    if errors:
        raise ValidationError(errors)
    organizations = list(created.values())
    for organization in organizations:
        require_in_scope(acting_user, "add", organization)
    audit_organizations_imported(
        _common_ancestor(organizations),
        acting_user=acting_user,
        count=len(organizations),
        digest=digest,
        file_name=file_name,
    )
    send_event_on_commit(
        "organizations.imported",
        {"count": len(organizations), "sha256": digest},
        organization_ids=[o.pk for o in organizations],
    )
    return organizations


def _common_ancestor(organizations: Sequence[Organization]) -> Organization | None:
    """The deepest organization whose subtree holds every imported one (its audit chain)."""
    if not organizations:
        return None
    parts = [o.path.strip("/").split("/") for o in organizations]
    common: list[str] = []
    for level in zip(*parts, strict=False):
        if len(set(level)) != 1:
            break
        common.append(level[0])
    if not common:
        return None
    return Organization.objects.filter(pk=int(common[-1])).first()
