"""Planner rules that read the learned readings of an utterance (METHOD §4).

Called by :class:`talkcure.respond.planner.Planner`; pure functions of the
annotation, the session state and the planner's configuration. A reading
counts only when its confidence reaches the configured threshold; with no
reading (``Annotation.defense`` / ``Annotation.talk`` is None, the rule-only
pipeline) nothing here applies and the planner behaves as without it.

- **Immature defense** (:func:`immature_defense`, :func:`support`): a DMRS
  level 1–3 reading (action, major image-distorting, disavowal) moves the turn
  to the supportive end: defense before content, and with low-level defenses
  the move is to support and strengthen, not to challenge or interpret. The
  planner withholds confrontation, interpretation and exploration this turn;
  when no patient-led rule applies, it validates.
- **Change talk** (:func:`talk_move`): affirm it and evoke more (an
  affirmation when the reading is strong, else an open question), focus
  ``change``.
- **Sustain talk** (:func:`talk_move`): roll with it: no confrontation, no
  push; reflect both sides of the ambivalence (validation with a feeling,
  else clarification), focus ``ambivalence``.
"""

from __future__ import annotations

from talkcure.formulate.defenses import DMRS_LEVELS
from talkcure.listen.text import clauses
from talkcure.model import Annotation, DefenseReading, Intervention, TalkReading
from talkcure.model import InterventionKind as K


def immature_defense(ann: Annotation, cfg) -> DefenseReading | None:
    """The defense reading when it is immature (DMRS 1..cfg.immature_max_level) and
    confident enough to act on; else None."""
    d = ann.defense
    if d is None or not 1 <= d.level <= cfg.immature_max_level:
        return None
    return d if d.confidence >= cfg.defense_confidence else None


def talk(ann: Annotation, cfg, kind: str) -> TalkReading | None:
    """The client-talk reading when it is of ``kind`` and confident enough; else None."""
    t = ann.talk
    if t is None or t.kind != kind or t.confidence < cfg.talk_confidence:
        return None
    return t


def _level(d: DefenseReading) -> str:
    return f"DMRS level {d.level} ({DMRS_LEVELS.get(d.level, d.label)})"


def _own_clause(text: str) -> str | None:
    """The utterance when it is one clause: the reading is of the whole utterance, so
    only then is it sure which words carried it."""
    spans = clauses(text)
    if len(spans) != 1:
        return None
    a, b = spans[0]
    return text[a:b]


def _with_own_clause(material: dict[str, str], text: str, focus: str) -> dict[str, str]:
    material = {**material, "focus": focus}
    material.pop("quote", None)
    own = _own_clause(text)
    if own:
        material["quote"] = own
    return material


def talk_move(ann: Annotation, cfg, material: dict[str, str], negative: bool
              ) -> Intervention | None:
    """Change talk: affirm and evoke. Sustain talk: reflect the ambivalence, no push.
    ``material``: the planner's material for the turn; ``negative``: a negative
    feeling is named."""
    change = talk(ann, cfg, "change")
    if change is not None:
        strong = change.confidence >= cfg.change_affirm_confidence
        why = (f"change talk (confidence {change.confidence:.2f} ≥ {cfg.talk_confidence}): "
               + ("affirm it and evoke more, in the person's own words" if strong else
                  "invite more of it (evoke), tentatively, without deciding for them"))
        return Intervention(
            K.AFFIRMATION if strong else K.ELABORATION,
            [why],
            material=_with_own_clause(material, ann.text, "change"),
            rule="change_talk",
        )
    sustain = talk(ann, cfg, "sustain")
    if sustain is not None:
        return Intervention(
            K.VALIDATION if negative else K.CLARIFICATION,
            [f"sustain talk (confidence {sustain.confidence:.2f} ≥ {cfg.talk_confidence}): "
             "roll with it: don't push or confront; reflect both sides of the ambivalence"],
            material=_with_own_clause(material, ann.text, "ambivalence"),
            rule="sustain_talk",
        )
    return None


def support(d: DefenseReading, cfg, material: dict[str, str]) -> Intervention:
    """The supportive move for a confident immature defense."""
    return Intervention(
        K.VALIDATION,
        [f"defense at {_level(d)}, confidence {d.confidence:.2f} ≥ {cfg.defense_confidence}: "
         "support, don't challenge: no confrontation or interpretation this turn; validate "
         "and strengthen what helps"],
        material={**material, "focus": "support"},
        rule="immature_defense",
    )


def noting(plan: Intervention, d: DefenseReading | None) -> Intervention:
    """Say in the reasons that an immature defense kept the expressive moves back."""
    if d is not None:
        plan.reasons.append(f"defense at {_level(d)}: support, don't challenge (no "
                            "confrontation or interpretation this turn)")
    return plan
