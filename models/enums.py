"""Closed vocabularies of the data model, stored as plain strings."""

from enum import StrEnum


class SourceKind(StrEnum):
    JIRA_CLOUD = "jira-cloud"
    JIRA_DC = "jira-dc"
    GITLAB = "gitlab"
    OPENPROJECT = "openproject"
    REDMINE = "redmine"
    GITHUB = "github"
    CSV = "csv"
    LOCAL = "local"


class SprintState(StrEnum):
    FUTURE = "future"
    ACTIVE = "active"
    CLOSED = "closed"


class ItemType(StrEnum):
    STORY = "story"
    BUG = "bug"
    TASK = "task"
    EPIC = "epic"
    SUBTASK = "sub-task"


class StatusCategory(StrEnum):
    TODO = "todo"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class EventKind(StrEnum):
    """What an ItemEvent records; only the columns named here are set."""

    CREATED = "created"  # the item exists from now on
    STATUS = "status"  # status + status_category
    POINTS = "points"  # points (None = unestimated)
    SPRINT_ADDED = "sprint_added"  # sprint_id
    SPRINT_REMOVED = "sprint_removed"  # sprint_id
    ASSIGNEE = "assignee"  # assignee_id (None = unassigned)


class EventOrigin(StrEnum):
    REMOTE = "remote"
    LOCAL = "local"
    SEED = "seed"


class Role(StrEnum):
    VIEWER = "viewer"
    MEMBER = "member"
    PRODUCT_OWNER = "product_owner"
    ADMIN = "admin"


class OutboxState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    CONFLICT = "conflict"
    FAILED = "failed"


class SyncMode(StrEnum):
    FULL = "full"
    INCREMENTAL = "incremental"


class SyncOutcome(StrEnum):
    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"
