"""Fantasy life: dreams, daydreams, wishes, "what if" (METHOD §2, Shedler's
seventh feature).

Patterns in ``data/lexicons/fantasy.yaml``. Night dreams ("I dreamt", "a
dream about", "nightmares") are kept apart from wishes ("my dream job", "I
dream of becoming", "I wish", "if only"); idioms are excluded ("in your
dreams", "a dream come true", "work is a nightmare", "I can't imagine").
One cue per kind, in text order.
"""

from __future__ import annotations

import re
from functools import cache
from typing import ClassVar, NamedTuple

from talkcure.listen.alliance import is_negated
from talkcure.listen.text import analyse, load_lexicon
from talkcure.model import Annotation, FantasyCue

_HINT = re.compile(
    r"dream|nightmare|wish|if|imagin|fantas|pictur|pretend|envision|visuali|long|"
    r"yearn|love to|want|wanna|someday|one day|suppose|see myself|lost in"
)


class _Patterns(NamedTuple):
    kinds: tuple[tuple[str, re.Pattern[str]], ...]
    exclude: re.Pattern[str]
    negatable: frozenset[str]


@cache
def patterns() -> _Patterns:
    data = load_lexicon("fantasy")
    kinds = tuple(
        (kind, re.compile("|".join(f"(?:{p})" for p in pats)))
        for kind, pats in data["kinds"].items()
    )
    exclude = re.compile("|".join(f"(?:{p})" for p in data["exclude"]))
    return _Patterns(kinds, exclude, frozenset(data["negatable"]))


def fantasy(text: str) -> tuple[FantasyCue, ...]:
    """Fantasy cues in ``text``."""
    doc = analyse(text)
    low = doc.lower
    if not _HINT.search(low):
        return ()
    pats = patterns()
    taken = [m.span() for m in pats.exclude.finditer(low)]
    found: list[tuple[int, str, str]] = []
    for kind, rx in pats.kinds:
        for m in rx.finditer(low):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            if kind in pats.negatable and is_negated(doc, s):
                continue
            taken.append((s, e))
            found.append((s, kind, doc.cue(s, e)[0]))
            break
    found.sort()
    return tuple(FantasyCue(kind, cue) for _, kind, cue in found)


class FantasyComponent:
    """Lexicon cues of fantasy life: dream, daydream, wish, what_if."""

    name: ClassVar[str] = "fantasy"
    version: ClassVar[str] = "lexicon-1"
    requires: ClassVar[tuple[str, ...]] = ()
    assigns: ClassVar[tuple[str, ...]] = ("fantasy",)

    def __init__(self) -> None:
        patterns()

    def annotate(self, annotations: list[Annotation]) -> None:
        for ann in annotations:
            ann.fantasy = fantasy(ann.text)
