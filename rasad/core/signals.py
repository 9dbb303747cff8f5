"""Framework plumbing: default roles after migrate, auditing of Django's auth signals, and the
input boundary's backstop on every saved row."""

from __future__ import annotations

import time
from typing import Any

from django.apps import apps as global_apps
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import DEFAULT_DB_ALIAS
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_save
from django.dispatch import receiver

from rasad.core.audit import CoreAuditEvent, audit_security_event
from rasad.lib import boundary, search


def _last_rasad_app() -> str:
    """The label of the last of Rasad's apps that ``post_migrate`` is sent for (it is sent for
    every app with models, in ``INSTALLED_APPS`` order)."""
    ours = [c for c in global_apps.get_app_configs() if c.name.startswith("rasad.") and c.models_module]
    return ours[-1].label


@receiver(post_migrate)
def _sync_roles(sender: Any, **kwargs: Any) -> None:
    if getattr(sender, "name", "").startswith("rasad."):
        from django.contrib.auth.management import create_permissions

        from rasad.core.roles import sync_default_roles

        # Rasad's apps are listed before django.contrib.auth, so this receiver runs before auth's
        # own: create the app's permissions first (idempotent), or the roles would miss them.
        create_permissions(
            sender,
            verbosity=0,
            using=kwargs.get("using", DEFAULT_DB_ALIAS),
            apps=kwargs.get("apps", global_apps),
        )
        # The roles are synchronized once, after the last of Rasad's apps has its permissions:
        # once per app made every migrate and every flush (each transactional test's clean-up)
        # synchronize them twenty times.
        if sender.label == _last_rasad_app():
            sync_default_roles()


@receiver(post_migrate)
def _append_only_audit(sender: Any, **kwargs: Any) -> None:
    if getattr(sender, "label", None) == "core":
        from rasad.core.audit_guard import install_append_only

        install_append_only(kwargs.get("using", DEFAULT_DB_ALIAS))


@receiver(connection_created)
def _sqlite_audit_guard(sender: Any, connection: Any, **kwargs: Any) -> None:
    from rasad.core.audit_guard import sqlite_connection_created

    sqlite_connection_created(sender, connection)


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        # The absolute session lifetime counts from here (SessionTimeoutMiddleware).
        request.session["rasad_started"] = int(time.time())
    audit_security_event(CoreAuditEvent.LOGIN, user=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_security_event(CoreAuditEvent.LOGOUT, user=user)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    audit_security_event(
        CoreAuditEvent.LOGIN_FAILED, user=None, username=str(credentials.get("username", ""))[:150]
    )


@receiver(pre_save)
def _input_boundary(
    sender: Any, instance: Any, update_fields: Any = None, raw: bool = False, **kwargs: Any
) -> None:
    """No row of Rasad's own models is stored with a control character in its text or a date
    outside the accepted range, whatever path wrote it (``rasad.lib.boundary``). Forms, the API
    and imports refuse such values earlier with the same message; this is the backstop."""
    if not raw and sender.__module__.startswith("rasad."):
        boundary.check_instance(instance, update_fields)


# Stored search keys that hold other rows' words follow a rename of those rows, whatever path
# saves it (rasad.lib.search.stored_key; docs/reference/persian-text.md, "How keys stay fresh").
search.follow_renames()
