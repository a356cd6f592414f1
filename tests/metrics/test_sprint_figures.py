"""Sprint figures: one edge case per test, each worked out by hand in its comment.

All tests use S1, Monday 2026-03-02 09:00 to Friday 2026-03-13 17:00 (Europe/Berlin);
``march(d, h)`` is 2026-03-d h:00 Berlin time; ``committed(...)`` plans an item
into S1 on 2026-02-27.
"""

from datetime import UTC, datetime

import pytest

from metrics.errors import MetricsError
from metrics.model import Change, FigureSet, ItemInfo, SprintFigures
from metrics.sprint import compute_sprint_figures
from tests.metrics.builders import (
    END,
    MARCH,
    START,
    berlin,
    committed,
    created,
    enters,
    estimate,
    leaves,
    march,
    sprint_window,
    status,
    stories,
)


def conserved(figures: SprintFigures) -> bool:
    return all(
        unit.committed + unit.added - unit.removed == unit.completed + unit.not_completed
        for unit in (figures.points, figures.items)
    )


def test_subtask_is_left_out() -> None:
    # Story S 2 pts and sub-task T 3 pts, both committed; T done on day 2.
    # Only S counts: committed 2 | 1, not completed 2 | 1; T is in no list.
    items = [ItemInfo("S"), ItemInfo("T", type="sub-task")]
    changes = [*committed("S", 2), *committed("T", 3), status("T", march(3), "done")]

    figures = compute_sprint_figures(MARCH, items, changes)

    assert figures.points == FigureSet(committed=2, not_completed=2)
    assert figures.items == FigureSet(committed=1, not_completed=1)
    assert "T" not in figures.committed_keys + figures.completed_keys


def test_unestimated_counts_zero_points_and_is_reported() -> None:
    # U committed without estimate: committed 0 pts | 1 item. Estimated 3 on day 3:
    # +3 added points, no added item. V unestimated, done day 4: completed 0 | 1.
    # Points: 0 + 3 - 0 = 3 = 0 (V) + 3 (U); items: 2 + 0 - 0 = 2 = 1 + 1.
    changes = [
        *committed("U", None),
        estimate("U", march(4), 3),
        *committed("V", None),
        status("V", march(5), "done"),
    ]

    figures = compute_sprint_figures(MARCH, stories("U", "V"), changes)

    assert figures.points == FigureSet(committed=0, added=3, completed=0, not_completed=3)
    assert figures.items == FigureSet(committed=2, completed=1, not_completed=1)
    assert figures.unestimated == 2
    assert figures.unestimated_keys == ("U", "V")
    assert figures.added_keys == ()
    assert figures.re_estimated_keys == ("U",)


def test_done_before_entering_is_completed_outside() -> None:
    # G done 02-26 then added on day 6; H planned and done before the start (02-28).
    # Neither is committed, added or completed: all figures 0.
    changes = [
        created("G", berlin(2026, 2, 20), points=2),
        status("G", berlin(2026, 2, 26), "done"),
        enters("G", march(9)),
        *committed("H", 5),
        status("H", berlin(2026, 2, 28), "done"),
    ]

    figures = compute_sprint_figures(MARCH, stories("G", "H"), changes)

    assert figures.points == FigureSet()
    assert figures.items == FigureSet()
    assert figures.completed_outside_keys == ("G", "H")
    assert figures.completed_keys == ()


def test_reopened_item_stays_in_scope_and_is_not_completed() -> None:
    # R committed 5, done day 3, reopened day 5: committed 5 | 1, not completed 5 | 1.
    changes = [
        *committed("R", 5),
        status("R", march(4), "done"),
        status("R", march(6), "in_progress"),
    ]

    figures = compute_sprint_figures(MARCH, stories("R"), changes)

    assert figures.points == FigureSet(committed=5, not_completed=5)
    assert figures.items == FigureSet(committed=1, not_completed=1)


def test_completed_outside_item_reopened_joins_as_added() -> None:
    # O done before it enters on day 2 (completed outside), reopened on day 4 with 2 pts:
    # from then on it is in scope as if added then (added 2 | 1); done again on day 8:
    # completed 2 | 1. It stays listed as completed outside (it was, on entry).
    changes = [
        created("O", berlin(2026, 2, 1), points=2),
        status("O", berlin(2026, 2, 20), "done"),
        enters("O", march(3)),
        status("O", march(5), "todo"),
        status("O", march(10), "done"),
    ]

    figures = compute_sprint_figures(MARCH, stories("O"), changes)

    assert figures.points == FigureSet(added=2, completed=2)
    assert figures.items == FigureSet(added=1, completed=1)
    assert figures.added_keys == ("O",)
    assert figures.completed_keys == ("O",)
    assert figures.completed_outside_keys == ("O",)


def test_removed_and_readded_counts_twice() -> None:
    # M committed 3; removed day 2 (removed 3 | 1); estimate 3 -> 5 on day 3 while out
    # (not counted); re-added day 4 (added 5 | 1); removed again day 5 (removed 5 | 1);
    # re-added day 6 (added 5 | 1), still open: not completed 5 | 1.
    # Points: 3 + 10 - 8 = 5; items: 1 + 2 - 2 = 1.
    changes = [
        *committed("M", 3),
        leaves("M", march(3)),
        estimate("M", march(4), 5),
        enters("M", march(5)),
        leaves("M", march(6)),
        enters("M", march(9)),
    ]

    figures = compute_sprint_figures(MARCH, stories("M"), changes)

    assert figures.points == FigureSet(committed=3, added=10, removed=8, not_completed=5)
    assert figures.items == FigureSet(committed=1, added=2, removed=2, not_completed=1)
    assert figures.added_keys == figures.removed_keys == ("M",)
    assert figures.re_estimated_keys == ()


def test_estimate_changed_after_item_completion_counts_while_in_sprint() -> None:
    # K committed 5, done day 3, re-estimated 8 on day 4 while still in the sprint:
    # +3 added points; completed with its points at the end, 8. 5 + 3 - 0 = 8.
    changes = [*committed("K", 5), status("K", march(4), "done"), estimate("K", march(5), 8)]

    figures = compute_sprint_figures(MARCH, stories("K"), changes)

    assert figures.points == FigureSet(committed=5, added=3, completed=8)
    assert figures.items == FigureSet(committed=1, completed=1)


def test_estimate_changed_after_sprint_completion_is_ignored() -> None:
    # S1 closed on time; K re-estimated 5 -> 8 a week later: figures keep 5.
    closed = sprint_window(START, END, completed_at=END)
    changes = [*committed("K", 5), status("K", march(4), "done"), estimate("K", march(20), 8)]

    figures = compute_sprint_figures(closed, stories("K"), changes)

    assert figures.points == FigureSet(committed=5, completed=5)


def test_sprint_closed_early_judges_at_completion() -> None:
    # Closed Tue 03-10 12:00. Y (2) done Mon 03-09 -> completed; X (3) done Wed 03-11,
    # after the close -> not completed; Z (1) added Thu 03-12, after the close -> nowhere.
    closed = sprint_window(START, END, completed_at=march(10, 12))
    changes = [
        *committed("X", 3),
        *committed("Y", 2),
        status("Y", march(9), "done"),
        status("X", march(11), "done"),
        created("Z", march(12), points=1),
        enters("Z", march(12, 11)),
    ]

    figures = compute_sprint_figures(closed, stories("X", "Y", "Z"), changes)

    assert figures.points == FigureSet(committed=5, completed=2, not_completed=3)
    assert figures.completed_keys == ("Y",)
    assert figures.not_completed_keys == ("X",)


def test_sprint_closed_late_judges_at_completion() -> None:
    # Planned end Fri 03-13 17:00, closed Tue 03-17 10:00. X (3) done Mon 03-16 counts as
    # completed; W (2) added Mon 03-16 counts as added and not completed.
    closed = sprint_window(START, END, completed_at=march(17, 10))
    changes = [
        *committed("X", 3),
        status("X", march(16), "done"),
        created("W", march(16), points=2),
        enters("W", march(16, 11)),
    ]

    figures = compute_sprint_figures(closed, stories("X", "W"), changes)

    assert figures.points == FigureSet(committed=3, added=2, completed=3, not_completed=2)


def test_empty_sprint() -> None:
    figures = compute_sprint_figures(MARCH, [], [])

    assert figures.points == FigureSet()
    assert figures.items == FigureSet()
    assert figures.say_do_ratio is None
    assert figures.unestimated == 0


def test_identical_timestamps_apply_in_seq_order() -> None:
    # At 03-04 10:00 two status rows for P (5 pts): which is last decides completion.
    # seq 1 in_progress, seq 2 done -> done: completed 5. Swapped seqs -> not completed.
    at = march(4)
    done_last = [
        *committed("P", 5),
        status("P", at, "done", seq=2),
        status("P", at, "in_progress", seq=1),
    ]
    done_first = [
        *committed("P", 5),
        status("P", at, "done", seq=1),
        status("P", at, "in_progress", seq=2),
    ]

    assert compute_sprint_figures(MARCH, stories("P"), done_last).points.completed == 5
    assert compute_sprint_figures(MARCH, stories("P"), done_first).points.not_completed == 5


def test_identical_timestamps_added_and_done() -> None:
    # Q (2) enters at 03-04 10:00 and is marked done at the same instant.
    # Entered first (seq 1 < 2): added 2, completed 2. Done first: completed outside.
    at = march(4)
    base = [created("Q", march(3), points=2)]
    entered_first = [*base, enters("Q", at, seq=1), status("Q", at, "done", seq=2)]
    done_first = [*base, status("Q", at, "done", seq=1), enters("Q", at, seq=2)]

    first = compute_sprint_figures(MARCH, stories("Q"), entered_first)
    second = compute_sprint_figures(MARCH, stories("Q"), done_first)

    assert first.points == FigureSet(added=2, completed=2)
    assert second.points == FigureSet()
    assert second.completed_outside_keys == ("Q",)


def test_changes_at_the_start_belong_to_the_commitment() -> None:
    # N enters at exactly 09:00 on the start: committed. L enters at the end exactly: added.
    changes = [
        created("N", march(1), points=1),
        enters("N", START),
        created("L", march(1), points=4),
        enters("L", END),
    ]

    figures = compute_sprint_figures(MARCH, stories("N", "L"), changes)

    assert figures.points == FigureSet(committed=1, added=4, not_completed=5)


def test_cancelled_item_is_descoped() -> None:
    # J committed 3, cancelled ("Won't Do") on day 4: removed 3 | 1, descoped; in neither
    # completed nor not completed. I cancelled before the start: cancelled outside.
    changes = [
        *committed("J", 3),
        status("J", march(5), "cancelled"),
        *committed("I", 2),
        status("I", berlin(2026, 2, 28), "cancelled"),
    ]

    figures = compute_sprint_figures(MARCH, stories("J", "I"), changes)

    assert figures.points == FigureSet(committed=3, removed=3)
    assert figures.items == FigureSet(committed=1, removed=1)
    assert figures.descoped_keys == figures.removed_keys == ("J",)
    assert (figures.descoped_points, figures.descoped_count) == (3, 1)
    assert figures.cancelled_outside_keys == ("I",)
    assert conserved(figures)


def test_carried_over_item_stays_member_of_the_closed_sprint() -> None:
    # C1 committed to S1, not done; at S2's start it is added to S2 without leaving S1
    # (as Jira does). S1: not completed 3. S2: committed 3.
    s1 = sprint_window(START, END, completed_at=END)
    s2 = sprint_window(march(16, 9), march(27, 17), key="S2")
    changes = [*committed("C1", 3), enters("C1", march(13, 17, 30), sprint="S2")]

    assert compute_sprint_figures(s1, stories("C1"), changes).points.not_completed == 3
    assert compute_sprint_figures(s2, stories("C1"), changes).points.committed == 3


@pytest.mark.parametrize(
    ("items", "changes", "message"),
    [
        (stories("A"), [created("B", march(3))], "'B'"),
        (stories("A", "A"), [], "given twice"),
        (stories("A"), [created("A", datetime(2026, 3, 3, 10))], "no time zone"),
        (stories("A"), [estimate("A", march(3), -1)], ">= 0"),
    ],
)
def test_bad_input_fails_loudly(items: list[ItemInfo], changes: list[Change], message: str) -> None:
    with pytest.raises(MetricsError, match=message):
        compute_sprint_figures(MARCH, items, changes)


def test_sprint_ending_before_it_starts_fails() -> None:
    backwards = sprint_window(END, START)
    with pytest.raises(MetricsError, match="before it starts"):
        compute_sprint_figures(backwards, [], [])
    with pytest.raises(MetricsError, match="completed"):
        compute_sprint_figures(sprint_window(START, END, datetime(2026, 1, 1, tzinfo=UTC)), [], [])
