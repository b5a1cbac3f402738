"""Alliance: what the patient says about the therapy relationship (METHOD §2).

Kinds (``data/lexicons/alliance.yaml``): expectation ("I hope you can
help", "tell me what to do"), disappointment ("this isn't helping", "you
don't get it"), fear_of_judgement ("you'll think I'm crazy", "please don't
judge me"), agreement ("that's right", "exactly.", "you're right", "that
makes sense"), rupture ("you're just a program", "stop asking me
questions", "you keep saying the same thing"), gratitude ("thank you",
"this helps").

Decision: the component stands alone (``requires = ()``): every pattern
names its addressee itself ("you", "this", "talking here") or is a reply
form that only makes sense to the companion ("Exactly.", "yes, that's it").
Agreement and expectation are dropped when negated ("I don't think you're
right"); gratitude is not ("no thanks" still thanks). One cue per kind, in
text order.
"""

from __future__ import annotations

import bisect
import re
from functools import cache
from typing import ClassVar, NamedTuple

from talkcure.listen.text import Doc, analyse, load_lexicon, negated
from talkcure.model import AllianceCue, Annotation


class KindPatterns(NamedTuple):
    kinds: tuple[tuple[str, re.Pattern[str]], ...]
    negatable: frozenset[str]


def compile_kinds(data: dict) -> KindPatterns:
    kinds = tuple(
        (kind, re.compile("|".join(f"(?:{p})" for p in patterns)))
        for kind, patterns in data["kinds"].items()
    )
    return KindPatterns(kinds, frozenset(data.get("negatable", ())))


def is_negated(doc: Doc, start: int) -> bool:
    """A negator just before the token at ``start`` (norm offset)."""
    starts = [t.start for t in doc.tokens]
    i = bisect.bisect_left(starts, start)
    return i < len(starts) and negated(doc.tokens, i)


def first_per_kind(doc: Doc, patterns: KindPatterns) -> list[tuple[int, str, str]]:
    """(norm start, kind, cue as written) for the first match of each kind."""
    found = []
    for kind, rx in patterns.kinds:
        for m in rx.finditer(doc.lower):
            s, e = m.span()
            while s < e and not doc.lower[s].isalnum():
                s += 1
            if kind in patterns.negatable and is_negated(doc, s):
                continue
            found.append((s, kind, doc.cue(s, e)[0]))
            break
    found.sort()
    return found


@cache
def patterns() -> KindPatterns:
    return compile_kinds(load_lexicon("alliance"))


def alliance(text: str) -> tuple[AllianceCue, ...]:
    """Alliance cues in ``text``."""
    doc = analyse(text)
    return tuple(AllianceCue(kind, cue) for _, kind, cue in first_per_kind(doc, patterns()))


class AllianceComponent:
    """Lexicon cues about the therapy relationship."""

    name: ClassVar[str] = "alliance"
    version: ClassVar[str] = "lexicon-1"
    requires: ClassVar[tuple[str, ...]] = ()
    assigns: ClassVar[tuple[str, ...]] = ("alliance",)

    def __init__(self) -> None:
        patterns()

    def annotate(self, annotations: list[Annotation]) -> None:
        for ann in annotations:
            ann.alliance = alliance(ann.text)
