"""The sign-in page's language choice shows the language in use as chosen, not as a link to the
page itself beside the other."""

from __future__ import annotations

from django.test import Client


def test_the_language_in_use_is_marked_and_only_the_other_is_a_link(db):
    persian = Client().get("/login/?lang=fa").content.decode()
    assert '<span lang="fa" class="fw-semibold" aria-current="true">فارسی</span>' in persian
    assert '<a href="?lang=en" lang="en" translate="no">English</a>' in persian
    assert 'href="?lang=fa"' not in persian
    english = Client().get("/login/?lang=en").content.decode()
    assert '<a href="?lang=fa" lang="fa">فارسی</a>' in english
    assert 'aria-current="true">English</span>' in english
