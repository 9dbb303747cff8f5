"""Review 23: the training imports read a user name whatever its letter case, as they meant to, and
also when the name is stored with capitals (``rasad createuser Sara.K``; the roster's own export
writes it so). The importers lower-cased the file's names and then looked them up as written in
the database, so a stored «Sara.K» was never found: «Unknown person “sara.k”» for the very name."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from rasad.lib.jalali import to_jalali
from rasad.testing.cast import Cast
from rasad.training.importers import CompletionImporter, RosterImporter
from rasad.training.models import Completion, Enrolment
from rasad.training.testing import make_course, make_event, make_member

pytestmark = pytest.mark.django_db


def test_a_roster_names_a_person_stored_with_capitals(cast: Cast):
    sara = make_member("Sara.K", cast.isfahan)
    event = make_event(cast.isfahan, starts_at=timezone.now() - timedelta(hours=5))
    report = RosterImporter(event, acting_user=cast.root).run(
        b"username,attended,score\nSara.K,yes,\n", file_name="roster.csv"
    )
    assert report.errors == []
    assert Enrolment.objects.get(event=event).user == sara


def test_past_completions_name_a_person_stored_with_capitals_in_any_case(cast: Cast):
    sara = make_member("Sara.K", cast.isfahan)
    make_course(cast.isfahan, code="media-literacy")
    day = to_jalali(timezone.localdate() - timedelta(days=10))
    report = CompletionImporter(acting_user=cast.root).run(
        f"username,course,completed_on,score\nsara.k,MEDIA-LITERACY,{day.year}/{day.month}/{day.day},\n".encode(),
        file_name="past.csv",
    )
    assert report.errors == []
    assert Completion.objects.get().user == sara
