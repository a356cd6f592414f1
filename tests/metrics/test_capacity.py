"""Capacity against demand per person, with a hand-computed portfolio."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.capacity import (
    Assignment,
    Demand,
    PersonCapacity,
    ProjectShare,
    capacity_by_person,
)
from metrics.errors import MetricsError


def test_capacity_per_person_most_over_booked_first() -> None:
    assignments = [
        Assignment("anna", "P1", 0.6),
        Assignment("anna", "P2", 0.5),  # anna: 0.6 + 0.5 = 1.1 -> over by 0.1
        Assignment("ben", "P1", 0.5),
        Assignment("ben", "P3", 0.5),  # ben: 1.0 -> full, not over
        Assignment("carla", "P2", 0.8),
        Assignment("carla", "P1", 0.2),
        Assignment("carla", "P3", 0.4),  # carla: 1.4 -> over by 0.4
        Assignment("dave", "P1", 0.1),
        Assignment("dave", "P2", 0.2),
        Assignment("dave", "P3", 0.7),  # dave: 0.1 + 0.2 + 0.7 = 1.0 (fsum), not over
    ]
    demand = [
        Demand("anna", "P1", 13),
        Demand("anna", "P3", 5),  # demand without an assignment: share 0 on P3
    ]
    rows = capacity_by_person(assignments, demand)
    # Order: carla (over 0.4), anna (over 0.1), then ben and dave (both 1.0, by name).
    assert [row.person for row in rows] == ["carla", "anna", "ben", "dave"]
    carla, anna, ben, dave = rows
    assert (carla.total_share, carla.over_booked, carla.over_by) == pytest.approx((1.4, True, 0.4))
    assert [(p.project, p.share) for p in carla.projects] == [
        ("P2", 0.8),
        ("P3", 0.4),
        ("P1", 0.2),
    ]
    assert anna.total_share == pytest.approx(1.1)
    assert anna.over_by == pytest.approx(0.1)
    assert anna.projects == (
        ProjectShare("P1", 0.6, 13.0),
        ProjectShare("P2", 0.5, None),
        ProjectShare("P3", 0.0, 5.0),
    )
    assert anna.open_points == 18.0  # 13 + 5
    assert ben == PersonCapacity(
        person="ben",
        total_share=1.0,
        over_booked=False,
        over_by=0.0,
        projects=(ProjectShare("P1", 0.5), ProjectShare("P3", 0.5)),
        open_points=None,
    )
    assert (dave.total_share, dave.over_booked) == (1.0, False)


def test_capacity_of_nobody_is_empty() -> None:
    assert capacity_by_person([]) == []


@pytest.mark.parametrize(
    ("assignments", "demand", "message"),
    [
        ([Assignment("anna", "P1", 1.2)], [], "capacity_share of 'anna' on 'P1'.* is 1.2"),
        ([Assignment("anna", "P1", -0.1)], [], "is -0.1; pass a number from 0 to 1"),
        (
            [Assignment("anna", "P1", 0.5), Assignment("anna", "P1", 0.2)],
            [],
            "'anna' is assigned to 'P1' twice",
        ),
        ([], [Demand("anna", "P1", -3)], "open_points of 'anna' on 'P1'.* is -3"),
        (
            [],
            [Demand("anna", "P1", 3), Demand("anna", "P1", 2)],
            "demand of 'anna' on 'P1' is given twice",
        ),
    ],
)
def test_capacity_rejects_bad_input(
    assignments: list[Assignment], demand: list[Demand], message: str
) -> None:
    with pytest.raises(MetricsError, match=message):
        capacity_by_person(assignments, demand)


@settings(max_examples=100, deadline=None)
@given(
    shares=st.dictionaries(
        st.tuples(st.sampled_from("abcd"), st.sampled_from(["P1", "P2", "P3"])),
        st.floats(0, 1, allow_nan=False),
        max_size=12,
    )
)
def test_capacity_totals_and_order(shares: dict[tuple[str, str], float]) -> None:
    rows = capacity_by_person([Assignment(p, q, s) for (p, q), s in shares.items()])
    assert sorted(row.person for row in rows) == sorted({p for p, _ in shares})
    for row in rows:
        assert row.total_share == pytest.approx(sum(line.share for line in row.projects))
        assert row.over_booked == (row.over_by > 0)
    over = [row.over_by for row in rows]
    assert over == sorted(over, reverse=True)
