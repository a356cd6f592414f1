"""The deterministic Mainz demo portfolio (programme mainzDIGITAL) for demos and tests.

``seed_demo(session, today=..., seed=...)`` adds six projects with teams,
people, sources, sprints, work items and their event histories to an empty
store; the same seed and day always give the same content.
"""

from seed.mainz import DEFAULT_SEED, SeedSummary, StoreNotEmpty, seed_demo

__all__ = ["DEFAULT_SEED", "SeedSummary", "StoreNotEmpty", "seed_demo"]
