"""CCRT scoring of one utterance: Wish, Response of Other, Response of Self.

Luborsky's Core Conflictual Relationship Theme method, Standard Categories
edition 3 (INSTRUMENTS.md): each relationship episode yields a Wish (W), a
Response of Other (RO) and a Response of Self (RS) where stated, each in one
of 8 clusters. This module scores the components an utterance states; the
grouping of utterances into episodes is :mod:`talkcure.formulate.episodes`.

The cues live in ``data/ccrt/`` (``wishes.yaml``, ``responses_other.yaml``,
``responses_self.yaml``, ``objects.yaml``), one list of regular expressions
per cluster, each file saying which cues map to which cluster and why. The
rules on top:

- **RO** needs someone other than the speaker as the subject of the cue
  ("he never listens", "my mum tells me what to do", "you don't get it"),
  found by scanning back in the sentence
  (:func:`talkcure.listen.text.experiencer`). A negated cue of a positive
  cluster goes where the file says ("never listens": understanding ->
  rejecting and opposing) and implies a wish ("to be loved and
  understood"), which is kept as *inferred*.
- **RS** needs the speaker as the subject (or none: "feeling so alone").
  A negated RS cue is dropped unless the file maps it ("I don't feel
  respected" -> disappointed and depressed). Where no RS cue is found, a
  negative feeling the pipeline read gives the RS (``affect`` map).
- **W** needs a wish frame spoken by the speaker ("I just want", "all I need
  is", "if only", "how can I get him to", "so that she would") and a cluster
  cue after it in the same clause; a negated frame keeps only the wishes the
  file maps ("I don't want to fight" -> to be distant and avoid conflicts).
- **Object** (whom the component is about): the person the pipeline named
  as the subject, a pronoun resolved to the last person named in the
  session whose role fits it (``objects.yaml``), "you" as the companion,
  "people"/"everyone" as people in general, "myself" as the self.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

from talkcure.listen.text import OTHER, Doc, analyse, experiencer, negated
from talkcure.model import Annotation

KINDS = ("W", "RO", "RS")
KIND_NAMES = {"W": "wish", "RO": "response of other", "RS": "response of self"}
_FILES = {"W": "wishes", "RO": "responses_other", "RS": "responses_self"}
_SELF_START = re.compile(r"^(?:i|i'm|im|i've|i'd|me|my|myself)\b")
_FRAME_NEGATION = re.compile(r"\b(?:don't|do not|didn't|did not|never|not|dont|didnt)\b")
_HE = frozenset("he he's he'd he'll him his himself".split())
_SHE = frozenset("she she's she'd she'll her hers herself".split())
_THEY = frozenset("they they're they've they'd they'll them their theirs themselves".split())
_PEOPLE = frozenset("everyone everybody people nobody someone somebody anyone anybody".split())
_YOU = frozenset("you you're you've you'd you'll your yourself u ya".split())
_CLAUSE_END = re.compile(r"[.!?;,]|\bbut\b")
_TAG_QUESTION = re.compile(r",\s*(?:do|does|did|is|are|was|were|can|could|will|would|won't|don't|"
                           r"doesn't|didn't|isn't|aren't|right|huh)\b[^,?]{0,12}\?\s*$")
_SELF_OBJECTS = frozenset("me my myself us our ourselves mine".split())
_THINGS = frozenset("it it's its this that that's this's there there's what's which".split())
_MODALS = frozenset("will would could might may can should shall 'll i'll he'll she'll they'll "
                    "you'll gonna".split())
_SKIP = frozenset("just really even ever actually also still".split())


@dataclass(frozen=True)
class Cluster:
    kind: str  # W | RO | RS
    key: str  # e.g. "loved_understood"
    number: int  # 1..8 in the standard categories
    label: str  # "to be loved and understood"
    phrase: str  # plain words for the wording
    negated: str | None
    implies_wish: str | None
    pattern: re.Pattern[str]
    passive: re.Pattern[str] | None = None  # RO told with the speaker as subject
    neg_only: re.Pattern[str] | None = None  # cues that count only when negated


@dataclass(frozen=True)
class Component:
    """One scored CCRT component of an utterance."""

    kind: str  # W | RO | RS
    cluster: str  # cluster key
    cue: str  # the words as written
    start: int  # offsets in the text as written
    end: int
    object: str = ""  # whom it is about: a role, "companion", "self", "people", "" unknown
    inferred: bool = False  # a wish implied by a negated response of other
    source: str = "cue"  # cue | affect


@dataclass
class Lexicon:
    clusters: dict[str, dict[str, Cluster]]  # kind -> key -> cluster
    frames: re.Pattern[str]
    affect: dict[str, str]
    he: frozenset[str]
    she: frozenset[str]
    self_object: dict[str, re.Pattern[str]]  # RO cluster -> cues
    family_of_origin: frozenset[str]


def _load(name: str) -> dict[str, Any]:
    path = files("talkcure") / "data" / "ccrt" / f"{name}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _alternation(cues: list[str]) -> re.Pattern[str]:
    """One regex for a cluster's cues, on word boundaries; a cue may start with
    a contraction ("'s so controlling" in "she's so controlling")."""
    body = "|".join(f"(?:{c})" for c in sorted(cues, key=len, reverse=True))
    return re.compile(rf"(?:(?<![\w'])|(?='))(?:{body})(?![\w'])")


@cache
def lexicon() -> Lexicon:
    clusters: dict[str, dict[str, Cluster]] = {}
    affect: dict[str, str] = {}
    frames: list[str] = []
    for kind, name in _FILES.items():
        data = _load(name)
        clusters[kind] = {}
        for key, spec in data["clusters"].items():
            plain = [c for c in spec["cues"] if not c.startswith("!neg ")]
            neg = [c[5:] for c in spec["cues"] if c.startswith("!neg ")]
            clusters[kind][key] = Cluster(
                kind, key, spec["number"], spec["label"], spec["phrase"], spec.get("negated"),
                spec.get("implies_wish"), _alternation(plain),
                _alternation(spec["passive"]) if spec.get("passive") else None,
                _alternation(neg) if neg else None)
        frames.extend(data.get("frames", ()))
        affect.update(data.get("affect", {}))
    objects = _load("objects")
    return Lexicon(
        clusters=clusters,
        frames=re.compile("|".join(f"(?:{f})" for f in frames)),
        affect=affect,
        he=frozenset(objects["he"]),
        she=frozenset(objects["she"]),
        self_object={key: _alternation(cues) for key, cues in objects["self_object"].items()},
        family_of_origin=frozenset(objects["family_of_origin"]),
    )


def cluster(kind: str, key: str) -> Cluster:
    return lexicon().clusters[kind][key]


@dataclass(frozen=True)
class Person:
    role: str
    category: str
    plural: bool = False


@dataclass
class UtteranceCCRT:
    """The CCRT reading of one utterance."""

    components: list[Component] = field(default_factory=list)
    objects: list[Person] = field(default_factory=list)  # named or referred to, text order
    main: Person | None = None  # whom the utterance is mainly about

    def of(self, kind: str, stated_only: bool = False) -> list[Component]:
        return [c for c in self.components if c.kind == kind
                and not (stated_only and c.inferred)]


COMPANION = Person("companion", "companion")
SELF = Person("self", "self")
PEOPLE = Person("people", "others", True)


class _Resolver:
    """Who a token refers to: named people, pronouns, "you", "people"."""

    def __init__(self, ann: Annotation, doc: Doc, context: list[Person]):
        self.doc = doc
        self.context = list(context)  # session's people, most recent last
        self.named: list[tuple[int, int, Person]] = []  # text offsets -> person
        for p in ann.people:
            if p.category == "companion":
                continue
            self.named.append((p.start, p.end, Person(p.role, p.category, p.plural)))

    def at(self, tok_index: int) -> Person | None:
        tok = self.doc.tokens[tok_index]
        s, e = self.doc.span(tok.start, tok.end)
        for ps, pe, p in self.named:
            if ps <= s and e <= pe:
                return p
        low = tok.lower
        if low in _YOU:
            return COMPANION
        if low in _PEOPLE:
            return PEOPLE
        if low in _HE or low in _SHE or low in _THEY:
            return self.pronoun(low, s)
        return None

    def pronoun(self, low: str, text_offset: int) -> Person | None:
        lex = lexicon()
        seen = [p for ps, _, p in self.named if ps < text_offset]
        for person in reversed(self.context + seen):
            if low in _HE and person.role not in lex.she and not person.plural:
                return person
            if low in _SHE and person.role not in lex.he and not person.plural:
                return person
            if low in _THEY:
                return person
        return None

    def first_named(self) -> Person | None:
        return self.named[0][2] if self.named else None


def _token_at(doc: Doc, start: int) -> int:
    starts = [t.start for t in doc.tokens]
    i = bisect.bisect_right(starts, start) - 1
    return max(i, 0)


def _clause_end(doc: Doc, start: int) -> int:
    m = _CLAUSE_END.search(doc.lower, start)
    return m.start() if m else len(doc.lower)


def _matches(doc: Doc, kind: str, passive: bool = False) -> list[tuple[int, int, Cluster]]:
    found = []
    for cl in lexicon().clusters[kind].values():
        pattern = cl.passive if passive else cl.pattern
        if pattern is not None:
            found.extend((m.start(), m.end(), cl) for m in pattern.finditer(doc.lower))
        if cl.neg_only is not None and not passive:
            found.extend((m.start(), m.end(), cl) for m in cl.neg_only.finditer(doc.lower)
                         if negated(doc.tokens, _token_at(doc, m.start())))
    found.sort(key=lambda x: (x[0], -(x[1] - x[0])))
    kept: list[tuple[int, int, Cluster]] = []
    for s, e, cl in found:
        if any(s < ke and ks < e for ks, ke, _ in kept):
            continue
        kept.append((s, e, cl))
    return kept


def _component(doc: Doc, kind: str, s: int, e: int, key: str, **kw) -> Component:
    cue, cs, ce = doc.cue(s, e)
    return Component(kind, key, cue, cs, ce, **kw)


def _wishes(doc: Doc, res: _Resolver) -> tuple[list[Component], list[tuple[int, int]]]:
    """The stated wishes, and the spans of every wish frame's clause (what is wished
    has not happened: no response is scored there)."""
    toks = doc.tokens
    out: list[Component] = []
    spans: list[tuple[int, int]] = []
    for m in lexicon().frames.finditer(doc.lower):
        if spans and m.start() < spans[-1][1]:
            continue
        frame_negated = _FRAME_NEGATION.search(m.group()) is not None
        tail_end = min(_clause_end(doc, m.end()), m.end() + 90)
        spans.append((m.start(), tail_end))
        best = None
        for cl in lexicon().clusters["W"].values():
            hit = cl.pattern.search(doc.lower, m.end(), tail_end)
            if hit and (best is None or (hit.start(), -hit.end()) < (best[0], -best[1])):
                best = (hit.start(), hit.end(), cl)
        if best is None:
            continue
        s, e, cl = best
        before = doc.lower[max(m.end(), s - 12) : s]
        if re.search(r"\b(?:not|never|n't)\b|n't\s", before):
            frame_negated = True
        key = cl.negated if frame_negated else cl.key
        if key is None:
            continue
        obj = None
        for k in range(_token_at(doc, m.end()), len(toks)):
            if toks[k].start >= e:
                break
            obj = obj or res.at(k)
        out.append(_component(doc, "W", m.start(), e, key, object=obj.role if obj else ""))
    return out, spans


def _subject(doc: Doc, i: int, s: int, objects_too: bool = True) -> tuple[str, int | None]:
    """Who is the subject of the cue starting at norm offset ``s`` (token ``i``).

    ``objects_too=False``: "me", "my", "us" are objects, not subjects ("he snapped at me
    and didn't listen": he didn't listen)."""
    toks = doc.tokens
    tok = toks[i]
    if tok.start < s:  # the cue starts inside a contraction: "she's so controlling"
        if tok.lower in _THINGS or _SELF_START.match(tok.lower):
            return SELF_KIND, i
        return OTHER, i
    if objects_too:
        return experiencer(toks, i)
    keep = [k for k in range(i) if toks[k].lower not in _SELF_OBJECTS] + [i]
    who, j = experiencer([toks[k] for k in keep], len(keep) - 1)
    return who, (keep[j] if j is not None else None)


def _unreal(doc: Doc, s: int) -> bool:
    """A cue in a question, or after a modal without a negator: not a response that
    happened ("will he ever help me?", "a friend will help me out")."""
    sent_end = doc.lower.find("?", s)
    stop = min((x for x in (doc.lower.find(c, s) for c in ".!") if x >= 0), default=-1)
    if sent_end >= 0 and (stop < 0 or sent_end < stop):
        start = max(doc.lower.rfind(c, 0, s) for c in ".!?")
        if not _TAG_QUESTION.search(doc.lower[start + 1 : sent_end + 1]):
            return True  # a real question, not "you don't get it, do you?"
    i = _token_at(doc, s)
    j = i - 1
    while j >= 0 and doc.tokens[j].lower in _SKIP:
        j -= 1
    return j >= 0 and doc.tokens[j].lower in _MODALS and not negated(doc.tokens, i)


SELF_KIND = "self"


def score_utterance(ann: Annotation, context: list[Person] | None = None) -> UtteranceCCRT:
    """The W / RO / RS components ``ann.text`` states, with whom each is about.

    ``context``: people named earlier in the session, most recent last (for
    pronouns)."""
    doc = analyse(ann.text)
    out = UtteranceCCRT()
    if not doc.tokens:
        return out
    res = _Resolver(ann, doc, context or [])
    toks = doc.tokens
    wishes, wished = _wishes(doc, res)

    def in_wish(s: int, e: int) -> bool:  # "I want him to listen": wished, not happened
        return any(ws <= s < we for ws, we in wished)

    out.components.extend(wishes)
    subjects: list[Person] = []
    # ---- responses of other: someone else is the subject
    for s, e, cl in _matches(doc, "RO"):
        if in_wish(s, e) or _SELF_START.match(doc.lower[s:e]) or _unreal(doc, s):
            continue
        i = _token_at(doc, s)
        who, j = _subject(doc, i, s, objects_too=False)
        if who != OTHER or j is None:
            continue
        person = res.at(j)
        key, inferred_wish = cl.key, None
        if negated(toks, i):
            if cl.negated is None:
                continue
            key, inferred_wish = cl.negated, cl.implies_wish
        obj = person.role if person else ""
        out.components.append(_component(doc, "RO", s, e, key, object=obj))
        if inferred_wish:
            out.components.append(
                _component(doc, "W", s, e, inferred_wish, object=obj, inferred=True))
        if person:
            subjects.append(person)
    # ---- responses of other told in the passive ("I get ignored", "I felt dismissed")
    passives: list[tuple[int, int]] = []  # "gets shut down" is not the speaker shutting down
    for s, e, cl in _matches(doc, "RO", passive=True):
        i = _token_at(doc, s)
        if in_wish(s, e) or negated(toks, i) or _subject(doc, i, s)[0] == OTHER:
            continue
        if _unreal(doc, s):
            continue
        if not re.match(r"(?:feel|felt|feeling)\b", doc.lower[s:e]):
            passives.append((s, e))  # "I feel invalidated" is also the speaker's response
        out.components.append(_component(doc, "RO", s, e, cl.key))
    # ---- the self as the other ("I hate myself")
    self_obj = False
    for key, pattern in lexicon().self_object.items():
        for m in pattern.finditer(doc.lower):
            self_obj = True
            stance = key
            if negated(toks, _token_at(doc, m.start())):
                if key != "helpful":
                    continue
                stance = "rejecting_opposing"  # "I'm not taking care of myself"
            out.components.append(_component(doc, "RO", m.start(), m.end(), stance,
                                             object=SELF.role))
    # ---- responses of self: the speaker is the subject
    for s, e, cl in _matches(doc, "RS"):
        if in_wish(s, e) or any(ps <= s and e <= pe for ps, pe in passives):
            continue
        if _unreal(doc, s):
            continue
        i = _token_at(doc, s)
        if not _SELF_START.match(doc.lower[s:e]):
            who, j = _subject(doc, i, s)
            if who == OTHER or (j is not None and doc.tokens[j].lower in _THINGS
                                and not doc.lower[s:e].startswith(("it ", "that ", "this "))):
                continue
        key = cl.key
        if negated(toks, i):
            if cl.negated is None:
                continue
            key = cl.negated
        out.components.append(_component(doc, "RS", s, e, key))
    if not out.of("RS"):
        lex = lexicon()
        for a in ann.affects:  # a feeling in the person's own words (a quotable cue)
            if a.emotion in lex.affect and a.end > a.start:
                out.components.append(Component("RS", lex.affect[a.emotion], a.cue, a.start,
                                                a.end, source="affect"))
                break
    # ---- whom the utterance is about
    named = res.first_named()
    pronoun = next((p for k in range(len(toks)) if toks[k].lower in _HE | _SHE | _THEY
                    and (p := res.at(k)) is not None), None)
    companion = any(p.category == "companion" for p in ann.people)
    main = (subjects[0] if subjects else None) or named or pronoun or (
        COMPANION if companion else None) or (SELF if self_obj else None)
    out.main = main
    seen: set[str] = set()
    for p in [*(x for _, _, x in res.named), *subjects, *([pronoun] if pronoun else [])]:
        if p.role not in seen:
            seen.add(p.role)
            out.objects.append(p)
    if main is not None:
        out.components = [c if c.object else _with_object(c, main.role)
                          for c in out.components]
    out.components.sort(key=lambda c: (c.start, KINDS.index(c.kind)))
    return out


def _with_object(c: Component, role: str) -> Component:
    return Component(c.kind, c.cluster, c.cue, c.start, c.end, role, c.inferred, c.source)


def label(kind: str, key: str) -> str:
    return cluster(kind, key).label


def phrase(kind: str, key: str) -> str:
    return cluster(kind, key).phrase


def family_of_origin(role: str) -> bool:
    return role in lexicon().family_of_origin
