"""Defense level (DMRS, METHOD §2) from the PsyDefConv head, with dialogue context.

The head reads the utterance and up to three preceding turns of the dialogue
(both speakers; their mean embedding, as in training). In the pipeline the
preceding turns are the context the pipeline is given (in live chat: the
session's last turns, the companion's included) followed by the earlier
utterances of the same batch (a transcript given in order). Labels: 0 no defense,
1 action, 2 major image-distorting, 3 disavowal, 4 minor image-distorting,
5 neurotic, 6 obsessional, 7 high-adaptive (mature), 8 needs more information.

The head was trained on 314 rows (CC BY-NC 4.0 data: non-commercial use);
its held-out macro-F1 is low (see README, "Listening models"): read it as a
weak signal, to be aggregated over many utterances (ODF trend), not as a
verdict on one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from talkcure.listen.heads import Head, load_head
from talkcure.model import Annotation, DefenseReading


def format_context(turns: Sequence[tuple[str, str]], n: int = 3) -> str:
    """``[(speaker, text), ...]`` -> the last ``n`` turns' texts, one a line.

    The head embeds the context as the mean of the turns' embeddings, so turns
    already encoded in the same batch cost nothing more.
    """
    return "\n".join(" ".join(text.split()) for _, text in list(turns)[-n:])


class DefenseComponent:
    name: ClassVar[str] = "defense"
    version: ClassVar[str] = "psydefconv-minilm-2"
    requires: ClassVar[tuple[str, ...]] = ()
    assigns: ClassVar[tuple[str, ...]] = ("defense",)
    uses_context: ClassVar[bool] = True

    def __init__(self, head: Head | None = None) -> None:
        self.head = head or load_head("psydefconv")

    def read(self, texts: Sequence[str], contexts: Sequence[str]) -> list[DefenseReading]:
        if not texts:
            return []
        proba = self.head.proba({"text": list(texts), "context": list(contexts)})
        out = []
        for p in proba:
            level = int(p.argmax())
            out.append(DefenseReading(level, self.head.labels[level], round(float(p[level]), 3)))
        return out

    def annotate(self, annotations: list[Annotation],
                 context: Sequence[tuple[str, str]] = ()) -> None:
        texts = [a.text for a in annotations]
        turns = [*list(context)[-3:], *(("seeker", t) for t in texts)]
        first = len(turns) - len(texts)
        contexts = [format_context(turns[max(0, first + i - 3) : first + i])
                    for i in range(len(texts))]
        for ann, reading in zip(annotations, self.read(texts, contexts), strict=True):
            ann.defense = reading
