"""The Mainz demo portfolio as the app installs it: the seed plus its weekly snapshots."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from seed import SeedSummary, seed_demo
from sprintfolio.services.snapshots import backfill_demo_snapshots


@dataclass(frozen=True)
class DemoSummary:
    """What installing the demo wrote."""

    seed: SeedSummary
    snapshots: int

    def describe(self, today: date) -> str:
        """One line for the command line."""
        return (
            f"Seeded the Mainz demo portfolio for {today.isoformat()}: {self.seed.projects} "
            f"projects, {self.seed.sprints} sprints, {self.seed.items} items, "
            f"{self.seed.events} events, {self.snapshots} weekly snapshots."
        )


def install_demo(session: Session, *, today: date, seed: int) -> DemoSummary:
    """Seed the demo portfolio for ``today`` and backfill its weekly snapshots (commits).

    Raises:
        StoreNotEmpty: if the store already holds data.
    """
    summary = seed_demo(session, today=today, seed=seed)
    session.commit()
    snapshots = backfill_demo_snapshots(session, today=today)
    return DemoSummary(seed=summary, snapshots=len(snapshots.rows))
