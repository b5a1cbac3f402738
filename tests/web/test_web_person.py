"""A person in the web app: chat through the same engine as the CLI, the crisis
protocol, questionnaires with validation, export and erasure (SQLite and PostgreSQL)."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from talkcure.store import tables as t
from talkcure.store.measure_records import MeasureRecords
from talkcure.store.people import open_session_of
from talkcure.web.app import create_app

MESSAGES = [
    "I have been feeling really down since I lost my job last month.",
    "My wife says I should just get over it but I can't.",
    "When I was a kid my father always told me I'd never amount to anything.",
    "I keep dreaming that I'm back at school and failing every exam.",
    "I feel so alone with all of it.",
]
PHQ9_NO_RISK = [1, 2, 1, 2, 1, 1, 0, 1, 0]
PHQ9_RISK = [2, 2, 2, 2, 1, 2, 1, 1, 1]


def test_five_turns_are_stored_like_the_cli(signin, store, people):
    client = signin("ana")
    opened = client.post("/api/me/chat").json()
    assert "not a therapist" in opened["opening"] and opened["turns"] == []
    for text in MESSAGES:
        r = client.post("/api/me/chat/messages", json={"text": text})
        assert r.status_code == 200, r.text
        assert r.json()["crisis"] is False and r.json()["reply"]
    chat = client.get("/api/me/chat").json()
    assert [t["text"] for t in chat["turns"] if t["speaker"] == "patient"] == MESSAGES
    turns = store.turns_of(chat["session"]["id"])
    assert [tt.index for tt in turns] == list(range(1, 11))
    assert all(tt.plan is not None for tt in turns if tt.speaker.value == "companion")
    assert any(tt.annotation.people for tt in turns if tt.annotation)  # listened, annotated
    closing = client.post("/api/me/chat/close").json()["closing"]
    assert closing and open_session_of(store, people.patients["ana"]) is None


def test_risk_message_gets_the_crisis_protocol_and_a_flag(signin, store, people):
    client = signin("ana")
    r = client.post("/api/me/chat/messages", json={"text": "I want to kill myself tonight"})
    assert r.status_code == 200 and r.json()["crisis"] is True
    assert "988" in r.json()["reply"]
    session = store.get_session(r.json()["session_id"])
    assert session.flagged
    page = client.get("/chat")
    assert "Your safety comes first" in page.text and 'class="turn companion crisis"' in page.text


def test_refused_message_with_risk_flags_and_shows_contacts(signin, store, people):
    client = signin("ana")
    r = client.post("/api/me/chat/messages", json={"text": "I want to die \x07 now"})
    assert r.status_code == 400 and "control character" in r.json()["detail"]
    assert "988" in r.json()["detail"]
    assert store.get_session(open_session_of(store, people.patients["ana"]).id).flagged
    assert client.post("/api/me/chat/messages", json={"text": "   "}).status_code == 400
    too_long = client.post("/api/me/chat/messages", json={"text": "word " * 1000})
    assert too_long.status_code == 400 and "too long" in too_long.json()["detail"]


def test_chat_pages_without_javascript(signin, people):
    client = signin("ana")
    assert "Begin a conversation" in client.get("/chat").text
    csrf = client.headers["X-CSRF-Token"]
    assert client.post("/chat/start", data={"csrf_token": csrf},
                       follow_redirects=False).status_code == 303
    r = client.post("/chat", data={"text": MESSAGES[0], "csrf_token": csrf},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/chat#latest"
    page = client.get("/chat")
    assert MESSAGES[0] in page.text and 'id="latest"' in page.text
    assert '<a href="/measures/phq9">PHQ-9</a>' in page.text  # "/measure phq9" as a link
    bad = client.post("/chat", data={"text": "", "csrf_token": csrf})
    assert bad.status_code == 400 and "empty" in bad.text
    assert "<script" not in client.post("/chat", data={
        "text": "<script>alert(1)</script> I feel odd", "csrf_token": csrf}).text
    ended = client.post("/chat/end", data={"csrf_token": csrf})
    assert ended.status_code == 200 and "Until next time" in ended.text


def test_conversation_resumes_on_another_app_server(signin, store, people, db_url):
    """Two app processes on one database: the session continues wherever the next
    message lands, with one state and distinct turn indices."""
    from fastapi.testclient import TestClient

    from talkcure.store import Store

    client = signin("ana")
    other = TestClient(create_app(Store(db_url)), cookies=client.cookies)
    other.headers["X-CSRF-Token"] = client.headers["X-CSRF-Token"]
    for i, text in enumerate(MESSAGES[:4]):
        r = (client if i % 2 == 0 else other).post("/api/me/chat/messages", json={"text": text})
        assert r.status_code == 200, r.text
    session = open_session_of(store, people.patients["ana"])
    assert store.session_state(session.id)["turn"] == 4
    assert [tt.index for tt in store.turns_of(session.id)] == list(range(1, 9))


def test_phq9_form_validates_and_stores(signin, store, people):
    client = signin("ana")
    csrf = client.headers["X-CSRF-Token"]
    form = client.get("/measures/phq9")
    assert form.status_code == 200 and form.text.count('type="radio"') == 9 * 4
    data = {f"item{i + 1}": str(v) for i, v in enumerate(PHQ9_NO_RISK) if i != 8}
    missing9 = client.post("/measures/phq9", data={**data, "csrf_token": csrf})
    assert missing9.status_code == 400 and "about your safety" in missing9.text
    wrong = client.post("/measures/phq9", data={**data, "item9": "7", "csrf_token": csrf})
    assert wrong.status_code == 400 and "number from 0 to 3" in wrong.text
    assert MeasureRecords(store).results_of(people.patients["ana"]) == []  # nothing stored
    ok = client.post("/measures/phq9", data={**data, "item9": "0", "csrf_token": csrf})
    assert ok.status_code == 200 and "PHQ-9 score is 9 out of 27 (mild)" in ok.text
    assert "Your safety comes first" not in ok.text
    page = client.get("/measures")
    assert "/measures/phq9/chart.svg" in page.text
    chart = client.get("/measures/phq9/chart.svg")
    assert chart.status_code == 200 and chart.text.lstrip().startswith("<?xml")
    api = client.post("/api/me/measures/gad7", json={"answers": [1, 1, 1, None, 1, 1, 1]})
    assert api.status_code == 200 and api.json()["result"]["prorated"] is True
    bad = client.post("/api/me/measures/phq9", json={"answers": [1, 2, 3]})
    assert bad.status_code == 400
    assert client.post("/api/me/measures/nope", json={"answers": []}).status_code == 404


def test_phq9_item9_starts_the_crisis_protocol(signin, store, people):
    client = signin("ana")
    r = client.post("/api/me/measures/phq9", json={"answers": PHQ9_RISK})
    assert r.status_code == 200
    assert "988" in r.json()["crisis"] and r.json()["session_id"]
    session = store.get_session(r.json()["session_id"])
    assert session.flagged and "item 9" in session.flag_reason
    state = store.session_state(session.id)
    assert state["crisis"]["active"] is True  # stored: any server continues the protocol
    nxt = client.post("/api/me/chat/messages", json={"text": "yes, sometimes"}).json()
    assert nxt["crisis"] is True and nxt["session_id"] == session.id
    page = client.post("/measures/phq9", data={
        **{f"item{i + 1}": str(v) for i, v in enumerate(PHQ9_RISK)},
        "csrf_token": client.headers["X-CSRF-Token"]})
    assert "Your safety comes first" in page.text and 'role="alert"' in page.text


def test_export_json_and_fhir(signin, people):
    client = signin("ana")
    client.post("/api/me/chat/messages", json={"text": MESSAGES[1]})
    assert client.get("/api/me/export/fhir").status_code == 404  # no questionnaires yet
    client.post("/api/me/measures/phq9", json={"answers": PHQ9_NO_RISK})
    data = client.get("/api/me/export").json()
    assert data["person"]["name"] == "Ana Lima" and data["account"]["login"] == "ana"
    assert data["sessions"][0]["turns"][0]["text"] == MESSAGES[1]
    assert data["sessions"][0]["turns"][1]["plan"]["reasons"]
    assert data["measures"][0]["result"]["total"] == 9
    assert any(e["action"] == "chat.reply" for e in data["access_log"])
    bundle = client.get("/api/me/export/fhir").json()
    assert bundle["resourceType"] == "Bundle"
    assert "Ana" not in str(bundle)  # pseudonymous
    download = client.get("/my-data/talkcure-export.json")
    assert "attachment" in download.headers["content-disposition"]


def test_erasure_removes_everything_and_signs_out(signin, store, people):
    client = signin("ana")
    client.post("/api/me/chat/messages", json={"text": "I want to kill myself"})
    client.post("/api/me/measures/phq9", json={"answers": PHQ9_NO_RISK})
    pid = people.patients["ana"]
    assert client.post("/api/me/erase", json={"confirm": "yes"}).status_code == 422
    page = client.post("/my-data/erase", data={"confirm": "no",
                                               "csrf_token": client.headers["X-CSRF-Token"]})
    assert page.status_code == 400 and store.find_patient("Ana Lima") is not None
    r = client.post("/api/me/erase", json={"confirm": "erase"})
    assert r.status_code == 200 and r.json()["erased"]["turns"] == 2
    assert client.get("/api/me/chat").status_code == 401
    with store.engine.connect() as conn:
        for table in (t.sessions, t.measure_results, t.courses, t.notes, t.assignments):
            assert conn.execute(select(func.count()).select_from(table)
                                .where(table.c.patient_id == pid)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(t.turns)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(t.flags)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(t.users)
                            .where(t.users.c.id == people.ids["ana"])).scalar() == 0
    assert store.find_patient("Ben Okafor") is not None  # only hers


def test_no_patient_text_in_the_audit_log(signin, store, people):
    client = signin("ana")
    client.post("/api/me/chat/messages", json={"text": "My sister Carolina hates me"})
    with store.engine.connect() as conn:
        rows = " ".join(str(r) for r in conn.execute(select(t.audit_log)))
    assert "Carolina" not in rows and "sister" not in rows and "Ana" not in rows
    assert re.search(r"chat\.reply", rows)
