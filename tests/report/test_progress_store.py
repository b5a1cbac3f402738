"""Progress and report data built in-process from the store, on SQLite and PostgreSQL:
results entered outside sessions sit between sessions, change is classified, goals
and flags are gathered, and the HTML renders with every section."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest

from talkcure.measures import score, score_goals
from talkcure.store import Store
from talkcure.store.measure_records import MeasureRecords


def _fill(db_url: str) -> Store:
    store = Store(db_url)
    patient = store.get_or_create_patient("Noor")
    records = MeasureRecords(store)
    records.set_course(patient.id, kind="open_ended", planned_sessions=None, review_every=3,
                       focus="personality", first_session=1, goals=("a walk each day",))
    start = datetime.now(UTC) - timedelta(days=30)
    records.add_result(patient.id, "rses", score("rses", [1] * 10).to_dict(), via="entry",
                       administered_at=start)
    first = store.start_session(patient.id, {})
    records.add_result(patient.id, "wsas", score("wsas", [6, 6, 6, 6, 6]).to_dict(),
                       session_id=first.id)
    goals = score_goals([("a walk each day", 2)])
    records.add_result(patient.id, "goals", {"goals": [{"name": "a walk each day",
                                                       "rating": 2}], "mean": goals.mean},
                       session_id=first.id)
    second = store.start_session(patient.id, {})
    store.add_flag(second.id, "risk", "low", "risk language; crisis protocol started")
    records.add_result(patient.id, "wsas", score("wsas", [1, 1, 1, 1, 1]).to_dict(),
                       session_id=second.id)
    records.add_result(patient.id, "rses", score("rses", [3, 0, 3, 3, 0, 0, 3, 0, 0, 3])
                       .to_dict(), via="entry")
    records.add_result(patient.id, "goals", {"goals": [{"name": "a walk each day",
                                                       "rating": 6}], "mean": 6.0},
                       session_id=second.id)
    return store


def test_progress_from_the_store(db_url):
    from talkcure.report.progress import build_progress, progress_text

    data = build_progress(_fill(db_url), "Noor")
    rses, wsas = data["measures"]["rses"], data["measures"]["wsas"]
    assert [p["x"] for p in rses["points"]] == [0.5, 2.5]  # before session 1, after session 2
    assert [p["total"] for p in rses["points"]] == [15, 30]
    assert rses["change"]["method"] == "jacobson_truax"
    assert rses["change"]["classification"] == "reliable improvement"  # not clinical at start
    assert wsas["change"]["classification"] == "reliable recovery"  # 30 -> 5, cut-off 10
    assert [p["session"] for p in wsas["points"]] == [1, 2]
    assert data["talking_therapies"] is None
    assert data["goals"]["change"][0]["classification"] == "meaningful improvement"
    assert data["course"]["kind"] == "open_ended" and data["course"]["review_points"] == [1, 3]
    assert data["flags"][0]["session"] == 2
    text = progress_text(data)
    assert "Jacobson-Truax" in text and "a walk each day: 2 -> 6" in text


def test_report_html_has_every_section(db_url, tmp_path):
    pytest.importorskip("matplotlib")
    from talkcure.report import write_report

    paths = write_report(_fill(db_url), "Noor", tmp_path / "out")
    html = open(paths["html"], encoding="utf-8").read()

    class Headings(HTMLParser):
        def __init__(self):
            super().__init__()
            self.h2, self.inside = [], False

        def handle_starttag(self, tag, attrs):
            self.inside = tag == "h2"

        def handle_data(self, data):
            if self.inside:
                self.h2.append(data.strip())
                self.inside = False

    parser = Headings()
    parser.feed(html)
    assert parser.h2 == ["Treatment course", "Measures and change", "Goals", "Risk", "Sessions",
                         "Formulation: recurring themes", "Instruments and sources"]
    assert "risk language; crisis protocol started" in html
    assert sorted(paths["charts"]) == ["goals", "rses", "wsas"]
    assert open(paths["pdf"], "rb").read(5) == b"%PDF-"
    assert (tmp_path / "out" / "report.pdf").stat().st_mode & 0o077 == 0
