"""A person gives their name in Latin letters on their preferences, in Persian, at desktop and
phone widths: Persian letters typed into it are refused with an error naming the field; English
pages then greet them by it. An administrator sees it on People and corrects it on the person's
form. Every page is checked (``rasad.testing.journey``); screenshots go to var/test-artifacts."""

from __future__ import annotations

from typing import Any

import pytest

from rasad.core.models import User
from rasad.testing.browser import screenshot
from rasad.testing.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_a_person_gives_their_latin_name_and_english_pages_greet_them_by_it(journey: Any, cast: Cast, width):
    ali = journey(width)
    page = ali.page
    ali.sign_in("ali")
    ali.go("/account/preferences/")
    field = page.locator("input[name=latin_name]")
    assert field.get_attribute("dir") == "ltr"
    assert page.locator("label[for=id_latin_name]").inner_text() == "نام به حروف لاتین"
    field.fill("علی احمدی")
    ali.submit("[data-testid=save-preferences]")
    error = page.locator("[data-field-error=latin_name]").inner_text()
    assert error.startswith("«نام به حروف لاتین» را با حروف انگلیسی بنویسید")
    screenshot(page, f"preferences-latin-name-error-fa-{width}")
    assert User.objects.get(pk=cast.ali.pk).latin_name == ""

    field.fill("Ali Ahmadi")
    page.select_option("select[name=language]", "en")
    ali.persian = False  # the page that follows is English
    ali.submit("[data-testid=save-preferences]")
    assert User.objects.get(pk=cast.ali.pk).latin_name == "Ali Ahmadi"
    ali.go("/")
    assert page.locator("[data-testid=welcome]").inner_text() == "Welcome, Ali Ahmadi"


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_an_administrator_corrects_a_latin_name_from_people(journey: Any, cast: Cast, width):
    from rasad.core.actions.people import do_change_user_names

    do_change_user_names(cast.ali, acting_user=cast.ali, latin_name="Ali Rezaei")
    admin = journey(width)
    page = admin.page
    admin.sign_in("root")  # a platform administrator: sets up two-factor sign-in first
    admin.go("/people/")
    assert "Ali Rezaei" in page.locator("[data-testid=latin-name]").all_inner_texts()
    screenshot(page, f"people-list-fa-{width}")
    admin.go(f"/people/{cast.ali.pk}/edit/")
    screenshot(page, f"person-form-fa-{width}")
    page.fill("input[name=latin_name]", "Ali Ahmadi")
    admin.submit("[data-testid=save]")
    assert User.objects.get(pk=cast.ali.pk).latin_name == "Ali Ahmadi"
    admin.go("/people/import/")
    screenshot(page, f"people-import-fa-{width}")


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_many_column_lists_reflow_on_a_phone(journey: Any, cast: Cast, width):
    """The outbox becomes a card per delivery; baselines, API tokens and working groups keep their
    title and put the secondary columns under it. Every page passes the checks (no sideways
    scroll, Persian text); screenshots for the record."""
    from rasad.comms.testing import make_delivery
    from rasad.core.actions.tokens import do_create_api_token
    from rasad.indicators.testing import make_baseline

    make_delivery(cast, cast.isfahan)
    baseline = make_baseline(cast, cast.isfahan)
    # The factory numbers its names in Latin digits («خط مبنا 1»); a person would have written
    # Persian ones, and the page shows a name as it was written.
    type(baseline).objects.filter(pk=baseline.pk).update(name="خط مبنای انرژی معدن")
    do_create_api_token(cast.root, acting_user=cast.root, name="همگام‌سازی")
    admin = journey(width)
    page = admin.page
    admin.sign_in("root")
    for path, name in [
        ("/comms/outbox/", "outbox"),
        ("/indicators/baselines/", "baselines"),
        ("/account/tokens/", "tokens"),
        ("/working-groups/", "working-groups"),
    ]:
        admin.go(path)
        screenshot(page, f"{name}-fa-{width}")
        # Nothing in the list is wider than the window: the table fits without its own scroll bar.
        wide = page.evaluate(
            "() => [...document.querySelectorAll('.table-responsive')]"
            ".filter(box => box.scrollWidth > box.clientWidth + 1).length"
        )
        assert wide == 0, path
