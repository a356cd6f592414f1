"""The kill test: ``sprintfolio sync`` is SIGKILLed at random moments, then run to completion.

The fake Jira runs in a thread of this test process (it survives the kills);
the sync runs as a subprocess with a small page size, so a run spans many
page transactions. Between trials the tracker's truth moves on a little, and
two trials in three ask for a full run. The kill delays are drawn (seeded)
from the duration of one complete full run measured first, so kills land in
every stage: start-up, discovery, mid-page (a page fetched but not committed),
between pages, the check and the reconciliation.

After each kill the store must be consistent: every tracker item updated
before the stored cursor is in the store at that version (the cursor never
runs ahead of committed data), and no event is stored twice. After a final run
the store equals the tracker: same items, same events, no duplicates, the
cursor at the newest ``updated``, and the killed runs recorded as interrupted.
"""

import os
import random
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime

import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models import ItemEvent, Source, SyncRun, WorkItem
from tests.connectors.conftest import TOKEN_ENV, add_source, assert_store_matches
from tests.connectors.fake_jira import FakeJira, Scenario, jira_time
from tests.connectors.scenarios import bulk_scenario

pytestmark = pytest.mark.db

TRIALS = 12
SEED = 20261124
TIME_LIMIT_S = 50.0
SYNC = "from sprintfolio.cli import app; app(prog_name='sprintfolio')"


def _sync_command(*args: str) -> list[str]:
    return [sys.executable, "-c", SYNC, "sync", "jira-bulk", *args]


def _check_consistent(engine: Engine, source_id: int, scenario: Scenario) -> None:
    """No half-advanced cursor, no duplicated event, whatever moment the kill hit."""
    with Session(engine) as session:
        source = session.get(Source, source_id)
        assert source is not None
        stored = dict(
            session.exec(
                select(WorkItem.source_key, WorkItem.remote_version).where(
                    col(WorkItem.source_id) == source_id
                )
            ).all()
        )
        twice = session.exec(
            select(ItemEvent.item_id, ItemEvent.remote_id, func.count())
            .group_by(col(ItemEvent.item_id), col(ItemEvent.remote_id))
            .having(func.count() > 1)
        ).all()
        assert twice == []
        if source.cursor is None:
            return
        cursor = datetime.fromisoformat(source.cursor)
    for key, issue in scenario.issues.items():
        if issue.updated < cursor:
            assert stored.get(key) == jira_time(issue.updated, "cloud"), (
                f"{key} (updated {issue.updated}) is missing behind the cursor {cursor}"
            )


def _stage_hit(engine: Engine, jira: FakeJira, last_run: int, seen: int) -> str:
    """Where a kill landed: before the run, mid-page (fetched, not committed), elsewhere, after."""
    with Session(engine) as session:
        run = session.exec(select(SyncRun).where(col(SyncRun.id) > last_run)).first()
    if run is None:
        return "before the run"
    if run.outcome != "running":
        return "after the run"
    detail_pages = sum(
        1
        for r in jira.requests[seen:]
        if r.path.endswith("/search/jql") and "changelog" in r.query.get("expand", "")
    )
    return "mid-page" if detail_pages > run.pages else "between pages or stages"


def _move_on(scenario: Scenario, rng: random.Random) -> None:
    """The tracker's truth changes a little between trials."""
    for key in rng.sample(sorted(scenario.issues), 2):
        if rng.random() < 0.5:
            status = rng.choice(["To Do", "In Progress", "Done"])
            scenario.change(key, at=scenario.tick(), status=status)
        else:
            scenario.change(key, at=scenario.tick(), points=rng.choice([1, 2, 3, 5, 8, 13]))


def test_sync_survives_sigkill_at_random_moments(engine: Engine, token: str) -> None:
    rng = random.Random(SEED)
    scenario = bulk_scenario(100, seed=SEED)
    with FakeJira(
        scenario,
        flavor="cloud",
        token=token,
        latency_s=0.01,
        inline_changelog_max=2,
        changelog_page_max=3,
    ) as jira:
        source_id = add_source(engine, jira, name="jira-bulk", page_size=2)
        env = {
            **os.environ,
            "DATABASE_URL": engine.url.render_as_string(hide_password=False),
            TOKEN_ENV: token,
        }
        env.pop("SPRINTFOLIO_TODAY", None)
        clock = time.monotonic()
        calibration = subprocess.run(
            _sync_command("--full"), env=env, capture_output=True, text=True, timeout=120
        )
        assert calibration.returncode == 0, calibration.stderr
        full_run_s = time.monotonic() - clock
        _move_on(scenario, rng)
        started = time.monotonic()
        killed = finished = 0
        stages: Counter[str] = Counter()
        trials = 0
        while trials < TRIALS and (trials < 10 or time.monotonic() - started < TIME_LIMIT_S):
            trials += 1
            with Session(engine) as session:
                last_run = session.exec(select(func.max(SyncRun.id))).one() or 0
            seen = len(jira.requests)
            args = () if trials % 3 == 0 else ("--full",)
            process = subprocess.Popen(
                _sync_command(*args),
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                process.wait(timeout=rng.uniform(0.35, 1.0) * full_run_s)
                finished += 1
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                killed += 1
                stages[_stage_hit(engine, jira, last_run, seen)] += 1
            _check_consistent(engine, source_id, scenario)
            _move_on(scenario, rng)

        final = subprocess.run(
            _sync_command(), env=env, capture_output=True, text=True, timeout=120
        )
        assert final.returncode == 0, final.stderr
        assert "sync ok" in final.stdout
        assert_store_matches(engine, source_id, scenario, "cloud")
        with Session(engine) as session:
            source = session.get(Source, source_id)
            assert source is not None and source.cursor is not None
            newest = max(issue.updated for issue in scenario.issues.values())
            assert datetime.fromisoformat(source.cursor) == newest
            outcomes = session.exec(select(SyncRun.outcome, SyncRun.error)).all()
        assert all(outcome in ("ok", "failed") for outcome, _ in outcomes)
        interrupted = [e for o, e in outcomes if o == "failed"]
        assert all(e and e.startswith("interrupted") for e in interrupted)

    print(  # the numbers the CI log keeps
        f"\nkill test: {trials} trials in {time.monotonic() - started:.1f} s (a full run takes "
        f"{full_run_s:.1f} s); {killed} killed ({dict(sorted(stages.items()))}), "
        f"{finished} finished before the kill; {len(interrupted)} runs recorded as interrupted"
    )
    assert trials >= 10
    assert stages["mid-page"] >= 3, "the kills should land inside page transactions"
    assert len(interrupted) == killed - stages["before the run"] - stages["after the run"]
