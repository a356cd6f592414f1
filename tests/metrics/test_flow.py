"""Flow metrics: a worked example computed by hand, edge cases and properties."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.calendar import BERLIN, WorkingCalendar
from metrics.flow import (
    cumulative_flow,
    item_flows,
    percentiles,
    throughput_per_week,
    wip_ages,
    working_days_between,
)
from metrics.model import Change

CAL = WorkingCalendar()


def at(day: int, hour: int, month: int = 3) -> datetime:
    """A Berlin wall-clock time in March 2026."""
    return datetime(2026, month, day, hour, tzinfo=BERLIN)


def created(item: str, when: datetime) -> Change:
    return Change(item, when, "created", category="todo", status="Offen")


def status(item: str, when: datetime, category: str, name: str) -> Change:
    return Change(item, when, "status", category=category, status=name)  # type: ignore[arg-type]


# Worked example (Mon 2026-03-02 .. Tue 2026-03-10, no RP holiday in between):
# A: created Mon 02 09:00, in progress Tue 03 09:00, done Thu 05 15:00
#    cycle = 2 d 6 h = 2.25 d, lead = 3 d 6 h = 3.25 d; all on working days, so
#    working = calendar (Mon 15 h = 0.625 + Tue 1 + Wed 1 + Thu 15 h = 0.625 = 3.25).
# B: created Fri 06 12:00, in progress Fri 06 18:00, done Mon 09 06:00
#    cycle = 60 h = 2.5 d; working: Fri 6 h (0.25) + Mon 6 h (0.25) = 0.5
#    lead = 66 h = 2.75 d; working: Fri 12 h (0.5) + Mon 6 h (0.25) = 0.75
# C: created Mon 02 10:00, done Wed 04 10:00 without being in progress:
#    started is backfilled to the done time, cycle = 0, lead = 2.0
# D: created Mon 02 11:00, in progress Tue 03 11:00, done Wed 04 11:00, reopened
#    Thu 05 11:00, done Tue 10 11:00: cycle = 7.0 (first start to last done), lead = 8.0
# E: created Mon 02 12:00, in progress Mon 09 12:00, open at as_of Tue 10 12:00: WIP age 1.0
# F: created Tue 03 12:00, cancelled Wed 04 12:00: never done, not in the CFD
EXAMPLE = [
    created("A", at(2, 9)),
    status("A", at(3, 9), "in_progress", "In Arbeit"),
    status("A", at(5, 15), "done", "Erledigt"),
    created("B", at(6, 12)),
    status("B", at(6, 18), "in_progress", "In Arbeit"),
    status("B", at(9, 6), "done", "Erledigt"),
    created("C", at(2, 10)),
    status("C", at(4, 10), "done", "Erledigt"),
    created("D", at(2, 11)),
    status("D", at(3, 11), "in_progress", "In Arbeit"),
    status("D", at(4, 11), "done", "Erledigt"),
    status("D", at(5, 11), "in_progress", "Im Review"),
    status("D", at(10, 11), "done", "Erledigt"),
    created("E", at(2, 12)),
    status("E", at(9, 12), "in_progress", "In Arbeit"),
    created("F", at(3, 12)),
    status("F", at(4, 12), "cancelled", "Verworfen"),
]
AS_OF = at(10, 12)


def flows_by_key() -> dict[str, object]:
    return {flow.key: flow for flow in item_flows(EXAMPLE, as_of=AS_OF, calendar=CAL)}


def test_cycle_and_lead_times_worked_example() -> None:
    flows = flows_by_key()
    expected = {  # key: (cycle, lead, cycle working, lead working)
        "A": (2.25, 3.25, 2.25, 3.25),
        "B": (2.5, 2.75, 0.5, 0.75),
        "C": (0.0, 2.0, 0.0, 2.0),
        "D": (7.0, 8.0, 5.0, 6.0),
    }
    for key, (cycle, lead, cycle_w, lead_w) in expected.items():
        flow = flows[key]
        assert flow.cycle_time_days == pytest.approx(cycle), key
        assert flow.lead_time_days == pytest.approx(lead), key
        assert flow.cycle_time_working_days == pytest.approx(cycle_w), key
        assert flow.lead_time_working_days == pytest.approx(lead_w), key
    assert flows["E"].done is None and flows["E"].cycle_time_days is None
    assert flows["F"].done is None and flows["F"].lead_time_days is None
    assert flows["C"].started == at(4, 10)


def test_throughput_counts_last_completion_per_iso_week() -> None:
    flows = item_flows(EXAMPLE, as_of=AS_OF, calendar=CAL)
    weeks = throughput_per_week(flows, first=date(2026, 3, 2), last=date(2026, 3, 10))
    # week of 02 March: A (Thu 05), C (Wed 04); D's first completion does not count.
    # week of 09 March: B (Mon 09), D (Tue 10).
    assert [(w.week_start, w.count) for w in weeks] == [
        (date(2026, 3, 2), 2),
        (date(2026, 3, 9), 2),
    ]


def test_throughput_lists_empty_weeks() -> None:
    weeks = throughput_per_week([], first=date(2026, 3, 4), last=date(2026, 3, 20))
    assert [w.week_start for w in weeks] == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)]
    assert {w.count for w in weeks} == {0}


def test_wip_age() -> None:
    ages = wip_ages(item_flows(EXAMPLE, as_of=AS_OF, calendar=CAL), as_of=AS_OF)
    assert [(a.key, a.age_days) for a in ages] == [("E", pytest.approx(1.0))]


def test_cfd_worked_example() -> None:
    days = cumulative_flow(
        EXAMPLE,
        first=date(2026, 3, 2),
        last=date(2026, 3, 4),
        statuses=("Offen", "In Arbeit", "Im Review", "Erledigt"),
    )
    # End of Mon 02: A, C, D, E exist, all "Offen".
    # End of Tue 03: A and D in progress; C, E open; F open (created 12:00).
    # End of Wed 04: A in progress; C and D done; E open; F cancelled (left out).
    assert [(d.todo, d.in_progress, d.done) for d in days] == [(4, 0, 0), (3, 2, 0), (1, 1, 2)]
    assert days[2].by_status == (("Offen", 1), ("In Arbeit", 1), ("Im Review", 0), ("Erledigt", 2))


def test_cfd_day_ends_in_berlin() -> None:
    # 23:30 UTC on 2 March is 00:30 on 3 March in Berlin: not yet done at the end of 2 March.
    changes = [
        created("X", at(2, 9)),
        Change("X", datetime.fromisoformat("2026-03-02T23:30:00+00:00"), "status", "done", "Ok"),
    ]
    days = cumulative_flow(changes, first=date(2026, 3, 2), last=date(2026, 3, 3))
    assert [(d.todo, d.done) for d in days] == [(1, 0), (0, 1)]


def test_calendar_days_across_daylight_saving_change() -> None:
    # Sat 28 March 12:00 to Mon 30 March 12:00 spans the 23-hour Sunday: 47 h elapsed.
    changes = [
        created("X", at(28, 12)),
        status("X", at(28, 12), "in_progress", "In Arbeit"),
        status("X", at(30, 12), "done", "Erledigt"),
    ]
    (flow,) = item_flows(changes, as_of=at(31, 12), calendar=CAL)
    assert flow.cycle_time_days == pytest.approx(47 / 24)
    # working days: only Monday 00:00-12:00 counts
    assert flow.cycle_time_working_days == pytest.approx(0.5)


def test_working_days_skip_rp_holiday() -> None:
    # Thu 4 June 2026 is Corpus Christi (Fronleichnam), a holiday in Rhineland-Palatinate.
    start = datetime(2026, 6, 3, 12, tzinfo=BERLIN)
    end = datetime(2026, 6, 5, 12, tzinfo=BERLIN)
    assert working_days_between(start, end, CAL) == pytest.approx(1.0)


def test_percentiles_linear_interpolation() -> None:
    result = percentiles([float(v) for v in range(10, 0, -1)])
    assert result is not None
    assert (result.p50, result.p85, result.p95, result.count) == (
        pytest.approx(5.5),
        pytest.approx(8.65),
        pytest.approx(9.55),
        10,
    )
    assert percentiles([]) is None


histories = st.lists(
    st.tuples(
        st.sampled_from("ABCDE"),
        st.integers(min_value=0, max_value=400),
        st.sampled_from(["todo", "in_progress", "done", "cancelled"]),
    ),
    max_size=40,
)


def _changes(rows: list[tuple[str, int, str]]) -> list[Change]:
    base = at(2, 8)
    return [
        Change(item, base + timedelta(hours=hours), "status", category=cat, status=cat, seq=n)  # type: ignore[arg-type]
        for n, (item, hours, cat) in enumerate(rows)
    ]


@settings(max_examples=150, deadline=None)
@given(histories, st.randoms(use_true_random=False))
def test_cfd_counts_every_live_item_and_ignores_row_order(rows, rnd) -> None:  # type: ignore[no-untyped-def]
    changes = _changes(rows)
    shuffled = list(changes)
    rnd.shuffle(shuffled)
    first, last = date(2026, 3, 2), date(2026, 3, 20)
    days = cumulative_flow(changes, first=first, last=last)
    assert days == cumulative_flow(shuffled, first=first, last=last)
    final = {c.item: c.category for c in sorted(changes, key=lambda c: (c.at, c.seq))}
    live = sum(1 for cat in final.values() if cat != "cancelled")
    assert days[-1].todo + days[-1].in_progress + days[-1].done == live
    dones = [d.done for d in days]
    assert all(v >= 0 for d in days for v in (d.todo, d.in_progress, d.done))
    assert len(dones) == (last - first).days + 1


@settings(max_examples=150, deadline=None)
@given(histories)
def test_cycle_time_within_lead_time(rows) -> None:  # type: ignore[no-untyped-def]
    changes = _changes(rows)
    flows = item_flows(changes, as_of=at(31, 23), calendar=CAL)
    for flow in flows:
        if flow.done is not None:
            assert 0 <= flow.cycle_time_days <= flow.lead_time_days  # type: ignore[operator]
            assert flow.cycle_time_working_days <= flow.cycle_time_days + 1e-9  # type: ignore[operator]
    stats = percentiles([f.lead_time_days for f in flows if f.lead_time_days is not None])
    if stats is not None:
        assert stats.p50 <= stats.p85 <= stats.p95
