from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from backend.conversations import LAST_MESSAGE_RESOLUTION, resolve_conversation
from backend.db import Database
from backend.migrate import upgrade
from backend.models import Conversation


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Session]:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    upgrade(url)
    database = Database(url)
    with database.sessions() as session:
        yield session
    database.engine.dispose()


def test_new_ids_are_128_bit_random_hex(db: Session) -> None:
    ids = {resolve_conversation(db, None).id for _ in range(50)}
    assert len(ids) == 50
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)


def test_an_issued_id_is_kept_in_the_browser_holding_it(db: Session) -> None:
    issued = resolve_conversation(db, None).id
    assert resolve_conversation(db, issued, held_by_browser=True).id == issued


def test_an_anonymous_conversation_named_without_its_cookie_starts_a_new_one(db: Session) -> None:
    issued = resolve_conversation(db, None).id
    assert resolve_conversation(db, issued, held_by_browser=False).id != issued


@pytest.mark.parametrize("foreign", ["a" * 32, "not-hex", "", "'; DROP TABLE conversations;--"])
def test_a_client_chosen_id_is_never_adopted(db: Session, foreign: str) -> None:
    assert resolve_conversation(db, foreign).id != foreign


def test_an_anonymous_conversation_is_bound_at_log_in_in_the_browser_holding_it(
    db: Session,
) -> None:
    issued = resolve_conversation(db, None).id
    bound = resolve_conversation(db, issued, registrar_id=7, held_by_browser=True)
    assert (bound.id, bound.registrar_id) == (issued, 7)


def test_someone_elses_anonymous_conversation_is_not_bound(db: Session) -> None:
    issued = resolve_conversation(db, None).id
    other = resolve_conversation(db, issued, registrar_id=7, held_by_browser=False)
    assert other.id != issued and other.registrar_id == 7
    assert resolve_conversation(db, issued).registrar_id is None  # the old one stays anonymous


def test_a_bound_conversation_continues_only_with_its_registrar(db: Session) -> None:
    conversation = resolve_conversation(db, None, registrar_id=7)
    assert resolve_conversation(db, conversation.id, registrar_id=7).id == conversation.id
    for someone_else in (8, None):
        other = resolve_conversation(db, conversation.id, registrar_id=someone_else)
        assert other.id != conversation.id
        assert other.registrar_id == someone_else


def test_a_continued_conversation_is_written_once_a_minute_not_every_turn(db: Session) -> None:
    conversation = resolve_conversation(db, None)
    first_seen = conversation.last_message_at
    writes: list[object] = []
    event.listen(db, "after_commit", writes.append)
    for _ in range(5):
        continued = resolve_conversation(db, conversation.id, held_by_browser=True)
        assert continued.last_message_at == first_seen
    assert writes == []
    conversation.last_message_at = first_seen - LAST_MESSAGE_RESOLUTION
    db.commit()
    writes.clear()
    resolved = resolve_conversation(db, conversation.id, held_by_browser=True)
    assert len(writes) == 1
    assert resolved.last_message_at > first_seen - LAST_MESSAGE_RESOLUTION
    db.expire_all()
    stored = db.get(Conversation, conversation.id)
    assert stored is not None
    assert stored.last_message_at.replace(tzinfo=None) > (
        first_seen.replace(tzinfo=None) - timedelta(seconds=1)
    )
