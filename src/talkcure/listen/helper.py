"""What a helper's turn does: AnnoMI therapist behaviour, ESConv strategy and the
three EPITOME empathy mechanisms (0 none, 1 weak, 2 strong).

Used by ``talkcure analyze`` on the therapist/supporter side of a transcript
(and available for the companion's own replies). The previous turn of the
other speaker is the context: the client utterance the behaviour follows, the
seeker post the response answers. Trained on AnnoMI (research use), ESConv
(CC BY-NC 4.0) and EPITOME (research / non-commercial): see the model cards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from talkcure.listen.heads import load_head

EMPATHY = ("epitome_er", "epitome_ip", "epitome_ex")


@dataclass(frozen=True)
class HelperReading:
    behaviour: str  # AnnoMI: question | reflection | therapist_input | other
    strategy: str  # ESConv strategy, e.g. "Reflection of feelings"
    emotional_reactions: int  # EPITOME levels 0-2
    interpretations: int
    explorations: int


def read_helper(texts: Sequence[str], prevs: Sequence[str]) -> list[HelperReading]:
    """One reading per helper turn; ``prevs[i]`` is the other speaker's turn before it."""
    if not texts:
        return []
    texts, prevs = list(texts), list(prevs)
    preds = {}
    for name, ctx in (("annomi_therapist", "prev"), ("esconv", "prev"),
                      *((e, "seeker") for e in EMPATHY)):
        head = load_head(name)
        proba = head.proba({"text": texts, ctx: prevs})
        preds[name] = [head.labels[int(i)] for i in proba.argmax(axis=1)]
    return [
        HelperReading(
            behaviour=preds["annomi_therapist"][i],
            strategy=preds["esconv"][i],
            emotional_reactions=int(preds["epitome_er"][i][0]),
            interpretations=int(preds["epitome_ip"][i][0]),
            explorations=int(preds["epitome_ex"][i][0]),
        )
        for i in range(len(texts))
    ]
