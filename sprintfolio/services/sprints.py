"""The sprint report: figures, burndown, scope changes and the items behind them."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from metrics.burndown import compute_burndown
from metrics.burnup import BurnupDay, compute_sprint_burnup
from metrics.calendar import BERLIN
from metrics.errors import MetricsError
from metrics.model import Burndown, BurndownReason, SprintFigures
from metrics.replay import History
from metrics.units import count_view
from models import Project, Sprint, Team
from models.enums import SprintState
from sprintfolio.services.errors import NotFoundError, ServiceError
from sprintfolio.services.figures import figures_for
from sprintfolio.services.loaders import (
    LoadedItem,
    changes_until,
    load_sprint_histories,
    sprint_key,
    sprint_window,
    team_calendar,
)
from sprintfolio.services.projects import SprintEntry, project_sprints, sprint_entry

#: Items carried over at least this often are listed on the sprint page.
CARRY_OVER_LIST_MIN = 2


@dataclass(frozen=True)
class ItemRow:
    """An item as the sprint report shows it: status and points as of the report's moment."""

    key: str
    title: str
    type: str
    status: str
    status_category: str
    points: float | None
    assignee: str | None


@dataclass(frozen=True)
class ScopeChange:
    """A change of the sprint scope (not progress); ``delta`` is the signed change of remaining."""

    at: datetime
    item: str
    title: str
    reason: BurndownReason
    delta: float


@dataclass(frozen=True)
class CarriedOver:
    """An unfinished item and how many sprints in a row it has been carried over."""

    item: ItemRow
    times: int


@dataclass(frozen=True)
class SprintReport:
    """Everything the sprint page shows about one sprint.

    ``as_of`` is the moment the item rows describe: ``now`` for a running
    sprint, the figures end (completion, else planned end) for a closed one.
    """

    project_key: str
    project_name: str
    sprint: SprintEntry
    is_running: bool
    as_of: datetime
    figures: SprintFigures
    burndown: Burndown
    burndown_items: Burndown
    burnup: tuple[BurnupDay, ...]
    items: tuple[ItemRow, ...]
    added: tuple[ItemRow, ...]
    removed: tuple[ItemRow, ...]
    completed: tuple[ItemRow, ...]
    not_completed: tuple[ItemRow, ...]
    completed_outside: tuple[ItemRow, ...]
    descoped: tuple[ItemRow, ...]
    unestimated: tuple[ItemRow, ...]
    scope_changes: tuple[ScopeChange, ...]
    carried_over: tuple[CarriedOver, ...]


def sprint_report(
    session: Session, *, sprint_id: int, now: datetime, tz: ZoneInfo = BERLIN
) -> SprintReport:
    """The figures, burndown and item lists of one sprint.

    All events of the sprint's items are loaded in one query; the figures and
    the burndown are computed from them (the burndown as of ``now`` while the
    sprint is not closed).

    Raises:
        NotFoundError: if the sprint does not exist.
        ServiceError: if the sprint has no start or end date, or its data are
            inconsistent (the message names the problem).
    """
    sprint = session.get(Sprint, sprint_id)
    if sprint is None:
        raise NotFoundError(f"sprint {sprint_id} does not exist; pick one from list_sprints")
    project = session.get(Project, sprint.project_id)
    assert project is not None  # foreign key
    team = session.get(Team, project.team_id) if project.team_id is not None else None
    try:
        window = sprint_window(sprint)
    except ValueError as exc:
        raise ServiceError(str(exc)) from exc

    histories = load_sprint_histories(session, sprint_ids=[sprint_id])
    infos, changes = histories.for_sprint(sprint_id)
    is_running = sprint.state != SprintState.CLOSED
    try:
        figures = figures_for(histories, sprint, now=now)
        calendar = team_calendar(team)
        until = now if is_running else None
        burndown = compute_burndown(window, infos, changes, calendar, tz=tz, as_of=until)
        burndown_items = compute_burndown(
            window, infos, count_view(changes), calendar, tz=tz, as_of=until
        )
        burnup = compute_sprint_burnup(window, infos, changes, tz=tz, as_of=until)
    except MetricsError as exc:
        raise ServiceError(f"sprint {sprint.name!r} (id {sprint_id}): {exc}") from exc

    as_of = min(now, window.figures_end) if is_running else window.figures_end
    known = changes_until(changes, as_of)
    history = History(known)
    items = histories.items

    def row(key: str) -> ItemRow:
        loaded = items[key]
        state = history.state_at(key, as_of)
        if not state.exists:
            return _current_row(loaded)
        return ItemRow(
            key=key,
            title=loaded.title,
            type=loaded.type,
            status=state.status or loaded.status,
            status_category=state.category,
            points=state.points,
            assignee=loaded.assignee,
        )

    def rows(keys: Iterable[str]) -> tuple[ItemRow, ...]:
        return tuple(row(k) for k in sorted(keys))

    key = sprint_key(sprint_id)
    members = [k for k in histories.members.get(sprint_id, ()) if k in items]
    in_sprint = [k for k in members if history.state_at(k, as_of).in_sprint(key)]
    scope_changes = tuple(
        ScopeChange(step.at, step.item, items[step.item].title, step.reason, step.delta)
        for step in burndown.steps
        if step.is_scope_change
    )
    carried = _carry_overs(
        session, sprint=sprint, project_id=project.id or 0,
        keys=figures.not_completed_keys, history=History(changes),
    )  # fmt: skip
    return SprintReport(
        project_key=project.key,
        project_name=project.name,
        sprint=sprint_entry(sprint),
        is_running=is_running,
        as_of=as_of,
        figures=figures,
        burndown=burndown,
        burndown_items=burndown_items,
        burnup=tuple(burnup),
        items=rows(in_sprint),
        added=rows(figures.added_keys),
        removed=rows(figures.removed_keys),
        completed=rows(figures.completed_keys),
        not_completed=rows(figures.not_completed_keys),
        completed_outside=rows(figures.completed_outside_keys),
        descoped=rows(figures.descoped_keys),
        unestimated=rows(figures.unestimated_keys),
        scope_changes=scope_changes,
        carried_over=tuple(
            CarriedOver(row(k), times) for k, times in carried if times >= CARRY_OVER_LIST_MIN
        ),
    )


def _current_row(item: LoadedItem) -> ItemRow:
    return ItemRow(
        item.key, item.title, item.type, item.status, item.status_category, item.points,
        item.assignee,
    )  # fmt: skip


def _carry_overs(
    session: Session,
    *,
    sprint: Sprint,
    project_id: int,
    history: History,
    keys: Sequence[str],
) -> list[tuple[str, int]]:
    """For each unfinished item, how many sprints in a row it was left open and carried on.

    Walking back from ``sprint``, each earlier sprint counts while the item was a
    member and open at that sprint's figures end. If ``sprint`` is closed and the
    item is in the next sprint at its start, that carry-over counts as well.
    """
    if not keys:
        return []
    ordered = [s for s in project_sprints(session, project_id=project_id) if s.start_at]
    position = next(i for i, s in enumerate(ordered) if s.id == sprint.id)
    earlier = [sprint_window(s) for s in reversed(ordered[:position]) if s.end_at is not None]
    following = ordered[position + 1] if position + 1 < len(ordered) else None
    result: list[tuple[str, int]] = []
    for key in keys:
        times = 0
        for window in earlier:
            state = history.state_at(key, window.figures_end)
            if not (state.in_sprint(window.key) and state.is_open):
                break
            times += 1
        if (
            sprint.state == SprintState.CLOSED
            and following is not None
            and following.id is not None
            and following.start_at is not None
            and history.state_at(key, following.start_at).in_sprint(sprint_key(following.id))
        ):
            times += 1
        result.append((key, times))
    return result
