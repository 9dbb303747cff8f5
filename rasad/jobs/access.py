"""Who may see and steer background work.

Tasks are the system's own work and their errors may quote any organization's data, so the
background-work pages are for platform administrators: superusers, and holders of
``jobs.manage_taskrun`` through a grant that covers every top-level organization with its subtree.
A person's own exports and reports are theirs alone (``owner``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rasad.core.scope import scope_for_permission

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from rasad.core.models import User


def may_manage_jobs(user: User | AnonymousUser) -> bool:
    from rasad.core.models import Organization

    scope = scope_for_permission(user, "jobs.manage_taskrun")
    if scope.is_everything:
        return True
    if scope.is_nothing:
        return False
    roots = Organization.objects.filter(parent__isnull=True).values_list("path", flat=True)
    covered = {path for path, subtree in scope.rules if subtree}
    return all(path in covered for path in roots)
