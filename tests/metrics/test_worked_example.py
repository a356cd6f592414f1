"""The worked example of METRICS.md's sprint figures and burndown, computed by hand.

Sprint S1: Monday 2026-03-02 09:00 to Friday 2026-03-13 17:00 (Europe/Berlin), not
closed, so its figures are judged at the planned end. Working days (RP): 2-6 and
9-13 March, ten in all; 7 and 8 March are the weekend.

Items (planned into S1 on Friday 2026-02-27 unless said otherwise):

    A  story     5 pts  committed; done Wed 03-04 11:00 (day 3)
    B  story     3 pts  created and added Tue 03-03 10:00 (day 2); still open
    C  story     8 pts  committed; removed from S1 Thu 03-05 15:00 (day 4)
    D  story     2 pts  committed; estimate 2 -> 5 Fri 03-06 10:00; done Wed 03-11 16:00
    E  sub-task  3 pts  committed; done Tue 03-03 12:00            -> left out entirely
    F  story     --     committed without an estimate; still open  -> 0 points, unestimated
    G  story     2 pts  done Thu 02-26, added to S1 Mon 03-09 09:30 -> completed outside

Figures (points | items):

    committed      A5 + C8 + D2 + F0         = 15 | 4
    added          B3 + D's +3 estimate     =  6 | 1   (an estimate change adds no item)
    removed        C8                        =  8 | 1
    completed      A5 + D5                   = 10 | 2
    not completed  B3 + F0                   =  3 | 2
    conservation   15 + 6 - 8 = 13 = 10 + 3;  4 + 1 - 1 = 4 = 2 + 2
    say/do         10 / 15

Burndown (remaining starts at committed = 15):

    Tue 03-03 10:00  B added          +3 -> 18
    Wed 03-04 11:00  A done           -5 -> 13
    Thu 03-05 15:00  C removed        -8 ->  5
    Fri 03-06 10:00  D estimate_up    +3 ->  8
    Wed 03-11 16:00  D done           -5 ->  3
    (A's move to in progress, E, and G change nothing)

    remaining at the end of each day, 2..13 March:
        15, 18, 13, 5, 8, 8, 8, 8, 8, 3, 3, 3
    guideline 15 x (1 - working days so far / 10), flat on 7 and 8 March:
        13.5, 12, 10.5, 9, 7.5, 7.5, 7.5, 6, 4.5, 3, 1.5, 0
"""

from datetime import date

import pytest

from metrics.burndown import compute_burndown
from metrics.calendar import WorkingCalendar
from metrics.model import BurndownStep, DayValue, FigureSet, ItemInfo
from metrics.sprint import compute_sprint_figures
from tests.metrics.builders import (
    MARCH,
    PLANNING,
    berlin,
    committed,
    created,
    enters,
    estimate,
    leaves,
    march,
    status,
)

ITEMS = [
    ItemInfo("A", "story", "Online appointment booking"),
    ItemInfo("B", "story", "Parking permit form"),
    ItemInfo("C", "story", "Open data export"),
    ItemInfo("D", "bug", "Wrong opening hours"),
    ItemInfo("E", "sub-task", "Write migration"),
    ItemInfo("F", "story", "Accessibility review"),
    ItemInfo("G", "story", "Old ticket closed last sprint"),
]

CHANGES = [
    *committed("A", 5),
    status("A", march(2, 10), "in_progress"),
    status("A", march(4, 11), "done"),
    created("B", march(3, 9, 30), points=3),
    enters("B", march(3, 10)),
    *committed("C", 8),
    leaves("C", march(5, 15)),
    *committed("D", 2),
    estimate("D", march(6, 10), 5),
    status("D", march(11, 16), "done"),
    *committed("E", 3),
    status("E", march(3, 12), "done"),
    *committed("F", None),
    created("G", berlin(2026, 2, 10), points=2),
    status("G", berlin(2026, 2, 26, 16), "done"),
    enters("G", march(9, 9, 30)),
]

RP = WorkingCalendar()


def test_sprint_figures_in_points_and_items() -> None:
    figures = compute_sprint_figures(MARCH, ITEMS, CHANGES)

    assert figures.points == FigureSet(
        committed=15, added=6, removed=8, completed=10, not_completed=3
    )
    assert figures.items == FigureSet(committed=4, added=1, removed=1, completed=2, not_completed=2)
    assert figures.committed_keys == ("A", "C", "D", "F")
    assert figures.added_keys == ("B",)
    assert figures.removed_keys == ("C",)
    assert figures.completed_keys == ("A", "D")
    assert figures.not_completed_keys == ("B", "F")
    assert figures.completed_outside_keys == ("G",)
    assert figures.re_estimated_keys == ("D",)
    assert figures.unestimated == 1
    assert figures.unestimated_keys == ("F",)
    assert figures.descoped_keys == ()
    assert figures.say_do_ratio == pytest.approx(10 / 15)


def test_burndown_steps() -> None:
    burndown = compute_burndown(MARCH, ITEMS, CHANGES, RP)

    assert burndown.committed == 15
    assert burndown.steps == (
        BurndownStep(march(3, 10), "B", "added", 3, 18),
        BurndownStep(march(4, 11), "A", "done", -5, 13),
        BurndownStep(march(5, 15), "C", "removed", -8, 5),
        BurndownStep(march(6, 10), "D", "estimate_up", 3, 8),
        BurndownStep(march(11, 16), "D", "done", -5, 3),
    )
    assert [step.is_scope_change for step in burndown.steps] == [True, False, True, True, False]


def test_burndown_by_day_guideline_and_shading() -> None:
    burndown = compute_burndown(MARCH, ITEMS, CHANGES, RP)
    days = [date(2026, 3, day) for day in range(2, 14)]

    remaining = [15, 18, 13, 5, 8, 8, 8, 8, 8, 3, 3, 3]
    guideline = [13.5, 12, 10.5, 9, 7.5, 7.5, 7.5, 6, 4.5, 3, 1.5, 0]
    assert burndown.remaining_by_day == tuple(map(DayValue, days, remaining))
    assert burndown.guideline == tuple(map(DayValue, days, guideline))
    assert burndown.non_working_days == (date(2026, 3, 7), date(2026, 3, 8))


def test_burndown_as_of_a_running_sprint() -> None:
    # Thursday 12:00: C's removal at 15:00 and everything later is not known yet.
    burndown = compute_burndown(MARCH, ITEMS, CHANGES, RP, as_of=march(5, 12))

    assert [step.item for step in burndown.steps] == ["B", "A"]
    assert burndown.remaining_by_day == (
        DayValue(date(2026, 3, 2), 15),
        DayValue(date(2026, 3, 3), 18),
        DayValue(date(2026, 3, 4), 13),
        DayValue(date(2026, 3, 5), 13),
    )
    assert len(burndown.guideline) == 12  # the guideline always spans the sprint


def test_burndown_as_of_before_start_is_empty_but_planned() -> None:
    burndown = compute_burndown(MARCH, ITEMS, CHANGES, RP, as_of=PLANNING)

    assert burndown.committed == 15
    assert burndown.steps == ()
    assert burndown.remaining_by_day == ()
    assert burndown.guideline[0] == DayValue(date(2026, 3, 2), 13.5)


def test_last_remaining_is_not_completed_points() -> None:
    figures = compute_sprint_figures(MARCH, ITEMS, CHANGES)
    burndown = compute_burndown(MARCH, ITEMS, CHANGES, RP)

    assert burndown.remaining_by_day[-1].value == figures.points.not_completed
