"""Replay: item state at a moment, up to and including it, independent of row order."""

import random
from datetime import UTC, datetime

import pytest

from metrics.errors import MetricsError
from metrics.model import Change, ItemState
from metrics.replay import History, replay, sort_changes, states_at
from tests.metrics.builders import created, enters, estimate, leaves, march, status

CHANGES = [
    created("A", march(1), points=3),
    enters("A", march(2, 9), sprint="S1"),
    status("A", march(3), "in_progress"),
    estimate("A", march(4), 5),
    enters("A", march(13, 18), sprint="S2"),  # carried over: still a member of S1
    leaves("A", march(16), sprint="S1"),
    created("B", march(5), points=None),
]


def test_state_up_to_and_including_t() -> None:
    history = History(CHANGES)

    assert history.state_at("A", march(3, 9)) == ItemState(
        exists=True, category="todo", points=3, sprints=frozenset({"S1"})
    )
    assert history.state_at("A", march(3)).category == "in_progress"  # at exactly T: applied
    assert history.state_at("A", march(14)).sprints == frozenset({"S1", "S2"})
    assert history.state_at("A", march(16)).sprints == frozenset({"S2"})
    assert history.state_at("A", march(1, 9)) == ItemState()  # before its first change
    assert history.state_at("unknown", march(20)) == ItemState()


def test_history_agrees_with_states_at() -> None:
    history = History(CHANGES)
    for at in (march(1), march(4), march(5), march(20)):
        assert history.states_at(at) == states_at(CHANGES, at)
    assert history.items == ("A", "B")
    assert set(history.states_at(march(4))) == {"A"}


def test_result_does_not_depend_on_row_order() -> None:
    shuffled = list(CHANGES)
    random.Random(7).shuffle(shuffled)
    assert sort_changes(shuffled) == sort_changes(CHANGES)
    assert list(replay(shuffled)) == list(replay(CHANGES))


def test_ties_on_at_are_ordered_by_seq_then_by_values() -> None:
    at = march(3)
    rows = [
        status("A", at, "done", seq=2),
        status("A", at, "in_progress", seq=1),
        status("A", at, "todo", seq=1),
    ]
    ordered = sort_changes(rows)
    assert [row.category for row in ordered] == ["in_progress", "todo", "done"]
    assert states_at(rows, at)["A"].category == "done"


def test_membership_is_idempotent() -> None:
    rows = [
        enters("A", march(2)),
        enters("A", march(3)),
        leaves("A", march(4)),
        leaves("A", march(5)),
    ]
    assert states_at(rows, march(3))["A"].sprints == frozenset({"S1"})
    assert states_at(rows, march(5))["A"].sprints == frozenset()


def test_history_without_created_still_exists() -> None:
    assert states_at([estimate("A", march(3), 2)], march(4))["A"].exists


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (Change("A", datetime(2026, 3, 2), "created"), "no time zone"),
        (Change("A", march(2), "status"), "without a category"),
        (Change("A", march(2), "sprint_added"), "without a sprint"),
        (Change("A", march(2), "points", points=float("nan")), "finite"),
        (Change("A", march(2), "bogus"), "unknown kind"),  # type: ignore[arg-type]
        (Change("A", march(2), "status", category="closed"), "unknown category"),  # type: ignore[arg-type]
    ],
)
def test_malformed_changes_fail_loudly(change: Change, message: str) -> None:
    with pytest.raises(MetricsError, match=message):
        History([change])


def test_naive_query_time_fails() -> None:
    with pytest.raises(MetricsError, match="no time zone"):
        History(CHANGES).state_at("A", datetime(2026, 3, 3))
    assert History(CHANGES).state_at("A", datetime(2026, 3, 3, 12, tzinfo=UTC)).exists
