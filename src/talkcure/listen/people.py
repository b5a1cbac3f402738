"""People: the significant others the patient speaks of (METHOD §2, CCRT objects).

Roles come from ``data/lexicons/people.yaml`` (family, partner, work/school,
friend, professional), normalised ("mum" -> mother, "bf" -> boyfriend,
"coworkers" -> coworker, plural). The speaker is left out.

- The cue is the mention as written including its determiner and any
  adjectives in between ("my older sister", "the kids"); ``start``/``end``
  cover it in the text as written.
- A relation of someone else ("his mom", "my friend's dad", "Anna's
  husband") is reported as role ``other`` / category ``other`` (cue kept).
- Ambiguous words count only with a determiner ("my ex", "my ma", "the
  kids"); modifier uses are skipped ("mother tongue", "boss fight",
  "partner company"); self-descriptions are skipped ("I'm a mother", "as a
  kid").
- The companion (role and category ``companion``) is recognised only where
  "you" addresses it: questions put to it ("can you help me", "do you
  think"), thanks, talk about talking to it, "you don't understand",
  "you're just a bot", "your advice", "this app"... Generic "you" ("you
  know", "you feel like you're drowning", "if you think about it") is not a
  mention.
"""

from __future__ import annotations

import re
from functools import cache
from typing import ClassVar, NamedTuple

from talkcure.listen.text import Doc, Token, analyse, expand, load_lexicon, tokens
from talkcure.model import Annotation, PersonMention

_STOP_BACK = frozenset(
    "and or but to with of for from at in on by about is was are were be been am i i'm you he "
    "she they we it me him them us who that which".split()
)
_COMPANION_HINT = re.compile(
    r"\b(?:you|u|your|app|chat|bot|program|programme|conversation|"
    r"session|companion|ai|talking)\b"
)


class _Role(NamedTuple):
    words: tuple[str, ...]
    role: str
    category: str
    plural: bool
    needs_det: bool
    not_before: frozenset[str]


class _Lexicon(NamedTuple):
    index: dict[str, list[_Role]]
    own: frozenset[str]
    third: frozenset[str]
    neutral: frozenset[str]
    self_desc: frozenset[str]
    companion: re.Pattern[str]


@cache
def lexicon() -> _Lexicon:
    data = load_lexicon("people")
    index: dict[str, list[_Role]] = {}
    for role, spec in data["roles"].items():
        needs = {w for cue in spec.get("needs_determiner", ()) for w in expand(str(cue))}
        blocked = frozenset(str(w).lower() for w in spec.get("not_before", ()))
        for key, plural in (("singular", False), ("plural", True)):
            for cue in spec.get(key, ()):
                for phrase in expand(str(cue)):
                    words = tuple(t.lower for t in tokens(phrase))
                    entry = _Role(words, role, spec["category"], plural, phrase in needs, blocked)
                    index.setdefault(words[0], []).append(entry)
    for entries in index.values():
        entries.sort(key=lambda e: -len(e.words))
    companion = re.compile("|".join(f"(?:{p})" for p in data["companion"]))
    return _Lexicon(
        index=index,
        own=frozenset(data["own_determiners"]),
        third=frozenset(data["third_party_determiners"]),
        neutral=frozenset(data["neutral_determiners"]),
        self_desc=frozenset(data["self_description_before_a"]),
        companion=companion,
    )


def _bare(low: str) -> tuple[str, bool]:
    """("mom", True) for "mom's" / "parents'": the word and whether it is possessive."""
    if low.endswith("'s"):
        return low[:-2], True
    if low.endswith("s'"):
        return low[:-1], True
    return low, False


def _determiner(lex: _Lexicon, toks: tuple[Token, ...], i: int) -> tuple[str, int]:
    """("own"|"third"|"neutral"|"a"|"", index) of the determiner before ``toks[i]``,
    looking back over up to two adjectives ("my older sister")."""
    j = i - 1
    while j >= 0 and j >= i - 3:
        t = toks[j]
        if t.clause != toks[i].clause or toks[j + 1].brk:
            break
        low = t.lower
        if low in lex.own:
            return "own", j
        if low in lex.third:
            return "third", j
        if low.endswith(("'s", "s'")) and low not in (
            "it's",
            "that's",
            "there's",
            "what's",
            "he's",
            "she's",
            "who's",
            "let's",
        ):
            return "third", j  # "my friend's dad", "Anna's husband"
        if low in lex.neutral or low.isdigit():
            return "neutral", j  # "the kids", "2 children"
        if low in ("a", "an"):
            return "a", j
        if low in _STOP_BACK:
            break
        j -= 1
    return "", i


def _match(toks: tuple[Token, ...], i: int, entries: list[_Role], first: str) -> _Role | None:
    for e in entries:
        k = len(e.words)
        if i + k > len(toks):
            continue
        if all((first if m == 0 else _bare(toks[i + m].lower)[0]) == e.words[m] for m in range(k)):
            return e
    return None


def people(text: str) -> tuple[PersonMention, ...]:
    """The people the speaker mentions in ``text``, in text order."""
    lex = lexicon()
    doc = analyse(text)
    toks = doc.tokens
    out: list[tuple[int, int, str, str, bool]] = []  # norm start, end, role, category, plural
    prev_end_tok = -10
    prev_det = ""
    n = len(toks)
    i = 0
    while i < n:
        word, _ = _bare(toks[i].lower)
        entries = lex.index.get(word)
        e = _match(toks, i, entries, word) if entries else None
        if e is None:
            i += 1
            continue
        k = len(e.words)
        last = toks[i + k - 1]
        nxt = toks[i + k].lower if i + k < n and not toks[i + k].brk else ""
        if nxt in e.not_before:
            i += k
            continue
        det, dj = _determiner(lex, toks, i)
        # "my mom and dad": the second role shares the first one's determiner
        if not det and prev_end_tok == i - 2 and toks[i - 1].lower in ("and", "&", "or"):
            det, dj = prev_det, i
        if det == "a" and dj > 0 and toks[dj - 1].lower in lex.self_desc:
            i += k  # "I'm a mother", "as a kid"
            continue
        if e.needs_det and det not in ("own", "third", "neutral"):
            i += k
            continue
        start = toks[dj].start if det and det != "a" and dj < i else toks[i].start
        role, category = ("other", "other") if det == "third" else (e.role, e.category)
        out.append((start, last.end, role, category, e.plural))
        prev_end_tok, prev_det = i + k - 1, det
        i += k
    _companion(lex, doc, out)
    out.sort()
    result = []
    for s, e_, role, category, plural in out:
        cue, start, end = doc.cue(s, e_)
        result.append(PersonMention(role, category, cue, start, end, plural))
    return tuple(result)


def _companion(lex: _Lexicon, doc: Doc, out: list) -> None:
    low = doc.lower
    if not _COMPANION_HINT.search(low):
        return
    taken: list[tuple[int, int]] = []
    for m in lex.companion.finditer(low):
        s, e = m.span()
        while s < e and not (low[s].isalnum()):
            s += 1  # leading punctuation of the question pattern
        if any(s < te and ts < e for ts, te in taken):
            continue
        taken.append((s, e))
        out.append((s, e, "companion", "companion", False))


class PeopleComponent:
    """Lexicon people mentions: role, category, plural; the companion as addressee."""

    name: ClassVar[str] = "people"
    version: ClassVar[str] = "lexicon-1"
    requires: ClassVar[tuple[str, ...]] = ()
    assigns: ClassVar[tuple[str, ...]] = ("people",)

    def __init__(self) -> None:
        lexicon()

    def annotate(self, annotations: list[Annotation]) -> None:
        for ann in annotations:
            ann.people = people(ann.text)
