"""A yes/no filter refuses a value that is neither, naming the parameter (rasad/api/filters.py)."""

from __future__ import annotations

from rasad.cases.models import Category
from rasad.conftest import client_for


def test_boolean_filter_accepts_yes_and_no_and_refuses_anything_else(cast):
    Category.objects.create(code="ACT", name="فعال", is_active=True)
    Category.objects.create(code="OLD", name="قدیمی", is_active=False)
    client = client_for(cast.ali)
    active = client.get("/api/v1/case-categories/?is_active=true&code=ACT")
    assert active.status_code == 200 and [row["code"] for row in active.json()["results"]] == ["ACT"]
    inactive = client.get("/api/v1/case-categories/?is_active=false&code=ACT")
    assert inactive.status_code == 200 and inactive.json()["results"] == []
    refused = client.get("/api/v1/case-categories/?is_active=null")
    assert refused.status_code == 400
    assert "is_active" in refused.json()["error"]["fields"]
