"""People, for the "signed in as" picker (until S7 brings real login) and assignee lists.

The actor string that edit commands record is ``PersonEntry.actor``: the
person's login, or their display name if they have none.
"""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from models import Membership, Person, Project
from sprintfolio.services.errors import NotFoundError


@dataclass(frozen=True)
class PersonEntry:
    """A person in a picker."""

    id: int
    display_name: str
    login: str | None

    @property
    def actor(self) -> str:
        """The name edit commands record for this person (login, else display name)."""
        return self.login or self.display_name


def list_people(session: Session, *, project_key: str | None = None) -> list[PersonEntry]:
    """Everybody, or the members of ``project_key``, ordered by display name.

    Raises:
        NotFoundError: if ``project_key`` names no project.
    """
    query = select(Person).order_by(col(Person.display_name), col(Person.id))
    if project_key is not None:
        project = session.exec(select(Project).where(col(Project.key) == project_key)).first()
        if project is None:
            raise NotFoundError(f"project {project_key!r} does not exist")
        members = select(Membership.person_id).where(col(Membership.project_id) == project.id)
        query = query.where(col(Person.id).in_(members))
    return [PersonEntry(p.id or 0, p.display_name, p.login) for p in session.exec(query).all()]
