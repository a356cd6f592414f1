"""The Einträge page: its table, edited rows as ItemEdits, saving through the edit service."""

import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from dashboard.i18n import t
from dashboard.item_table import ASSIGNEE, POINTS, SPRINT, STATUS, TITLE, changed_edits, items_frame
from models import AuditEntry, OutboxEdit, WorkItem, create_db_engine
from sprintfolio.services.edits import UNSET, bulk_edit, editable_values
from sprintfolio.services.items import list_items
from sprintfolio.services.sprints import sprint_report
from tests.dashboard.test_pages import APP, NOW, _open

pytestmark = pytest.mark.db


@pytest.fixture
def demo_copy(demo_db_url: str, tmp_path: Path) -> str:
    """A writable copy of the seeded demo store."""
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_db_url.removeprefix("sqlite:///"), path)
    return f"sqlite:///{path}"


def test_page_lists_the_active_sprint_items(use_store: Any, demo_db_url: str) -> None:
    use_store(demo_db_url)
    app = _open(AppTest.from_file(APP, default_timeout=60), "views/eintraege.py", projekt="GIS")
    engine = create_db_engine(demo_db_url)
    with Session(engine) as session:
        items = list_items(session, project_key="GIS")
        values = editable_values(session, project_key="GIS")
    active = next(s for src in values.sources for s in src.sprints if s.state == "active")
    in_sprint = [i for i in items if i.sprint_id == active.id]
    assert app.selectbox[0].label == t("items.actor")
    table = app.dataframe[0].value
    assert sorted(table[t("col.item")]) == sorted(i.key for i in in_sprint)
    assert t("items.count", shown=len(in_sprint), total=len(items)) in [
        c.value for c in app.caption
    ]
    engine.dispose()


def test_edited_rows_become_edits_that_move_the_burndown(demo_copy: str) -> None:
    engine = create_db_engine(demo_copy)
    with Session(engine) as session:
        items = list_items(session, project_key="GIS")
        values = editable_values(session, project_key="GIS")
        people = {p.id: p.display_name for p in values.people}
        sprints = {s.id: s.name for src in values.sources for s in src.sprints}
        active_id = next(s.id for src in values.sources for s in src.sprints if s.state == "active")
        open_item = next(
            i for i in items if i.sprint_id == active_id and i.status_category != "done"
            and i.points
        )  # fmt: skip
        before = items_frame([open_item], people, sprints)
        after = before.copy()
        done = next(s.name for src in values.sources for s in src.statuses if s.category == "done")
        after.loc[open_item.id, t(STATUS)] = done
        after.loc[open_item.id, t(TITLE)] = open_item.title + " (geprüft)"
        (edit,) = changed_edits(
            [open_item], before, after, {n: i for i, n in people.items()},
            {n: i for i, n in sprints.items()},
        )  # fmt: skip
        assert (edit.status, edit.title) == (done, open_item.title + " (geprüft)")
        assert edit.points is UNSET and edit.assignee_id is UNSET and edit.sprint_id is UNSET
        assert edit.expected_version == open_item.version

        remaining_before = sprint_report(session, sprint_id=active_id, now=NOW).burndown
        result = bulk_edit(session, actor="christina.klein", edits=[edit], now=NOW)
        assert result.all_ok
        remaining_after = sprint_report(session, sprint_id=active_id, now=NOW).burndown
        drop = (
            remaining_before.remaining_by_day[-1].value - remaining_after.remaining_by_day[-1].value
        )
        assert drop == open_item.points

        item = session.get(WorkItem, open_item.id)
        assert item is not None and item.status == done and item.version == open_item.version + 1
        audit = session.exec(select(AuditEntry).where(AuditEntry.entity_id == open_item.id)).all()
        assert [a.outcome for a in audit] == ["ok"]
        outbox = session.exec(select(OutboxEdit).where(OutboxEdit.item_id == open_item.id)).all()
        assert len(outbox) == 1  # GitLab-backed: waits for write-back
        assert list_items(session, project_key="GIS")[items.index(open_item)].pending_write_back

        # The same stale edit again is a conflict, and nothing is overwritten.
        again = bulk_edit(session, actor="other", edits=[edit], now=NOW)
        assert again.count("conflict") == 1
    engine.dispose()


def test_unchanged_rows_give_no_edits() -> None:
    frame = items_frame([], {}, {})
    assert changed_edits([], frame, frame.copy(), {}, {}) == []
    assert {t(POINTS), t(ASSIGNEE), t(SPRINT)} <= set(frame.columns)


def test_audit_page_lists_an_edit_and_filters_by_actor(use_store: Any, demo_copy: str) -> None:
    engine = create_db_engine(demo_copy)
    with Session(engine) as session:
        item = next(
            i for i in list_items(session, project_key="DIK") if i.status_category != "done"
        )
        bulk_edit(
            session, actor="christina.klein", edits=[item.edit(title=item.title + " (neu)")],
            now=NOW,
        )  # fmt: skip
    engine.dispose()
    use_store(demo_copy)
    app = _open(AppTest.from_file(APP, default_timeout=60), "views/protokoll.py")
    table = app.dataframe[0].value
    first = table.iloc[0]
    assert first[t("audit.actor")] == "christina.klein"
    assert first[t("audit.col.entity")] == item.key
    assert first[t("audit.col.changes")].startswith("title: ")
    assert first[t("audit.col.changes")].endswith(" (neu)”")
    app.selectbox(key="audit_actor").set_value("christina.klein").run()
    assert not app.exception
    assert list(app.dataframe[0].value[t("audit.actor")]) == ["christina.klein"]
