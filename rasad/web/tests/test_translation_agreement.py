"""One translation per message: Django merges every app's Persian catalogue into one, so a message
id that two apps translate differently is shown with one of the two everywhere. Where the two
meant different things (a case form's «File» button read «پیوست», the attachment's word; a closed
crisis read «تعطیل», a non-working day's word), the message carries a context
(``{% translate "Closed" context "a day without working hours" %}``) or the two translations are
made to agree. The catalogues' remaining disagreements are synonyms («جستجو»/«جست‌وجو»,
«شرح»/«توضیح»), listed below; a new disagreement fails here until it is resolved or judged one."""

from __future__ import annotations

import gettext
from collections import defaultdict
from pathlib import Path

from django.utils import translation

import rasad
from rasad.media.models import PlannedItem

CATALOGUES = sorted(Path(rasad.__file__).parent.glob("**/locale/fa/LC_MESSAGES/django.mo"))
# Message ids whose translations differ between catalogues, as session 18 found them: all
# synonyms, read right wherever either appears. (A media item's link, a URL, shared "published at"
# with an assessment's publication time and read «زمان انتشار»; it is now "link to the publication",
# as a recipient agency's evidence is.)
SYNONYMS = {
    "A code is required.",
    "A name is required.",
    "A title is required.",
    "Accepted",
    "Being prepared",
    "CUSUM (actual − expected)",
    "Case category",
    "Change",
    "Close",
    "Description",
    "Directive",
    "Documents",
    "Done",
    "Due on",
    "Entered",
    "Escalation level",
    "File",
    "File (.xlsx or .csv)",
    "Filter",
    "From “%(document)s”, characters %(start)s–%(end)s:\n%(sentence)s",
    "Last used",
    "No such object, or you may not see it.",
    "No such organization, or you may not see it.",
    "Note",
    "Opened",
    "Owner (code)",
    "Person",
    "Place",
    "Problem",
    "Reason",
    "Reference",
    "Refused",
    "Required for directives.",
    "Revoke",
    "Revoked",
    "Risk",
    "Row",
    "Run by",
    "Say why: a note is required for this step.",
    "Search",
    "Sector tags",
    "Separated by commas.",
    "Status changed",
    "Submitted",
    "Target",
    "Task",
    "The file has a header but no rows.",
    "The file is empty.",
    "The file is larger than %(size)s MB.",
    "The file was attached.",
    "The text is longer than %(max)s characters.",
    "This cell is required.",
    "Timeline",
    "Unit",
    "Unknown category “%(code)s”.",
    "Unknown indicator “%(code)s”.",
    "Unknown priority “%(priority)s”.",
    "comment",
    "created",
    "created by",
    "description",
    "done",
    "due on",
    "ends at",
    "escalated",
    "expired",
    "file name",
    "from",
    "last used",
    "note",
    "notice sent on",
    "opened at",
    "owner",
    "people told",
    "renews",
    "retired at",
    "run by",
    "sector tags",
    "since",
    "size",
    "starts at",
    "submitted at",
    "submitted by",
    "until",
}


def _disagreements() -> set[str]:
    translations: dict[str, set[str]] = defaultdict(set)
    for path in CATALOGUES:
        with path.open("rb") as compiled:
            catalogue = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
        for message_id, text in catalogue.items():
            if isinstance(message_id, str) and message_id:
                translations[message_id].add(text)
    return {message_id for message_id, texts in translations.items() if len(texts) > 1}


def test_no_message_is_translated_two_ways_unless_the_two_are_synonyms():
    assert len(CATALOGUES) > 10
    assert _disagreements() - SYNONYMS == set()


def test_words_with_two_meanings_read_right_in_each_place():
    with translation.override("fa"):
        assert translation.gettext("File a case") == "ثبت پرونده"  # the case form's button
        assert translation.gettext("Closed") == "بسته"  # a crisis
        assert translation.pgettext("a day without working hours", "Closed") == "تعطیل"
        assert translation.pgettext("a prepared export file", "File") == "فایل"
        assert translation.pgettext("an assessment's points", "Score") == "امتیاز"
        assert translation.gettext("Score") == "نمره"  # a trainee's test
        assert translation.gettext("Expired") == "منقضی‌شده"  # an export file and a programme's commitment
        assert translation.gettext("Blocked") == "مسدود"  # a peer node and a programme's commitment
        assert translation.gettext("published at") == "زمان انتشار"  # an assessment's publication time
        assert str(PlannedItem._meta.get_field("link").verbose_name) == "پیوند انتشار"  # a URL
