"""The store on real databases: SQLite file and the local PostgreSQL."""

from __future__ import annotations

import os
import stat

import pytest
from sqlalchemy import create_engine, text

from talkcure.errors import TalkcureError
from talkcure.model import Annotation, Intervention, InterventionKind, SessionSummary
from talkcure.store import Store
from talkcure.store.crypto import generate_key

SECRET = "My mother never listens to me and I feel invisible"


def _exchange(store: Store, session_id: int, text: str = SECRET):
    ann = Annotation(text=text)
    plan = Intervention(InterventionKind.ELABORATION, ["test"], evidence=[0])
    return store.record_exchange(session_id, text, ann, plan, "Tell me more.", {"turn": 1})


def test_round_trip_and_course(db_url):
    store = Store(db_url)
    p = store.get_or_create_patient("Ana Lima")
    assert store.get_or_create_patient("  ana   lima ").id == p.id  # same person, same course
    s1 = store.start_session(p.id, {})
    pid, cid = _exchange(store, s1.id)
    turns = store.turns_of(s1.id)
    assert [t.text for t in turns] == [SECRET, "Tell me more."]
    assert turns[1].plan.evidence == [pid]  # placeholder 0 became the stored patient turn
    store.close_session(s1.id, SessionSummary(feelings=["invisible"], people=["mother"]))
    s2 = store.start_session(p.id, {})
    assert s2.number == 2
    assert store.sessions_of(p.id)[0].summary.feelings == ["invisible"]
    other = store.get_or_create_patient("Ben")
    assert store.sessions_of(other.id) == []


def test_no_plaintext_in_sqlite_file(sqlite_url, home):
    store = Store(sqlite_url)
    p = store.get_or_create_patient("Ana Lima")
    s = store.start_session(p.id, {})
    _exchange(store, s.id)
    store.close_session(s.id, SessionSummary(quotes=["you feel invisible"]))
    store.close()
    raw = b"".join(f.read_bytes() for f in home.iterdir() if f.name.startswith("test.db"))
    assert len(raw) > 0
    for needle in ("mother never listens", "invisible", "Ana Lima"):
        assert needle.encode() not in raw


def test_no_plaintext_in_postgres(postgres_url):
    store = Store(postgres_url)
    p = store.get_or_create_patient("Ana Lima")
    s = store.start_session(p.id, {})
    _exchange(store, s.id)
    engine = create_engine(postgres_url)
    with engine.connect() as conn:
        dump = " ".join(
            str(row) for table in ("patients", "sessions", "turns", "flags")
            for row in conn.execute(text(f"SELECT * FROM {table}"))
        )
    engine.dispose()
    assert "invisible" not in dump and "Ana Lima" not in dump


def test_wrong_key_is_refused_and_nothing_lost(sqlite_url, monkeypatch):
    monkeypatch.setenv("TALKCURE_KEY", generate_key())
    store = Store(sqlite_url)
    p = store.get_or_create_patient("Ana")
    _exchange(store, store.start_session(p.id, {}).id)
    store.close()
    monkeypatch.setenv("TALKCURE_KEY", generate_key())
    with pytest.raises(TalkcureError, match="key does not match"):
        Store(sqlite_url)
    monkeypatch.undo()


def test_key_file_is_private_and_loose_permissions_refused(sqlite_url, home):
    Store(sqlite_url).close()
    key = home / "talkcure.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE((home / "test.db").stat().st_mode) == 0o600
    os.chmod(key, 0o644)
    with pytest.raises(TalkcureError, match="chmod 600"):
        Store(sqlite_url)


def test_malformed_key_in_environment(sqlite_url, monkeypatch):
    monkeypatch.setenv("TALKCURE_KEY", "not-a-key")
    with pytest.raises(TalkcureError, match="32 bytes"):
        Store(sqlite_url)


def test_unreadable_database_file(home):
    bad = home / "broken.db"
    home.mkdir(parents=True, exist_ok=True)
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(TalkcureError, match="Can't open the database"):
        Store(f"sqlite:///{bad}")
    assert bad.read_bytes().startswith(b"this is not a database")  # left as it was


def test_bad_url():
    with pytest.raises(TalkcureError, match="database URL"):
        Store("nosuchdb://x")


def test_unknown_session_and_patient(sqlite_url):
    store = Store(sqlite_url)
    with pytest.raises(TalkcureError, match="no session 99"):
        store.get_session(99)
    with pytest.raises(TalkcureError, match="No person called"):
        store.get_patient("nobody")


def test_exchange_is_atomic(db_url):
    """A failure inside the transaction leaves neither half of the turn behind."""
    store = Store(db_url)
    p = store.get_or_create_patient("Ana")
    s = store.start_session(p.id, {"turn": 0})
    _exchange(store, s.id)
    with pytest.raises(KeyError):
        # a flag without its required fields fails after both turns were inserted
        store.record_exchange(s.id, "second", Annotation(text="second"),
                              Intervention(InterventionKind.VALIDATION, []), "ok",
                              {"turn": 2}, flag={"reason": "x"})
    assert len(store.turns_of(s.id)) == 2
    assert store.session_state(s.id) == {"turn": 1}


def test_migrations_match_tables(db_url):
    """The Alembic head builds exactly the schema the code declares."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from talkcure.store.tables import metadata

    store = Store(db_url)
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []
