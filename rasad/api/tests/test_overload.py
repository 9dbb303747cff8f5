"""A full worker's answer: 503, Retry-After, the API's error shape, Persian unless English is asked."""

from __future__ import annotations

import json

from rasad.api.overload import busy_answer


def test_api_overload_uses_the_error_shape_in_english_when_asked():
    status, headers, body = busy_answer({"PATH_INFO": "/api/v1/observations/", "HTTP_ACCEPT_LANGUAGE": "en"})
    assert status == "503 Service Unavailable"
    assert dict(headers)["Retry-After"] == "1"
    error = json.loads(body)["error"]
    assert error["code"] == "overloaded"
    assert error["fields"] == {}
    assert error["message"].startswith("The server is busy")


def test_pages_get_a_persian_page_by_default():
    status, headers, body = busy_answer({"PATH_INFO": "/cases/"})
    assert status.startswith("503")
    assert dict(headers)["Content-Type"].startswith("text/html")
    assert 'dir="rtl"' in body.decode()
    assert "The server is busy" not in body.decode()


def test_the_busy_answer_carries_a_request_id_like_every_api_error():
    _, headers, body = busy_answer({"PATH_INFO": "/api/v1/cases/", "HTTP_X_REQUEST_ID": "client-chosen-id-1"})
    assert json.loads(body)["error"]["request_id"] == "client-chosen-id-1" == dict(headers)["X-Request-ID"]
    _, headers, body = busy_answer({"PATH_INFO": "/api/v1/cases/", "HTTP_X_REQUEST_ID": "bad id!"})
    assert json.loads(body)["error"]["request_id"] == dict(headers)["X-Request-ID"] != "bad id!"


def test_the_busy_page_reads_on_a_phone_with_a_persian_heading():
    """Not a bare line of browser-default 9-pixel text on a phone: the viewport, a heading that
    names the cause, the page's own style (no stylesheet to fetch from a full worker)."""
    _, _, body = busy_answer({"PATH_INFO": "/cases/", "HTTP_ACCEPT_LANGUAGE": "fa-IR,fa;q=0.9"})
    page = body.decode()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "<h1>بار سامانه بیش از ظرفیت است</h1>" in page
    assert "<title>بار سامانه بیش از ظرفیت است — رصد</title>" in page
    assert "<style>" in page and "<link" not in page
    _, _, english = busy_answer({"PATH_INFO": "/cases/", "HTTP_ACCEPT_LANGUAGE": "en-GB"})
    assert "<h1>The server is busy</h1>" in english.decode() and 'dir="ltr"' in english.decode()
