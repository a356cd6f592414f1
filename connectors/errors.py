"""Errors of the connectors, each naming the source and what to check.

Hierarchy::

    ConnectorError              anything a tracker connection can fail with
    ├── AuthError               401/403, or the token variable is not set
    ├── RateLimited             429/503 still refused after the retries (or a very long Retry-After)
    ├── NotFound                404: the resource is gone or not visible to the token's user
    ├── PayloadError            a response we cannot read (malformed JSON, missing keys, HTML, 400)
    ├── BudgetExceeded          the source's request budget for this run is used up
    ├── Conflict                the remote item changed since the edit was made (write-back)
    ├── Unavailable             5xx, timeouts or network errors, still failing after the retries
    └── SyncLocked              another run holds the source's sync lock

Messages never contain a token: the HTTP layer reads it from the environment
for each request and nothing else ever sees it.
"""


class ConnectorError(Exception):
    """A tracker connection failed; ``source`` is the source's name."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"source {source!r}: {message}")
        self.source = source
        self.detail = message


class AuthError(ConnectorError):
    """The tracker refused the credentials (401/403), or the token variable is not set."""


class RateLimited(ConnectorError):
    """The tracker kept answering 429/503; ``retry_after_s`` is its last hint, if any."""

    def __init__(self, source: str, message: str, *, retry_after_s: float | None = None) -> None:
        super().__init__(source, message)
        self.retry_after_s = retry_after_s


class NotFound(ConnectorError):
    """404: the resource does not exist, or the token's user may not see it."""


class PayloadError(ConnectorError):
    """A response that cannot be read: malformed JSON, a missing key, HTML, or a 400."""


class BudgetExceeded(ConnectorError):
    """The per-source request budget of this run is used up."""


class Conflict(ConnectorError):
    """The remote item changed since the edit was made; nothing was written."""


class Unavailable(ConnectorError):
    """Server errors (5xx), timeouts or network errors that outlasted the retries."""


class SyncLocked(ConnectorError):
    """Another run is syncing (or pushing to) the same source."""


__all__ = [
    "AuthError",
    "BudgetExceeded",
    "Conflict",
    "ConnectorError",
    "NotFound",
    "PayloadError",
    "RateLimited",
    "SyncLocked",
    "Unavailable",
]
