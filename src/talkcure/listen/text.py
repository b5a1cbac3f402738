"""Small text utilities shared by the listening components.

Everything here is pure, stdlib-only and fast. The entry point most
components want is :func:`analyse`, which normalises an utterance once,
tokenises it with sentence and clause indices, and keeps the map from
normalised offsets back to the text as written (so a cue can be reported
with offsets into what the patient typed).

Conventions
- Tokens are word tokens (letters/digits, with inner apostrophes and
  hyphens: ``don't``, ``I'm``, ``mother-in-law``); punctuation is not a
  token, but a token records whether punctuation stood between it and the
  previous token (``brk``), which ends a negation's reach.
- :func:`negated` looks back at most three *content* tokens in the same
  clause; intensifiers, copulas and feel-verbs between the negator and the
  word are skipped ("I don't really feel that happy" is negated).
- :func:`clause_subject` answers who experiences a feeling word: the speaker
  (``SELF``) or someone else (``OTHER``). It scans back within the sentence
  for the nearest experiencer-like word; when it finds none the subject is
  implicit and taken to be the speaker ("Feeling so lonely").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any, NamedTuple

import yaml

SELF = "self"
OTHER = "other"

# --------------------------------------------------------------------------- normalise

_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
    }
)
# One pass over the text; alternatives are tried in this order at each position.
_EDITS = re.compile(
    r"(?P<contr>(?<=[^\W\d_])(?:\s+'\s*|'\s+)(?=(?:t|s|m|re|ve|ll|d)\b))"  # haven ' t
    r"|(?P<punct>[ \t]+(?=[,.!?;:)](?:\s|$)))"  # "word ," -> "word,"
    r"|(?P<ellipsis>\u2026)"
    r"|(?P<nl>[ \t\r\f\v]*\n\s*)"  # a line break is kept: it ends a sentence
    r"|(?P<ws>\s{2,}|[\t\r\f\v])"
)


def _normalise_with_map(text: str) -> tuple[str, tuple[int, ...] | None]:
    """Return the normalised text and, when it differs in length from ``text``,
    a tuple mapping each normalised offset (and one past the end) to ``text``."""
    src = text.translate(_TRANSLATE)
    if not _EDITS.search(src) and src[:1] != " " and src[-1:] != " ":
        return src, None
    out: list[str] = []
    offs: list[int] = []
    pos = 0
    n = len(src)
    for m in _EDITS.finditer(src):
        s, e = m.start(), m.end()
        out.append(src[pos:s])
        offs.extend(range(pos, s))
        kind = m.lastgroup
        if kind == "contr":
            out.append("'")
            offs.append(s + m.group().index("'"))
        elif kind == "ellipsis":
            out.append("...")
            offs.extend((s, s, s))
        elif kind in ("ws", "nl") and 0 < s and e < n:
            out.append(" " if kind == "ws" else "\n")
            offs.append(s)
        pos = e
    out.append(src[pos:])
    offs.extend(range(pos, n))
    norm = "".join(out)
    # strip leading/trailing spaces (single ones the regex left alone)
    lead = len(norm) - len(norm.lstrip())
    trail = len(norm.rstrip())
    norm, offs = norm[lead:trail], offs[lead:trail]
    offs.append(offs[-1] + 1 if offs else 0)
    return norm, tuple(offs)


def normalize(text: str) -> str:
    """Straight quotes, MultiESC spaced contractions joined ("haven ' t" -> "haven't"),
    no space before punctuation, whitespace collapsed and stripped (a run of
    whitespace holding a line break becomes one newline, which ends a sentence)."""
    return _normalise_with_map(text)[0]


# --------------------------------------------------------------------------- sentences, clauses

_ABBREV = frozenset({"mr", "mrs", "ms", "dr", "st", "vs", "etc", "e.g", "i.e", "jr", "sr", "prof"})
_SENT_END = re.compile(r"[.!?]+[\"')\]]*(?=\s|$)|\n+")
_CLAUSE_SUBJ = (
    r"i|i'm|im|i've|i'd|i'll|we|we're|he|he's|she|she's|they|they're|it|it's|you|you're|"
    r"my|his|her|their|our|your|this|that|there"
)
_CLAUSE_SPLIT = re.compile(
    rf";|,\s*but\b|\bbut\b|,?\s*\band\b(?=\s+(?:{_CLAUSE_SUBJ})\b)", re.IGNORECASE
)


def _trim(text: str, s: int, e: int) -> tuple[int, int] | None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return (s, e) if e > s else None


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) over ``text``, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END.finditer(text):
        if m.group()[0] == ".":
            word = text[max(0, m.start() - 4) : m.start()].rsplit(" ", 1)[-1].lower()
            if word in _ABBREV:
                continue
        span = _trim(text, start, m.end())
        if span:
            spans.append(span)
        start = m.end()
    span = _trim(text, start, len(text))
    if span:
        spans.append(span)
    return spans


def clauses(text: str, sents: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Clause spans: sentences further split on ';', 'but' (with or without a
    comma) and on 'and' when a new subject follows ("... and I ...", "and my ...").
    The delimiters themselves belong to no clause. ``sents``: :func:`sentences`
    of ``text`` when already computed."""
    spans: list[tuple[int, int]] = []
    for s, e in sentences(text) if sents is None else sents:
        start = s
        for m in _CLAUSE_SPLIT.finditer(text, s, e):
            span = _trim(text, start, m.start())
            if span:
                spans.append(span)
            start = m.end()
        span = _trim(text, start, e)
        if span:
            spans.append(span)
    return spans


# --------------------------------------------------------------------------- tokens


class Token(NamedTuple):
    text: str
    lower: str
    start: int
    end: int
    sent: int = 0  # sentence index
    clause: int = 0  # clause index (over the whole text)
    brk: bool = False  # punctuation between the previous token and this one


_WORD = re.compile(r"[^\W_]+(?:['-][^\W_]+)*")
_BREAK = re.compile(r"[,;:()\"\u2014]|\s-\s|\.\.")


def tokens(text: str, sents: list[tuple[int, int]] | None = None) -> list[Token]:
    """Word tokens of ``text`` with char offsets, sentence and clause indices."""
    sents = sentences(text) if sents is None else sents
    cls = clauses(text, sents)
    out: list[Token] = []
    si = ci = 0
    prev_end = 0
    for m in _WORD.finditer(text):
        s, e = m.span()
        while si < len(sents) - 1 and s >= sents[si][1]:
            si += 1
        while ci < len(cls) - 1 and s >= cls[ci][1]:
            ci += 1
        word = m.group()
        brk = bool(out) and s - prev_end > 1 and _BREAK.search(text, prev_end, s) is not None
        out.append(Token(word, word.lower(), s, e, si, ci, brk))
        prev_end = e
    return out


# --------------------------------------------------------------------------- negation

NEGATORS = frozenset(
    "not no never nothing nobody none nowhere neither nor without hardly barely scarcely "
    "cannot can't don't doesn't didn't isn't aren't wasn't weren't won't wouldn't couldn't "
    "shouldn't haven't hasn't hadn't ain't mustn't needn't dont doesnt didnt isnt arent wasnt "
    "werent wouldnt couldnt shouldnt havent hasnt hadnt aint cant".split()
)
# Words a negation reaches over without using up its window.
NEG_SKIP = frozenset(
    "so very really too that this as all at even quite particularly super overly exactly "
    "entirely completely totally at all feel feels feeling felt be been being am is are was "
    "were get gets getting got seem seems seemed look looks looked just that much".split()
)
_SUBJECT_PRONOUNS = frozenset("i i'm im i've i'd you he she we they it".split())


def negator_index(toks: Sequence[Token], i: int, window: int = 3) -> int | None:
    """Index of the negator that negates ``toks[i]``, or None (see :func:`negated`)."""
    clause = toks[i].clause
    counted = 0
    j = i - 1
    between: list[str] = []
    while j >= 0 and counted < window:
        t = toks[j]
        if t.clause != clause or toks[j + 1].brk:
            return None
        low = t.lower
        if low in NEGATORS:
            if low == "no" and toks[j + 1].lower in _SUBJECT_PRONOUNS:
                return None  # interjection: "No I'm angry"
            if low == "never" and (
                any(w in ("so", "this", "that", "more") for w in (*between, toks[i].lower))
                or toks[i].lower.endswith(("ier", "der", "ter"))  # "never been happier"
            ):
                return None
            if any(w in ("stop", "help") for w in between):
                return None  # "can't stop crying", "can't help feeling"
            return j
        between.append(low)
        if low not in NEG_SKIP:
            counted += 1
        j -= 1
    return None


def negated(toks: Sequence[Token], i: int, window: int = 3) -> bool:
    """True when a negator stands within ``window`` content tokens before
    ``toks[i]`` in the same clause, with no punctuation in between.

    Not negation: "never been this sad" / "never felt so alone" (superlative),
    "can't stop crying" / "can't help feeling" (double negative), an
    interjected "no" followed by a pronoun ("No I'm angry")."""
    return negator_index(toks, i, window) is not None


# --------------------------------------------------------------------------- experiencer

_SELF_WORDS = frozenset(
    "i i'm im i've ive i'd i'll me my myself mine we we're we've we'd we'll us our ours "
    "ourselves".split()
)
# A thing, not a person, as subject: the feeling is the speaker's evaluation ("it's sad").
_THING_WORDS = frozenset("it it's its this that that's this's these those there there's".split())
_OTHER_WORDS = frozenset(
    "he he's he'd he'll him his himself she she's she'd she'll her hers herself they they're "
    "they've they'd they'll them their theirs themselves everyone everybody someone somebody "
    "anyone anybody nobody people person".split()
)
PERSON_NOUNS = frozenset(
    "mom mum mother mommy mummy mama momma dad father daddy papa parent parents sister brother "
    "sibling siblings sis bro grandma grandmother gran granny grandpa grandfather grandparents "
    "son daughter kid kids child children baby aunt uncle cousin niece nephew wife husband "
    "partner spouse boyfriend girlfriend bf gf fiance fiancee fiancé fiancée ex friend friends "
    "bestie roommate flatmate neighbor neighbour boss manager supervisor coworker coworkers "
    "colleague colleagues teacher teachers professor doctor therapist family man woman guy "
    "guys girl girls boy boys lady dude men women folks classmates stepmom stepdad "
    "stepmother stepfather".split()
)
_NOT_NAMES = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may "
    "june july august september october november december christmas easter god lord covid "
    "english ok okay omg lol".split()
)
_GENERIC_YOU_NEXT = frozenset("feel feels get gets start become end just kinda sort".split())
_QUESTION_AUX = frozenset("do did does are were can could would will have how why".split())


def _person_like(t: Token, first_in_sentence: bool) -> bool:
    low = t.lower[:-2] if t.lower.endswith("'s") else t.lower
    if low in PERSON_NOUNS or low in _OTHER_WORDS or t.text == "NAME":  # GoEmotions [NAME]
        return True
    w = t.text
    return (
        not first_in_sentence
        and len(w) > 1
        and w[0].isupper()
        and w[1:].islower()
        and low not in _NOT_NAMES
    )


def experiencer(toks: Sequence[Token], i: int) -> tuple[str, int | None]:
    """Like :func:`clause_subject`, also returning the index of the token that
    decided (None when the subject is implicit)."""
    sent = toks[i].sent
    j = i - 1
    while j >= 0 and toks[j].sent == sent:
        t = toks[j]
        low = t.lower
        if low in _SELF_WORDS or low in _THING_WORDS:
            return SELF, j
        if low in ("you", "u", "ya"):
            nxt = toks[j + 1].lower if j + 1 < i else ""
            prev = toks[j - 1].lower if j > 0 and toks[j - 1].sent == sent else ""
            generic = nxt in _GENERIC_YOU_NEXT and prev not in _QUESTION_AUX
            return (SELF if generic else OTHER), j
        if low.startswith("you'") or low in ("your", "yourself", "youre"):
            return OTHER, j
        first = j == 0 or toks[j - 1].sent != sent
        if _person_like(t, first):
            # "me and my mom are happy" / "me and my sister": joint subject
            for k in (j - 1, j - 2):
                if k >= 1 and toks[k].lower in ("and", "&") and toks[k - 1].lower in _SELF_WORDS:
                    return SELF, k - 1
            return OTHER, j
        j -= 1
    return SELF, None


def clause_subject(toks: Sequence[Token], i: int) -> str:
    """Who experiences the feeling word ``toks[i]``: ``SELF`` or ``OTHER``.

    Scans back within the sentence, across commas and "but" (a subject
    carries over: "he is kind, sweet and loving", "she was not angry but
    sad"), for the nearest experiencer-like word: "I", "I'm", "me"
    ("makes me", "made me"), "my", "we" -> the speaker; "he", "she", "they",
    a person noun ("my mom", "her boyfriend"), a capitalised name, "[NAME]" ->
    someone else; "it", "this", "that" -> the speaker's own evaluation ("it's
    so frustrating"). "you" is the speaker's generic you when a feel-verb
    follows ("you just feel so alone"), otherwise the addressee ("you're
    angry", "do you feel sad?") -> ``OTHER``. No subject at all ("feeling so
    lonely") -> ``SELF``. ``toks`` may be a clause's or the whole text's tokens."""
    return experiencer(toks, i)[0]


# --------------------------------------------------------------------------- the analysed utterance


@dataclass(frozen=True, slots=True)
class Doc:
    """One utterance, normalised and tokenised once for all components."""

    text: str  # as written
    norm: str  # normalize(text)
    lower: str  # norm.lower()
    tokens: tuple[Token, ...]  # offsets into ``norm``
    sents: tuple[tuple[int, int], ...]  # sentence spans in ``norm``
    _offsets: tuple[int, ...] | None  # norm offset -> text offset (None: identical)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of ``norm`` to the same words in ``text``."""
        if self._offsets is None:
            return start, end
        if end <= start:
            return self._offsets[start], self._offsets[start]
        return self._offsets[start], self._offsets[end - 1] + 1

    def cue(self, start: int, end: int) -> tuple[str, int, int]:
        """(words as written, start, end) in ``text`` for a span of ``norm``."""
        s, e = self.span(start, end)
        return self.text[s:e], s, e


@lru_cache(maxsize=16384)
def analyse(text: str) -> Doc:
    """Normalise and tokenise ``text`` (cached: the components of one pipeline
    run share the work)."""
    norm, offs = _normalise_with_map(text)
    sents = sentences(norm)
    return Doc(text, norm, norm.lower(), tuple(tokens(norm, sents)), tuple(sents), offs)


# --------------------------------------------------------------------------- lexicons


@cache
def load_lexicon(name: str) -> dict[str, Any]:
    """The package lexicon ``talkcure/data/lexicons/<name>.yaml`` (loaded once)."""
    path = resources.files("talkcure") / "data" / "lexicons" / f"{name}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


_GROUP = re.compile(r"\(([^()]*)\)")


def expand(pattern: str) -> list[str]:
    """Expand "(a|b|)" groups in a lexicon cue: "(feel|felt) (so |)sad" ->
    ["feel so sad", "feel sad", "felt so sad", "felt sad"]."""
    m = _GROUP.search(pattern)
    if not m:
        return [" ".join(pattern.split())]
    out: list[str] = []
    for alt in m.group(1).split("|"):
        out.extend(expand(pattern[: m.start()] + alt + pattern[m.end() :]))
    return out
