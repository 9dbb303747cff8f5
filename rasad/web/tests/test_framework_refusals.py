"""Django's own refusals under a field read in Rasad's Persian (rasad/locale/fa, before Django's
catalog): Django's read «مطمئن شوید این مقدار بزرگتر و یا مساوی ۱ است», «به طور کامل یک عدد وارد
کنید», «یک ایمیل آدرس معتبر», and a step size's refusal in English."""

from __future__ import annotations

from django import forms
from django.utils import translation

from rasad.web.forms import StyledForm


class _Form(StyledForm):
    count = forms.IntegerField(min_value=1, max_value=10)
    share = forms.DecimalField(step_size=5)
    email = forms.EmailField()


def _errors(**data: str) -> dict[str, list[str]]:
    with translation.override("fa"):
        form = _Form(data=data)
        form.is_valid()
        return {name: [str(error) for error in errors] for name, errors in form.errors.items()}


def test_a_bound_a_whole_number_a_step_and_an_address_are_refused_in_formal_persian():
    assert _errors(count="0", share="7", email="x@") == {
        "count": ["این مقدار باید دست‌کم ۱ باشد."],
        "share": ["این مقدار باید مضربی از ۵ باشد."],
        "email": ["یک نشانی رایانامهٔ معتبر وارد کنید."],
    }
    assert _errors(count="11", share="5", email="a@b.ir") == {"count": ["این مقدار باید حداکثر ۱۰ باشد."]}
    assert _errors(count="1.5", share="5", email="a@b.ir") == {"count": ["یک عدد صحیح وارد کنید."]}
