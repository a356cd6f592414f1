"""The connector protocol and the normalized values every connector yields.

A connector knows endpoints and field mapping; it never touches the store.
The sync engine (``connectors.sync``) and the write-back
(``connectors.writeback``) talk to it only through ``TrackerConnector`` and
the frozen values below. Timestamps are aware UTC datetimes.

Source settings (``Source.settings``, JSON) that connectors read, all optional:

- ``email``: the account's e-mail (Jira Cloud Basic authentication),
- ``boards``: board ids to sync (default: every scrum board the token sees),
- ``project``: the Sprintfolio project that receives everything (default: one
  project per tracker project, see ``connectors.sync``),
- ``status_overrides``: ``{status name: category}`` (todo, in_progress, done,
  cancelled) over the tracker's own status categories,
- ``page_size`` (default 50), ``request_budget`` (default 20000 requests per
  run), ``timeout_s`` (default 30), ``full_every_h`` (default 24: a run is a
  full reconciliation when the last full one is older),
- ``overlap_min`` (default 5): the incremental re-query overlap in minutes.

Written by the sync (do not edit by hand): ``statuses`` (status name →
category, which the edit service offers), ``fields`` (discovered field ids).
"""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Literal, Protocol

from connectors.errors import ConnectorError
from connectors.http import RequestCounters
from models.enums import EventKind, SourceKind, StatusCategory

CATEGORIES: Final = frozenset(c.value for c in StatusCategory)
DEFAULT_PAGE_SIZE: Final = 50
DEFAULT_REQUEST_BUDGET: Final = 20_000
DEFAULT_FULL_EVERY_H: Final = 24.0
DEFAULT_OVERLAP_MIN: Final = 5.0

EditField = Literal["status", "points", "assignee", "sprint", "title"]
#: A value written back: status name, title (str), points (float), remote user or sprint id (str).
EditValue = str | float | None


class ConfigError(ConnectorError):
    """A source's settings cannot be used (names the setting and the fix)."""


@dataclass(frozen=True)
class SourceConfig:
    """A validated snapshot of a ``Source`` row; connectors never hold ORM objects."""

    id: int
    name: str
    kind: str
    base_url: str
    token_env: str | None
    email: str | None = None
    boards: tuple[int, ...] = ()
    project: str | None = None
    status_overrides: Mapping[str, str] = field(default_factory=dict)
    page_size: int = DEFAULT_PAGE_SIZE
    request_budget: int | None = DEFAULT_REQUEST_BUDGET
    timeout_s: float = 30.0
    full_every_h: float = DEFAULT_FULL_EVERY_H
    overlap_min: float = DEFAULT_OVERLAP_MIN

    @classmethod
    def from_row(
        cls,
        *,
        id: int,
        name: str,
        kind: str,
        base_url: str | None,
        token_env: str | None,
        settings: Mapping[str, Any],
    ) -> "SourceConfig":
        """Validate a source's columns and settings.

        Raises:
            ConfigError: naming the setting, its value and the fix.
        """

        def fail(message: str) -> ConfigError:
            return ConfigError(name, message)

        if kind not in (SourceKind.JIRA_CLOUD.value, SourceKind.JIRA_DC.value):
            raise fail(f"kind {kind!r} has no connector yet; supported: jira-cloud, jira-dc")
        if not base_url or not base_url.startswith(("http://", "https://")):
            raise fail(f"base URL {base_url!r} is not an http(s) URL; fix it with source add")
        boards_raw = settings.get("boards", [])
        if not isinstance(boards_raw, list) or not all(
            isinstance(b, int) and not isinstance(b, bool) for b in boards_raw
        ):
            raise fail(f"settings['boards'] = {boards_raw!r}; write a list of board ids")
        overrides = settings.get("status_overrides", {})
        if not isinstance(overrides, Mapping) or any(
            not isinstance(k, str) or v not in CATEGORIES for k, v in overrides.items()
        ):
            raise fail(
                f"settings['status_overrides'] = {overrides!r}; map status names to one of "
                f"{sorted(CATEGORIES)}"
            )

        def number(key: str, default: float, *, minimum: float) -> float:
            value = settings.get(key, default)
            if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
                raise fail(f"settings[{key!r}] = {value!r}; give a number >= {minimum}")
            return float(value)

        budget = settings.get("request_budget", DEFAULT_REQUEST_BUDGET)
        if budget is not None and (
            isinstance(budget, bool) or not isinstance(budget, int) or budget < 1
        ):
            raise fail(f"settings['request_budget'] = {budget!r}; give a positive integer")
        email = settings.get("email")
        project = settings.get("project")
        return cls(
            id=id,
            name=name,
            kind=kind,
            base_url=base_url.rstrip("/"),
            token_env=token_env,
            email=email if isinstance(email, str) and email else None,
            boards=tuple(boards_raw),
            project=project if isinstance(project, str) and project else None,
            status_overrides=dict(overrides),
            page_size=int(number("page_size", DEFAULT_PAGE_SIZE, minimum=1)),
            request_budget=budget,
            timeout_s=number("timeout_s", 30.0, minimum=0.05),
            full_every_h=number("full_every_h", DEFAULT_FULL_EVERY_H, minimum=0),
            overlap_min=number("overlap_min", DEFAULT_OVERLAP_MIN, minimum=0),
        )


@dataclass(frozen=True)
class RemoteUser:
    """A tracker account: ``remote_id`` is Jira Cloud's accountId or Jira DC's user key."""

    remote_id: str
    display_name: str
    login: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class RemoteProject:
    key: str
    name: str


@dataclass(frozen=True)
class RemoteSprint:
    """A sprint as the tracker has it; ``key`` is its id as text."""

    key: str
    name: str
    state: str
    start_at: datetime | None = None
    end_at: datetime | None = None
    completed_at: datetime | None = None
    goal: str = ""
    board_key: str | None = None


@dataclass(frozen=True)
class RemoteEvent:
    """One change that metrics replay, with an id that is the same on every sync.

    ``kind`` is an ``EventKind`` value; only the fields that kind names are set.
    """

    remote_id: str
    at: datetime
    kind: str
    status: str | None = None
    status_category: str | None = None
    points: float | None = None
    sprint_key: str | None = None
    assignee: RemoteUser | None = None


@dataclass(frozen=True)
class RemoteItem:
    """An item's current state and its whole history (``events`` oldest first)."""

    key: str
    project_key: str
    type: str
    title: str
    status: str
    status_category: str
    points: float | None
    assignee: RemoteUser | None
    parent_key: str | None
    sprint_keys: tuple[str, ...]
    current_sprint_key: str | None
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    remote_version: str
    events: tuple[RemoteEvent, ...] = ()
    sprints: tuple[RemoteSprint, ...] = ()
    previous_keys: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.status_category not in CATEGORIES:
            raise ValueError(f"item {self.key}: unknown category {self.status_category!r}")
        kinds = {k.value for k in EventKind}
        for event in self.events:
            if event.kind not in kinds:
                raise ValueError(f"item {self.key}: unknown event kind {event.kind!r}")


@dataclass(frozen=True)
class ItemPage:
    """One page of items as the tracker returned it (already mapped)."""

    items: tuple[RemoteItem, ...]
    number: int


@dataclass(frozen=True)
class RemoteCatalog:
    """What a connector discovered before syncing: projects, statuses and fields."""

    projects: tuple[RemoteProject, ...]
    statuses: Mapping[str, str]
    fields: Mapping[str, str]
    board_projects: Mapping[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class RemoteVersion:
    """The remote values of an item that write-back compares, and its version (``updated``)."""

    key: str
    version: str
    updated_at: datetime
    status: str
    points: float | None
    assignee: str | None
    sprint_keys: tuple[str, ...]
    title: str


@dataclass(frozen=True)
class RemoteEdit:
    """Field values to write to one item (remote ids: user id/login, sprint id as text)."""

    key: str
    fields: Mapping[EditField, EditValue]


class TrackerConnector(Protocol):
    """What the sync engine and the write-back need of a tracker.

    Page iterators are lazy: a page is fetched when the previous one has been
    consumed (and committed by the caller), so memory holds one page at a time.
    """

    config: SourceConfig

    @property
    def counters(self) -> RequestCounters: ...

    def discover(self) -> RemoteCatalog:
        """Projects, statuses and field ids (cheap; called at the start of every run)."""
        ...

    def fetch_sprints(self) -> Iterator[RemoteSprint]:
        """Every sprint of the source's boards (trackers have no updated-since for sprints)."""
        ...

    def fetch_sprint(self, key: str) -> RemoteSprint | None:
        """One sprint by id; None if it does not exist (any more)."""
        ...

    def iter_item_pages(self, *, since: datetime | None) -> Iterator[ItemPage]:
        """Items updated at or after ``since`` (all if None), oldest update first, with history."""
        ...

    def iter_item_versions(self, *, since: datetime | None) -> Iterator[tuple[str, datetime]]:
        """A cheap scan: (key, updated) of every item updated at or after ``since``."""
        ...

    def fetch_items(self, keys: Sequence[str]) -> Iterator[ItemPage]:
        """The items with these keys (missing ones are left out), with history."""
        ...

    def fetch_item(self, key: str) -> RemoteItem | None:
        """One item with its whole history; None if it is gone or not visible."""
        ...

    def read_version(self, key: str) -> RemoteVersion:
        """The current values and version of one item (write-back reads before it writes)."""
        ...

    def apply(self, edit: RemoteEdit) -> None:
        """Write ``edit`` to the tracker (raises ``ConnectorError`` subclasses)."""
        ...

    def close(self) -> None: ...


__all__ = [
    "CATEGORIES",
    "ConfigError",
    "EditField",
    "EditValue",
    "ItemPage",
    "RemoteCatalog",
    "RemoteEdit",
    "RemoteEvent",
    "RemoteItem",
    "RemoteProject",
    "RemoteSprint",
    "RemoteUser",
    "RemoteVersion",
    "SourceConfig",
    "TrackerConnector",
]
