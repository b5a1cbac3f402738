"""The session service in-process: one transaction per turn, no patient text in logs."""

from __future__ import annotations

import logging

import pytest

from talkcure.model import InterventionKind
from talkcure.store import Store
from talkcure.therapy import Companion, MessageError, validate_message

MESSAGES = [
    "My father always criticised everything I did when I was a child and I felt worthless.",
    "Now my manager does the same thing and I feel worthless again.",
    "I had a dream that I was shouting at him.",
    "I want to die sometimes.",
    "yes",
]


def test_no_patient_text_in_logs(sqlite_url, caplog):
    caplog.set_level(logging.DEBUG)
    companion = Companion(Store(sqlite_url), seed=2)
    conv = companion.open("Private Person")
    for m in MESSAGES:
        conv.reply(m)
    conv.close()
    logged = caplog.text + " ".join(str(r.args) for r in caplog.records)
    assert caplog.records  # logging did happen
    for m in MESSAGES:
        for fragment in (m[:25], "worthless", "Private Person"):
            assert fragment not in logged


def test_a_turn_that_cannot_be_stored_changes_nothing(sqlite_url, monkeypatch):
    store = Store(sqlite_url)
    conv = Companion(store, seed=2).open("Ana")
    conv.reply("My mother forgot my birthday and I feel hurt.")
    state_before = conv.state.to_dict()

    def fail(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "record_exchange", fail)
    with pytest.raises(RuntimeError):
        conv.reply("My mother ignored me again and I feel hurt.")
    monkeypatch.undo()
    assert conv.state.to_dict() == state_before
    assert len(store.turns_of(conv.session.id)) == 2
    assert all(m.turn_id != 0 for t in conv.memory.themes.values() for m in t.mentions)
    conv.reply("Anyway.")
    assert len(store.turns_of(conv.session.id)) == 4


def test_crisis_pre_empts_and_is_stored_with_a_flag(db_url):
    store = Store(db_url)
    conv = Companion(store, seed=2).open("Ana")
    reply = conv.reply("i just want to kms tbh")
    assert reply.plan.kind == InterventionKind.CRISIS
    assert "988" in reply.text
    info = store.get_session(conv.session.id)
    assert info.flagged
    assert store.flags_of(conv.session.id)[0]["kind"] == "risk"


def test_validate_message():
    assert validate_message("  hello \n") == "hello"
    for bad in ("", "   ", "a" * 4001, "bell\x07"):
        with pytest.raises(MessageError):
            validate_message(bad)
    with pytest.raises(MessageError) as err:
        validate_message("I want to end my life " * 400)
    assert err.value.risk


def test_live_turns_give_the_context_heads_the_session_so_far(sqlite_url):
    """The defense and client-talk heads read the turns before an utterance: in chat
    these are the person's earlier messages and the companion's replies, also after
    the session is resumed from the store (the web app rebuilds it per request)."""
    from talkcure.listen.defense import DefenseComponent
    from talkcure.listen.pipeline import Pipeline
    from talkcure.listen.risk import RiskComponent
    from talkcure.web.chat import resume

    contexts: list[list[tuple[str, str]]] = []

    class Spy(DefenseComponent):
        def annotate(self, annotations, context=()):
            contexts.append(list(context))
            super().annotate(annotations, context=context)

    store = Store(sqlite_url)
    companion = Companion(store, pipeline=Pipeline([RiskComponent(), Spy()]), seed=2)
    conv = companion.open("Context Person")
    first = conv.reply(MESSAGES[0])
    second = conv.reply(MESSAGES[1])
    assert contexts[0] == []
    assert contexts[1] == [("seeker", MESSAGES[0]), ("supporter", first.text)]
    assert second.annotation.defense is not None
    again = resume(companion, conv.patient, conv.session)
    again.reply(MESSAGES[2])
    assert contexts[2] == [("supporter", first.text), ("seeker", MESSAGES[1]),
                           ("supporter", second.text)]
