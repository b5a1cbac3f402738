"""Client talk type (motivational interviewing): change, neutral or sustain talk.

The AnnoMI head reads the utterance and the helper's turn before it when
known (``read(texts, prevs)``). In the pipeline that is the last turn of the
context the pipeline is given (in live chat: the companion's last reply) for
the first utterance of a batch; later utterances of a batch of one speaker's
turns have no helper turn before them and get an empty one. Trained on AnnoMI (research use with
attribution); figures in README, "Listening models".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from talkcure.listen.heads import Head, load_head
from talkcure.model import Annotation, TalkReading


class TalkComponent:
    name: ClassVar[str] = "talk"
    version: ClassVar[str] = "annomi-minilm-2"
    requires: ClassVar[tuple[str, ...]] = ()
    assigns: ClassVar[tuple[str, ...]] = ("talk",)
    uses_context: ClassVar[bool] = True

    def __init__(self, head: Head | None = None) -> None:
        self.head = head or load_head("annomi_client")

    def read(self, texts: Sequence[str], prevs: Sequence[str] | None = None) -> list[TalkReading]:
        if not texts:
            return []
        items = {"text": list(texts), "prev": list(prevs) if prevs else [""] * len(texts)}
        proba = self.head.proba(items)
        return [TalkReading(self.head.labels[int(p.argmax())], round(float(p.max()), 3))
                for p in proba]

    def annotate(self, annotations: list[Annotation],
                 context: Sequence[tuple[str, str]] = ()) -> None:
        prevs = [""] * len(annotations)
        if context and annotations:
            prevs[0] = " ".join(context[-1][1].split())
        for ann, reading in zip(annotations, self.read([a.text for a in annotations], prevs),
                                strict=True):
            ann.talk = reading
