"""Clinicians and admins: their people flagged first, annotated transcripts, charts,
encrypted notes, role isolation and the audit log (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import select

from talkcure.store import tables as t
from talkcure.store.accounts import Accounts
from talkcure.store.audit import AuditLog
from talkcure.store.measure_records import MeasureRecords
from talkcure.web.security import hash_password

WORRIED = [
    "My mother never listens to me and I feel invisible.",
    "When I was little my mother was always busy and I felt invisible then too.",
    "I want to kill myself",
]


def _more_people(store, people):
    """Cleo (no flags) and Dan (reliably worse PHQ-9), both assigned to dr_a."""
    accounts = Accounts(store)
    records = MeasureRecords(store)
    ids = {}
    for login, name in (("cleo", "Cleo Park"), ("dan", "Dan Reyes")):
        patient = store.get_or_create_patient(name)
        accounts.create_user(login, "person", "x", patient.id)
        accounts.assign(people.ids["dr_a"], patient.id)
        ids[login] = patient.id
    from talkcure.measures import score

    for answers in ([1, 1, 1, 1, 0, 0, 0, 0, 0], [3, 3, 2, 2, 2, 2, 1, 1, 0]):
        records.add_result(ids["dan"], "phq9", score("phq9", answers).to_dict(), via="entry")
    return ids


def test_people_list_puts_risk_then_deterioration_first(signin, store, people):
    extra = _more_people(store, people)
    ana = signin("ana")
    for text in WORRIED:
        assert ana.post("/api/me/chat/messages", json={"text": text}).status_code == 200
    listed = signin("dr_a").get("/api/patients").json()
    assert [p["name"] for p in listed] == ["Ana Lima", "Dan Reyes", "Cleo Park"]
    assert listed[0]["risk_flags"] >= 1 and listed[1]["deterioration"] == ["PHQ-9"]
    assert not listed[2]["needs_attention"]
    assert "Ben Okafor" not in str(listed)  # dr_b's person
    page = signin("dr_a").get("/clinician")
    assert page.text.index("Ana Lima") < page.text.index("Dan Reyes") < page.text.index("Cleo")
    assert "PHQ-9 reliably worse" in page.text
    assert extra


def test_record_transcript_chart_and_notes(signin, store, people):
    ana = signin("ana")
    for text in WORRIED:
        ana.post("/api/me/chat/messages", json={"text": text})
    ana.post("/api/me/measures/phq9", json={"answers": [1, 2, 1, 2, 1, 1, 0, 1, 0]})
    doc = signin("dr_a")
    pid = people.patients["ana"]
    record = doc.get(f"/api/patients/{pid}").json()
    assert record["flagged_sessions"] and record["flags"][0]["kind"] == "risk"
    sid = record["flagged_sessions"][0]["id"]
    transcript = doc.get(f"/api/patients/{pid}/sessions/{sid}").json()
    patient_turns = [tt for tt in transcript["turns"] if tt["speaker"] == "patient"]
    assert patient_turns[0]["annotation"]["people"][0]["role"] == "mother"
    assert any(a["emotion"] for a in patient_turns[0]["annotation"]["affects"])
    replies = [tt for tt in transcript["turns"] if tt["speaker"] == "companion"]
    assert all(r["plan"]["reasons"] and r["plan"]["rule"] for r in replies)
    assert replies[-1]["plan"]["kind"] == "crisis"
    page = doc.get(f"/clinician/people/{pid}/sessions/{sid}")
    assert '<mark class="person"' in page.text and "because" in page.text
    assert "badge plan-crisis" in page.text
    person_page = doc.get(f"/clinician/people/{pid}")
    assert "Needs attention" in person_page.text
    assert f"/clinician/people/{pid}/charts/phq9.svg" in person_page.text
    assert doc.get(f"/clinician/people/{pid}/charts/phq9.svg").status_code == 200
    assert doc.get(f"/api/patients/{pid}/charts/gad7").status_code == 404  # none yet
    assert doc.get(f"/api/patients/{pid}/progress").json()["measures"]["phq9"]
    r = doc.post(f"/api/patients/{pid}/notes", json={"text": "Review risk plan Monday."})
    assert r.status_code == 201
    csrf = doc.headers["X-CSRF-Token"]
    assert doc.post(f"/clinician/people/{pid}/notes", data={"text": "Called GP.",
                    "csrf_token": csrf}, follow_redirects=False).status_code == 303
    assert [n["text"] for n in doc.get(f"/api/patients/{pid}/notes").json()] == [
        "Called GP.", "Review risk plan Monday."]
    with store.engine.connect() as conn:
        assert "GP" not in " ".join(str(r) for r in conn.execute(select(t.notes)))
    other = store.get_or_create_patient("Ben Okafor")
    ben_session = store.start_session(other.id, {})
    assert doc.get(f"/api/patients/{pid}/sessions/{ben_session.id}").status_code == 404


def test_second_clinician_and_other_roles_are_kept_out(signin, store, people):
    ana = signin("ana")
    ana.post("/api/me/chat/messages", json={"text": WORRIED[0]})
    sid = ana.get("/api/me/chat").json()["session"]["id"]
    pid = people.patients["ana"]
    dr_b = signin("dr_b")
    for path in (f"/api/patients/{pid}", f"/api/patients/{pid}/sessions/{sid}",
                 f"/api/patients/{pid}/progress", f"/api/patients/{pid}/notes",
                 f"/api/patients/{pid}/charts/phq9", f"/api/patients/{pid}/export",
                 f"/api/patients/{pid}/export/fhir", f"/clinician/people/{pid}",
                 f"/clinician/people/{pid}/sessions/{sid}"):
        assert dr_b.get(path).status_code == 404, path
    assert dr_b.post(f"/api/patients/{pid}/notes", json={"text": "x"}).status_code == 404
    assert dr_b.get("/api/patients/999999").status_code == 404
    assert dr_b.get("/api/me/chat").status_code == 403  # not a person
    assert ana.get("/api/patients").status_code == 403
    assert ana.get(f"/api/patients/{pid}").status_code == 403
    assert ana.get("/clinician").status_code == 403
    assert ana.get("/api/admin").status_code == 403
    root = signin("root")
    assert root.get(f"/api/patients/{pid}/sessions/{sid}").status_code == 403  # admins too
    denied = AuditLog(store).entries(actor_id=people.ids["dr_b"])
    assert {e.outcome for e in denied if e.action != "login"} == {"denied"}
    assert any(e.action == "transcript.read" and e.patient_id == pid for e in denied)


def test_every_read_and_write_is_audited(signin, store, people):
    ana = signin("ana")
    ana.post("/api/me/chat/messages", json={"text": WORRIED[0]})
    ana.get("/api/me/export")
    doc = signin("dr_a")
    pid = people.patients["ana"]
    sid = doc.get(f"/api/patients/{pid}").json()["sessions"][0]["id"]
    doc.get(f"/api/patients/{pid}/sessions/{sid}")
    doc.post(f"/api/patients/{pid}/notes", json={"text": "ok"})
    actions = [(e.actor_id, e.action, e.patient_id, e.outcome)
               for e in AuditLog(store).entries(patient_id=pid)]
    for expected in ((people.ids["ana"], "chat.reply"), (people.ids["ana"], "export.json"),
                     (people.ids["dr_a"], "record.read"), (people.ids["dr_a"], "transcript.read"),
                     (people.ids["dr_a"], "notes.write")):
        assert (*expected, pid, "ok") in actions, expected
    entry = next(e for e in AuditLog(store).entries() if e.action == "transcript.read")
    assert entry.target == f"session {sid}" and entry.at


def test_admin_manages_accounts_and_assignments(signin, store, people):
    root = signin("root")
    r = root.post("/api/admin/users", json={"login": "cleo", "password": "a good password",
                                            "role": "person", "patient_name": "Cleo Park"})
    assert r.status_code == 201
    cleo = r.json()
    dup = root.post("/api/admin/users", json={"login": "CLEO", "password": "a good password",
                                              "role": "clinician"})
    assert dup.status_code == 400 and "taken" in dup.json()["detail"]
    short = root.post("/api/admin/users", json={"login": "x", "password": "short",
                                                "role": "clinician"})
    assert short.status_code == 422
    r = root.post("/api/admin/assignments", json={"clinician_id": people.ids["dr_b"],
                                                  "patient_id": cleo["patient_id"]})
    assert r.status_code == 201
    assert [p["name"] for p in signin("dr_b").get("/api/patients").json()] == [
        "Ben Okafor", "Cleo Park"]
    overview = root.get("/api/admin").json()
    assert any(u["login"] == "cleo" for u in overview["users"])
    assert overview["audit"][0]["action"] in {"admin.read", "assignment.add"}
    assert root.delete(f"/api/admin/users/{people.ids['root']}").status_code == 400
    gone = root.delete(f"/api/admin/users/{cleo['id']}")
    assert gone.status_code == 200 and gone.json()["erased"]["patients"] == 1
    assert store.find_patient("Cleo Park") is None
    page = root.get("/admin")
    assert "Audit log" in page.text and "user.remove" in page.text
    csrf = root.headers["X-CSRF-Token"]
    made = root.post("/admin/users", data={"login": "dr_c", "password": "a good password",
                                           "role": "clinician", "csrf_token": csrf})
    assert made.status_code == 200 and "Account dr_c (clinician) created" in made.text
    assert root.get("/api/admin").status_code == 200


def test_openapi_schema_documents_the_api(app):
    from fastapi.testclient import TestClient

    schema = TestClient(app).get("/api/openapi.json").json()
    paths = schema["paths"]
    for path in ("/api/session", "/api/me/chat/messages", "/api/me/measures/{instrument}",
                 "/api/me/export", "/api/me/erase", "/api/patients",
                 "/api/patients/{patient_id}/sessions/{session_id}",
                 "/api/patients/{patient_id}/notes", "/api/admin/users",
                 "/api/admin/assignments"):
        assert path in paths, path
    assert not any(p.startswith("/clinician") or p == "/chat" for p in paths)


def test_person_password_hash_helper():
    assert hash_password("long enough").startswith("$argon2id$")
