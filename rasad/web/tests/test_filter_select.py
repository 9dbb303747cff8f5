"""The one control of a list's filter by choice (``rasad.web.forms.FilterSelect``): a single select
whose first choice is "all", reading every value a link or the API sends."""

from __future__ import annotations

from django import forms
from django.http import QueryDict

from rasad.web.forms import FilterSelect, FilterTextSelect

STATUSES = [("draft", "پیش‌نویس"), ("active", "فعال")]


class StatusForm(forms.Form):
    status = forms.MultipleChoiceField(choices=STATUSES, required=False, widget=FilterSelect("همهٔ وضعیت‌ها"))
    party = forms.CharField(required=False, widget=FilterTextSelect("همهٔ طرف‌ها"))


def _options(html: str) -> list[str]:
    return [line for line in html.split("\n") if "<option" in line]


def test_one_select_with_all_first_and_nothing_filtered_by_default():
    html = str(StatusForm()["status"])
    assert "multiple" not in html
    assert _options(html) == [
        '  <option value="" selected>همهٔ وضعیت‌ها</option>',
        '  <option value="draft">پیش‌نویس</option>',
        '  <option value="active">فعال</option>',
    ]


def test_all_sends_nothing_to_filter_and_a_link_may_send_several():
    everything = StatusForm(QueryDict("status="))
    assert everything.is_valid() and everything.cleaned_data["status"] == []
    several = StatusForm(QueryDict("status=draft&status=active"))
    assert several.is_valid() and several.cleaned_data["status"] == ["draft", "active"]
    assert '<option value="active" selected>' in str(StatusForm(QueryDict("status=active"))["status"])


def test_an_unknown_choice_is_refused_not_ignored():
    form = StatusForm(QueryDict("status=nonsense"))
    assert not form.is_valid() and list(form.errors) == ["status"]


def test_a_text_filter_offers_choices_given_later_and_reads_one_value():
    form = StatusForm(QueryDict("party=KER-CC"))
    calls: list[int] = []

    def parties() -> list[tuple[str, str]]:
        calls.append(1)
        return [("ISF-CC", "اصفهان"), ("KER-CC", "کرمان")]

    form.fields["party"].widget.choices = parties
    # Reading the filter never asks for its choices (the API shares the filter, not the page).
    assert form.is_valid() and form.cleaned_data["party"] == "KER-CC" and calls == []
    html = str(form["party"])
    assert _options(html)[0] == '  <option value="">همهٔ طرف‌ها</option>'
    assert '<option value="KER-CC" selected>کرمان</option>' in html and calls == [1]
    assert StatusForm(QueryDict("party=")).is_valid()
