"""One case per ongoing problem (``rasad.cases.actions.problems``): an indicator's threshold
breaches at one organization.

The first breach opens a challenge of the organization; every later breach of the same
indicator at the same organization joins that case while it is open (a timeline entry with the
new value, and a higher priority when the new breach is critical) instead of opening another.
Once the case is closed, the next breach opens a new one. Titles and descriptions are written
for a person, in Persian (the platform's language, ``settings.LANGUAGE_CODE``), with values
rounded for their unit and the period by name (``rasad.lib.formatting``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from rasad.cases.actions.cases import CaseValues
from rasad.cases.actions.problems import Occurrence, do_raise_problem
from rasad.cases.audit import CaseAuditEvent
from rasad.cases.choices import CaseKind, Priority
from rasad.cases.models import Case, CaseEvent, Category
from rasad.lib import display, formatting

# Stored texts are written once, for everyone: Persian words and Persian digits.
STORED_TEXT = display.DisplayPreferences()


def breach_key(alert: Any) -> str:
    """What makes two breaches one problem: the same indicator at the same organization."""
    return f"indicators.breach:{alert.indicator_id}:{alert.organization_id}"


def breach_sentence(alert: Any) -> str:
    """«مصرف برق در پاسگاه مرزی یک در آذر ۱۴۰۵ برابر ۱۴۰ مگاوات‌ساعت بود و از آستانهٔ بحرانی
    (۱۳۰ مگاوات‌ساعت) گذشت.»"""
    unit = alert.indicator.unit
    return _(
        "%(indicator)s at %(organization)s was %(value)s in %(period)s, "
        "beyond the %(level)s threshold of %(threshold)s."
    ) % {
        "indicator": alert.indicator.name,
        "organization": alert.organization.name,
        "value": formatting.quantity(alert.value, unit, prefs=STORED_TEXT),
        "period": formatting.period(alert.period_key, prefs=STORED_TEXT),
        "level": alert.get_level_display(),
        "threshold": formatting.quantity(alert.threshold, unit, prefs=STORED_TEXT),
    }


def _already_recorded(alert: Any) -> bool:
    alert_type = ContentType.objects.get_for_model(alert)
    if Case.objects.filter(source_type=alert_type, source_id=str(alert.pk)).exists():
        return True
    return CaseEvent.objects.filter(action="breach", data__alert=alert.pk).exists()


def _breach_data(alert: Any) -> dict[str, Any]:
    return {
        "alert": alert.pk,
        "observation": alert.observation_id,
        "period": alert.period_key,
        "level": alert.level,
        "value": alert.value,
        "threshold": alert.threshold,
    }


@transaction.atomic
def do_record_breach(alert: Any) -> Case | None:
    """Open a case for a threshold breach, or add it to the open case of the same problem
    (``rasad.cases.actions.problems``). Idempotent: an alert already recorded changes nothing.
    Returns the case (None when no category exists to file it under)."""
    if alert.organization_id is None or _already_recorded(alert):
        return None
    critical = str(alert.level) == "critical"
    with override(settings.LANGUAGE_CODE):
        sentence = breach_sentence(alert)

        def new_case() -> CaseValues | None:
            category = Category.objects.filter(code="indicators").first() or Category.objects.first()
            if category is None:
                return None
            return CaseValues(
                kind=CaseKind.CHALLENGE,
                category=category,
                title=_("%(indicator)s at %(organization)s beyond its threshold")
                % {"indicator": alert.indicator.name, "organization": alert.organization.name},
                description=sentence,
                priority=Priority.CRITICAL if critical else Priority.HIGH,
                reporter_organization=alert.organization,
            )

        return do_raise_problem(
            breach_key(alert),
            alert.organization,
            Occurrence("breach", sentence, _breach_data(alert), critical=critical),
            new_case,
            source=alert.observation or alert,
            source_display=_("%(indicator)s, %(period)s")
            % {
                "indicator": alert.indicator.name,
                "period": formatting.period(alert.period_key, prefs=STORED_TEXT),
            },
            audit_event=CaseAuditEvent.BREACH_ADDED,
        )
