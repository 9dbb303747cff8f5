"""The site's own address, for links in text written outside a request.

A reminder sent by the daily job, or a calendar file written by a background task, has no request
to take the address people use from. ``RASAD_PUBLIC_URL`` (docs/operations.md) says it:
``https://rasad.example.ir``, or with a path prefix when the site is served under one. When it is
not set, links stay as before: relative paths (good inside the site's own pages) or none at all
(a calendar file says nothing rather than a made-up address)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings

from rasad.env import SettingError

if TYPE_CHECKING:
    from django.http import HttpRequest

# A notification keeps its link in 200 characters (cases.Notification.link); the address leaves
# room for the path of any page.
MAX_ADDRESS_LENGTH = 100


def public_url_setting(name: str, value: str) -> str:
    """``value`` checked as the site's address, without a trailing slash; "" stays "" (unset)."""
    value = value.strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if (
        parts.scheme not in {"http", "https"}
        or not parts.hostname
        or parts.query
        or parts.fragment
        or parts.username
        or len(value) > MAX_ADDRESS_LENGTH
    ):
        raise SettingError(
            name,
            f"an http:// or https:// address without query or fragment, at most {MAX_ADDRESS_LENGTH} "
            "characters (https://rasad.example.ir)",
            value,
        )
    return value.rstrip("/")


def public_url(path: str) -> str:
    """The absolute address of ``path`` (``/indicators/report/…``) when the site's address is
    set, or ""."""
    base: str = getattr(settings, "RASAD_PUBLIC_URL", "")
    return f"{base}{path}" if base else ""


def absolute_url(path: str, request: HttpRequest | None = None) -> str:
    """The address of ``path`` to put in text: the site's address when set, else the address the
    request came to, else the path itself (a relative link)."""
    configured = public_url(path)
    if configured:
        return configured
    if request is not None:
        return request.build_absolute_uri(path)
    return path


def is_absolute(link: str) -> bool:
    return link.startswith(("https://", "http://"))
