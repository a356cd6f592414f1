"""Deterministic tracker scenarios for the connector tests.

``demo_scenario()``: project MZ ("Bürgerportal Mainz"), board 5, three sprints
(101 and 102 closed, 103 active), 13 issues whose changelogs cover the cases
a burndown must get right (figures computed by hand in test_sync_scenario.py):

===== ====== ======================================================================
issue points story
===== ====== ======================================================================
MZ-1  3      in S1 before the start, done 01-09
MZ-2  5 → 8  in S1; re-estimated 01-07 (+3 added), done 01-14; assignee anna → ben
MZ-3  2      in S1, not done: carried over to S2 at S1's completion, done 01-22
MZ-4  1      bug created inside S1 on 01-07 (added), done 01-09
MZ-5  5      in S1, removed 01-08; into S2 before its start, done 01-28
MZ-6  3      in S1, done 01-13, reopened 01-15 (not completed); carried over, done 01-21
MZ-7  8      in S2 (planned ahead), not done: carried over to S3
MZ-8  2      added to S2 on 01-22, done 01-27
MZ-9  –→1    task created in S2 unestimated, estimated 01-21 (+1 added), done 01-29
MZ-10 5      planned into S3, in progress
MZ-11 1      sub-task of MZ-7 in S2 (never counted), done 01-25
MZ-12 3      in S3, done 02-04; assignee ben → clara
MZ-13 2      in S2, "Won't Do" 01-26 (cancelled with the override: descoped)
===== ====== ======================================================================

``bulk_scenario(n)``: n generated issues with small histories (kill test).
"""

import random
from datetime import UTC, datetime, timedelta

from tests.connectors.fake_jira import FakeSprint, Scenario


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A moment of 2026 in UTC (2025 for December)."""
    year = 2025 if month == 12 else 2026
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


S1, S2, S3 = 101, 102, 103
S1_START, S1_END, S1_DONE = at(1, 5, 8), at(1, 16, 16), at(1, 16, 15)
S2_START, S2_END, S2_DONE = at(1, 19, 8), at(1, 30, 16), at(1, 30, 15)
S3_START, S3_END = at(2, 2, 8), at(2, 13, 16)


def demo_scenario() -> Scenario:
    s = Scenario(projects={"MZ": "Bürgerportal Mainz"}, boards={5: "MZ"})
    for handle, name in (
        ("anna", "Anna Becker"),
        ("ben", "Ben Schmitt"),
        ("clara", "Clara Wagner"),
        ("pmo", "PMO Mainz"),
    ):
        s.user(handle, name)
    s.sprint(FakeSprint(S1, "MZ Sprint 1", "closed", 5, S1_START, S1_END, S1_DONE, "Login"))
    s.sprint(FakeSprint(S2, "MZ Sprint 2", "closed", 5, S2_START, S2_END, S2_DONE, "Anträge"))
    s.sprint(FakeSprint(S3, "MZ Sprint 3", "active", 5, S3_START, S3_END, None, "Bezahlen"))

    s.create("MZ-1", at=at(12, 20), summary="Anmeldung mit BundID", points=3, assignee="anna")
    s.change("MZ-1", at=at(1, 2), sprints=[S1])
    s.change("MZ-1", at=at(1, 6), status="In Progress")
    s.change("MZ-1", at=at(1, 9), status="Done")

    s.create("MZ-2", at=at(12, 20), summary="Antragsformular Wohngeld", points=5, assignee="anna")
    s.change("MZ-2", at=at(1, 2), sprints=[S1])
    s.change("MZ-2", at=at(1, 7), points=8)
    s.change("MZ-2", at=at(1, 8), status="In Progress", assignee="ben")
    s.change("MZ-2", at=at(1, 14), status="Done")

    s.create("MZ-3", at=at(12, 20), summary="Barrierefreiheit prüfen", points=2)
    s.change("MZ-3", at=at(1, 2), sprints=[S1])
    s.change("MZ-3", at=at(1, 12), status="In Progress")
    s.change("MZ-3", at=S1_DONE, sprints=[S1, S2])
    s.change("MZ-3", at=at(1, 22), status="Done")

    s.create(
        "MZ-4",
        at=at(1, 7),
        summary="Fehler im Login-Redirect",
        points=1,
        type="Bug",
        sprints=[S1],
        assignee="ben",
    )
    s.change("MZ-4", at=at(1, 8), status="In Progress")
    s.change("MZ-4", at=at(1, 9), status="Done")

    s.create("MZ-5", at=at(12, 20), summary="Terminbuchung Bürgerbüro", points=5)
    s.change("MZ-5", at=at(1, 2), sprints=[S1])
    s.change("MZ-5", at=at(1, 8), sprints=[])
    s.change("MZ-5", at=at(1, 19, 7), sprints=[S2])
    s.change("MZ-5", at=at(1, 20), status="In Progress")
    s.change("MZ-5", at=at(1, 28), status="Done")

    s.create("MZ-6", at=at(12, 20), summary="Datenschutzerklärung", points=3, assignee="clara")
    s.change("MZ-6", at=at(1, 2), sprints=[S1])
    s.change("MZ-6", at=at(1, 10), status="In Progress")
    s.change("MZ-6", at=at(1, 13), status="Done")
    s.change("MZ-6", at=at(1, 15), status="In Progress")
    s.change("MZ-6", at=S1_DONE, sprints=[S1, S2])
    s.change("MZ-6", at=at(1, 21), status="Done")

    s.create("MZ-7", at=at(1, 10), summary="Online-Bezahlung anbinden", points=8)
    s.change("MZ-7", at=at(1, 12), sprints=[S2])
    s.change("MZ-7", at=at(1, 20), status="In Progress")
    s.change("MZ-7", at=S2_DONE, sprints=[S2, S3])

    s.create("MZ-8", at=at(1, 21), summary="Hinweistexte", points=2)
    s.change("MZ-8", at=at(1, 22), sprints=[S2])
    s.change("MZ-8", at=at(1, 23), status="In Progress")
    s.change("MZ-8", at=at(1, 27), status="Done")

    s.create("MZ-9", at=at(1, 18), summary="Monitoring einrichten", type="Task", sprints=[S2])
    s.change("MZ-9", at=at(1, 21), points=1)
    s.change("MZ-9", at=at(1, 29), status="Done")

    s.create("MZ-10", at=at(1, 25), summary="Quittung als PDF", points=5)
    s.change("MZ-10", at=at(1, 26), sprints=[S3])
    s.change("MZ-10", at=at(2, 3), status="In Progress")

    s.create(
        "MZ-11",
        at=at(1, 12),
        summary="Zahlungsanbieter-Vertrag",
        points=1,
        type="Sub-task",
        parent="MZ-7",
        sprints=[S2],
    )
    s.change("MZ-11", at=at(1, 25), status="Done")

    s.create("MZ-12", at=at(1, 26), summary="Gebührenrechner", points=3, assignee="ben")
    s.change("MZ-12", at=at(1, 27), sprints=[S3])
    s.change("MZ-12", at=at(2, 3), status="In Progress", assignee="clara")
    s.change("MZ-12", at=at(2, 4), status="Done")

    s.create("MZ-13", at=at(1, 15), summary="Fax-Schnittstelle", points=2)
    s.change("MZ-13", at=at(1, 16, 16), sprints=[S2])
    s.change("MZ-13", at=at(1, 26), status="Won't Do")
    return s


def bulk_scenario(n: int, *, seed: int) -> Scenario:
    """``n`` issues in project BULK (board 7, two sprints) with 1-5 changes each."""
    rng = random.Random(seed)
    s = Scenario(projects={"BULK": "Massendaten"}, boards={7: "BULK"})
    for handle in ("anna", "ben", "clara"):
        s.user(handle, handle.title())
    s.sprint(FakeSprint(701, "Bulk 1", "closed", 7, at(1, 5, 8), at(1, 16, 16), at(1, 16, 15)))
    s.sprint(FakeSprint(702, "Bulk 2", "active", 7, at(1, 19, 8), at(1, 30, 16)))
    start = at(1, 1)
    for number in range(1, n + 1):
        key = f"BULK-{number}"
        created = start + timedelta(minutes=37 * number)
        s.create(
            key,
            at=created,
            summary=f"Vorgang {number}",
            points=rng.choice([1, 2, 3, 5]),
            assignee=rng.choice(["anna", "ben", None]),
        )
        moment = created
        for _ in range(rng.randint(1, 5)):
            moment += timedelta(hours=rng.randint(1, 30))
            what = rng.choice(["status", "points", "sprint", "assignee"])
            if what == "status":
                s.change(key, at=moment, status=rng.choice(["To Do", "In Progress", "Done"]))
            elif what == "points":
                s.change(key, at=moment, points=rng.choice([1, 2, 3, 5, 8]))
            elif what == "sprint":
                s.change(key, at=moment, sprints=rng.choice([[701], [702], [701, 702], []]))
            else:
                s.change(key, at=moment, assignee=rng.choice(["anna", "ben", "clara", None]))
    return s
