"""Learned affect: the GoEmotions head over the shared encoder (METHOD §2).

Assigns the same ``affects`` attribute, with the same :class:`~talkcure.model.Affect`
records, as the lexicon component, so it can replace it in the pipeline:

- **Which emotions**: every GoEmotions label whose probability reaches its
  threshold (tuned on the dev split for F1); ``neutral`` gives no affect.
- **Intensity** 0..1: GoEmotions labels whether an emotion is there, not how
  strong it is, so the head's confidence only places a feeling in the middle of
  the scale, ``0.3 + 0.4 * (p - t) / (1 - t)`` (at most 0.7, under the planner's
  high-distress line of 0.75); how strong it is comes from the person's words:
  where the lexicon found the same emotion with a stronger cue ("so furious!!",
  "devastated") its intensity is kept.
- **Cue**: the lexicon's cue and offsets where the lexicon found the same
  emotion; otherwise a plain feeling word for the label ("sad", "angry") with
  empty offsets (``start == end == 0``), because the model reads the whole
  utterance rather than one phrase.
- **Floor**: an emotion the person names outright and the lexicon finds ("I feel
  so ashamed") is kept even when the head misses it: the words a person uses
  for a feeling are the best evidence of it, and replies quote them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import numpy as np

from talkcure.listen.heads import Head, load_head
from talkcure.model import Affect, Annotation

EKMAN = {
    "anger": "anger", "annoyance": "anger", "disapproval": "anger", "disgust": "disgust",
    "fear": "fear", "nervousness": "fear", "sadness": "sadness", "disappointment": "sadness",
    "embarrassment": "sadness", "grief": "sadness", "remorse": "sadness",
    "surprise": "surprise", "realization": "surprise", "confusion": "surprise",
    "curiosity": "surprise", "neutral": "neutral",
}
WORDS = {
    "admiration": "admiring", "amusement": "amused", "anger": "angry", "annoyance": "annoyed",
    "approval": "approving", "caring": "caring", "confusion": "confused",
    "curiosity": "curious", "desire": "longing", "disappointment": "disappointed",
    "disapproval": "disapproving", "disgust": "disgusted", "embarrassment": "embarrassed",
    "excitement": "excited", "fear": "afraid", "gratitude": "grateful", "grief": "grieving",
    "joy": "happy", "love": "loving", "nervousness": "nervous", "optimism": "hopeful",
    "pride": "proud", "realization": "struck", "relief": "relieved", "remorse": "sorry",
    "sadness": "sad", "surprise": "surprised",
}


def group_of(emotion: str) -> str:
    return EKMAN.get(emotion, "joy")


def _lexicon_affects(text: str) -> dict[str, Affect]:
    try:
        from talkcure.listen.affect import affects
    except ImportError:  # the lexicon component is optional here
        return {}
    try:
        return {a.emotion: a for a in affects(text)}
    except Exception:
        return {}


class LearnedAffectComponent:
    """GoEmotions head (MiniLM embedding + TF-IDF, logistic regression)."""

    name: ClassVar[str] = "affect"
    version: ClassVar[str] = "goemotions-minilm-2"
    requires: ClassVar[tuple[str, ...]] = ()
    assigns: ClassVar[tuple[str, ...]] = ("affects",)

    def __init__(self, head: Head | None = None, use_lexicon: bool = True) -> None:
        self.head = head or load_head("goemotions")
        self.use_lexicon = use_lexicon

    def read(self, texts: Sequence[str]) -> list[tuple[Affect, ...]]:
        if not texts:
            return []
        head = self.head
        from talkcure.listen.encoder import EncoderUnavailable

        try:
            proba = head.proba({"text": list(texts)})
        except EncoderUnavailable:  # the package files are missing: the lexicon alone
            return [tuple(sorted(_lexicon_affects(t).values(),
                                 key=lambda a: (-a.intensity, a.emotion))) for t in texts]
        thr = head.thresholds if head.thresholds is not None else np.full(len(head.labels), 0.5)
        out = []
        for text, p in zip(texts, proba, strict=True):
            lex = _lexicon_affects(text) if self.use_lexicon else {}
            found = []
            for j in np.flatnonzero(p >= thr):
                emotion = head.labels[j]
                if emotion == "neutral":
                    continue
                t = float(thr[j])
                value = 0.3 + 0.4 * min(1.0, (float(p[j]) - t) / max(1e-6, 1.0 - t))
                hit = lex.get(emotion)
                if hit is not None:
                    found.append(Affect(emotion, group_of(emotion),
                                        round(max(value, hit.intensity), 2),
                                        hit.cue, hit.start, hit.end))
                else:
                    found.append(Affect(emotion, group_of(emotion), round(value, 2),
                                        WORDS.get(emotion, emotion)))
            seen = {a.emotion for a in found}
            found.extend(a for e, a in lex.items() if e not in seen and e != "neutral")
            found.sort(key=lambda a: (-a.intensity, a.emotion))
            out.append(tuple(found))
        return out

    def annotate(self, annotations: list[Annotation]) -> None:
        for ann, found in zip(annotations, self.read([a.text for a in annotations]), strict=True):
            ann.affects = found
