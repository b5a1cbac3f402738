"""Affect: the emotions the speaker expresses about themself (METHOD §2).

A hand-written lexicon (``data/lexicons/affect.yaml``) of the 27 GoEmotions
labels, matched on word tokens, longest cue first. Rules on top:

- **Negation** drops the feeling: "I'm not angry" gives no anger. A negated
  positive state reads as low sadness (0.3): "I don't feel happy", "I'm not
  okay", "nothing makes me happy". "never been this sad" and "can't stop
  crying" are not negations (see :func:`talkcure.listen.text.negated`).
- **Experiencer**: only the speaker's feelings are reported. "my mother is
  angry" is her anger and is dropped; "she makes me so angry" is the
  speaker's. Evaluative words ("she is so annoying", "that was terrifying")
  and cues that name the speaker ("scares me", "I miss") are always the
  speaker's (see :func:`talkcure.listen.text.clause_subject`).
- **Irrealis** positive feelings are dropped: "I just want to be happy",
  "I'd be happy to", "I used to be happy", "How do I make myself happy?"
  are not joy now.
- **Intensity** 0..1: the cue's tier (mild .35, moderate .55, strong .8)
  plus intensifiers before ("so", "really") or after ("so much"), minus
  downtoners ("a bit", "kind of"), plus "!" ending the sentence, ALL CAPS,
  an elongated word ("sooo") and a repeated emotion.
- One :class:`~talkcure.model.Affect` per emotion (its strongest cue), in
  text order, with offsets into the text as written. No cue -> ``()``.
"""

from __future__ import annotations

import re
from functools import cache
from typing import ClassVar, NamedTuple

from talkcure.listen.text import (
    OTHER,
    Doc,
    Token,
    analyse,
    expand,
    experiencer,
    load_lexicon,
    negator_index,
    tokens,
)
from talkcure.model import Affect, Annotation

_SELF_IN_CUE = frozenset("i i'm im i've i'd id me my myself we us our".split())
# Before a positive feeling these make it wished-for, hypothetical or past, not felt now.
_IRREALIS = frozenset(
    "want wanna wants wish wished hope hoping would could can should need if used try trying "
    "will i'll it'll we'll gonna how i'd we'd you'd".split()
)
_IRREALIS_EMOTIONS = frozenset({"joy", "excitement", "relief", "pride", "amusement"})
_LAUGH = re.compile(r"^(?:(?:ha){2,}h?|(?:he){2,}|(?:ah){2,}|l+o+l+(?:o+l+)*|lmf?a+o+)$")
_RUN3 = re.compile(r"(\w)\1{2,}")
_SUPERLATIVE = frozenset({"so", "this", "that", "more"})


class _Entry(NamedTuple):
    words: tuple[str, ...]
    emotion: str
    intensity: float
    speaker: bool  # the experiencer is the speaker whoever the subject is


class _Lexicon(NamedTuple):
    index: dict[str, list[_Entry]]  # first word -> one-word entries
    multi: dict[tuple[str, str], list[_Entry]]  # first two words -> entries, longest first
    group: dict[str, str]  # emotion -> Ekman group
    intensifiers: frozenset[str]
    after: tuple[tuple[str, ...], ...]
    downtoners: tuple[tuple[str, ...], ...]
    mods: dict[str, float]
    neg_pos: dict


@cache
def lexicon() -> _Lexicon:
    data = load_lexicon("affect")
    tiers = data["tiers"]
    group = {emo: grp for grp, emos in data["groups"].items() for emo in emos}
    best: dict[tuple[tuple[str, ...], str], _Entry] = {}

    def add(cue: str, emotion: str, intensity: float, speaker: bool) -> None:
        for phrase in expand(cue):
            words = tuple(t.lower for t in tokens(phrase))
            if not words:
                continue
            speaker_cue = speaker or any(w in _SELF_IN_CUE for w in words)
            old = best.get((words, emotion))
            if old is None or intensity > old.intensity or (speaker_cue and not old.speaker):
                best[(words, emotion)] = _Entry(words, emotion, intensity, speaker_cue)

    for emotion, spec in data["emotions"].items():
        if emotion not in group:
            raise ValueError(f"affect.yaml: {emotion!r} has no Ekman group")
        for tier, value in tiers.items():
            for cue in spec.get(tier, ()):
                add(str(cue), emotion, value, False)
            for cue in (spec.get("speaker") or {}).get(tier, ()):
                add(str(cue), emotion, value, True)
    index: dict[str, list[_Entry]] = {}
    multi: dict[tuple[str, str], list[_Entry]] = {}
    for entry in best.values():
        if len(entry.words) == 1:
            index.setdefault(entry.words[0], []).append(entry)
        else:
            multi.setdefault(entry.words[:2], []).append(entry)
            index.setdefault(entry.words[0], [])  # marks a possible first word
    for entries in multi.values():
        entries.sort(key=lambda e: -len(e.words))
    mods = data["modifiers"]

    def phrases(items) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(str(p).lower().split()) for p in items)

    neg = data["negated_positive"]
    return _Lexicon(
        index=index,
        multi=multi,
        group=group,
        intensifiers=frozenset(str(w) for w in mods["intensifiers"]),
        after=phrases(mods["intensifier_after"]),
        downtoners=tuple(sorted(phrases(mods["downtoners"]), key=len, reverse=True)),
        mods={k: float(v) for k, v in mods.items() if isinstance(v, int | float)},
        neg_pos={
            "emotion": neg["emotion"],
            "intensity": float(neg["intensity"]),
            "state": frozenset(neg["state_words"]),
            "weak": frozenset(neg["weak_words"]),
            "verbs": frozenset(neg["state_verbs"]),
        },
    )


def _first(lex: _Lexicon, low: str) -> tuple[str | None, bool]:
    """The lexicon's form of ``low`` as a cue's first word (or None); the flag
    says the word was elongated ("sooo", "saaad")."""
    if low in lex.index:
        return low, False
    if _RUN3.search(low):
        for variant in (_RUN3.sub(r"\1", low), _RUN3.sub(r"\1\1", low)):
            if variant in lex.index:
                return variant, True
    return None, False


# Words a multi-word cue may have inside it: "feel really trapped", "miss her so much".
_INNER = frozenset(
    "so very really pretty just completely totally extremely quite too kinda sorta super truly "
    "honestly literally actually still always ever even seriously incredibly utterly".split()
)


def _match(lex: _Lexicon, toks: tuple[Token, ...], i: int, first: str) -> tuple[list[_Entry], int]:
    """The entries with the most words that match at ``i`` (up to two inner
    adverbs per gap allowed), and the index one past the match."""
    n = len(toks)
    sent = toks[i].sent
    # candidates by the second word, right after the first or after inner adverbs
    cands: list[_Entry] = []
    j = i + 1
    while j < n and j <= i + 3 and toks[j].sent == sent:
        cands.extend(lex.multi.get((first, toks[j].lower), ()))
        if toks[j].lower not in _INNER:
            break
        j += 1
    found: list[_Entry] = []
    end = i + 1
    cands.sort(key=lambda e: -len(e.words))
    for e in cands:
        if found and len(e.words) < len(found[0].words):
            break
        j = i + 1
        for w in e.words[1:]:
            skipped = 0
            while j < n and toks[j].lower != w and toks[j].lower in _INNER and skipped < 2:
                j += 1
                skipped += 1
            if j >= n or toks[j].lower != w or toks[j].sent != sent:
                break
            j += 1
        else:
            if not found or j < end:
                end = j
            found.append(e)
    if found:
        return found, end
    return list(lex.index.get(first, ())), i + 1


def _intensity(
    lex: _Lexicon, doc: Doc, toks: tuple[Token, ...], i: int, j: int, e: _Entry, elongated: bool
) -> float:
    """Intensity of the cue ``toks[i:j]`` matched by ``e``."""
    mods = lex.mods
    value = e.intensity
    before = [t.lower for t in toks[max(0, i - 3) : i] if t.clause == toks[i].clause]
    # downtoners ("a bit", "kind of") immediately before the cue
    for phrase in lex.downtoners:
        if tuple(before[-len(phrase) :]) == phrase:
            value -= mods["downtoner_step"]
            before = before[: -len(phrase)]
            break
    steps = 0
    for w in reversed(before[-2:]):
        stem = "so" if re.fullmatch(r"s+o+", w) else w
        if stem in lex.intensifiers:
            steps += 1
            elongated = elongated or stem != w
        else:
            break
    steps += sum(
        1 for t in toks[i + 1 : j - 1] if t.lower in lex.intensifiers and t.lower not in e.words
    )
    after = tuple(t.lower for t in toks[j : j + 4] if t.sent == toks[i].sent)
    if any(after[: len(p)] == p or after[1 : 1 + len(p)] == p for p in lex.after):
        steps += 1  # "hate him so much"
    value += mods["intensifier_step"] * min(steps, 2)
    if elongated:
        value += mods["elongation"]
    start, end = toks[i].start, toks[j - 1].end
    cue_text = doc.norm[start:end]
    if len(cue_text) >= 3 and cue_text.isupper():
        value += mods["caps"]
    for s, e in doc.sents:
        if s <= start < e:
            if "!" in doc.norm[end:e]:
                value += mods["exclamation"]
            break
    return value


def _irrealis(doc: Doc, i: int) -> bool:
    """Wished-for, hypothetical, past or asked-about ("How do I make myself happy?")."""
    toks = doc.tokens
    clause = toks[i].clause
    if any(t.lower in _IRREALIS for t in toks[max(0, i - 4) : i] if t.clause == clause):
        return True
    s, e = doc.sents[toks[i].sent] if toks[i].sent < len(doc.sents) else (0, 0)
    return doc.norm[s:e].rstrip().endswith("?")


def _negated(toks: tuple[Token, ...], i: int, j: int) -> bool:
    """The cue ``toks[i:j]`` is negated; "never felt so alone" is a superlative."""
    k = negator_index(toks, i)
    if k is None:
        return False
    return not (toks[k].lower == "never" and any(t.lower in _SUPERLATIVE for t in toks[i:j]))


def affects(text: str) -> tuple[Affect, ...]:
    """The speaker's affects in ``text`` (one per emotion, strongest cue)."""
    lex = lexicon()
    doc = analyse(text)
    toks = doc.tokens
    best: dict[str, tuple[float, int, int]] = {}  # emotion -> (intensity, start, end) in norm
    seen: dict[str, int] = {}
    n = len(toks)
    i = 0
    while i < n:
        low = toks[i].lower
        first, elongated = _first(lex, low)
        found, j = _match(lex, toks, i, first) if first else ([], i)
        if not found and _LAUGH.match(low):
            found, j = [_Entry((low,), "amusement", 0.35, True)], i + 1
        if not found:
            i += 1
            continue
        if not _negated(toks, i, j):
            who = None
            for e in found:
                if not e.speaker:
                    who = who or experiencer(toks, i)[0]
                    if who == OTHER:
                        continue
                if e.emotion in _IRREALIS_EMOTIONS and _irrealis(doc, i):
                    continue
                value = _intensity(lex, doc, toks, i, j, e, elongated)
                seen[e.emotion] = seen.get(e.emotion, 0) + 1
                cur = best.get(e.emotion)
                if cur is None or value > cur[0]:
                    best[e.emotion] = (value, toks[i].start, toks[j - 1].end)
        i = j
    _negated_positive(lex, toks, best)
    out = []
    rep = lex.mods["repetition"]
    for emotion, (value, s, e) in best.items():
        if seen.get(emotion, 0) > 1:
            value += rep
        cue, start, end = doc.cue(s, e)
        value = round(min(1.0, max(0.05, value)), 2)
        out.append(Affect(emotion, lex.group[emotion], value, cue, start, end))
    out.sort(key=lambda a: (a.start, a.emotion))
    return tuple(out)


def _negated_positive(lex: _Lexicon, toks: tuple[Token, ...], best: dict) -> None:
    """ "I'm not okay", "I don't feel happy" -> low sadness (when not already stronger)."""
    neg = lex.neg_pos
    state, weak = neg["state"], neg["weak"]
    for i, t in enumerate(toks):
        if t.lower not in state and t.lower not in weak:
            continue
        j = negator_index(toks, i)
        if j is None:
            continue
        who, at = experiencer(toks, i)
        if who == OTHER:
            continue
        if t.lower in weak:
            # a weak word needs the speaker named and a state verb: "I'm not okay"
            if at is None or toks[at].lower not in ("i", "i'm", "im", "me", "we", "we're"):
                continue
            if not any(x.lower in neg["verbs"] for x in toks[max(0, j - 2) : i]):
                continue
        emotion = neg["emotion"]
        cur = best.get(emotion)
        if cur is None or cur[0] < neg["intensity"]:
            best[emotion] = (neg["intensity"], toks[j].start, t.end)


class AffectComponent:
    """Lexicon affect: GoEmotions labels with Ekman groups and intensity."""

    name: ClassVar[str] = "affect"
    version: ClassVar[str] = "lexicon-1"
    requires: ClassVar[tuple[str, ...]] = ()
    assigns: ClassVar[tuple[str, ...]] = ("affects",)

    def __init__(self) -> None:
        lexicon()  # load (and validate) once, up front

    def annotate(self, annotations: list[Annotation]) -> None:
        for ann in annotations:
            ann.affects = affects(ann.text)
