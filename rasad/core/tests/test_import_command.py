"""``rasad import_organizations``: the import page's checks from the command line."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rasad.core.models import Organization
from rasad.core.tests.conftest import make_administrator
from rasad.testing.cast import Cast


def test_the_command_imports_all_rows(cast: Cast, tmp_path):
    make_administrator(cast.alice, cast.isfahan)
    path = tmp_path / "orgs.csv"
    path.write_text("code,name,kind,parent_code\nISF-P2,پاسگاه دو,field_post,ISF-CC\n", encoding="utf-8")
    out = StringIO()
    call_command("import_organizations", str(path), "--user", "alice", stdout=out)
    assert Organization.objects.filter(code="ISF-P2", parent=cast.isfahan).exists()


def test_the_command_refuses_a_file_with_a_bad_row(cast: Cast, tmp_path):
    make_administrator(cast.alice, cast.isfahan)
    path = tmp_path / "orgs.csv"
    path.write_text("code,name,kind,parent_code\nISF-P3,سه,field_post,KER-CC\n", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "import_organizations", str(path), "--user", "alice", stderr=StringIO(), stdout=StringIO()
        )
    assert not Organization.objects.filter(code="ISF-P3").exists()
