"""Green jobs in the browser, in Persian: a workshop applies on a phone (360 px) with its licence
attached; the labour office (desktop) checks eligibility from its queue; the environment and
technical-training offices confirm on phones; the labour office approves and pays two instalments
within budget; the scheme page shows the budget used; the applications are exported to Excel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from rasad.core.actions.people import do_create_user, do_grant_role
from rasad.core.models import Role, User
from rasad.greenjobs.models import Application, Scheme
from rasad.greenjobs.testing import make_business, make_scheme, make_workshop
from rasad.lib.jalali import format_date, local_date
from rasad.testing.cast import PASSWORD, Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _person(name: str, display_name: str, organization: Any, role: str) -> User:
    user = do_create_user(
        name,
        acting_user=None,
        password=PASSWORD,
        display_name=display_name,
        organization=organization,
        validate=False,
    )
    do_grant_role(user, Role.objects.get(slug=role), acting_user=None, organization=organization)
    return user


def fits(journey_page: Any) -> bool:
    return bool(journey_page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1"))


def test_a_workshop_is_funded_through_the_three_offices(journey: Any, cast: Cast, tmp_path: Path):
    labour = make_workshop(cast.isfahan, kind="provincial_office", name="ادارهٔ کار اصفهان")
    environment = make_workshop(cast.isfahan, kind="provincial_office", name="ادارهٔ محیط زیست اصفهان")
    training = make_workshop(cast.isfahan, kind="provincial_office", name="ادارهٔ فنی و حرفه‌ای اصفهان")
    business = make_business(labour)
    scheme = make_scheme(labour, labour=labour, environment=environment, training=training)
    _person("green.owner", "حمید رستمی", business.organization, "reporter")
    _person("green.labour", "رضا کریمی", labour, "analyst")
    _person("green.environment", "مریم کیانی", environment, "analyst")
    _person("green.training", "لیلا حسینی", training, "analyst")
    licence = tmp_path / "licence.pdf"
    licence.write_bytes(b"%PDF-1.4\n% licence\n")

    # A phone at 360 px: the workshop's owner applies.
    owner = journey("narrow")
    owner.sign_in("green.owner")
    owner.go(f"/green/schemes/{scheme.pk}/")
    owner.click("[data-testid=apply]")
    assert fits(owner.page)
    owner.page.fill("input[name=amount_requested]", "۳۰۰٬۰۰۰٬۰۰۰")
    owner.page.fill("textarea[name=purpose]", "خرید و نصب پنل‌های خورشیدی")
    owner.page.fill("input[name=jobs_planned]", "۳")
    owner.page.set_input_files("input[name=document_business-licence]", str(licence))
    owner.submit()
    application = Application.objects.get()
    assert owner.page.inner_text("[data-testid=stage]") == "ارسال‌شده، در انتظار احراز شرایط"

    # Desktop: the labour office finds it in its queue and checks eligibility.
    desk = journey("desktop")
    desk.sign_in("green.labour")
    desk.go("/green/queue/")
    desk.click("[data-testid=queue-submitted] [data-testid=queue-item]")
    desk.click("[data-testid=step-eligibility]")
    desk.page.fill("textarea[name=note]", "مدارک کامل است")
    desk.submit()

    # Phones: the environment office, then the technical-training office.
    for username, step in (("green.environment", "compliance"), ("green.training", "training")):
        office = journey("phone")
        office.sign_in(username)
        office.go("/green/queue/")
        office.click("[data-testid=queue-item]")
        office.click(f"[data-testid=step-{step}]")
        assert fits(office.page)
        office.submit()

    # Desktop again: approve within budget, pay two instalments today.
    today = format_date(local_date(timezone.now()), calendar="jalali", persian_digits=True)
    desk.go(f"/green/applications/{application.pk}/")
    desk.click("[data-testid=step-approve]")
    desk.page.fill("input[name=amount]", "۲۰۰۰۰۰۰۰۰")
    desk.submit()
    for amount in ("۱۲۰٬۰۰۰٬۰۰۰", "۸۰٬۰۰۰٬۰۰۰"):
        desk.click("[data-testid=step-pay]")
        desk.page.fill("input[name=amount]", amount)
        desk.page.fill("input[name=paid_on]", today)
        desk.submit()
    assert desk.page.inner_text("[data-testid=stage]") == "کامل پرداخت‌شده"
    assert desk.page.inner_text("[data-testid=paid]").startswith("۲۰۰٬۰۰۰٬۰۰۰")
    desk.go(f"/green/schemes/{scheme.pk}/")
    assert desk.page.inner_text("[data-testid=committed]").startswith("۲۰۰٬۰۰۰٬۰۰۰")
    assert desk.page.inner_text("[data-testid=remaining]").startswith("۸۰۰٬۰۰۰٬۰۰۰")
    desk.go("/green/applications/")
    download = desk.export("[data-testid=export]")
    assert download.suggested_filename.endswith(".xlsx")
    scheme = Scheme.objects.get(pk=scheme.pk)
    assert (int(scheme.committed), int(scheme.disbursed)) == (200_000_000, 200_000_000)
