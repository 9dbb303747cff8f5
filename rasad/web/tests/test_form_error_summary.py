"""A form that comes back with errors says so at its top and names the fields to correct, each a
link to its field: on a phone the first error may be a screen below the button pressed. Each
error stays under its own field (web/includes/form.html)."""

from __future__ import annotations

from django import forms
from django.template.loader import render_to_string
from django.utils import translation


class _Form(forms.Form):
    title = forms.CharField(label="عنوان")
    note = forms.CharField(label="یادداشت", required=False)
    place = forms.CharField(label="محل")


def _rendered(data: dict[str, str]) -> str:
    with translation.override("fa"):
        form = _Form(data)
        form.is_valid()
        return render_to_string("web/includes/form.html", {"form": form})


def test_the_summary_names_the_fields_to_correct_in_the_forms_order():
    html = _rendered({"note": "x"})
    summary = html[html.index('data-testid="form-error-summary"') : html.index("</div>")]
    assert "این ۲ خانه را اصلاح کنید:" in summary
    links = '<a class="alert-link" href="#id_title">عنوان</a>، <a class="alert-link" href="#id_place">محل</a>'
    assert links in summary
    assert html.count('data-field-error="title"') == html.count('data-field-error="place"') == 1


def test_one_field_is_named_alone_and_a_valid_form_has_no_summary():
    assert "این خانه را اصلاح کنید: <a" in _rendered({"title": "x"})
    assert "form-error-summary" not in _rendered({"title": "x", "place": "y"})
