"""WSJF scores and ranking with hand-computed examples, and the ranking invariant."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.errors import MetricsError
from metrics.wsjf import WSJF_SCALE, RankedWsjf, WsjfEntry, rank_wsjf, wsjf_score


@pytest.mark.parametrize(
    ("inputs", "score"),
    [
        ((8, 5, 3, 2), 8.0),  # (8 + 5 + 3) / 2 = 16 / 2
        ((20, 13, 8, 1), 41.0),  # 41 / 1
        ((1, 1, 1, 20), 0.15),  # 3 / 20
        ((13, 8, 5, 3), 26 / 3),  # 8.666…
    ],
)
def test_wsjf_score(inputs: tuple[int, int, int, int], score: float) -> None:
    assert wsjf_score(*inputs) == pytest.approx(score)


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ((4, 5, 3, 2), "business_value is 4; pick one of 1, 2, 3, 5, 8, 13, 20"),
        ((8, 21, 3, 2), "time_criticality is 21"),
        ((8, 5, True, 2), "risk_reduction is True"),
        ((8, 5, 3, 0), "job_size is 0"),
    ],
)
def test_wsjf_score_rejects_values_off_the_scale(
    inputs: tuple[int, int, int, int], message: str
) -> None:
    with pytest.raises(MetricsError, match=message):
        wsjf_score(*inputs)


def test_rank_by_score_then_smaller_job_then_key_with_incomplete_last() -> None:
    entries = [
        WsjfEntry("A", 8, 5, 3, 2),  # 16 / 2 = 8.0
        WsjfEntry("B", 3, 3, 2, 1),  # 8 / 1 = 8.0, smaller job than A
        WsjfEntry("C", 5, 5, 5, 3),  # 15 / 3 = 5.0
        WsjfEntry("D", 13, 8, 3, 3),  # 24 / 3 = 8.0, larger job than A
        WsjfEntry("A0", None, 5, 3, None),  # incomplete: business_value, job_size
        WsjfEntry("G", 5, 3, 2, 2),  # 10 / 2 = 5.0, same size as F -> by key
        WsjfEntry("F", 2, 3, 5, 2),  # 10 / 2 = 5.0
        WsjfEntry("0", None, None, None, None),  # incomplete: everything
    ]
    ranked = rank_wsjf(entries)
    # 8.0: B (size 1), A (size 2), D (size 3); 5.0: F, G (size 2, by key), C (size 3);
    # then incomplete by key: "0", "A0".
    assert [(row.entry.key, row.rank, row.score) for row in ranked] == [
        ("B", 1, 8.0),
        ("A", 2, 8.0),
        ("D", 3, 8.0),
        ("F", 4, 5.0),
        ("G", 5, 5.0),
        ("C", 6, 5.0),
        ("0", None, None),
        ("A0", None, None),
    ]
    assert ranked[-1] == RankedWsjf(
        entries[4], "incomplete", None, None, ("business_value", "job_size")
    )
    assert ranked[-2].missing == (
        "business_value",
        "time_criticality",
        "risk_reduction",
        "job_size",
    )
    assert all(row.status == "ranked" and row.missing == () for row in ranked[:6])


def test_rank_rejects_duplicate_keys_and_values_off_the_scale() -> None:
    with pytest.raises(MetricsError, match="WSJF entry 'A' is given twice"):
        rank_wsjf([WsjfEntry("A", 1, 1, 1, 1), WsjfEntry("A", 2, 2, 2, 2)])
    # Even an incomplete entry must have its set inputs on the scale.
    with pytest.raises(MetricsError, match="time_criticality of 'E1' is 7"):
        rank_wsjf([WsjfEntry("E1", None, 7, 1, 1)])


def test_rank_of_nothing_is_empty() -> None:
    assert rank_wsjf([]) == []


scale_or_none = st.none() | st.sampled_from(WSJF_SCALE)
entries_strategy = st.lists(
    st.builds(
        WsjfEntry,
        key=st.text("ABCDEFGH", min_size=1, max_size=3),
        business_value=scale_or_none,
        time_criticality=scale_or_none,
        risk_reduction=scale_or_none,
        job_size=scale_or_none,
    ),
    max_size=12,
    unique_by=lambda entry: entry.key,
)


@settings(max_examples=100, deadline=None)
@given(entries=entries_strategy, data=st.data())
def test_rank_order_is_by_score_and_independent_of_input_order(
    entries: list[WsjfEntry], data: st.DataObject
) -> None:
    ranked = rank_wsjf(entries)
    scored = [row for row in ranked if row.status == "ranked"]
    assert ranked[: len(scored)] == scored  # incomplete entries come last
    scores = [row.score for row in scored]
    assert scores == sorted(scores, reverse=True)  # type: ignore[type-var]
    assert [row.rank for row in scored] == list(range(1, len(scored) + 1))
    assert rank_wsjf(data.draw(st.permutations(entries))) == ranked
