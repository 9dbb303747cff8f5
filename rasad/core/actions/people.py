from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rasad.core.access import access_object, require_in_scope, require_permission_in_scope
from rasad.core.audit import CoreAuditEvent, audit_role_changed, audit_user_event
from rasad.core.audit_log import record
from rasad.core.choices import CalendarChoices, LanguageChoices
from rasad.core.models import ApiToken, Grant, Membership, Organization, Role, User, WorkingGroup
from rasad.core.scope import clear_scope_cache, permissions_over
from rasad.lib.formatting import has_arabic_script
from rasad.lib.persian import normalize_text, search_key


def user_search_text(user: User) -> str:
    """The search key of a person: display name, name in Latin letters, first and last names,
    username and e-mail."""
    names = [user.display_name, user.latin_name, user.first_name, user.last_name, user.username, user.email]
    return search_key(" ".join(names))


def working_group_search_text(group: WorkingGroup) -> str:
    """The search key of a working group (and of its joint group): name and code."""
    return search_key(f"{group.name} {group.code}")


def clean_latin_name(value: str) -> str:
    """A name in Latin letters as stored: normalized like every other text (whitespace collapsed),
    without the invisible joiners a Persian keyboard leaves in. Persian letters are refused with an
    error that names the field, since the field exists for readers who cannot read them."""
    text = "".join(ch for ch in normalize_text(value) if unicodedata.category(ch) != "Cf")
    text = " ".join(text.split())
    if has_arabic_script(text):
        raise ValidationError(
            {
                "latin_name": [
                    _(
                        "Type the name in Latin letters with English letters; "
                        "the Persian name goes in the display name."
                    )
                ]
            }
        )
    return text


@transaction.atomic
def do_create_user(
    username: str,
    *,
    acting_user: User | None,
    password: str | None,
    display_name: str = "",
    latin_name: str = "",
    email: str = "",
    organization: Organization | None = None,
    title: str = "",
    is_superuser: bool = False,
    language: str = LanguageChoices.PERSIAN,
    calendar: str = CalendarChoices.JALALI,
    validate: bool = True,
) -> User:
    """Create a person, optionally as a member of an organization. ``acting_user`` None means the
    command line (``rasad createuser``, demo loading)."""
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": [_("The username “%(name)s” is taken.") % {"name": username}]})
    if acting_user is not None and organization is not None:
        require_in_scope(acting_user, "add", organization)
    if acting_user is not None and is_superuser and not acting_user.is_superuser:
        raise ValidationError({"is_superuser": [_("Only a platform administrator may create another.")]})
    user = User(
        username=username,
        email=email,
        display_name=normalize_text(display_name),
        latin_name=clean_latin_name(latin_name),
        is_superuser=is_superuser,
        is_staff=is_superuser,
        language=language,
        calendar=calendar,
    )
    user.search_text = user_search_text(user)
    if password is None:
        user.set_unusable_password()
    else:
        if validate:
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise ValidationError({"password": error.messages}) from None
        user.set_password(password)
    user.save()
    audit_user_event(
        CoreAuditEvent.USER_CREATED,
        user,
        acting_user=acting_user,
        organization=organization,
        new={
            "username": username,
            "display_name": user.display_name,
            "latin_name": user.latin_name,
            "is_superuser": is_superuser,
        },
    )
    if organization is not None:
        do_add_membership(user, organization, acting_user=acting_user, title=title)
    return user


@transaction.atomic
def do_add_membership(
    user: User, organization: Organization, *, acting_user: User | None, title: str = ""
) -> Membership:
    if acting_user is not None:
        require_in_scope(acting_user, "change", organization)
    membership, _created = Membership.objects.update_or_create(
        user=user, organization=organization, defaults={"title": normalize_text(title)}
    )
    audit_user_event(
        CoreAuditEvent.MEMBERSHIP_ADDED,
        user,
        acting_user=acting_user,
        organization=organization,
        new={"organization": organization.pk, "title": membership.title},
    )
    return membership


@transaction.atomic
def do_grant_role(
    user: User,
    role: Role,
    *,
    acting_user: User | None,
    organization: Organization | None = None,
    working_group: WorkingGroup | None = None,
    include_descendants: bool = True,
    expires: datetime | None = None,
) -> Grant:
    """Give ``user`` a role over a scope. A grantor must hold the same role's permissions over that
    scope themselves (administrators manage the subtree they administer)."""
    if (organization is None) == (working_group is None):
        raise ValidationError({"organization": [_("Give either an organization or a working group.")]})
    if expires is not None and expires <= timezone.now():
        raise ValidationError({"expires": [_("The expiry must be in the future.")]})
    if acting_user is not None and not acting_user.is_superuser:
        target = organization if organization is not None else working_group.owner  # type: ignore[union-attr]
        require_permission_in_scope(acting_user, "core.add_grant", target)
        held = permissions_over(acting_user, target) or set()
        wanted = {
            f"{permission.content_type.app_label}.{permission.codename}"
            for permission in role.permissions.select_related("content_type")
        }
        if not wanted <= held:
            raise ValidationError(
                {
                    "role": [
                        _("You may grant only roles whose permissions you hold over “%(scope)s” yourself.")
                        % {"scope": target}
                    ]
                }
            )
    grant = Grant.objects.create(
        user=user,
        role=role,
        organization=organization,
        working_group=working_group,
        include_descendants=include_descendants,
        expires=expires,
    )
    audit_user_event(
        CoreAuditEvent.GRANT_ADDED,
        user,
        acting_user=acting_user,
        organization=organization or (working_group.owner if working_group else None),
        new={
            "grant": grant.pk,
            "role": role.slug,
            "organization": organization.pk if organization else None,
            "working_group": working_group.pk if working_group else None,
            "include_descendants": include_descendants,
        },
    )
    clear_scope_cache(user)
    return grant


@transaction.atomic
def do_revoke_grant(grant: Grant, *, acting_user: User | None) -> None:
    if acting_user is not None and not acting_user.is_superuser:
        target = grant.organization if grant.organization is not None else grant.working_group.owner  # type: ignore[union-attr]
        require_permission_in_scope(acting_user, "core.delete_grant", target)
    audit_user_event(
        CoreAuditEvent.GRANT_REVOKED,
        grant.user,
        acting_user=acting_user,
        organization=grant.organization or (grant.working_group.owner if grant.working_group else None),
        old={
            "grant": grant.pk,
            "role": grant.role.slug,
            "organization": grant.organization_id,
            "working_group": grant.working_group_id,
        },
    )
    grant.delete()
    clear_scope_cache(grant.user)


@transaction.atomic
def do_set_user_active(user: User, active: bool, *, acting_user: User) -> User:
    """Deactivate a person who has left, or take them back.

    A deactivated person cannot sign in; their open sessions end at their next request (the
    authentication backend refuses an inactive user), their API tokens are revoked, and every
    list of assignees, watchers and recipients leaves them out (``rasad.core.scope`` reads only
    active users' grants). Memberships and grants stay, so the record of who held what is whole
    and a person taken back has the access they had; revoke a grant on its own if they should
    not. By someone who may change the person; never on oneself; a platform administrator only
    by another."""
    if acting_user.pk == user.pk:
        raise ValidationError({"user": [_("Another administrator must do this for your own account.")]})
    access_object(User.objects.all(), acting_user, user.pk, action="change")
    if user.is_superuser and not acting_user.is_superuser:
        raise ValidationError(
            {"user": [_("Only another platform administrator may do this for a platform administrator.")]}
        )
    if user.is_active == active:
        if active:
            raise ValidationError({"user": [_("This account is already active.")]})
        raise ValidationError({"user": [_("This account is already deactivated.")]})
    user.is_active = active
    user.save(update_fields=["is_active"])
    revoked = 0
    if not active:
        revoked = ApiToken.objects.filter(user=user, revoked_at=None).update(revoked_at=timezone.now())
    audit_user_event(
        CoreAuditEvent.USER_REACTIVATED if active else CoreAuditEvent.USER_DEACTIVATED,
        user,
        acting_user=acting_user,
        old={"is_active": not active},
        new={"is_active": active, "api_tokens_revoked": revoked},
    )
    clear_scope_cache(user)
    return user


@transaction.atomic
def do_change_user_names(
    user: User,
    *,
    acting_user: User,
    display_name: str | None = None,
    latin_name: str | None = None,
) -> User:
    """Change what a person is called: their display name (usually Persian) and their name in
    Latin letters. By the person themselves (their preferences page), or by someone who may
    change them (the administrators' form); a platform administrator's names only by themselves
    or another platform administrator. ``None`` leaves a name as it is."""
    if acting_user.pk != user.pk:
        access_object(User.objects.all(), acting_user, user.pk, action="change")
        if user.is_superuser and not acting_user.is_superuser:
            raise ValidationError(
                {"user": [_("Only another platform administrator may do this for a platform administrator.")]}
            )
    user = User.objects.select_for_update().get(pk=user.pk)
    old = {"display_name": user.display_name, "latin_name": user.latin_name}
    if latin_name is not None:
        user.latin_name = clean_latin_name(latin_name)
    if display_name is not None:
        user.display_name = normalize_text(display_name)
    new = {"display_name": user.display_name, "latin_name": user.latin_name}
    changed = [key for key in old if old[key] != new[key]]
    if changed:
        user.search_text = user_search_text(user)
        user.save(update_fields=["display_name", "latin_name", "search_text"])
        audit_user_event(
            CoreAuditEvent.USER_NAMES_CHANGED,
            user,
            acting_user=acting_user,
            old={key: old[key] for key in changed},
            new={key: new[key] for key in changed},
        )
    return user


@dataclass(frozen=True)
class ImportedNames:
    """One row of a names import: the person, and each name to set (``None`` leaves it)."""

    user: User
    display_name: str | None
    latin_name: str | None


@transaction.atomic
def do_import_user_names(
    rows: Sequence[ImportedNames], *, acting_user: User, digest: str, file_name: str
) -> list[User]:
    """Set the names of every row, or of none: each change audited as "Name changed", and one
    event for the file (its SHA-256 and the number of people changed). Returns the people whose
    names changed."""
    changed: list[User] = []
    for row in rows:
        before = (row.user.display_name, row.user.latin_name)
        saved = do_change_user_names(
            row.user, acting_user=acting_user, display_name=row.display_name, latin_name=row.latin_name
        )
        if (saved.display_name, saved.latin_name) != before:
            changed.append(saved)
    record(
        CoreAuditEvent.USER_NAMES_IMPORTED,
        actor=acting_user,
        new={"rows": len(rows), "changed": len(changed), "sha256": digest, "file": file_name},
    )
    return changed


@transaction.atomic
def do_remove_membership(membership: Membership, *, acting_user: User | None) -> None:
    """End a person's membership. Their grants are separate and stay until revoked."""
    if acting_user is not None:
        require_in_scope(acting_user, "change", membership.organization)
    audit_user_event(
        CoreAuditEvent.MEMBERSHIP_REMOVED,
        membership.user,
        acting_user=acting_user,
        organization=membership.organization,
        old={"organization": membership.organization_id, "title": membership.title},
    )
    membership.delete()


def check_working_group(
    code: str, name: str, organizations: list[Organization], *, instance: WorkingGroup | None = None
) -> None:
    errors: dict[str, list[str]] = {}
    if not code.strip():
        errors["code"] = [_("A code is required.")]
    else:
        duplicate = WorkingGroup.objects.filter(code=code.strip())
        if instance is not None:
            duplicate = duplicate.exclude(pk=instance.pk)
        if duplicate.exists():
            # Neutral, like organization codes: a hidden working group is not revealed.
            errors["code"] = [_("The code “%(code)s” is already in use; choose another.") % {"code": code}]
    if not name.strip():
        errors["name"] = [_("A name is required.")]
    if not organizations:
        errors["organizations"] = [_("A working group needs at least one organization.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def do_create_working_group(
    code: str,
    name: str,
    *,
    acting_user: User | None,
    owner: Organization,
    organizations: list[Organization],
    include_descendants: bool = False,
) -> WorkingGroup:
    check_working_group(code, name, organizations)
    if acting_user is not None:
        for organization in [owner, *organizations]:
            require_in_scope(acting_user, "change", organization)
    group = WorkingGroup(
        code=code, name=normalize_text(name), owner=owner, include_descendants=include_descendants
    )
    group.search_text = working_group_search_text(group)
    group.save()
    group.organizations.set(organizations)
    record(
        CoreAuditEvent.WORKING_GROUP_CREATED,
        actor=acting_user,
        organization=owner,
        obj=group,
        new={"code": code, "name": group.name, "organizations": [o.pk for o in organizations]},
    )
    return group


@transaction.atomic
def do_update_working_group(
    group: WorkingGroup,
    *,
    acting_user: User | None,
    name: str | None = None,
    organizations: list[Organization] | None = None,
    include_descendants: bool | None = None,
) -> WorkingGroup:
    """Rename a working group or change its members. The actor must be able to change the owner
    and every organization added or removed."""
    group = WorkingGroup.objects.select_for_update().get(pk=group.pk)
    current = list(group.organizations.all())
    new_members = current if organizations is None else organizations
    check_working_group(group.code, group.name if name is None else name, new_members, instance=group)
    if acting_user is not None:
        require_in_scope(acting_user, "change", group.owner)
        touched = {o.pk: o for o in current if o not in new_members} | {
            o.pk: o for o in new_members if o not in current
        }
        for organization in touched.values():
            require_in_scope(acting_user, "change", organization)
    old = {
        "name": group.name,
        "organizations": sorted(o.pk for o in current),
        "include_descendants": group.include_descendants,
    }
    if name is not None:
        group.name = normalize_text(name)
        group.search_text = working_group_search_text(group)
    if include_descendants is not None:
        group.include_descendants = include_descendants
    new = {
        "name": group.name,
        "organizations": sorted(o.pk for o in new_members),
        "include_descendants": group.include_descendants,
    }
    changed = [key for key in old if old[key] != new[key]]
    if changed:  # the values it has write nothing
        group.save(update_fields=["name", "search_text", "include_descendants", "last_updated"])
        group.organizations.set(new_members)
        record(
            CoreAuditEvent.WORKING_GROUP_CHANGED,
            actor=acting_user,
            organization=group.owner,
            obj=group,
            old={key: old[key] for key in changed},
            new={key: new[key] for key in changed},
        )
    return group


@transaction.atomic
def do_change_role_permissions(role: Role, permissions: list[str], *, acting_user: User) -> Role:
    """Set the permissions (``app.codename``) of a role. Roles are shared across the whole tree,
    so only platform administrators change them; ``sync_default_roles`` never takes back what an
    administrator removed from a custom role, but re-adds what a default role's pattern matches."""
    if not acting_user.is_superuser:
        raise ValidationError({"permissions": [_("Only a platform administrator may change roles.")]})
    from rasad.core.roles import RASAD_APPS

    wanted = set(permissions)
    available = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.filter(content_type__app_label__in=RASAD_APPS).select_related(
            "content_type"
        )
    }
    unknown = sorted(wanted - set(available))
    if unknown:
        raise ValidationError(
            {"permissions": [_("Unknown permission “%(name)s”.") % {"name": name} for name in unknown]}
        )
    role = Role.objects.select_for_update().get(pk=role.pk)
    old = sorted(
        f"{p.content_type.app_label}.{p.codename}" for p in role.permissions.select_related("content_type")
    )
    new = sorted(wanted)
    if old != new:
        role.permissions.set([available[name] for name in new])
        role.save(update_fields=["last_updated"])
        audit_role_changed(
            role,
            acting_user=acting_user,
            old={"permissions": sorted(set(old) - set(new))},
            new={"permissions": sorted(set(new) - set(old))},
        )
    return role


@transaction.atomic
def do_change_preferences(
    user: User,
    *,
    acting_user: User,
    language: str | None = None,
    calendar: str | None = None,
    persian_digits: bool | None = None,
    latin_name: str | None = None,
) -> User:
    """Your own display preferences, and your name in Latin letters (the preferences page and
    ``users/me`` set them together: the name first, so that a refused name saves nothing)."""
    if acting_user.pk != user.pk:
        raise ValidationError({"user": [_("You may change only your own preferences.")]})
    if latin_name is not None:
        user = do_change_user_names(user, acting_user=acting_user, latin_name=latin_name)
    old = {"language": user.language, "calendar": user.calendar, "persian_digits": user.persian_digits}
    errors: dict[str, list[str]] = {}
    if language is not None:
        if language not in LanguageChoices.values:
            errors["language"] = [_("Unknown language “%(value)s”.") % {"value": language}]
        else:
            user.language = language
    if calendar is not None:
        if calendar not in CalendarChoices.values:
            errors["calendar"] = [_("Unknown calendar “%(value)s”.") % {"value": calendar}]
        else:
            user.calendar = calendar
    if persian_digits is not None:
        user.persian_digits = persian_digits
    if errors:
        raise ValidationError(errors)
    user.save(update_fields=["language", "calendar", "persian_digits"])
    new = {"language": user.language, "calendar": user.calendar, "persian_digits": user.persian_digits}
    if new != old:
        audit_user_event(
            CoreAuditEvent.USER_PREFERENCES_CHANGED, user, acting_user=acting_user, old=old, new=new
        )
    return user
