"""Review 22: a refusal made before the language middleware runs (the rate limit's 429, the input
boundary's 400 and 413) is in the language the request asks for, whatever language the worker
thread's previous request left active. Django keeps the activated language per thread from one
request to the next, and ``UserPreferenceMiddleware`` (which chooses it) runs after the rate limit
and the input boundary: such a refusal came in the previous request's language."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

ME = "/api/v1/users/me/"
CASES = "/api/v1/cases/"


def _leave_active(language: str) -> None:
    """A request of another client that leaves ``language`` active on this thread."""
    assert APIClient().get(f"{ME}?lang={language}")["Content-Language"] == language


@pytest.mark.parametrize(("left", "asked", "expected"), [("en", "fa", "برخی"), ("fa", "en", "Some values")])
def test_the_input_boundarys_refusal_is_in_the_language_asked(left: str, asked: str, expected: str):
    _leave_active(left)
    refused = APIClient().get(f"{CASES}?q=%00", HTTP_ACCEPT_LANGUAGE=asked)
    assert refused.status_code == 400
    assert refused.json()["error"]["message"].startswith(expected)


def test_a_body_too_large_is_refused_in_the_language_asked():
    _leave_active("en")
    refused = APIClient().post(CASES, data="{}", content_type="application/json", CONTENT_LENGTH="999999999")
    assert refused.status_code == 413
    assert refused.json()["error"]["message"] == "بدنهٔ درخواست بزرگ‌تر از اندازه‌ای است که رصد می‌پذیرد."


@override_settings(API_RATE_PER_ADDRESS=1)
def test_the_rate_limits_refusal_is_in_the_language_and_digits_asked():
    client = APIClient(REMOTE_ADDR="198.51.100.9")
    client.get(ME, HTTP_ACCEPT_LANGUAGE="fa")
    refused = client.get(ME, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 429
    message = refused.json()["error"]["message"]
    assert message.startswith("Too many requests.") and message.endswith(f"{refused['Retry-After']} seconds.")
    _leave_active("en")
    refused = client.get(ME, HTTP_ACCEPT_LANGUAGE="fa")
    assert refused.status_code == 429
    assert refused.json()["error"]["message"].startswith("درخواست")


def test_a_pages_refusal_by_the_input_boundary_is_in_persian_after_an_english_request():
    _leave_active("en")
    refused = Client().get("/cases/?q=%00")
    assert refused.status_code == 400
    assert 'lang="fa"' in refused.content.decode()
