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
