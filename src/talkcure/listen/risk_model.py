"""Risk: the rule component, then a learned head that can only add flags.

:class:`LearnedRiskComponent` *is* the pipeline's risk component (it assigns
``risk``): it runs the rule component (``talkcure.listen.risk.RiskComponent``)
first, and then, for each utterance the rules did **not** flag, the C-SSRS
head (MiniLM embedding + TF-IDF, trained on Reddit users graded Supportive <
Indicator < Ideation < Behavior < Attempt). When the head's probability of
"Ideation or worse" reaches the utterance threshold, the utterance is flagged
with kind ``suicide`` and cue ``model:cssrs``. A rule hit is never changed:
the rules stay the recall floor.

The head was trained on whole Reddit users, and separates single utterances
poorly, so the utterance threshold is high: above the highest score of about
13,000 everyday and counselling utterances (GoEmotions dev, ESConv seeker and
AnnoMI client turns). At the level it was trained on - all of a person's
utterances, :meth:`RiskHead.person_score` - it is useful: in cross-validation,
rules OR head find 97 % of "Ideation or worse" users against 84 % for the
rules alone (README, "Listening models"); ``talkcure analyze`` reports it per
transcript.

Fails closed like the rules: an error in either part propagates, and the
pipeline then reads every utterance of the batch as risk. The one exception is
an encoder whose package files are missing (``EncoderUnavailable``): the rule
reading stands alone, as the semantic layer does in that case, and ``version``
says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import numpy as np

from talkcure.listen.heads import Head, load_head
from talkcure.model import Annotation, RiskAssessment

IDEATION_OR_WORSE = ("Ideation", "Behavior", "Attempt")
MODEL_CUE = "model:cssrs"


class RiskHead:
    """P(Ideation or worse) for single utterances or for a user's posts."""

    def __init__(self, head: Head | None = None) -> None:
        self.head = head or load_head("cssrs")
        self.cols = [self.head.labels.index(x) for x in IDEATION_OR_WORSE]
        self.utterance_threshold = float(self.head.meta.get("utterance_threshold", 0.9))
        self.user_threshold = float(self.head.meta.get("user_threshold", 0.5))

    def person_score(self, texts: Sequence[str]) -> float:
        """P(Ideation or worse) of a person from all their utterances, pooled the way
        the head was trained (mean and max of the utterance embeddings)."""
        from talkcure.listen.encoder import get_encoder

        texts = [t for t in texts if t.strip()] or [""]
        emb = get_encoder().encode(texts)
        proba = self.head.proba(
            {"text": ["\n".join(texts)]},
            embedded={"posts_mean": emb.mean(axis=0)[None], "posts_max": emb.max(axis=0)[None]},
        )
        return float(proba[0, self.cols].sum())

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Each text as one post (the pooled post fields are the text's own embedding)."""
        if not texts:
            return np.zeros(0)
        proba = self.head.proba({"text": list(texts)})
        return proba[:, self.cols].sum(axis=1)


class LearnedRiskComponent:
    name: ClassVar[str] = "risk"
    requires: ClassVar[tuple[str, ...]] = ()
    assigns: ClassVar[tuple[str, ...]] = ("risk",)

    def __init__(self, rule=None, head: RiskHead | None = None,
                 threshold: float | None = None) -> None:
        if rule is None:
            from talkcure.listen.risk import RiskComponent

            rule = RiskComponent()
        self.rule = rule
        self.head = head or RiskHead()
        self.threshold = self.head.utterance_threshold if threshold is None else threshold
        self.degraded = False

    @property
    def version(self) -> str:  # type: ignore[override]
        head = "unavailable" if self.degraded else "cssrs-minilm-2"
        return f"{getattr(self.rule, 'version', 'rules')}+{head}"

    def annotate(self, annotations: list[Annotation]) -> None:
        self.rule.annotate(annotations)  # the floor: its flags stand, whatever follows
        todo = [a for a in annotations if a.risk is not None and not a.risk.flagged]
        for ann in annotations:
            if ann.risk is None:  # the rules left no reading: fail closed
                ann.risk = RiskAssessment(flagged=True, kinds=("unknown",), error=True)
        if not todo or self.degraded:
            return
        from talkcure.listen.encoder import EncoderUnavailable

        try:
            scores = self.head.scores([a.text for a in todo])
        except EncoderUnavailable:
            self.degraded = True  # the rule reading stands; provenance says the head is off
            return
        for ann, score in zip(todo, scores, strict=True):
            if score >= self.threshold:
                ann.risk = RiskAssessment(flagged=True, kinds=("suicide",), cues=(MODEL_CUE,))
