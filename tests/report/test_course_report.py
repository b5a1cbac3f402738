"""A scripted 8-session short-term course through the real command line: measures at
sessions 1, 4 and 8 (with bad answers asked again), the course shown at each opening,
the change classifications in `progress --json`, charts, the HTML and PDF report, and
the FHIR export re-imported to equal scores."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

PHQ9 = {1: [2, 2, 2, 2, 2, 2, 3, 3, 0], 4: [2, 2, 1, 2, 1, 2, 1, 2, 0],
        8: [1, 1, 1, 1, 1, 1, 1, 0, 0]}
GAD7 = {1: [2, 2, 2, 2, 1, 1, 2], 4: [1, 2, 1, 2, 1, 1, 1], 8: [1, 1, 1, 1, 0, 0, 1]}
GOALS = {1: [2, 3], 4: [4, 5], 8: [7, 6]}
TALK = [
    "I have been feeling very low since the winter and I can't sleep.",
    "My sister says I should get out more but I feel tired all the time.",
    "Work was a bit easier this week.",
]


SETTINGS = ("TALKCURE_HOME", "TALKCURE_KEY", "TALKCURE_KEY_FILE", "TALKCURE_DATABASE_URL",
            "TALKCURE_LOCALE", "TALKCURE_CRISIS_RESOURCES", "TALKCURE_SEED")


def runner(home: Path):
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS}
    env["TALKCURE_HOME"] = str(home)

    def talkcure(*args: str, input: str = "") -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "talkcure.cli", *args], input=input, capture_output=True,
            text=True, env=env, timeout=180,
        )
    return talkcure


def _answers(values: list[int], bad_first: bool = False) -> list[str]:
    lines = [str(v) for v in values]
    if bad_first:  # item 3: text, then 4 on a 0-3 item, then the real answer
        lines[2:2] = ["four", "4"]
    return lines


def _session(number: int) -> list[str]:
    lines = [TALK[number % len(TALK)]]
    if number in PHQ9:
        lines += ["/measure phq9", *_answers(PHQ9[number], bad_first=number == 4)]
        lines += ["/measure gad7", *_answers(GAD7[number])]
        lines += ["/measure goals", *_answers(GOALS[number])]
    return lines


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """Run the whole course once, in its own data directory."""
    folder = tmp_path_factory.mktemp("course")
    talkcure = runner(folder / "home")
    out = {"folder": folder, "run": talkcure}
    setup = talkcure("course", "Sam", "--short-term", "8", "--review-every", "4",
                     "--focus", "symptom")
    assert setup.returncode == 0, setup.stderr
    goals = talkcure("goals", "Sam", "sleep through the night", "go back to the choir")
    assert goals.returncode == 0, goals.stderr
    out["chats"] = {}
    for n in range(1, 9):
        chat = talkcure("chat", "--patient", "Sam", "--seed", "1",
                        input="\n".join(_session(n)) + "\n/quit\n")
        assert chat.returncode == 0, chat.stderr
        out["chats"][n] = chat.stdout
    progress = talkcure("progress", "Sam", "--json")
    assert progress.returncode == 0, progress.stderr
    out["progress"] = json.loads(progress.stdout)
    out["text"] = talkcure("progress", "Sam").stdout
    started = time.perf_counter()
    report = talkcure("report", "Sam", "--out", str(folder / "report"))
    out["report_seconds"] = time.perf_counter() - started
    assert report.returncode == 0, report.stderr
    out["report"] = report.stdout
    fhir = talkcure("export-fhir", "Sam", "--out", str(folder / "bundle.json"))
    assert fhir.returncode == 0, fhir.stderr
    return out


def test_openings_say_where_the_course_stands(course):
    opening = {n: text.split("\n\n")[0] for n, text in course["chats"].items()}
    assert "session 1 of 8" in opening[1] and "/measure phq9" in opening[1]
    assert "/measure goals" in opening[1]
    assert "session 2 of 8" in opening[2] and "next review is at session 4" in opening[2]
    assert "session 4 of 8" in opening[4]
    assert "a review is due today: /measure phq9, /measure gad7 and /measure goals" in opening[4]
    assert "session 8 of 8" in opening[8] and "final review" in opening[8]
    assert "988" in opening[1] and "conversation number 4" in opening[4]


def test_bad_answers_are_asked_again_and_the_right_ones_stored(course):
    chat = course["chats"][4]
    asks = chat.count("3 of 9. Trouble falling or staying asleep")
    assert asks == 3 and chat.count("Please answer with a number from 0 to 3") == 2
    phq = course["progress"]["measures"]["phq9"]
    assert phq["points"][1]["answers"] == {str(i + 1): v for i, v in enumerate(PHQ9[4])}


def test_progress_classifications(course):
    data = course["progress"]
    phq, gad = data["measures"]["phq9"], data["measures"]["gad7"]
    assert [p["total"] for p in phq["points"]] == [18, 13, 7]
    assert [p["session"] for p in phq["points"]] == [1, 4, 8]
    assert [p["band"] for p in phq["points"]] == ["moderately severe", "moderate", "mild"]
    assert phq["points"][1]["change_from_first"] == "no reliable change"  # -5 < 6
    assert phq["change"]["classification"] == "reliable recovery"  # -11, 18 -> 7 (< 10)
    assert phq["change"]["threshold"] == 6 and phq["change"]["cutoff"] == 10
    assert [p["total"] for p in gad["points"]] == [12, 9, 5]
    assert gad["points"][1]["change_from_first"] == "no reliable change"  # -3 < 4
    assert gad["change"]["classification"] == "reliable recovery"  # -7, 12 -> 5 (< 8)
    assert data["talking_therapies"]["classification"] == "reliable recovery"
    assert data["talking_therapies"]["caseness_at_start"] is True
    goals = {c["goal"]: c["classification"] for c in data["goals"]["change"]}
    assert goals == {"sleep through the night": "meaningful improvement",
                     "go back to the choir": "meaningful improvement"}
    course_info = data["course"]
    assert course_info["kind"] == "short_term" and course_info["review_points"] == [1, 4, 8]
    assert course_info["latest_session"]["review"] == "final"
    assert [s["measures"] for s in data["sessions"] if s["measures"]] == [
        ["phq9", "gad7", "goals"]] * 3
    assert "reliable recovery" in course["text"] and "NHS Talking Therapies" in course["text"]


def test_charts_and_reports_are_written(course):
    folder = course["folder"] / "report"
    for name in ("phq9", "gad7", "goals"):
        assert (folder / "charts" / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert b"<svg" in (folder / "charts" / f"{name}.svg").read_bytes()[:2000]
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "Clinician use only; not a diagnosis." in html
    assert html.count("data:image/svg+xml;base64,") == 3
    assert "reliable recovery" in html and "go back to the choir" in html
    assert "Formulation" in html and "NHS Talking Therapies" in html
    pdf = (folder / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(str(folder / "report.pdf"))
    assert 3 <= len(reader.pages) <= 8
    text = " ".join(page.extract_text() for page in reader.pages)
    for expected in ("Progress report: Sam", "not a diagnosis", "reliable recovery",
                     "NHS Talking Therapies", "Review points (sessions): 1, 4, 8", "Sessions"):
        assert expected in text, expected
    assert "Wrote" in course["report"]


def test_fhir_export_validates_and_reimports_to_equal_scores(course):
    from talkcure.measures import validate_resource

    bundle = json.loads((course["folder"] / "bundle.json").read_text())
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds.count("Questionnaire") == 2 and kinds.count("QuestionnaireResponse") == 6
    for entry in bundle["entry"]:
        validate_resource(entry["resource"])
    assert "Sam" not in json.dumps(bundle)  # pseudonymous subject
    talkcure = course["run"]
    setup = talkcure("course", "Copy", "--open-ended")
    assert setup.returncode == 0, setup.stderr
    imported = talkcure("import-fhir", "Copy", str(course["folder"] / "bundle.json"))
    assert imported.returncode == 0, imported.stderr
    copy = json.loads(talkcure("progress", "Copy", "--json").stdout)
    for inst in ("phq9", "gad7"):
        assert [p["total"] for p in copy["measures"][inst]["points"]] == \
            [p["total"] for p in course["progress"]["measures"][inst]["points"]]
