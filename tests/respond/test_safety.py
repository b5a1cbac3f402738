"""The crisis protocol, crisis resources per locale, and the outgoing-reply check."""

from __future__ import annotations

import json

import pytest

from talkcure.errors import TalkcureError
from talkcure.listen.risk import assess_risk
from talkcure.model import RiskAssessment
from talkcure.respond.crisis_resources import ENV, canonical_locale, load_resources
from talkcure.respond.safety import (
    CSSRS,
    CrisisProtocol,
    CrisisState,
    check_outgoing,
    interpret,
    interpret_safety,
)

SUICIDE = "I've been thinking about killing myself."


def _run(first: str, answers: list[str], locale: str = "US"):
    """Start the protocol with ``first`` and answer in turn; return every reply."""
    proto = CrisisProtocol(locale)
    replies = [proto.start(assess_risk(first))]
    for answer in answers:
        if replies[-1].state.completed:
            break
        replies.append(proto.respond(replies[-1].state, answer, assess_risk(answer)))
    return replies


PATHS = [
    (SUICIDE, ["yes", "yes", "yes", "no", "no", "no"]),
    (SUICIDE, ["no", "no", "no"]),
    (SUICIDE, ["what?", "hmm"]),
    (SUICIDE, ["I don't want to talk about it"]),
    ("I have a plan to kill myself tonight.", ["yes", "yes, and I've got the pills right here"]),
    ("I've been cutting again.", ["no", "no", "no"]),
    ("My partner hits me.", ["yes"]),
    ("My partner hits me.", ["no, he's outside"]),
    ("I'm going to hurt my neighbour, I swear.", ["I don't know", "maybe"]),
    ("I took too many pills an hour ago.", ["yes"]),
    ("I want to die", ["yes", "no, but my husband hits me", "no"]),
]


# --------------------------------------------------------------------------- resources named


@pytest.mark.parametrize(("locale", "contact"), [("US", "988"), ("GB", "116 123"),
                                                 ("IE", "116 123"), ("UK", "116 123"),
                                                 ("CA", "988"), ("AU", "13 11 14")])
@pytest.mark.parametrize(("first", "answers"), PATHS)
def test_every_crisis_reply_names_the_locale_line(locale, contact, first, answers):
    for reply in _run(first, answers, locale):
        assert contact in reply.text, (reply.step, reply.text)
        assert reply.resources_named and all(c in reply.text for c in reply.resources_named)
        assert check_outgoing(reply.text, "crisis", load_resources(locale)) == reply.text


def test_intl_replies_name_a_directory_and_the_emergency_number():
    for reply in _run(SUICIDE, ["yes", "no", "no"], "xx"):
        assert "findahelpline.com" in reply.text
    assert "112" in _run(SUICIDE, [], "xx")[0].text


def test_start_says_it_is_a_program_and_asks_question_one():
    first = _run(SUICIDE, [])[0]
    assert "program" in first.text and "not a person" in first.text
    assert first.text.rstrip().endswith("not wake up?")
    assert first.step == "start" and first.state.step == "cssrs_1" and first.state.active
    assert "exactly how you feel" not in first.text.lower()


def test_imminent_and_emergency_lead_with_call_now():
    for text in ("I'm on the bridge right now.",
                 "Tonight's the night, I'm finally going to do it."):
        assert _run(text, [])[0].text.startswith("Please call 911 now")
    overdose = _run("I took too many pills an hour ago.", [])[0]
    assert "hours later" in overdose.text and overdose.state.step == "safety"
    # an overdose read by the semantic fields alone (no overdose phrase) gets the same warning
    for text in ("I took every pill I had", "ate all my pills and I feel dizzy"):
        assert "field_overdose_taken" in assess_risk(text).cues
        assert "hours later" in _run(text, [])[0].text, text
    assert _run("I'm on the bridge right now.", [], "GB")[0].text.startswith("Please call 999 now")


def test_abuse_start_asks_about_safety_with_abuse_line():
    first = _run("My partner hits me.", [])[0]
    assert first.state.step == "safety" and first.text.rstrip().endswith("right now?")
    assert "1-800-799-7233" in first.text and "911" in first.text
    assert "0808 2000 247" in _run("My partner hits me.", [], "GB")[0].text


# --------------------------------------------------------------------------- screener order


def _asked(replies) -> list[str]:
    return [r.state.step for r in replies if r.state.step.startswith("cssrs")]


def test_screener_order_when_two_is_yes():
    replies = _run(SUICIDE, ["yes", "yes", "no", "no", "no", "no"])
    assert _asked(replies) == list(CSSRS)
    assert replies[-1].step == "graded" and replies[-1].state.completed


def test_screener_skips_three_to_five_when_two_is_no():
    replies = _run(SUICIDE, ["yes", "no", "no"])
    assert _asked(replies) == ["cssrs_1", "cssrs_2", "cssrs_6"]


def test_each_question_is_the_instrument_item():
    replies = _run(SUICIDE, ["yes", "yes", "yes", "yes", "yes"])
    assert "Have you actually had any thoughts of killing yourself?" in replies[1].text
    assert "Have you been thinking about how you might do this?" in replies[2].text
    assert "some intention of acting on them?" in replies[3].text
    assert "Do you intend to carry out this plan?" in replies[4].text
    assert "prepared to do anything to end your life?" in replies[5].text


# --------------------------------------------------------------------------- grading


@pytest.mark.parametrize(("answers", "level"), [
    (["no", "no", "no"], "low"),
    (["yes", "no", "no"], "low"),
    (["sometimes", "I have", "no", "no", "no", "no"], "low"),
    (["yes", "yes", "kind of", "no", "no", "no"], "moderate"),
    (["no", "no", "yes, years ago when I was a teenager"], "moderate"),
    (["yes", "yes", "no", "yes", "no", "no"], "high"),
    (["yes", "yes", "yes", "no", "maybe", "no"], "high"),
    (["no", "no", "yes"], "high"),  # a yes to 6 counts as recent unless it says otherwise
    (["yes", "no", "yes, last week"], "high"),
])
def test_grading(answers, level):
    last = _run(SUICIDE, answers)[-1]
    assert last.state.completed and not last.state.active
    assert last.level == level == last.state.level
    if level in ("moderate", "high"):
        assert "now" in last.text and "911" in last.text
    assert "988" in last.text


def test_negative_screen_is_low_and_says_so():
    last = _run(SUICIDE, ["no", "no", "no"])[-1]
    assert last.level == "low" and "negative" in last.flag_reason
    assert "haven't had thoughts" in last.text


def test_imminent_start_grades_at_least_high():
    last = _run("I have a plan to kill myself tonight.", ["no", "no", "no"])[-1]
    assert last.level == "high"


# --------------------------------------------------------------------------- unclear, refusal


def test_unclear_answer_is_asked_again_never_guessed():
    replies = _run(SUICIDE, ["yes", "I'm not sure what you mean"])
    again = replies[-1]
    assert again.state.step == "cssrs_2" and again.state.attempts_unclear == 1
    assert "cssrs_2" not in again.state.answers
    assert again.text != replies[-2].text and "killing yourself" in again.text
    answered = _run(SUICIDE, ["yes", "idk", "no"])[-1]
    assert answered.state.answers["cssrs_2"] is False and answered.state.attempts_unclear == 0


def test_two_unclear_answers_stop_and_grade_moderate():
    last = _run(SUICIDE, ["what?", "hmm"])[-1]
    assert last.state.completed and last.level == "moderate" and "unclear" in last.flag_reason


def test_refusal_stops_and_grades_conservatively():
    last = _run(SUICIDE, ["yes", "I don't want to talk about it"])[-1]
    assert last.state.completed and last.level == "moderate" and "refused" in last.flag_reason
    assert "stop asking" in last.text
    high = _run(SUICIDE, ["yes", "yes", "yes", "yes", "leave me alone"])[-1]
    assert high.level == "high"


@pytest.mark.parametrize(("text", "meaning"), [
    ("yes", "yes"), ("Yeah", "yes"), ("sometimes", "yes"), ("a bit", "yes"), ("maybe", "yes"),
    ("I think so", "yes"), ("kind of", "yes"), ("I have", "yes"), ("no", "no"), ("nope", "no"),
    ("not really", "no"), ("never", "no"), ("I haven't", "no"), ("I don't think so", "no"),
    ("I don't know", "unclear"), ("what do you mean?", "unclear"), ("the weather", "unclear"),
    ("not sure", "unclear"), ("I'd rather not say", "refused"), ("stop", "refused"),
])
def test_interpret(text, meaning):
    assert interpret(text) == meaning


def test_an_answer_flagged_for_suicide_counts_as_yes():
    text = "I just want to go to sleep and never wake up"
    assert interpret(text, assess_risk(text)) == "yes"


def test_interpret_safety():
    assert interpret_safety("yes I'm safe") == "safe"
    assert interpret_safety("he's gone out") == "safe"
    assert interpret_safety("no") == "unsafe"
    assert interpret_safety("yes but he's coming back") == "unsafe"
    assert interpret_safety("I think so") == "unclear"


# --------------------------------------------------------------------------- new risk, safety path


def test_imminent_language_mid_screen_jumps_to_urgent_resources():
    last = _run(SUICIDE, ["yes", "I've taken all my pills"])[-1]
    assert last.state.completed and last.level == "high"
    assert last.text.startswith("Please call 911 now") and "emergency" in last.state.kinds


def test_new_abuse_mid_screen_is_named_and_kept():
    replies = _run("I want to die", ["yes", "no, but my husband hits me"])
    assert "abuse" in replies[-1].state.kinds and "1-800-799-7233" in replies[-1].text
    assert replies[-1].state.step == "cssrs_6"  # the screen goes on
    last = _run("I want to die", ["yes", "no, but my husband hits me", "no"])[-1]
    assert "1-800-799-7233" in last.text and "hurting you" in last.text


def test_safety_path_grades():
    safe = _run("My partner hits me.", ["yes"])[-1]
    assert safe.level == "moderate" and safe.state.completed
    unsafe = _run("My partner hits me.", ["no, he's outside"])[-1]
    assert unsafe.level == "high" and unsafe.text.startswith("Please call 911 now")
    emergency = _run("I took too many pills an hour ago.", ["yes"])[-1]
    assert emergency.level == "high"


def test_respond_on_a_finished_state_starts_again():
    done = _run(SUICIDE, ["no", "no", "no"])[-1].state
    again = CrisisProtocol().respond(done, "I want to die", assess_risk("I want to die"))
    assert again.step == "start" and again.state.active


def test_error_assessment_runs_the_screen():
    reply = CrisisProtocol().start(RiskAssessment(flagged=True, kinds=("unknown",), error=True))
    assert reply.state.step == "cssrs_1" and "988" in reply.text


# --------------------------------------------------------------------------- state, wording


def test_state_round_trips_through_dicts():
    replies = _run(SUICIDE, ["yes", "yes", "idk"])
    state = replies[-1].state
    data = json.loads(json.dumps(state.to_dict()))
    back = CrisisState.from_dict(data)
    assert back == state
    proto = CrisisProtocol()
    a = proto.respond(state, "no", assess_risk("no"))
    b = proto.respond(back, "no", assess_risk("no"))
    assert a.text == b.text and a.state == b.state
    assert CrisisState.from_dict({"active": True, "unknown_field": 1}).active


def test_respond_does_not_change_the_state_it_was_given():
    state = _run(SUICIDE, [])[0].state
    before = state.to_dict()
    CrisisProtocol().respond(state, "yes", assess_risk("yes"))
    assert state.to_dict() == before


def test_wording_is_deterministic():
    assert _run(SUICIDE, ["yes", "no"])[-1].text == _run(SUICIDE, ["yes", "no"])[-1].text


def test_flag_reasons_hold_no_patient_text():
    for first, answers in PATHS:
        for reply in _run(first, answers):
            words = set(first.lower().split()) | {w for a in answers for w in a.lower().split()}
            long_words = {w for w in words if len(w) > 6}
            assert not any(w in reply.flag_reason.lower() for w in long_words), reply.flag_reason


# --------------------------------------------------------------------------- locales


@pytest.mark.parametrize(("given", "code"), [
    ("US", "US"), ("en_US", "US"), ("en-GB", "GB"), ("UK", "GB"), ("uk", "GB"),
    ("en_IE.UTF-8", "IE"), ("fr-CA", "CA"), ("AU", "AU"), ("en_NZ", "NZ"), ("", "INTL"),
    ("xx", "INTL"), ("de_DE", "INTL"), (None, "INTL"),
])
def test_locale_aliases(given, code):
    assert load_resources(given).locale == code


def test_canonical_locale():
    assert canonical_locale("en-gb") == "GB" and canonical_locale("de_DE") == "DE"


def test_shipped_resources():
    us = load_resources("US")
    assert us.emergency == "911" and us.primary.contact == "988"
    assert "741741" in us.primary.line() or any("text HOME to 741741" == r.action
                                                for r in us.resources)
    gb, ie = load_resources("GB"), load_resources("IE")
    assert gb.emergency == "999" and "112" in ie.emergency
    assert {"116 123", "85258"} <= set(gb.contacts) and "116 123" in ie.contacts
    assert load_resources("AU").emergency == "000" and "13 11 14" in load_resources("AU").contacts
    assert load_resources("CA").primary.contact == "988"
    assert "1800 737 732" in load_resources("AU").contacts


OVERRIDE = """
aliases:
  FRANCE: FR
locales:
  FR:
    name: France
    emergency: "112"
    resources:
      - {name: "3114 numero national de prevention du suicide", contact: "3114", how: call}
  US:
    name: Test US
    emergency: 911
    resources:
      - {name: Local line, contact: "555-0100", how: call}
"""


def test_override_file_replaces_and_extends(tmp_path, monkeypatch):
    path = tmp_path / "crisis.yaml"
    path.write_text(OVERRIDE)
    assert load_resources("FR", override_path=path).primary.contact == "3114"
    monkeypatch.setenv(ENV, str(path))
    assert load_resources("France").locale == "FR"
    us = load_resources("US")
    assert us.primary.contact == "555-0100" and us.emergency == "911"
    assert load_resources("GB").primary.contact == "116 123"  # untouched
    reply = CrisisProtocol("FR").start(assess_risk("I want to die"))
    assert "3114" in reply.text and "112" in reply.text


@pytest.mark.parametrize(("body", "problem"), [
    ("locales: {US: {emergency: '911', resources: [{name: X, how: call}]}}", "'contact'"),
    ("locales: {US: {emergency: '911', resources: []}}", "non-empty 'resources'"),
    ("locales: {US: {resources: [{name: X, contact: '1', how: call}]}}", "'emergency'"),
    ("just a string", "top-level 'locales'"),
    ("locales: {US: [unclosed", "not readable YAML"),
])
def test_malformed_override_says_what_to_fix(tmp_path, monkeypatch, body, problem):
    path = tmp_path / "bad.yaml"
    path.write_text(body)
    monkeypatch.setenv(ENV, str(path))
    with pytest.raises(TalkcureError) as err:
        load_resources("US")
    message = str(err.value)
    assert problem in message and str(path) in message and ENV in message
    assert "\n" not in message and message.count(". ") == 0 and message.endswith(".")


def test_missing_override_file(tmp_path):
    with pytest.raises(TalkcureError, match="can't be read"):
        load_resources("US", override_path=tmp_path / "nope.yaml")


# --------------------------------------------------------------------------- check_outgoing

US = load_resources("US")


@pytest.mark.parametrize(("text", "replaced_by"), [
    ("I am a human, so I get it.", "computer program"),
    ("Honestly, I'm a real person too.", "computer program"),
    ("As a therapist, I think you should rest.", "computer program"),
    ("It sounds like you have depression.", "can't diagnose"),
    ("You are bipolar, that explains it.", "can't diagnose"),
    ("You're clinically depressed.", "can't diagnose"),
    ("You should stop taking your pills.", "can't advise on medication"),
    ("Maybe increase your dose a little.", "can't advise on medication"),
    ("Try taking melatonin tonight.", "can't advise on medication"),
])
def test_check_outgoing_replaces_unsafe_sentences(text, replaced_by):
    out = check_outgoing("That sounds hard. " + text + " How was today?", "validation", US)
    assert replaced_by in out and text not in out
    assert out.startswith("That sounds hard.") and out.endswith("How was today?")
    assert check_outgoing(out, "validation", US) == out  # the replacement passes itself


@pytest.mark.parametrize("text", [
    "I'm a program, not a person, so I will miss things.",
    "I'm not a human, but I'm listening.",
    "You're feeling depressed again, and that's heavy.",
    "Try taking a short walk when it builds up.",
    "A doctor can help you think about your medication.",
])
def test_check_outgoing_leaves_safe_replies_alone(text):
    assert check_outgoing(text, "validation", US) == text


def test_check_outgoing_appends_resources_to_a_crisis_reply_without_them():
    out = check_outgoing("I'm worried about you.", "crisis", US)
    assert out.startswith("I'm worried about you.") and "988" in out and "911" in out
    assert check_outgoing("", "crisis", US).count("988") >= 1
    gb = check_outgoing("I'm worried about you.", "crisis", load_resources("GB"))
    assert "116 123" in gb
    named = "Please call or text 988 now."
    assert check_outgoing(named, "crisis", US) == named
    assert check_outgoing("I'm worried about you.", "validation", US) == "I'm worried about you."


def test_check_outgoing_defaults_to_us_resources():
    assert "988" in check_outgoing("Please reach out.", "crisis")
