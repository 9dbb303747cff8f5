"""Browser-side clients for the UI tests (signed in, and past two-factor where it is required),
and the body of a streamed answer (``streamed``)."""

from __future__ import annotations

from django.http import HttpResponseBase, StreamingHttpResponse
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from rasad.core.models import User


def signed_in_client(user: User) -> Client:
    """Signed in; past two-factor too when the user must use it (administrators)."""
    return verified_client(user) if user.requires_two_factor else _plain(user)


def _plain(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def verified_client(user: User) -> Client:
    """Signed in and past two-factor, as an administrator must be to use the UI."""
    client = _plain(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def streamed(response: HttpResponseBase) -> bytes:
    """The whole body of a streamed answer (a download, a calendar file); asserts it was one."""
    assert isinstance(response, StreamingHttpResponse), type(response)
    return response.getvalue()
