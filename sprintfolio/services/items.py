"""The items of a project for the Einträge page (the team's board and backlog)."""

from sqlmodel import Session, col, select

from models import Source, WorkItem
from models.enums import ItemType
from sprintfolio.services.edits import EditableItem, editable_item, pending_write_back
from sprintfolio.services.projects import get_project


def list_items(session: Session, *, project_key: str) -> list[EditableItem]:
    """Every item of the project except epics, with version and write-back state (two queries).

    Ordered by key. Raises NotFoundError if the project does not exist.
    """
    project = get_project(session, project_key=project_key)
    rows = session.exec(
        select(WorkItem, Source.kind)
        .join(Source, col(Source.id) == col(WorkItem.source_id))
        .where(WorkItem.project_id == project.id, col(WorkItem.type) != ItemType.EPIC.value)
        .order_by(col(WorkItem.source_key))
    ).all()
    pending = pending_write_back(session, item_ids=[item.id or 0 for item, _ in rows])
    return [
        editable_item(item, source_kind=kind, pending=(item.id or 0) in pending)
        for item, kind in rows
    ]
