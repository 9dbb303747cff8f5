"""The programme pages as people use them: two leads that must not see each other's programmes, a
party that sees only its own obligations, the forms with bad input, the status steps, the
progress card that moves when an action item's case closes, and the quarterly report form.

Isfahan leads one programme with Kerman as the other party; Kerman leads another with its own
field post. Alice (Isfahan analyst) and Bob (Kerman analyst) are the cast's."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from rasad.cases.actions import do_transition_case
from rasad.cases.models import Case
from rasad.programs.actions import do_transition_programme
from rasad.programs.models import ActionItem, Programme, StatusReport
from rasad.programs.testing import add_item, make_programme, make_structure, person, request_reports_now
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast: Cast) -> dict[str, Any]:
    isfahan = make_programme(
        cast,
        cast.isfahan,
        parties=[cast.kerman],
        title="تفاهم‌نامه آموزش مدیریت محیط زیست",
        starts_on=timezone.localdate() - timedelta(days=200),
    )
    objective = make_structure(cast, isfahan)
    isfahan_item = add_item(
        cast, objective, cast.isfahan, title="تدوین بسته آموزشی", starts_on=isfahan.starts_on
    )
    kerman_item = add_item(
        cast, objective, cast.kerman, title="برگزاری کارگاه در کرمان", starts_on=isfahan.starts_on
    )
    isfahan = do_transition_programme(isfahan, "activate", acting_user=cast.root)
    kerman_post = cast.kerman.children.order_by("pk").first()
    assert kerman_post is not None
    kerman = make_programme(cast, cast.kerman, parties=[kerman_post], title="نقشه راه فضای مجازی استان کرمان")
    return {
        "isfahan": isfahan,
        "kerman": kerman,
        "isfahan_item": isfahan_item,
        "kerman_item": kerman_item,
        "coordinator": person(cast, "isf.coordinator", cast.isfahan, "coordinator"),
    }


def _text(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())


def test_each_lead_lists_only_the_programmes_it_takes_part_in(cast: Cast, world: dict[str, Any]):
    alice_list = _text(signed_in_client(cast.alice).get("/programmes/"))
    assert "تفاهم‌نامه آموزش مدیریت محیط زیست" in alice_list
    assert "نقشه راه فضای مجازی استان کرمان" not in alice_list
    bob_list = _text(signed_in_client(cast.bob).get("/programmes/"))
    # Bob's Kerman is a party of Isfahan's programme and leads its own.
    assert "تفاهم‌نامه آموزش مدیریت محیط زیست" in bob_list
    assert "نقشه راه فضای مجازی استان کرمان" in bob_list
    assert signed_in_client(cast.alice).get(f"/programmes/{world['kerman'].pk}/").status_code == 404
    assert signed_in_client(cast.charlie).get(f"/programmes/{world['isfahan'].pk}/").status_code == 404


def test_the_list_filters_by_kind_status_and_party(cast: Cast, world: dict[str, Any]):
    client = signed_in_client(cast.nadia)
    active = _text(client.get("/programmes/", {"status": "active"}))
    assert "تفاهم‌نامه آموزش مدیریت محیط زیست" in active
    assert "نقشه راه فضای مجازی استان کرمان" not in active
    by_party = _text(client.get("/programmes/", {"party": cast.isfahan.code}))
    assert "نقشه راه فضای مجازی استان کرمان" not in by_party
    assert "تفاهم‌نامه آموزش مدیریت محیط زیست" in by_party


def _options(html: str, name: str) -> list[tuple[str, str]]:
    """The (value, label) of each option of the select ``name`` on a page."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None, name
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))


def test_the_filters_offer_parties_and_leads_by_name_from_what_the_reader_may_see(
    cast: Cast, world: dict[str, Any]
):
    # Bob sees both programmes (Kerman leads one and is a party of Isfahan's), but of their
    # organizations only those of his Kerman subtree: Isfahan is never offered to him.
    kerman_post = cast.kerman.children.order_by("pk").first()
    assert kerman_post is not None
    page = _text(signed_in_client(cast.bob).get("/programmes/"))
    assert _options(page, "party") == [
        ("", "همهٔ طرف‌ها"),
        (cast.kerman.code, cast.kerman.name),
        (kerman_post.code, kerman_post.name),
    ]
    assert _options(page, "organization") == [("", "همهٔ راهبران"), (cast.kerman.code, cast.kerman.name)]
    # Alice sees only Isfahan's programme; Kerman, its other party, is not hers to see.
    page = _text(signed_in_client(cast.alice).get("/programmes/", {"party": cast.isfahan.code}))
    assert _options(page, "party") == [("", "همهٔ طرف‌ها"), (cast.isfahan.code, cast.isfahan.name)]
    assert f'<option value="{cast.isfahan.code}" selected>' in page
    provinces = _options(page, "province")
    assert provinces[0] == ("", "همهٔ استان‌ها") and len(provinces) == 32
    assert 'name="party_id"' not in page and "(organization code)" not in page


def test_the_status_filter_is_one_select_whose_first_choice_is_all(cast: Cast, world: dict[str, Any]):
    page = _text(signed_in_client(cast.nadia).get("/programmes/", {"status": "active"}))
    select = '<select name="status" class="form-select form-select-sm" aria-label="وضعیت" id="id_status">'
    assert select in page
    assert _options(page, "status")[0] == ("", "همهٔ وضعیت‌ها")
    assert '<option value="active" selected>' in page
    # "All" sends an empty value, which filters nothing.
    everything = _text(signed_in_client(cast.nadia).get("/programmes/", {"status": ""}))
    assert "نقشه راه فضای مجازی استان کرمان" in everything


def test_a_party_sees_its_own_obligations_on_the_programme_page(cast: Cast, world: dict[str, Any]):
    page = _text(signed_in_client(cast.bob).get(f"/programmes/{world['isfahan'].pk}/"))
    assert "برگزاری کارگاه در کرمان" in page
    assert "تدوین بسته آموزشی" not in page
    assert 'data-testid="partial-note"' in page
    assert 'data-testid="lead-actions"' not in page
    lead_page = _text(signed_in_client(cast.alice).get(f"/programmes/{world['isfahan'].pk}/"))
    assert "برگزاری کارگاه در کرمان" in lead_page and "تدوین بسته آموزشی" in lead_page
    assert 'data-testid="partial-note"' not in lead_page


def test_the_timeline_s_colours_are_named_under_it(cast: Cast, world: dict[str, Any]):
    """The bars of the timeline are coloured by their obligation's state: a legend under it names
    each colour shown, and the red line of today (a bar's state was in its hover title alone)."""
    page = _text(signed_in_client(cast.alice).get(f"/programmes/{world['isfahan'].pk}/", {"lang": "fa"}))
    legend = page.split('data-testid="timeline-legend"', 1)[1].split("</ul>", 1)[0]
    timeline = page.split('data-testid="timeline"', 1)[1].split("</ul>", 1)[0]
    states = set(re.findall(r'data-state="(\w+)"', timeline))
    assert states and all(f'data-legend="{state}"' in legend for state in states)
    assert "امروز" in legend


def test_my_obligations_lists_what_the_organizations_i_act_for_owe(cast: Cast, world: dict[str, Any]):
    page = _text(signed_in_client(cast.bob).get("/programmes/obligations/"))
    assert "برگزاری کارگاه در کرمان" in page
    assert "تدوین بسته آموزشی" not in page
    alice_page = _text(signed_in_client(cast.alice).get("/programmes/obligations/"))
    assert "تدوین بسته آموزشی" in alice_page
    assert "برگزاری کارگاه در کرمان" not in alice_page


def test_the_progress_card_moves_when_the_item_s_case_is_closed(cast: Cast, world: dict[str, Any]):
    client = signed_in_client(cast.alice)
    url = f"/programmes/{world['isfahan'].pk}/progress/"
    assert 'data-percent="0.0"' in _text(client.get(url))
    case: Case = world["kerman_item"].case
    for action, who, extra in (
        ("triage", cast.bob, {}),
        ("assign", cast.bob, {"assignee": cast.bob}),
        ("start", cast.bob, {}),
        ("resolve", cast.bob, {"note": "کارگاه برگزار شد"}),
        ("verify", cast.alice, {}),
    ):
        case.refresh_from_db()
        note = str(extra.pop("note", ""))
        case = do_transition_case(
            case, action, acting_user=who, note=note, expected_version=case.version, **extra
        )
    assert 'data-percent="50.0"' in _text(client.get(url))
    assert signed_in_client(cast.charlie).get(url).status_code == 404


def test_creating_a_programme_with_bad_input_names_each_field_and_saves_nothing(
    cast: Cast, world: dict[str, Any]
):
    client = signed_in_client(world["coordinator"])
    before = Programme.objects.count()
    response = client.post(
        "/programmes/new/",
        {
            "kind": "memorandum",
            "title": "تفاهم‌نامه آزمایشی",
            "organization": cast.isfahan.pk,
            "lead_signatory_name": "سعید رحیمی",
            "lead_signatory_title": "فرمانده",
            "starts_on": "1404/06/01",
            "ends_on": "1404/01/01",
            "party_1_organization": cast.kerman.pk,  # not visible to an Isfahan coordinator
            "party_1_signatory_name": "x",
            "party_1_signatory_title": "y",
        },
    )
    # The form refuses the organization it does not offer before the action runs.
    assert 'data-field-error="party_1_organization"' in _text(response)
    post = cast.isfahan.children.order_by("pk").first()
    assert post is not None
    response = client.post(
        "/programmes/new/",
        {
            "kind": "memorandum",
            "title": "تفاهم‌نامه آزمایشی",
            "organization": cast.isfahan.pk,
            "lead_signatory_name": "سعید رحیمی",
            "lead_signatory_title": "",
            "starts_on": "1404/06/01",
            "ends_on": "1404/01/01",
            "party_1_organization": post.pk,
            "party_1_signatory_name": "حسین قاسمی",
            "party_1_signatory_title": "رئیس پاسگاه",
        },
    )
    page = _text(response)
    # The action names the end date and the lead's missing signatory title, at once.
    assert 'data-field-error="ends_on"' in page
    assert 'data-field-error="lead_signatory_title"' in page
    assert Programme.objects.count() == before


def test_a_coordinator_creates_a_programme_and_builds_it_from_its_page(cast: Cast, world: dict[str, Any]):
    coordinator = world["coordinator"]
    post = cast.isfahan.children.order_by("pk").first()
    assert post is not None
    client = signed_in_client(coordinator)
    response = client.post(
        "/programmes/new/",
        {
            "kind": "agreement",
            "title": "موافقت‌نامه پایش پساب",
            "reference_number": "۱۴۰۴/۵۵",
            "organization": cast.isfahan.pk,
            "lead_signatory_name": "سعید رحیمی",
            "lead_signatory_title": "فرمانده",
            "starts_on": "1404/01/01",
            "ends_on": "1406/12/29",
            "legal_basis": "ماده ۶ قانون حفاظت و بهسازی محیط زیست\n\nبند ۱۲ سیاست‌های کلی",
            "party_1_organization": post.pk,
            "party_1_signatory_name": "حسین قاسمی",
            "party_1_signatory_title": "رئیس پاسگاه",
        },
    )
    assert response.status_code == 302, response.content.decode()
    programme = Programme.objects.get(title="موافقت‌نامه پایش پساب")
    assert programme.legal_basis == ["ماده ۶ قانون حفاظت و بهسازی محیط زیست", "بند ۱۲ سیاست‌های کلی"]
    assert list(programme.parties.values_list("organization_id", "is_lead")) == [
        (cast.isfahan.pk, True),
        (post.pk, False),
    ]
    base = f"/programmes/{programme.pk}"
    assert client.post(f"{base}/axes/new/", {"title": "پایش", "weight": 100}).status_code == 302
    axis = programme.axes.get()
    assert (
        client.post(
            f"{base}/objectives/new/", {"axis": axis.pk, "title": "نصب سامانه", "weight": 100}
        ).status_code
        == 302
    )
    objective = programme.objectives.get()
    party = programme.parties.get(organization=post)
    response = client.post(
        f"{base}/items/new/",
        {
            "objective": objective.pk,
            "party": party.pk,
            "title": "نصب دستگاه پایش برخط",
            "category": case_category_pk(),
            "priority": "medium",
            "deadline": "1406/06/31",
            "weight": 2,
        },
    )
    assert response.status_code == 302, response.content.decode()
    item = ActionItem.objects.get(programme=programme)
    assert (item.case.owner_organization_id, item.case.kind, item.weight) == (post.pk, "directive", 2)
    response = client.post(f"{base}/transition/", {"step": "activate"})
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.status == "active"


def case_category_pk() -> int:
    from rasad.cases.models import Category

    return Category.objects.get(code="other").pk


def test_a_step_not_allowed_is_refused_with_its_reason(cast: Cast, world: dict[str, Any]):
    client = signed_in_client(cast.root)
    programme: Programme = world["isfahan"]
    response = client.post(f"/programmes/{programme.pk}/transition/", {"step": "activate"}, follow=True)
    assert (
        "is not allowed while the programme is" in response.content.decode()
        or "مجاز نیست" in response.content.decode()
    )
    programme.refresh_from_db()
    assert programme.status == "active"
    # Suspending needs a note.
    client.post(f"/programmes/{programme.pk}/transition/", {"step": "suspend"})
    programme.refresh_from_db()
    assert programme.status == "active"
    # A party may not change the lead's programme.
    assert (
        signed_in_client(cast.bob)
        .post(f"/programmes/{programme.pk}/transition/", {"step": "suspend", "note": "x"})
        .status_code
        == 404
    )


def test_an_item_for_a_party_of_another_programme_is_refused_naming_the_party(
    cast: Cast, world: dict[str, Any]
):
    programme: Programme = world["isfahan"]
    other_party = world["kerman"].parties.exclude(is_lead=True).get()
    objective = programme.objectives.get()
    before = Case.objects.count()
    response = signed_in_client(cast.root).post(
        f"/programmes/{programme.pk}/items/new/",
        {
            "objective": objective.pk,
            "party": other_party.pk,
            "title": "اقدام",
            "category": case_category_pk(),
            "priority": "medium",
            "deadline": "1405/01/15",
            "weight": 1,
        },
    )
    assert 'data-field-error="party"' in _text(response)
    assert Case.objects.count() == before


def test_the_party_sends_its_quarterly_report_from_the_form(cast: Cast, world: dict[str, Any]):
    reports = request_reports_now(world["isfahan"])
    report = next(r for r in reports if r.action_item_id == world["kerman_item"].pk)
    bob = signed_in_client(cast.bob)
    owed = _text(bob.get("/programmes/obligations/"))
    assert f"/programmes/reports/{report.pk}/" in owed
    response = bob.post(f"/programmes/reports/{report.pk}/", {"state": "blocked"})
    assert 'data-field-error="note"' in _text(response)
    response = bob.post(
        f"/programmes/reports/{report.pk}/", {"state": "at_risk", "note": "سالن در دسترس نیست"}
    )
    assert response.status_code == 302
    report = StatusReport.objects.get(pk=report.pk)
    assert (report.state, report.note) == ("at_risk", "سالن در دسترس نیست")
    # The lead may not answer for the party.
    assert signed_in_client(cast.alice).get(f"/programmes/reports/{report.pk}/").status_code == 404


def test_the_lead_changes_the_weights_of_axes_and_objectives_on_one_page(cast: Cast, world: dict[str, Any]):
    from rasad.core.models import AuditEvent
    from rasad.programs.actions import PartValues, do_save_axis, do_save_objective
    from rasad.programs.audit import ProgrammeAuditEvent

    programme: Programme = world["isfahan"]
    first_objective = programme.objectives.get()
    first = first_objective.axis
    second = do_save_axis(programme, PartValues("محور پایش", weight=0), acting_user=cast.root)
    second_a = do_save_objective(second, PartValues("نصب سامانه", weight=100), acting_user=cast.root)
    second_b = do_save_objective(second, PartValues("آموزش پایشگران", weight=0), acting_user=cast.root)
    client = signed_in_client(world["coordinator"])
    url = f"/programmes/{programme.pk}/weights/"
    page = _text(client.get(url))
    assert "محور پایش" in page and "آموزش پایشگران" in page
    assert f'href="{url}"' in _text(client.get(f"/programmes/{programme.pk}/"))

    def post(axes: tuple[int, int], objectives: tuple[int, int]) -> Any:
        return client.post(
            url,
            {
                f"axis_{first.pk}": axes[0],
                f"axis_{second.pk}": axes[1],
                f"objective_{first_objective.pk}": 100,
                f"objective_{second_a.pk}": objectives[0],
                f"objective_{second_b.pk}": objectives[1],
            },
        )

    # Both levels wrong: both named, nothing saved.
    response = post((60, 30), (70, 20))
    text = _text(response)
    assert "۹۰" in text and "100" not in text.split("۹۰")[0][-5:]
    assert "محور پایش" in text  # the objectives' message names their axis
    assert [axis.weight for axis in programme.axes.order_by("pk")] == [100, 0]
    assert not AuditEvent.objects.filter(event_type=ProgrammeAuditEvent.WEIGHTS_SET).exists()
    # One level right and one wrong: still nothing saved.
    _text(post((60, 40), (70, 20)))
    assert [axis.weight for axis in programme.axes.order_by("pk")] == [100, 0]
    # Both right: saved together, one audit event a level.
    response = post((60, 40), (70, 30))
    assert response.status_code == 302
    assert [axis.weight for axis in programme.axes.order_by("pk")] == [60, 40]
    assert list(second.objectives.order_by("pk").values_list("weight", flat=True)) == [70, 30]
    assert AuditEvent.objects.filter(event_type=ProgrammeAuditEvent.WEIGHTS_SET).count() == 2


def test_a_renewal_is_recorded_on_the_pages_and_only_a_visible_programme_may_be_renewed(
    cast: Cast, world: dict[str, Any]
):
    coordinator = world["coordinator"]
    post = cast.isfahan.children.order_by("pk").first()
    assert post is not None
    client = signed_in_client(coordinator)
    values = {
        "kind": "memorandum",
        "title": "تمدید تفاهم‌نامه آموزش",
        "organization": cast.isfahan.pk,
        "lead_signatory_name": "سعید رحیمی",
        "lead_signatory_title": "فرمانده",
        "starts_on": "1405/01/01",
        "ends_on": "1406/12/29",
        "party_1_organization": post.pk,
        "party_1_signatory_name": "حسین قاسمی",
        "party_1_signatory_title": "رئیس پاسگاه",
    }
    # Kerman's programme is not Isfahan's to see: not offered, and refused on the field.
    kerman: Programme = world["kerman"]
    assert kerman.title not in _text(client.get("/programmes/new/"))
    response = client.post("/programmes/new/", {**values, "renews": kerman.pk})
    assert response.status_code == 200
    assert "renews" in response.context["form"].errors
    assert not Programme.objects.filter(title="تمدید تفاهم‌نامه آموزش").exists()
    earlier: Programme = world["isfahan"]
    response = client.post("/programmes/new/", {**values, "renews": earlier.pk})
    assert response.status_code == 302, response.content.decode()
    renewal = Programme.objects.get(title="تمدید تفاهم‌نامه آموزش")
    assert renewal.renews_id == earlier.pk
    assert earlier.title in _text(client.get(f"/programmes/{renewal.pk}/"))
    # The edit page shows it, does not offer the programme itself, and can clear it.
    edit = client.get(f"/programmes/{renewal.pk}/edit/")
    form = edit.context["form"]
    assert form["renews"].value() == earlier.pk
    assert set(form.fields["renews"].queryset) == {earlier}  # not itself, not Kerman's
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(renews="", signed_on="", starts_on="1405/01/01", ends_on="1406/12/29", legal_basis="")
    response = client.post(f"/programmes/{renewal.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    renewal.refresh_from_db()
    assert renewal.renews_id is None
