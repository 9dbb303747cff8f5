"""Review 23: a page's form the input boundary cannot read is refused, whatever the language.

The boundary decides a refusal, then makes it again in the language the request asks for
(``early_language``). A multipart body Django could not parse is read as empty the second time
(``HttpRequest._mark_post_parse_error``), so the second pass found nothing to refuse and the
request went on to the view with an empty form."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def test_a_multipart_body_without_a_boundary_is_refused():
    refused = Client().post("/login/", data=b"x", content_type="multipart/form-data")
    assert refused.status_code == 400
    assert 'lang="fa"' in refused.content.decode()


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=2)
def test_a_multipart_form_with_too_many_fields_is_refused_in_the_language_asked():
    refused = Client().post("/login/?lang=en", data={"a": "1", "b": "2", "c": "3"})
    assert refused.status_code == 400
    assert 'lang="en"' in refused.content.decode()
