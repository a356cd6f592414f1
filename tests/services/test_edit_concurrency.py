"""Two people edit the same item at the same moment: exactly one wins, the other gets a conflict.

Each thread has its own session and connection. On PostgreSQL the losing
UPDATE waits for the winner's row lock and then no longer matches the
version; on SQLite (a file store, as in production) writers are serialised
and the loser's UPDATE finds the new version. The first test forces the
worst interleaving: both threads have read the item and passed the version
check before either writes, so only the conditional UPDATE can tell them apart.
"""

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models import AuditEntry, ItemEvent, OutboxEdit, WorkItem
from sprintfolio.services import edits
from sprintfolio.services.edits import EditConflict, EditResult, ItemEdit, create_local_item
from tests.services.edit_factories import NOW, EditWorld, build_world

pytestmark = pytest.mark.db

TIMEOUT_S = 20.0


@pytest.fixture
def world(session: Session) -> EditWorld:
    return build_world(session)


def _run_together(engine: Engine, jobs: list[Callable[[Session], object]]) -> list[object]:
    """Run each job in its own thread with its own session, all released at once."""
    start = threading.Barrier(len(jobs), timeout=TIMEOUT_S)
    results: list[object] = [None] * len(jobs)

    def run(index: int) -> None:
        with Session(engine) as session:
            start.wait()
            try:
                results[index] = jobs[index](session)
            except Exception as exc:  # collected and checked by the test
                results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT_S)
        assert not thread.is_alive(), "an edit hung (lock not released?)"
    return results


def _edit_job(actor: str, edit: ItemEdit) -> Callable[[Session], object]:
    def job(session: Session) -> object:
        return edits.edit_item(session, actor=actor, edit=edit, now=NOW + timedelta(hours=1))

    return job


def _check_one_winner(engine: Engine, world: EditWorld, results: list[object]) -> None:
    wins = [r for r in results if isinstance(r, EditResult)]
    conflicts = [r for r in results if isinstance(r, EditConflict)]
    assert len(wins) == 1 and len(conflicts) == 1, results
    winner, conflict = wins[0], conflicts[0]
    with Session(engine) as session:
        item = session.get(WorkItem, world.jira_item)
        assert item is not None
        assert item.version == 2 and winner.version == 2
        assert item.points == winner.changes[0].new
        # The loser sees the winner's value as stored and its own as wanted.
        points = conflict.field("points")
        assert points is not None
        assert (points.stored, points.wanted) == (item.points, 13.0 if item.points == 8 else 8.0)
        assert (conflict.expected_version, conflict.actual_version) == (1, 2)
        audits = session.exec(select(AuditEntry).order_by(col(AuditEntry.id))).all()
        assert sorted((a.actor, a.outcome) for a in audits) == sorted(
            [("anna" if item.points == 8 else "ben", "ok"),
             ("ben" if item.points == 8 else "anna", "conflict")]
        )  # fmt: skip
        local = session.exec(
            select(ItemEvent).where(
                col(ItemEvent.item_id) == world.jira_item, col(ItemEvent.origin) == "local"
            )
        ).all()
        assert [(e.kind, e.points) for e in local] == [("points", item.points)]
        outbox = session.exec(select(OutboxEdit)).all()
        assert [o.fields for o in outbox] == [{"points": item.points}]


def test_both_past_the_version_check_exactly_one_wins(
    engine: Engine, world: EditWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = edits._update_if_version
    both_checked = threading.Barrier(2, timeout=TIMEOUT_S)
    updated: list[bool] = []

    def update_after_both_checked(*args: object, **kwargs: object) -> bool:
        both_checked.wait()
        won = original(*args, **kwargs)  # type: ignore[arg-type]
        updated.append(won)
        return won

    monkeypatch.setattr(edits, "_update_if_version", update_after_both_checked)
    results = _run_together(
        engine,
        [
            _edit_job("anna", ItemEdit(world.jira_item, 1, points=8)),
            _edit_job("ben", ItemEdit(world.jira_item, 1, points=13)),
        ],
    )
    _check_one_winner(engine, world, results)
    # Both reached the conditional UPDATE; its row count alone decided.
    assert sorted(updated) == [False, True]


@pytest.mark.parametrize("round_no", range(3))
def test_simultaneous_edits_exactly_one_wins(
    engine: Engine, world: EditWorld, round_no: int
) -> None:
    results = _run_together(
        engine,
        [
            _edit_job("anna", ItemEdit(world.jira_item, 1, points=8)),
            _edit_job("ben", ItemEdit(world.jira_item, 1, points=13)),
        ],
    )
    _check_one_winner(engine, world, results)


def test_simultaneous_creations_get_distinct_keys(
    engine: Engine, world: EditWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = edits._next_local_key
    both_numbered = threading.Barrier(2, timeout=TIMEOUT_S)
    calls = 0

    def key_after_both_numbered(session: Session, source: object) -> str:
        nonlocal calls
        key = original(session, source)  # type: ignore[arg-type]
        calls += 1
        if calls <= 2:  # the first two computations collide on purpose
            both_numbered.wait()
        return key

    monkeypatch.setattr(edits, "_next_local_key", key_after_both_numbered)

    def create(title: str) -> Callable[[Session], object]:
        def job(session: Session) -> object:
            return create_local_item(session, actor=title, project_key="EDT", title=title,
                                     type="story", status="Offen", now=NOW)  # fmt: skip

        return job

    results = _run_together(engine, [create("eins"), create("zwei")])
    assert all(isinstance(r, int) for r in results), results
    with Session(engine) as session:
        keys = session.exec(
            select(WorkItem.source_key).where(col(WorkItem.source_id) == world.local_source_id)
        ).all()
    assert sorted(keys) == ["LOC-1", "LOC-2", "LOC-3"]
