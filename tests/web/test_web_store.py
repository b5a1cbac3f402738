"""Store functions of the web app on both databases: accounts, the audit log,
erasure of a person, and concurrent turns in one session."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from talkcure.errors import TalkcureError
from talkcure.model import Annotation, Intervention, InterventionKind
from talkcure.store import Store
from talkcure.store import tables as t
from talkcure.store.accounts import Accounts
from talkcure.store.audit import AuditLog
from talkcure.store.measure_records import MeasureRecords
from talkcure.store.people import add_note, erase_patient, notes_of, open_session_of

SECRET = "My brother shouts at me and I feel small"


def _exchange(store: Store, session_id: int, text_: str = SECRET, flag=None):
    plan = Intervention(InterventionKind.ELABORATION, ["test"], evidence=[0])
    return store.record_exchange(session_id, text_, Annotation(text=text_), plan, "Go on.",
                                 {"turn": 1}, flag)


def _person_with_everything(store: Store, name: str):
    accounts = Accounts(store)
    p = store.get_or_create_patient(name)
    user = accounts.create_user(name, "person", "argon2-hash-placeholder", patient_id=p.id)
    clinician = accounts.find("dr " + name)
    if clinician is None:
        clinician = (accounts.create_user("dr " + name, "clinician", "x"), "x")
    accounts.assign(clinician[0].id, p.id)
    accounts.start_session(user.id, "tok-" + name.replace(" ", ""), "csrf", timedelta(hours=1))
    s = store.start_session(p.id, {})
    _exchange(store, s.id, flag={"kind": "risk", "level": "low", "reason": "test flag"})
    records = MeasureRecords(store)
    records.add_result(p.id, "phq9", {"total": 3}, session_id=s.id, via="web")
    records.set_course(p.id, kind="open_ended", planned_sessions=None, review_every=4,
                       focus="symptom", first_session=1, goals=["sleep better"])
    add_note(store, p.id, clinician[0].id, "Seems calmer.")
    return p, user, s


def _rows(store: Store, patient_id: int, session_id: int, user_id: int) -> dict[str, int]:
    checks = {
        "patients": select(func.count()).select_from(t.patients)
        .where(t.patients.c.id == patient_id),
        "sessions": select(func.count()).select_from(t.sessions)
        .where(t.sessions.c.patient_id == patient_id),
        "turns": select(func.count()).select_from(t.turns)
        .where(t.turns.c.session_id == session_id),
        "flags": select(func.count()).select_from(t.flags)
        .where(t.flags.c.session_id == session_id),
        "measure_results": select(func.count()).select_from(t.measure_results)
        .where(t.measure_results.c.patient_id == patient_id),
        "courses": select(func.count()).select_from(t.courses)
        .where(t.courses.c.patient_id == patient_id),
        "notes": select(func.count()).select_from(t.notes)
        .where(t.notes.c.patient_id == patient_id),
        "assignments": select(func.count()).select_from(t.assignments)
        .where(t.assignments.c.patient_id == patient_id),
        "users": select(func.count()).select_from(t.users).where(t.users.c.id == user_id),
        "auth_sessions": select(func.count()).select_from(t.auth_sessions)
        .where(t.auth_sessions.c.user_id == user_id),
    }
    with store.engine.connect() as conn:
        return {name: conn.execute(q).scalar() for name, q in checks.items()}


def test_erase_patient_removes_every_row(db_url):
    store = Store(db_url)
    p, user, s = _person_with_everything(store, "Ana Lima")
    other, other_user, other_s = _person_with_everything(store, "Ben Okafor")
    before = _rows(store, p.id, s.id, user.id)
    assert all(n >= 1 for n in before.values()), before
    counts = erase_patient(store, p.id)
    assert counts["patients"] == 1 and counts["turns"] == 2 and counts["notes"] == 1
    assert set(_rows(store, p.id, s.id, user.id).values()) == {0}
    assert store.find_patient("Ana Lima") is None
    assert Accounts(store).find("Ana Lima") is None
    # the other person is untouched
    assert _rows(store, other.id, other_s.id, other_user.id) == {
        k: v for k, v in _rows(store, other.id, other_s.id, other_user.id).items()}
    assert all(n >= 1 for n in _rows(store, other.id, other_s.id, other_user.id).values())
    assert [tt.text for tt in store.turns_of(other_s.id)] == [SECRET, "Go on."]
    with pytest.raises(TalkcureError, match="no such person"):
        erase_patient(store, p.id)


def test_erased_ciphertext_is_gone_from_the_sqlite_file(sqlite_url, home):
    store = Store(sqlite_url)
    p, _user, s = _person_with_everything(store, "Ana Lima")
    with store.engine.connect() as conn:
        blobs = [bytes(b) for b in conn.execute(select(t.turns.c.text_enc)).scalars()]
    erase_patient(store, p.id)
    store.close()
    raw = b"".join(f.read_bytes() for f in home.iterdir() if f.name.startswith("test.db"))
    for blob in blobs:
        assert blob[1:40] not in raw  # nonce + start of the ciphertext


def test_accounts_sessions_and_assignments(db_url):
    store = Store(db_url)
    accounts = Accounts(store)
    p = store.get_or_create_patient("Ana")
    person = accounts.create_user("Ana", "person", "h1", patient_id=p.id)
    doc = accounts.create_user("Dr Who", "clinician", "h2")
    with pytest.raises(TalkcureError, match="taken"):
        accounts.create_user("  dr   WHO ", "clinician", "h3")
    with pytest.raises(TalkcureError, match="Unknown role"):
        accounts.create_user("x", "root", "h")
    with pytest.raises(TalkcureError, match="needs its person"):
        accounts.create_user("y", "person", "h")
    found, hashed = accounts.find("dr who")
    assert found.id == doc.id and hashed == "h2"
    assert accounts.assign(doc.id, p.id) is True
    assert accounts.assign(doc.id, p.id) is False
    with pytest.raises(TalkcureError, match="clinician"):
        accounts.assign(person.id, p.id)
    assert accounts.patients_of(doc.id) == [p.id]
    accounts.start_session(doc.id, "a" * 64, "c" * 64, timedelta(hours=1))
    user, csrf = accounts.session_user("a" * 64)
    assert user.id == doc.id and csrf == "c" * 64
    accounts.start_session(doc.id, "b" * 64, "c" * 64, timedelta(seconds=-1))
    assert accounts.session_user("b" * 64) is None  # expired
    accounts.set_password(doc.id, "new")
    assert accounts.session_user("a" * 64) is None  # a new password ends sessions
    with store.engine.connect() as conn:
        dump = " ".join(str(r) for r in conn.execute(select(t.users)))
    assert "Dr Who" not in dump and "Ana" not in dump


def test_audit_log_is_append_only(db_url):
    store = Store(db_url)
    log = AuditLog(store)
    log.append(1, "clinician", "transcript.read", patient_id=7, target="session 3")
    log.append(None, "anonymous", "login", outcome="failed")
    entries = log.entries()
    assert [e.action for e in entries] == ["login", "transcript.read"]
    assert entries[1].patient_id == 7 and entries[1].target == "session 3"
    for statement in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(statement))
    assert len(log.entries()) == 2


def test_notes_are_encrypted(db_url):
    store = Store(db_url)
    p = store.get_or_create_patient("Ana")
    add_note(store, p.id, None, "Talked about her brother; follow up.")
    with pytest.raises(TalkcureError, match="empty"):
        add_note(store, p.id, None, "   ")
    assert [n["text"] for n in notes_of(store, p.id)] == ["Talked about her brother; follow up."]
    with store.engine.connect() as conn:
        dump = " ".join(str(r) for r in conn.execute(select(t.notes)))
    assert "brother" not in dump


def test_open_session(db_url):
    from talkcure.model import SessionSummary

    store = Store(db_url)
    p = store.get_or_create_patient("Ana")
    assert open_session_of(store, p.id) is None
    s = store.start_session(p.id, {})
    assert open_session_of(store, p.id).id == s.id
    store.close_session(s.id, SessionSummary())
    assert open_session_of(store, p.id) is None


def test_concurrent_turns_get_distinct_indices(db_url):
    """Two app servers answering in the same session at once: no lost or clashing turn."""
    stores = [Store(db_url), Store(db_url)]
    p = stores[0].get_or_create_patient("Ana")
    s = stores[0].start_session(p.id, {})
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def worker(store: Store) -> None:
        barrier.wait()
        for i in range(8):
            try:
                _exchange(store, s.id, f"message {i}")
            except BaseException as exc:  # noqa: BLE001 - collected for the assertion
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(stores[i % 2],)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    turns = stores[0].turns_of(s.id)
    assert [tt.index for tt in turns] == list(range(1, 65))
    assert [tt.speaker.value for tt in turns] == ["patient", "companion"] * 32
