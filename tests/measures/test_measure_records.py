"""Stored measure results and courses, on SQLite and PostgreSQL: encrypted at rest,
read back equal, linked to sessions, and the course arithmetic."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from talkcure.errors import TalkcureError
from talkcure.measures import score
from talkcure.measures.course import course_status, make_course, opening_line, review_points
from talkcure.store import Store
from talkcure.store import tables as t
from talkcure.store.measure_records import MeasureRecords


def test_results_are_encrypted_and_read_back(db_url):
    store = Store(db_url)
    patient = store.get_or_create_patient("Robin")
    session = store.start_session(patient.id, {})
    records = MeasureRecords(store)
    result = score("phq9", [2, 2, 1, 1, 2, 1, 1, 1, 0])
    stored = records.add_result(patient.id, "phq9", result.to_dict(), session_id=session.id)
    records.add_result(patient.id, "gad7", score("gad7", [1] * 7).to_dict(), via="entry")
    back = records.results_of(patient.id)
    assert [r.instrument for r in back] == ["phq9", "gad7"]
    assert back[0].result == result.to_dict() and back[0].session_number == 1
    assert back[0].id == stored.id and back[1].session_id is None and back[1].via == "entry"
    assert [r.instrument for r in records.results_of(patient.id, "gad7")] == ["gad7"]
    assert [r.instrument for r in records.results_of_session(session.id)] == ["phq9"]
    with store.engine.connect() as conn:
        blob = conn.execute(select(t.measure_results.c.result_enc)).scalars().first()
    assert b"total" not in blob and b"moderate" not in blob and b"answers" not in blob
    assert json.loads(store.cipher.decrypt(blob, "measure_results.result"))["total"] == 11


def test_a_result_with_a_flag_is_one_transaction(db_url):
    store = Store(db_url)
    patient = store.get_or_create_patient("Robin")
    session = store.start_session(patient.id, {})
    records = MeasureRecords(store)
    result = score("phq9", [0] * 8 + [1])
    flag = {"kind": "risk", "level": "", "reason": "PHQ-9 item 9 answered above 0"}
    records.add_result(patient.id, "phq9", result.to_dict(), session_id=session.id, flag=flag)
    assert store.get_session(session.id).flagged
    assert store.flags_of(session.id)[0]["reason"] == flag["reason"]
    other = store.get_or_create_patient("Kim")
    with pytest.raises(TalkcureError, match="not one of this person's sessions"):
        records.add_result(other.id, "phq9", result.to_dict(), session_id=session.id, flag=flag)
    assert len(records.results_of(other.id)) == 0 and len(store.flags_of(session.id)) == 1


def test_course_versions_and_encrypted_goals(db_url):
    store = Store(db_url)
    patient = store.get_or_create_patient("Robin")
    records = MeasureRecords(store)
    assert records.course_of(patient.id) is None
    records.set_course(patient.id, kind="short_term", planned_sessions=12, review_every=4,
                       focus="symptom", first_session=1, goals=("sleep through the night",))
    records.set_course(patient.id, kind="open_ended", planned_sessions=None, review_every=6,
                       focus="personality", first_session=1, goals=("speak up at work",))
    course = records.course_of(patient.id)
    assert course.kind == "open_ended" and course.goals == ("speak up at work",)
    assert len(records.courses_of(patient.id)) == 2
    with store.engine.connect() as conn:
        blobs = conn.execute(select(t.courses.c.goals_enc)).scalars().all()
    assert all(b"speak" not in b and b"sleep" not in b for b in blobs)


def test_course_arithmetic():
    course = make_course("short_term", 8, 4, "symptom")
    assert review_points(course) == [1, 4, 8]
    assert [course_status(course, n).review for n in range(1, 10)] == [
        "baseline", "", "", "review", "", "", "", "final", "beyond plan"]
    assert course_status(course, 10).review == "" and course_status(course, 12).due
    assert course_status(course, 2).next_review == 4
    assert course_status(course, 5).next_review == 8
    assert course_status(course, 4).due == ("phq9", "gad7")
    line = opening_line(course, 4, True)
    assert "session 4 of 8" in line and "/measure phq9 and /measure gad7" in line
    assert "next review is at session 4" in opening_line(course, 3, True)
    late = make_course("short_term", 12, 4, "personality", first_session=3, goals=["a", "b"])
    assert course_status(late, 2).course_session == 0
    assert course_status(late, 6).due == ("phq9", "gad7", "rses", "wsas", "goals")
    open_course = make_course("open_ended", None, 6)
    assert review_points(open_course, 13) == [1, 6, 12]
    assert "session 7 of your open-ended course" in opening_line(open_course, 7, True)
    assert "/measure phq9" in opening_line(None, 1, False)
    assert opening_line(None, 3, True) == "" and opening_line(None, 2, False) == ""
    for bad in (("short_term", None), ("short_term", 0), ("open_ended", 5), ("weekly", 3)):
        with pytest.raises(TalkcureError):
            make_course(*bad)
    with pytest.raises(TalkcureError, match="at most 3 goals"):
        make_course("open_ended", None, goals=["a", "b", "c", "d"])
    with pytest.raises(TalkcureError, match="twice"):
        make_course("open_ended", None, goals=["a", "A"])
