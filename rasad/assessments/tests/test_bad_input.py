"""Bad input to the assessments' spreadsheets and compliance, as the schema fuzz (session 20) and
field staff send it: a file type that is neither xlsx nor csv, a cycle number in superscript
digits. Each is a 400 naming the parameter in Persian, never a file of another type nor a 500."""

from __future__ import annotations

from typing import Any

import pytest

from rasad.assessments.testing import starter
from rasad.conftest import client_for
from rasad.testing.api import error_without_request_id
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("action", ["spreadsheet", "bands-spreadsheet"])
@pytest.mark.parametrize("file_type", ["pdf", "XLSX ", "csv\u200c"])
def test_an_unknown_file_type_is_refused_naming_the_parameter(
    isfahan_coordinator: Any, action: str, file_type: str
):
    url = f"/api/v1/assessment-instruments/{starter().pk}/{action}/"
    response = client_for(isfahan_coordinator).get(url, {"file_type": file_type})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"file_type": ["نوع پرونده را xlsx یا csv بنویسید."]}


@pytest.mark.parametrize("action", ["spreadsheet", "bands/spreadsheet"])
def test_the_instrument_pages_refuse_an_unknown_file_type(isfahan_coordinator: Any, action: str):
    page = f"/assessments/instruments/{starter().pk}/{action}/"
    client = signed_in_client(isfahan_coordinator)
    assert client.get(page, {"file_type": "csv"}).status_code == 200
    assert client.get(page, {"file_type": "pdf"}).status_code == 400


@pytest.mark.parametrize("cycle", ["²", "①", "٣²"])
def test_a_cycle_in_digits_no_number_is_made_of_is_refused(cast: Cast, cycle: str):
    response = client_for(cast.alice).get("/api/v1/assessments/compliance/", {"cycle": cycle})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"cycle": ["شمارهٔ دوره را وارد کنید."]}


def test_a_cycle_in_persian_digits_is_read_as_in_latin_digits(cast: Cast):
    # No cycle 12 in the cast: both read the number and answer the same 404.
    latin = client_for(cast.alice).get("/api/v1/assessments/compliance/", {"cycle": "12"})
    persian = client_for(cast.alice).get("/api/v1/assessments/compliance/", {"cycle": "۱۲"})
    assert latin.status_code == persian.status_code == 404
    assert error_without_request_id(latin) == error_without_request_id(persian)
