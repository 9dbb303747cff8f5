"""Two coordinators assign the same case at the same moment, each on their own database
connection: exactly one wins, the other gets the translated 'someone else changed it' error, and
the case has one owner and one assignee."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from rasad.cases.actions import do_transition_case
from rasad.cases.models import Case, CaseEvent
from rasad.cases.testing import open_challenge
from rasad.testing.cast import Cast, build_cast

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def committed_cast(django_db_blocker) -> Cast:
    return build_cast()


def test_two_assigners_one_winner(committed_cast: Cast):
    if connection.vendor != "postgresql":
        pytest.fail("this test needs DATABASE_URL pointing at PostgreSQL")
    cast = committed_cast
    case = open_challenge(cast, cast.isfahan_post, user=cast.ali)
    case = do_transition_case(case, "triage", acting_user=cast.alice)
    version = case.version
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def assign(name: str, user, owner) -> None:
        from django.db import connections

        try:
            with translation.override("en"):
                barrier.wait(timeout=10)
                do_transition_case(
                    Case(pk=case.pk),
                    "assign",
                    acting_user=user,
                    assignee=user,
                    owner_organization=owner,
                    expected_version=version,
                )
            outcomes[name] = "won"
        except ValidationError as error:
            outcomes[name] = error.message_dict
        except Exception as error:  # reported by the assertion below
            outcomes[name] = repr(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=assign, args=("alice", cast.alice, cast.isfahan)),
        threading.Thread(target=assign, args=("nadia", cast.nadia, cast.national)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(str(v) == "won" for v in outcomes.values()) == [False, True], outcomes
    winner = next(name for name, value in outcomes.items() if value == "won")
    loser = next(value for value in outcomes.values() if value != "won")
    assert "Someone else changed this case meanwhile" in loser["version"][0]  # type: ignore[index]
    case.refresh_from_db()
    assert case.assignee is not None
    assert case.assignee.username == winner
    assert case.owner_organization == (cast.isfahan if winner == "alice" else cast.national)
    assert CaseEvent.objects.filter(case=case, action="assign").count() == 1
