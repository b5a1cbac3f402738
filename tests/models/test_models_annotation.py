"""The annotation fields the learned components add, and the pipelines that use them."""

from __future__ import annotations

from talkcure.listen.pipeline import Pipeline
from talkcure.model import Annotation, DefenseReading, TalkReading


def test_defense_and_talk_round_trip():
    ann = Annotation(text="It's fine, really.", defense=DefenseReading(3, "3 disavowal", 0.41),
                     talk=TalkReading("sustain", 0.62))
    data = ann.to_dict()
    assert data["defense"] == {"level": 3, "label": "3 disavowal", "confidence": 0.41}
    again = Annotation.from_dict(data)
    assert again.defense == ann.defense and again.talk == ann.talk
    assert Annotation.from_dict(Annotation(text="x").to_dict()).defense is None
    assert {"defense", "talk"} <= set(Annotation.SIGNALS)


def test_model_pipeline_fills_every_signal():
    from talkcure.listen.models_pipeline import model_pipeline

    pipe = model_pipeline()
    assert isinstance(pipe, Pipeline)
    assert pipe.names[0] == "risk"
    anns = pipe.annotate(["My boss shouted at me again and I felt so humiliated.",
                          "I dreamt about my father last night."])
    first = anns[0]
    assert first.risk is not None and not first.risk.flagged
    assert first.affects and first.defense is not None and first.talk is not None
    assert {"risk", "affects", "defense", "talk"} <= set(first.provenance)
    assert first.provenance["affects"].startswith("affect@goemotions")


def test_default_pipeline_is_the_learned_one_with_rules_as_floor():
    from talkcure.listen.pipeline import default_pipeline, rules_pipeline

    pipe = default_pipeline()
    assert pipe.names == ["risk", "affect", "people", "time", "alliance", "fantasy", "defense",
                          "talk"]
    risk = pipe.components[0]
    assert type(risk).__name__ == "LearnedRiskComponent"
    assert type(risk.rule).__name__ == "SemanticRiskComponent"  # rules OR meaning, then C-SSRS
    ann = pipe.annotate_one("I feel so ashamed of what I did.")
    assert "embarrassment" in {a.emotion for a in ann.affects} or any(
        a.cue == "ashamed" for a in ann.affects)
    assert "semantic" in ann.provenance["risk"] and "cssrs" in ann.provenance["risk"]
    assert rules_pipeline().names == ["risk", "affect", "people", "time", "alliance", "fantasy"]


def test_context_reaches_the_context_heads_only():
    from talkcure.listen.defense import DefenseComponent
    from talkcure.listen.talk import TalkComponent

    seen = {}

    class Spy(DefenseComponent):
        def read(self, texts, contexts):
            seen["contexts"] = list(contexts)
            return super().read(texts, contexts)

    class TalkSpy(TalkComponent):
        def read(self, texts, prevs=None):
            seen["prevs"] = list(prevs)
            return super().read(texts, prevs)

    from talkcure.listen.risk import RiskComponent

    pipe = Pipeline([RiskComponent(), Spy(), TalkSpy()])
    context = [("seeker", "old one"), ("supporter", "What was that like?"),
               ("seeker", "It was hard."), ("supporter", "Hard in what way?")]
    anns = pipe.annotate(["I don't know, it's fine.", "Anyway."], context=context)
    assert seen["contexts"][0] == "What was that like?\nIt was hard.\nHard in what way?"
    assert seen["contexts"][1] == "It was hard.\nHard in what way?\nI don't know, it's fine."
    assert seen["prevs"] == ["Hard in what way?", ""]
    assert all(a.defense is not None and a.talk is not None for a in anns)
    # without context a lone utterance has none
    pipe.annotate(["Anyway."])
    assert seen["contexts"] == [""] and seen["prevs"] == [""]


def test_learned_affect_keeps_named_feelings_as_a_floor():
    from talkcure.listen.affect import affects
    from talkcure.listen.affect_model import LearnedAffectComponent

    text = "Honestly I feel jealous of my sister and a bit guilty about it."
    lex = {a.emotion for a in affects(text)}
    got = {a.emotion for a in LearnedAffectComponent().read([text])[0]}
    assert lex and lex <= got
