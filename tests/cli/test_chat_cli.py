"""`talkcure chat`, `show` and `sessions` driven through the real command line."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# Seeker messages from ESConv (../shared/data/esconv, dialogues valid_0022 and
# valid_0030, CC BY-NC 4.0), de-tokenised; arranged into a three-session course.
SESSION_1 = [
    "Hello I am very sad. I am more depressed than ever.",
    "I recently broke up with my girlfriend.",
    "Its been very hard on me. I've spent the last few years with her.",
    "I've been trying to talk to family. Mainly my mom. And brother.",
    "Family is always there for me. Its only hard because I've been with my gf for so long.",
]
SESSION_2 = [
    "Im not doing very good.",
    "My girlfriend never really listened to me and I felt so lonely with her.",
    "I try to keep my personal life away from my coworkers.",
]
SESSION_3 = [
    "I keep thinking about her.",
    "When I was a kid my mom worked all the time and I felt lonely.",
]


def talkcure(*args: str, input: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "talkcure.cli", *args],
        input=input, capture_output=True, text=True, env={**os.environ, **(env or {})},
        timeout=120,
    )


def chat(lines: list[str], *extra: str) -> subprocess.CompletedProcess:
    return talkcure("chat", "--patient", "Sam", "--seed", "1", *extra,
                    input="\n".join(lines) + "\n/quit\n")


def test_three_session_course_remembers_session_one():
    first = chat(SESSION_1)
    assert first.returncode == 0, first.stderr
    opening = first.stdout.split("\n\n")[0]
    assert "program" in opening and "not a therapist or a clinician" in opening
    assert "988" in opening and "/quit" in opening
    closing = first.stdout.strip().split("\n\n")[-1]
    assert "Before you go" in closing
    assert "sad" in closing and "your girlfriend" in closing
    assert "Something to carry forward" in closing

    second = chat(SESSION_2)
    assert second.returncode == 0, second.stderr
    assert "conversation number 2" in second.stdout
    assert "Last time you talked about" in second.stdout and "girlfriend" in \
        second.stdout.split("\n\n")[0]

    third = chat(SESSION_3)
    assert third.returncode == 0, third.stderr
    opening3 = third.stdout.split("\n\n")[0]
    assert "conversation number 3" in opening3
    recall = [line for line in opening3.splitlines() if "In our first conversation" in line]
    assert recall, opening3
    # material said in session 1 only (session 2 spoke of the girlfriend, but not of the
    # break-up, the family or being depressed)
    assert any(w in recall[0] for w in ("your mom", "your family", "your brother",
                                        "you are very sad", "you are more depressed",
                                        "broke up with your girlfriend"))

    listing = talkcure("sessions", "--patient", "Sam")
    assert listing.returncode == 0 and listing.stdout.count("\n") >= 3


def test_replies_are_deterministic_for_a_seed():
    a = chat(SESSION_1[:3], "--patient", "A")
    b = chat(SESSION_1[:3], "--patient", "B")
    assert a.returncode == b.returncode == 0
    assert a.stdout.split("\n\n")[1:-1] == b.stdout.split("\n\n")[1:-1]


def test_crisis_reply_flags_the_session_and_show_explains_it():
    out = chat(["I have been feeling low for weeks.",
                "Honestly I don't want to be alive anymore."])
    assert out.returncode == 0, out.stderr
    crisis_reply = out.stdout.split("\n\n")[2]
    assert "988" in crisis_reply
    listing = talkcure("sessions", "--patient", "Sam")
    assert "risk" in listing.stdout.lower()
    shown = talkcure("show", "1")
    assert shown.returncode == 0, shown.stderr
    assert "plan: crisis" in shown.stdout and "risk_preempts" in shown.stdout
    assert "risk: suicide" in shown.stdout
    assert "FLAGGED" in shown.stdout


def test_show_prints_plan_reasons_and_annotations():
    chat(["My boss shouted at me in front of everyone and I felt humiliated.",
          "I had a dream last night that I was falling."])
    shown = talkcure("show", "1")
    assert shown.returncode == 0, shown.stderr
    assert "plan: " in shown.stdout and "because " in shown.stdout
    assert "people: boss (work)" in shown.stdout
    assert "fantasy: dream" in shown.stdout
    as_json = talkcure("show", "1", "--json")
    assert '"plan"' in as_json.stdout and '"reasons"' in as_json.stdout


@pytest.mark.parametrize("bad,expect", [
    ("", "empty"),
    ("x" * (1024 * 1024), "too long"),
    ("I feel \x1b[31m sad", "control character"),
])
def test_bad_messages_exit_2_and_keep_what_was_stored(bad, expect):
    out = talkcure("chat", "--patient", "Sam",
                   input="My sister never calls me and I feel forgotten.\n" + bad + "\nmore\n")
    assert out.returncode == 2
    assert expect in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    shown = talkcure("show", "1")
    assert "My sister never calls me" in shown.stdout
    assert "more" not in [line.split(": ", 1)[-1] for line in shown.stdout.splitlines()]


def test_refused_message_with_risk_language_still_gets_crisis_contacts():
    long_risky = "I want to kill myself. " + "blah " * 2000
    out = talkcure("chat", "--patient", "Sam", input=long_risky + "\n")
    assert out.returncode == 2
    assert "988" in out.stderr
    assert "risk" in talkcure("sessions", "--patient", "Sam").stdout.lower()


def test_user_errors_exit_2_with_one_sentence(home):
    cases = [
        talkcure("show", "999"),
        talkcure("sessions", "--patient", "Nobody"),
        talkcure("chat", "--db", "nosuchdb://x", input="hi\n"),
    ]
    home.mkdir(parents=True, exist_ok=True)
    (home / "junk.db").write_bytes(b"not a database at all" * 50)
    cases.append(talkcure("chat", "--db", f"sqlite:///{home / 'junk.db'}", input="hi\n"))
    for out in cases:
        assert out.returncode == 2, out
        assert out.stderr.startswith("Error: ") and "Traceback" not in out.stderr
        assert len(out.stderr.strip().splitlines()) == 1


def test_wrong_key_exit_2_and_data_kept():
    assert chat(["I feel anxious about work."]).returncode == 0
    out = talkcure("chat", "--patient", "Sam", input="hello\n",
                   env={"TALKCURE_KEY": "A" * 43 + "="})
    assert out.returncode == 2 and "key does not match" in out.stderr
    assert "I feel anxious about work." in talkcure("show", "1").stdout


def test_help_lists_commands():
    out = talkcure("--help")
    assert out.returncode == 0
    for name in ("chat", "show", "sessions"):
        assert name in out.stdout
