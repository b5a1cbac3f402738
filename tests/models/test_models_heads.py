"""The shipped heads load and read real sentences sensibly."""

from __future__ import annotations

import numpy as np
import pytest

from talkcure.listen.affect_model import LearnedAffectComponent
from talkcure.listen.defense import DefenseComponent, format_context
from talkcure.listen.heads import Head, load_head, weights_dir
from talkcure.listen.helper import read_helper
from talkcure.listen.talk import TalkComponent
from talkcure.model import Annotation

HEADS = ["goemotions", "psydefconv", "esconv", "annomi_therapist", "annomi_client",
         "epitome_er", "epitome_ip", "epitome_ex", "cssrs"]


@pytest.mark.parametrize("name", HEADS)
def test_every_head_ships_with_a_model_card(name):
    head = load_head(name)
    assert head.labels and head.tfidf is not None and head.w2 is not None
    card = (weights_dir() / f"{name}.md").read_text(encoding="utf-8")
    assert "licence" in card and f"talkcure train {name}" in card
    proba = head.proba({"text": ["I don't know what to do anymore."]})
    assert proba.shape == (1, len(head.labels))
    if not head.multilabel:
        assert proba.sum() == pytest.approx(1.0, abs=1e-4)


def test_weight_files_are_small():
    total = sum(p.stat().st_size for p in weights_dir().glob("*.npz"))
    assert total < 40_000_000


def _emotions(text: str) -> dict[str, float]:
    ann = Annotation(text=text)
    LearnedAffectComponent().annotate([ann])
    return {a.emotion: a.intensity for a in ann.affects}


def test_learned_affect_on_real_sentences():
    assert "gratitude" in _emotions("Thank you so much for listening to me, it really helped.")
    assert {"fear", "nervousness"} & set(_emotions("I'm terrified of what the scan will show."))
    sad = _emotions("My grandmother died last week and I can't stop crying.")
    assert {"sadness", "grief"} & set(sad)
    assert _emotions("The meeting is on Tuesday at three.") == {}


def test_learned_affect_records_fit_the_contract():
    ann = Annotation(text="I'm so angry at my brother for lying to me again!")
    LearnedAffectComponent().annotate([ann])
    assert ann.affects
    for a in ann.affects:
        assert 0.0 < a.intensity <= 1.0
        assert a.group in {"anger", "disgust", "fear", "joy", "sadness", "surprise"}
        assert a.cue and 0 <= a.start <= a.end <= len(ann.text)
    assert "anger" in {a.group for a in ann.affects}


def test_defense_reading_uses_context():
    comp = DefenseComponent()
    texts = ["It's fine, it doesn't really bother me, whatever.",
             "I guess I can see that I was angry and I want to talk to her about it."]
    ctx = [format_context([("supporter", "How did you feel when she left?")])] * 2
    readings = comp.read(texts, ctx)
    assert [0 <= r.level <= 8 for r in readings] == [True, True]
    assert all(r.label == load_head("psydefconv").labels[r.level] for r in readings)
    anns = [Annotation(text=t) for t in texts]
    comp.annotate(anns)
    assert all(a.defense is not None for a in anns)


def test_client_talk_change_and_sustain():
    talk = TalkComponent().read([
        "I really want to cut down on my drinking, I know it's hurting my kids.",
        "Honestly, drinking is how I relax and I don't see why I should stop.",
    ])
    assert [t.kind for t in talk] == ["change", "sustain"]


def test_helper_moves():
    readings = read_helper(
        ["What would you like to talk about today?",
         "So you feel torn: part of you wants to quit, and part of you enjoys it.",
         "That sounds really painful. I'm so sorry you're going through this."],
        ["", "I want to quit but I also like smoking.", "My dad passed away last month."],
    )
    assert readings[0].behaviour == "question" and readings[0].strategy == "Question"
    assert readings[1].behaviour == "reflection"
    assert readings[2].emotional_reactions >= 1


def test_save_and_load_round_trip(tmp_path):
    head = load_head("annomi_client")
    path = head.save(tmp_path / "copy.npz")
    again = Head.load(path)
    items = {"text": ["I might try to cut back a bit.", "No way."], "prev": ["", ""]}
    assert np.allclose(head.proba(items), again.proba(items), atol=1e-3)
    assert again.labels == head.labels and again.mix == head.mix
