"""Seeding the store: refusal of a filled store, wiping, and "same seed, same content"."""

import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.maintenance import content_digest, store_is_empty, wipe_store
from models.tables import ItemEvent, Programme, WorkItem
from seed import DEFAULT_SEED, StoreNotEmpty, seed_demo
from tests.conftest import DEMO_SEED, DEMO_TODAY

pytestmark = pytest.mark.db


def _seed(engine: Engine) -> None:
    with Session(engine) as session:
        seed_demo(session, today=DEMO_TODAY, seed=DEMO_SEED)
        session.commit()


def test_same_seed_after_wipe_gives_identical_content(engine: Engine) -> None:
    empty = content_digest(engine)
    _seed(engine)
    first = content_digest(engine)
    assert first != empty

    with Session(engine) as session:
        assert not store_is_empty(session)
        with pytest.raises(StoreNotEmpty, match="use `sprintfolio seed --reset`"):
            seed_demo(session, today=DEMO_TODAY, seed=DEMO_SEED)

    wipe_store(engine)
    assert content_digest(engine) == empty
    _seed(engine)
    assert content_digest(engine) == first
    with Session(engine) as session:
        assert session.exec(select(func.min(WorkItem.id))).one() == 1  # ids restarted
        assert session.exec(select(func.min(ItemEvent.id))).one() == 1


def test_store_not_empty_is_a_value_error_and_the_default_seed_is_the_demo_seed() -> None:
    assert issubclass(StoreNotEmpty, ValueError)
    assert DEFAULT_SEED == DEMO_SEED == 20261124


def test_a_programme_alone_makes_the_store_non_empty(engine: Engine) -> None:
    with Session(engine) as session:
        assert store_is_empty(session)
        session.add(Programme(name="Anderes Programm"))
        session.commit()
        assert not store_is_empty(session)
        with pytest.raises(StoreNotEmpty):
            seed_demo(session, today=DEMO_TODAY)
    digest = content_digest(engine)
    wipe_store(engine)
    assert content_digest(engine) != digest
    with Session(engine) as session:
        assert store_is_empty(session)
        session.add(Programme(name="Anderes Programm"))
        session.commit()
        assert session.exec(select(Programme.id)).one() == 1
    assert content_digest(engine) == digest
