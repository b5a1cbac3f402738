"""`/measure` inside `talkcure chat` and `talkcure measure`, through the command line:
bad answers are asked again (never guessed), /skip follows the missing-item rule,
/cancel stores nothing, PHQ-9 item 9 above 0 starts the crisis protocol at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


def talkcure(*args: str, input: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "talkcure.cli", *args], input=input, capture_output=True,
        text=True, env=dict(os.environ), timeout=120,
    )


def chat(lines: list[str], patient: str = "Ana") -> subprocess.CompletedProcess:
    out = talkcure("chat", "--patient", patient, "--seed", "1",
                   input="\n".join(lines) + "\n/quit\n")
    assert out.returncode == 0, out.stderr
    return out


def progress(patient: str = "Ana") -> dict:
    out = talkcure("progress", patient, "--json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_bad_answers_are_asked_again_and_cancel_stores_nothing():
    bad = ["", "four", "4", "-1", "2.5", "sometimes"]
    out = chat(["/measure phq9", *bad, "several days", "2", "/cancel", "I feel calmer now."])
    paragraphs = out.stdout.split("\n\n")
    assert out.stdout.count("Please answer with a number from 0 to 3") == len(bad)
    assert out.stdout.count("1 of 9. Little interest") == len(bad) + 1
    assert "3 of 9." in out.stdout and "4 of 9." not in out.stdout
    assert any("PHQ-9 stopped; nothing from it was stored." in p for p in paragraphs)
    assert progress()["measures"] == {}


def test_skip_follows_the_missing_item_rule_and_item_9_cannot_be_skipped():
    answers = ["1", "/skip", "1", "/skip", "1", "/skip", "1", "1", "1", "/skip", "0"]
    out = chat(["/measure phq9", *answers])
    assert "No more questions can be left out" in out.stdout
    assert "can't be skipped: it is a safety question" in out.stdout
    point = progress()["measures"]["phq9"]["points"][0]
    # 6 answered items scoring 6 in total, pro-rated: 6 x 9/7 = 7.71 -> 8 (7 answered incl. 9)
    assert point["missing"] == [2, 4] and point["prorated"] is True
    assert point["total"] == 8 and point["session"] == 1


def test_wsas_work_item_skipped_as_not_working():
    out = chat(["/measure wsas", "/skip", "2", "4", "6", "8"])
    assert "not working for reasons unrelated" in out.stdout
    point = progress()["measures"]["wsas"]["points"][0]
    assert point["total"] == 25 and point["missing"] == [1]  # 20 x 5/4
    assert any("left out" in n for n in point["notes"])


def test_phq9_item_9_starts_the_crisis_protocol_at_once():
    out = chat(["/measure phq9", *["0"] * 8, "1", "no"], patient="Lee")
    after_item_9 = out.stdout.split("9 of 9.")[1]
    # the reply to item 9 itself: the score, then the crisis protocol's first reply
    reply = after_item_9.split("Have you wished you were dead")[0]
    assert "PHQ-9 score is 1 out of 27" in reply and "988" in reply
    assert "thoughts of killing yourself" in after_item_9  # "no" moved the screener on
    data = progress("Lee")
    assert data["measures"]["phq9"]["points"][0]["risk"] is True
    reasons = [f["reason"] for f in data["flags"]]
    assert any("PHQ-9 item 9" in r for r in reasons)
    assert data["sessions"][0]["flagged"] is True


def test_risk_language_in_an_answer_goes_to_the_crisis_protocol():
    out = chat(["/measure gad7", "1", "honestly I want to kill myself"], patient="Kim")
    assert "988" in out.stdout and "put the questionnaire aside" in out.stdout
    data = progress("Kim")
    assert data["measures"] == {} and data["flags"]


def test_unknown_measure_and_goals_without_a_course():
    out = chat(["/measure phq10", "/measure goals", "/measure", "hello there"])
    assert "Unknown measure 'phq10'" in out.stdout
    assert "No goals are set yet" in out.stdout
    assert "Which questionnaire?" in out.stdout


@pytest.mark.parametrize("answers,expect", [
    ("0,1,2,3,0,1,2,3,x", "Answer 9 ('x') was not taken: please answer"),
    ("0,1,2,3,0,1,2,3,4", "Answer 9 ('4') was not taken"),
    ("0,1,2", "Give 9 answers for the PHQ-9"),
    ("0,1,2,3,0,1,2,3,", "safety question"),
    (",,,0,0,0,0,0,0", "needs at least 7 of its 9 answers"),
])
def test_measure_command_bad_answers_exit_2_and_store_nothing(answers, expect):
    chat(["Hello."])
    out = talkcure("measure", "Ana", "phq9", "--answers", answers)
    assert out.returncode == 2, out.stdout
    assert expect in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert progress()["measures"] == {}


def test_measure_command_scripted_lines_and_session_flag():
    chat(["Hello."])
    good = talkcure("measure", "Ana", "gad7", input="1\nseveral days\n2\n0\n\n1\n3\n")
    assert good.returncode == 0, good.stderr
    assert "GAD-7 score is 9 out of 21" in good.stdout  # 8 from 6 items, pro-rated to 9.33
    flagged = talkcure("measure", "Ana", "phq9", "--answers", "0,0,0,0,0,0,0,0,2",
                       "--session", "1")
    assert flagged.returncode == 0 and "988" in flagged.stdout
    data = progress()
    assert [p["total"] for p in data["measures"]["gad7"]["points"]] == [9]
    assert data["sessions"][0]["flagged"] and data["measures"]["phq9"]["points"][0]["session"] == 1
    unknown = talkcure("measure", "Nobody", "phq9", "--answers", "0,0,0,0,0,0,0,0,0")
    assert unknown.returncode == 2 and "No person called" in unknown.stderr
    wrong = talkcure("measure", "Ana", "phq9", "--answers", "0,0,0,0,0,0,0,0,0",
                     "--session", "99")
    assert wrong.returncode == 2 and "not one of this person's sessions" in wrong.stderr
