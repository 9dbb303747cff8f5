from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rasad.web.forms import ActionFormMixin


class ScheduleForm(ActionFormMixin, forms.Form):
    cron = forms.CharField(
        label=_("Cron expression (Tehran time)"),
        max_length=100,
        help_text=_("Minute, hour, day of month, month, day of week; e.g. “0 7 * * *” is 07:00 every day."),
        widget=forms.TextInput(attrs={"dir": "ltr", "class": "form-control font-monospace"}),
    )
    is_enabled = forms.BooleanField(label=_("Enabled"), required=False)
