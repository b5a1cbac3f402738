"""The listening pipeline with the learned components (the shipped default).

- **risk**: the rule component, then the semantic layer (rules OR meaning, see
  :mod:`talkcure.listen.risk_semantic`), then the C-SSRS head, which may only
  add a flag (:class:`~talkcure.listen.risk_model.LearnedRiskComponent`). A rule
  hit always stands, and any error reads as risk.
- **affect**: the GoEmotions head, with the affect lexicon's explicit feeling
  words kept as a floor (:class:`~talkcure.listen.affect_model.LearnedAffectComponent`).
- people, time, alliance and fantasy: the rule components.
- **defense** (PsyDefConv, DMRS level) and **talk** (AnnoMI client talk): heads
  that read the dialogue context the pipeline is given.

All learned components share one encoder (:func:`talkcure.listen.encoder.get_encoder`),
so each utterance is encoded once per batch.
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
    from talkcure.listen.risk_semantic import SemanticRiskComponent
    from talkcure.listen.talk import TalkComponent
    from talkcure.listen.time import TimeComponent

    components = [
        LearnedRiskComponent(rule=SemanticRiskComponent()),
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
