"""Pagination strategies, in three steps as in dlt: first request, read state, next request.

- ``OffsetPaginator``: ``startAt`` + ``maxResults`` with ``isLast`` and/or
  ``total`` (Jira agile lists, PageBeans such as the changelog, Jira DC search).
  It advances by the number of values actually returned, because servers
  silently lower ``maxResults``.
- ``TokenPaginator``: ``nextPageToken`` + ``isLast`` (Jira Cloud enhanced search).

``iterate_pages`` drives a paginator over an ``HttpSession`` and yields one
list of raw values per page, so callers stream and never hold all pages.
"""

from collections.abc import Iterator, Mapping
from typing import Any, Protocol

from connectors.errors import PayloadError
from connectors.http import HttpSession

JsonObject = Mapping[str, Any]


class PageShapeError(ValueError):
    """A page body without the expected keys; ``iterate_pages`` names source and endpoint."""


class Paginator(Protocol):
    def first_params(self) -> dict[str, Any]: ...

    def read(self, body: Any) -> list[JsonObject]: ...

    def next_params(self) -> dict[str, Any] | None: ...


def _values(body: Any, key: str) -> list[JsonObject]:
    if not isinstance(body, Mapping):
        raise PageShapeError(f"expected a JSON object, got {type(body).__name__}")
    values = body.get(key)
    if not isinstance(values, list) or not all(isinstance(v, Mapping) for v in values):
        raise PageShapeError(f"expected a list of objects under {key!r}")
    return values


class OffsetPaginator:
    """``startAt``/``maxResults``; stops on ``isLast``, an empty page, or ``startAt >= total``."""

    def __init__(self, *, values_key: str = "values", page_size: int = 50) -> None:
        self.values_key = values_key
        self.page_size = page_size
        self.start_at = 0
        self._done = False

    def first_params(self) -> dict[str, Any]:
        return {"startAt": 0, "maxResults": self.page_size}

    def read(self, body: Any) -> list[JsonObject]:
        values = _values(body, self.values_key)
        start = body.get("startAt", self.start_at)
        if not isinstance(start, int) or start != self.start_at:
            raise PageShapeError(f"asked for startAt={self.start_at}, got startAt={start!r}")
        self.start_at += len(values)
        total = body.get("total")
        if (
            body.get("isLast") is True
            or not values
            or (isinstance(total, int) and self.start_at >= total)
        ):
            self._done = True
        return values

    def next_params(self) -> dict[str, Any] | None:
        if self._done:
            return None
        return {"startAt": self.start_at, "maxResults": self.page_size}


class TokenPaginator:
    """``nextPageToken``; stops on ``isLast`` or a missing token, refuses a repeated token."""

    def __init__(self, *, values_key: str = "issues", page_size: int = 50) -> None:
        self.values_key = values_key
        self.page_size = page_size
        self.token: str | None = None
        self._seen: set[str] = set()
        self._done = False

    def first_params(self) -> dict[str, Any]:
        return {"maxResults": self.page_size}

    def read(self, body: Any) -> list[JsonObject]:
        values = _values(body, self.values_key)
        token = body.get("nextPageToken")
        if body.get("isLast") is True or not token:
            self._done = True
            return values
        if not isinstance(token, str):
            raise PageShapeError(f"nextPageToken is {type(token).__name__}, not a string")
        if token in self._seen:
            raise PageShapeError("the same nextPageToken came twice (the paging would loop)")
        self._seen.add(token)
        self.token = token
        return values

    def next_params(self) -> dict[str, Any] | None:
        if self._done or self.token is None:
            return None
        return {"maxResults": self.page_size, "nextPageToken": self.token}


def iterate_pages(
    http: HttpSession,
    path: str,
    paginator: Paginator,
    *,
    params: Mapping[str, Any] | None = None,
) -> Iterator[list[JsonObject]]:
    """GET ``path`` page by page and yield each page's values.

    Raises:
        PayloadError: a page is not shaped as the paginator expects.
        ConnectorError: any HTTP failure (see ``HttpSession.request``).
    """
    page_params: dict[str, Any] | None = paginator.first_params()
    while page_params is not None:
        body = http.get_json(path, params={**(params or {}), **page_params})
        try:
            values = paginator.read(body)
        except PageShapeError as exc:
            raise PayloadError(http.source, f"malformed page from GET {path}: {exc}") from None
        yield values
        page_params = paginator.next_params()


__all__ = ["OffsetPaginator", "PageShapeError", "Paginator", "TokenPaginator", "iterate_pages"]
