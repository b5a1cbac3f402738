"""The listening pipeline with the learned components.

``model_pipeline()`` is :func:`talkcure.listen.pipeline.default_pipeline` with
the learned risk component (rules first, the C-SSRS head may only add flags)
and the learned affect component in place of the lexicon ones, plus the
defense-level and client-talk heads. All learned components share one encoder
(:func:`talkcure.listen.encoder.get_encoder`), so each utterance is encoded
once per batch.
"""

from __future__ import annotations

from talkcure.listen.pipeline import Pipeline


def model_pipeline(defense: bool = True, talk: bool = True) -> Pipeline:
    from talkcure.listen.affect_model import LearnedAffectComponent
    from talkcure.listen.alliance import AllianceComponent
    from talkcure.listen.defense import DefenseComponent
    from talkcure.listen.fantasy import FantasyComponent
    from talkcure.listen.people import PeopleComponent
    from talkcure.listen.risk_model import LearnedRiskComponent
    from talkcure.listen.talk import TalkComponent
    from talkcure.listen.time import TimeComponent

    components = [
        LearnedRiskComponent(),
        LearnedAffectComponent(),
        PeopleComponent(),
        TimeComponent(),
        AllianceComponent(),
        FantasyComponent(),
    ]
    if defense:
        components.append(DefenseComponent())
    if talk:
        components.append(TalkComponent())
    return Pipeline(components)
