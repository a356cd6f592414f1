"""Human-readable tables for `sprintfolio report --format table` (rich)."""

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table


def _table(title: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> Table:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(
            column, justify="right" if column not in ("name", "key", "date") else "left"
        )
    for row in rows:
        table.add_row(*("–" if value is None else str(value) for value in row))
    return table


def render_report(kind: str, document: Mapping[str, Any], console: Console) -> None:
    """Print one report document (the same data as its JSON form) as tables."""
    console.print(f"[bold]{document['project']}[/bold]")
    if kind == "sprint":
        sprint = document["sprint"]
        console.print(
            f"{sprint['name']} ({sprint['state']}): {sprint['start']} – {sprint['end']}"
            + (f", completed {sprint['completed_at']}" if sprint["completed_at"] else "")
        )
        keys = ["committed", "added", "removed", "completed", "not_completed"]
        rows = [[unit, *(document[unit][k] for k in keys)] for unit in ("points", "items")]
        console.print(_table("Sprint figures", ["unit", *keys], rows))
        days = zip(
            document["points"]["remaining_by_day"],
            document["items"]["remaining_by_day"],
            strict=True,
        )
        rows = [[p["date"], p["remaining"], i["remaining"]] for p, i in days]
        console.print(_table("Remaining at the end of each day", ["date", "points", "items"], rows))
    elif kind == "velocity":
        rows = [
            [s["name"], s["start"][:10], s["end"][:10], s["committed"], s["completed"]]
            for s in document["sprints"]
        ]
        console.print(
            _table("Closed sprints", ["name", "start", "end", "committed", "completed"], rows)
        )
        console.print(
            f"Velocity (mean completed points, last 3 closed sprints): {document['velocity']}"
        )
    elif kind == "flow":
        rows = [
            [i["key"], i["started"], i["done"], i["cycle_time_days"], i["lead_time_days"]]
            for i in document["items"]
        ]
        console.print(_table("Items", ["key", "started", "done", "cycle days", "lead days"], rows))
        rows = [[w["week_start"], w["count"]] for w in document["throughput"]]
        console.print(_table("Throughput per ISO week", ["week_start", "count"], rows))
    elif kind == "forecast":
        target = document["date"] or f"{document['items']} items"
        console.print(f"Forecast ({document['mode']}) for {target} as of {document['today']}")
        if document["percentiles"] is None:
            console.print(f"No forecast: {document['reason']}")
        else:
            p = document["percentiles"]
            console.print(
                _table("Percentiles", ["P50", "P85", "P95"], [[p["p50"], p["p85"], p["p95"]]])
            )
