"""Burndown: steps, remaining by day and guideline, one edge case per test, worked by hand.

Unless said otherwise the sprint is S1, Monday 2026-03-02 09:00 to Friday 2026-03-13
17:00 (Europe/Berlin), ten working days; ``march(d, h)`` is 2026-03-d h:00 Berlin time.
"""

from datetime import UTC, date, datetime, timedelta

import pytest

from metrics.burndown import compute_burndown
from metrics.calendar import WorkingCalendar
from metrics.errors import MetricsError
from metrics.model import BurndownStep, DayValue, ItemInfo
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

RP = WorkingCalendar()


def days_from(first: date, values: list[float]) -> tuple[DayValue, ...]:
    return tuple(DayValue(first + timedelta(days=i), value) for i, value in enumerate(values))


def test_subtask_makes_no_step() -> None:
    # Sub-task T (3) done day 2: no step; story S (2) keeps remaining at 2 all sprint.
    items = [ItemInfo("S"), ItemInfo("T", type="sub-task")]
    changes = [*committed("S", 2), *committed("T", 3), status("T", march(3), "done")]

    burndown = compute_burndown(MARCH, items, changes, RP)

    assert burndown.committed == 2
    assert burndown.steps == ()
    assert {day.value for day in burndown.remaining_by_day} == {2}


def test_unestimated_item_steps_only_when_estimated() -> None:
    # U committed unestimated (0); estimated 3 on 03-04: estimate_up +3 -> 3.
    # Done on 03-05: done -3 -> 0.
    changes = [*committed("U", None), estimate("U", march(4), 3), status("U", march(5), "done")]

    burndown = compute_burndown(MARCH, stories("U"), changes, RP)

    assert burndown.committed == 0
    assert burndown.steps == (
        BurndownStep(march(4), "U", "estimate_up", 3, 3),
        BurndownStep(march(5), "U", "done", -3, 0),
    )


def test_done_before_entering_makes_no_step() -> None:
    changes = [
        created("G", berlin(2026, 2, 20), points=2),
        status("G", berlin(2026, 2, 26), "done"),
        enters("G", march(9)),
    ]

    burndown = compute_burndown(MARCH, stories("G"), changes, RP)

    assert burndown.committed == 0
    assert burndown.steps == ()


def test_reopened_item_goes_back_up() -> None:
    # R (5): done 03-04 -> 0; reopened 03-06 -> 5. O done outside, reopened 03-09 with 2:
    # it joins the scope, a scope change: added +2 -> 7.
    changes = [
        *committed("R", 5),
        status("R", march(4), "done"),
        status("R", march(6), "in_progress"),
        created("O", berlin(2026, 2, 1), points=2),
        status("O", berlin(2026, 2, 20), "done"),
        enters("O", march(3)),
        status("O", march(9), "todo"),
    ]

    burndown = compute_burndown(MARCH, stories("R", "O"), changes, RP)

    assert burndown.steps == (
        BurndownStep(march(4), "R", "done", -5, 0),
        BurndownStep(march(6), "R", "reopened", 5, 5),
        BurndownStep(march(9), "O", "added", 2, 7),
    )
    assert [s.is_scope_change for s in burndown.steps] == [False, False, True]


def test_removed_and_readded() -> None:
    # M (3): removed 03-03 -> 0; re-estimated 5 while out (no step); re-added 03-05 -> 5.
    changes = [
        *committed("M", 3),
        leaves("M", march(3)),
        estimate("M", march(4), 5),
        enters("M", march(5)),
    ]

    burndown = compute_burndown(MARCH, stories("M"), changes, RP)

    assert burndown.steps == (
        BurndownStep(march(3), "M", "removed", -3, 0),
        BurndownStep(march(5), "M", "added", 5, 5),
    )


def test_estimate_change_after_item_completion_makes_no_step() -> None:
    # K (5) done 03-04 -> 0; re-estimated 8 on 03-05 while done: remaining stays 0.
    changes = [*committed("K", 5), status("K", march(4), "done"), estimate("K", march(5), 8)]

    burndown = compute_burndown(MARCH, stories("K"), changes, RP)

    assert burndown.steps == (BurndownStep(march(4), "K", "done", -5, 0),)


def test_estimate_down_and_descoped() -> None:
    # E (8): estimate 8 -> 5 on 03-03 -> 5; cancelled on 03-05: descoped -5 -> 0.
    changes = [*committed("E", 8), estimate("E", march(3), 5), status("E", march(5), "cancelled")]

    burndown = compute_burndown(MARCH, stories("E"), changes, RP)

    assert burndown.steps == (
        BurndownStep(march(3), "E", "estimate_down", -3, 5),
        BurndownStep(march(5), "E", "descoped", -5, 0),
    )


def test_sprint_closed_early_freezes_remaining() -> None:
    # Closed Tue 03-10 12:00. Y (2) done 03-09 -> 3; X (3) done 03-11 after the close:
    # no step. Days still run to the planned end, frozen at 3 from 03-10 on; the
    # guideline is unchanged (5 committed over 10 working days).
    closed = sprint_window(START, END, completed_at=march(10, 12))
    changes = [
        *committed("X", 3),
        *committed("Y", 2),
        status("Y", march(9), "done"),
        status("X", march(11), "done"),
    ]

    burndown = compute_burndown(closed, stories("X", "Y"), changes, RP)

    assert burndown.steps == (BurndownStep(march(9), "Y", "done", -2, 3),)
    assert burndown.remaining_by_day == days_from(date(2026, 3, 2), [5] * 7 + [3] * 5)
    assert burndown.guideline[-1] == DayValue(date(2026, 3, 13), 0)


def test_sprint_closed_late_extends_the_days() -> None:
    # Planned end Fri 03-13, closed Tue 03-17 10:00. X (3) done Mon 03-16 -> 0.
    # Remaining runs 03-02 .. 03-17 (16 days); the guideline stops at 03-13; the
    # shaded days are 7, 8, 14 and 15 March.
    closed = sprint_window(START, END, completed_at=march(17, 10))
    changes = [*committed("X", 3), status("X", march(16), "done")]

    burndown = compute_burndown(closed, stories("X"), changes, RP)

    assert burndown.remaining_by_day == days_from(date(2026, 3, 2), [3] * 14 + [0, 0])
    assert burndown.guideline[-1].day == date(2026, 3, 13)
    assert burndown.non_working_days == tuple(date(2026, 3, d) for d in (7, 8, 14, 15))


def test_empty_sprint() -> None:
    burndown = compute_burndown(MARCH, [], [], RP)

    assert burndown.committed == 0
    assert burndown.steps == ()
    assert burndown.remaining_by_day == days_from(date(2026, 3, 2), [0] * 12)
    assert burndown.guideline == days_from(date(2026, 3, 2), [0] * 12)


def test_guideline_flat_on_corpus_christi() -> None:
    # Mon 2026-06-01 .. Fri 06-12; Fronleichnam (Corpus Christi) Thu 06-04 is a holiday in
    # RP: working days 1, 2, 3, 5, 8, 9, 10, 11, 12 June = 9. Committed 9 -> one point per
    # working day, flat on 4, 6 and 7 June.
    sprint = sprint_window(berlin(2026, 6, 1, 9), berlin(2026, 6, 12, 17))
    changes = committed("A", 9, at=berlin(2026, 5, 29))

    burndown = compute_burndown(sprint, stories("A"), changes, RP)

    assert burndown.guideline == days_from(date(2026, 6, 1), [8, 7, 6, 6, 5, 5, 5, 4, 3, 2, 1, 0])
    assert burndown.non_working_days == (date(2026, 6, 4), date(2026, 6, 6), date(2026, 6, 7))


def test_guideline_flat_on_ascension_day() -> None:
    # Mon 2026-05-11 .. Fri 05-22; Christi Himmelfahrt Thu 05-14: 9 working days.
    # Committed 18 -> two points per working day.
    sprint = sprint_window(berlin(2026, 5, 11, 9), berlin(2026, 5, 22, 17))
    changes = committed("A", 18, at=berlin(2026, 5, 8))

    burndown = compute_burndown(sprint, stories("A"), changes, RP)

    assert burndown.guideline == days_from(
        date(2026, 5, 11), [16, 14, 12, 12, 10, 10, 10, 8, 6, 4, 2, 0]
    )


def test_guideline_respects_team_days_off_and_other_calendars() -> None:
    # Same June sprint in Berlin (no Corpus Christi) with a team day off on Fri 06-12:
    # working days 1-5, 8-11 June = 9, so committed 9 reaches 0 on Thu 06-11.
    sprint = sprint_window(berlin(2026, 6, 1, 9), berlin(2026, 6, 12, 17))
    changes = committed("A", 9, at=berlin(2026, 5, 29))
    berlin_team = WorkingCalendar(subdiv="BE", non_working_days=frozenset({date(2026, 6, 12)}))

    burndown = compute_burndown(sprint, stories("A"), changes, berlin_team)

    assert burndown.guideline == days_from(date(2026, 6, 1), [8, 7, 6, 5, 4, 4, 4, 3, 2, 1, 0, 0])


def test_guideline_without_working_days() -> None:
    # A weekend "sprint" Sat 03-07 .. Sun 03-08: no working day, so the guideline stays at
    # committed and reaches 0 at the end.
    sprint = sprint_window(march(7, 9), march(8, 17))
    changes = committed("A", 4)

    burndown = compute_burndown(sprint, stories("A"), changes, RP)

    assert burndown.guideline == days_from(date(2026, 3, 7), [4, 0])


def test_identical_timestamps_are_ordered_by_seq() -> None:
    # P (5) at 03-04 10:00: seq 1 done, seq 2 in_progress -> done -5 then reopened +5.
    at = march(4)
    changes = [
        *committed("P", 5),
        status("P", at, "in_progress", seq=2),
        status("P", at, "done", seq=1),
    ]

    burndown = compute_burndown(MARCH, stories("P"), changes, RP)

    assert [(s.reason, s.remaining) for s in burndown.steps] == [("done", 0), ("reopened", 5)]
    assert burndown.remaining_by_day[2] == DayValue(date(2026, 3, 4), 5)


def test_days_are_berlin_days_across_spring_dst_change() -> None:
    # Mon 2026-03-23 09:00 CET .. Fri 04-03 17:00 CEST (clocks go forward Sun 03-29).
    # B (5) done 2026-03-28T23:30Z = Sun 03-29 00:30 CET  -> counts on 29 March (UTC: 28th).
    # A (4) done 2026-03-29T22:30Z = Mon 03-30 00:30 CEST -> counts on 30 March (UTC: 29th).
    # Remaining: 23-28 March 9, 29 March 4, then 0. Good Friday (04-03) is a holiday:
    # working days 23-27 March and 30 March-2 April = 9, so the guideline drops 1 a day.
    sprint = sprint_window(berlin(2026, 3, 23, 9), berlin(2026, 4, 3, 17))
    changes = [
        *committed("A", 4, at=berlin(2026, 3, 20)),
        *committed("B", 5, at=berlin(2026, 3, 20)),
        status("B", datetime(2026, 3, 28, 23, 30, tzinfo=UTC), "done"),
        status("A", datetime(2026, 3, 29, 22, 30, tzinfo=UTC), "done"),
    ]

    burndown = compute_burndown(sprint, stories("A", "B"), changes, RP)

    assert burndown.remaining_by_day == days_from(date(2026, 3, 23), [9] * 6 + [4] + [0] * 5)
    assert burndown.guideline == days_from(date(2026, 3, 23), [8, 7, 6, 5, 4, 4, 4, 3, 2, 1, 0, 0])
    assert date(2026, 4, 3) in burndown.non_working_days


def test_days_are_berlin_days_across_autumn_dst_change() -> None:
    # Mon 2026-10-19 09:00 CEST .. Fri 10-30 17:00 CET (clocks go back Sun 10-25).
    # A (4) done 2026-10-24T22:30Z = Sun 10-25 00:30 CEST -> 25 October.
    # B (6) done 2026-10-25T23:30Z = Mon 10-26 00:30 CET  -> 26 October.
    # Ten working days (Reformation Day is not a holiday in RP and falls on the 31st).
    sprint = sprint_window(berlin(2026, 10, 19, 9), berlin(2026, 10, 30, 17))
    changes = [
        *committed("A", 4, at=berlin(2026, 10, 16)),
        *committed("B", 6, at=berlin(2026, 10, 16)),
        status("A", datetime(2026, 10, 24, 22, 30, tzinfo=UTC), "done"),
        status("B", datetime(2026, 10, 25, 23, 30, tzinfo=UTC), "done"),
    ]

    burndown = compute_burndown(sprint, stories("A", "B"), changes, RP)

    assert burndown.remaining_by_day == days_from(date(2026, 10, 19), [10] * 6 + [6] + [0] * 5)
    assert burndown.guideline == days_from(date(2026, 10, 19), [9, 8, 7, 6, 5, 5, 5, 4, 3, 2, 1, 0])


def test_last_remaining_matches_not_completed_points() -> None:
    # X (3) open, Y (2) done: not completed 3 = last remaining.
    changes = [*committed("X", 3), *committed("Y", 2), status("Y", march(5), "done")]

    figures = compute_sprint_figures(MARCH, stories("X", "Y"), changes)
    burndown = compute_burndown(MARCH, stories("X", "Y"), changes, RP)

    assert burndown.remaining_by_day[-1].value == figures.points.not_completed == 3


def test_naive_as_of_fails() -> None:
    with pytest.raises(MetricsError, match="as_of"):
        compute_burndown(MARCH, [], [], RP, as_of=datetime(2026, 3, 5, 12))
