"""The risk component: suicide, self-harm, harm to others, abuse, acute emergency.

Rules, not a model, in two layers of data: phrase rules (``data/lexicons/risk.yaml``)
and semantic fields (``data/lexicons/risk_fields.yaml``, read by
``talkcure.listen.risk_fields``), loaded once and compiled. Recall matters more
than precision here (METHOD §6): a missed crisis is the worst bug this product
can have, so when a phrasing is ambiguous it fires.

How a message is read:

1. It is normalised: lower case, accents and apostrophes dropped ("don't" ->
   "dont"), leetspeak inside words read as letters ("k1ll mys3lf"), runs of a
   letter collapsed ("dieeee"), masked and slashed words joined ("s/h"), every
   other symbol turned into a space, sentence ends into " | " and commas,
   brackets and quotes into a clause mark " , " (kept for the fields only). Words
   one edit away from a few key words are respelt ("sucidal", "myslef").
2. Explicit denials are blanked out ("I'm not suicidal", "I would never kill
   myself"), unless the same sentence goes on to ambivalence ("...but I keep
   thinking about it"). A qualified denial ("not *tonight*") is not a denial.
3. Every phrase rule runs over the rest. A match is dropped when its sentence
   says it was an accident ("cut myself shaving"), unless it also says it was on
   purpose; a rule marked ``speaker`` is dropped when a third party stands right
   before it ("the hero wants to die") and the sentence has no "I" or "me". A
   sentence that says it was long ago keeps a past attempt as risk but clears
   ``imminent``, and turns an emergency into a past suicide attempt.
4. The semantic fields read what the phrase rules don't know (see
   risk_fields): a wish of the speaker's followed by a death term, a negated life
   term ("no reason to *go on*"), method or means with intent, preparation,
   burden, self-injury with purpose, harm to a person, abuse by one; and two
   independent weak signals in one message (farewell + hopelessness...). The
   same long-ago rule applies to them.
5. ``imminent`` is set by plan, means, preparation and acute rules, and by
   time-bound words ("tonight", "right now") in a flagged message.

``cues`` holds rule names only, never the patient's words. Any exception
fails closed: ``RiskAssessment(flagged=True, kinds=("unknown",), error=True)``.
Every pattern uses bounded repetition only, so the scan stays linear on very
long input; a rule's context check looks at most ``_WINDOW`` characters
either side of its match. For speed, each phrase pattern's possible 3-character
literal starts are derived from the compiled pattern itself, and the pattern
is tried only at word starts that begin that way (a pattern whose starts
can't be derived is scanned everywhere); each field combination runs only on
sentences holding one of its ``gate`` fields. Tests check both shortcuts find
what a full reading finds.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import ClassVar

import yaml

from talkcure.listen import risk_fields
from talkcure.model import Annotation, RiskAssessment

try:  # the regex parser, to read each pattern's literal starts (speed only)
    from re import _constants as sre_c
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - another Python: scan every pattern everywhere
    sre_c = sre_parse = None

KINDS = ("suicide", "self_harm", "harm_to_others", "abuse", "emergency")
LEXICON = "risk.yaml"

_WINDOW = 300  # characters either side of a match that its context checks read
_APOSTROPHES = re.compile("['\u2018\u2019\u02bc\u0060\u00b4]")
_BREAKS = re.compile("[.!?;:\n\r\u2026\u2013\u2014]+|\\s-+\\s")
_NON_WORD = re.compile(r"[^a-z0-9|]+")
_NON_WORD_CLAUSE = re.compile(r"[^a-z0-9|,]+")
_CLAUSE_MARKS = re.compile("[,()\\[\\]{}\"\u201c\u201d]+")
# "k1ll mys3lf", "$uicide": a leet character inside a word that has a letter after it
_LEET_WORD = re.compile(
    r"(?<![a-z0-9@$])(?=[a-z@$])[a-z0-9@$]*?[013457@$][a-z0-9@$]*?[a-z][a-z0-9@$]*"
)
_LEET = str.maketrans("013457@$", "oieastas")
_REPEATS = re.compile(r"([a-z])\1{2,}")  # "dieeee", "sooo" -> "die", "so"
_MASKED = re.compile(r"(?<=[a-z])\*+(?=[a-z])")  # "sh*t" -> "sht" (not "sh t")
_SLASHED = re.compile(r"\bs ?[/.] ?h\b")  # "s/h" -> "sh"
_REPEATED_MARKS = re.compile(r" , (?:, )+")  # "no, (not really)" -> "no , not really"
_VOCAB_REF = re.compile(r"\{([a-z_]+)\}")
# "I ' m", "don ' t" (apostrophe typed with spaces) -> "im", "dont"
_SPLIT_CONTRACTION = re.compile(
    r"\b(i|you|we|they|he|she|it|that|there|what|who) (m|ve|ll|d|re|s)\b|\b(\w+n) (t)\b"
)
_PREFIX = 3  # characters of literal prefix used to pick where a pattern can start
_MAX_PREFIXES = 4000


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str
    regex: re.Pattern[str]
    imminent: bool = False
    unless: tuple[str, ...] = ()
    past_kind: str = ""
    speaker: bool = False  # about the speaker: not after a third party (see risk.yaml)


@dataclass(frozen=True)
class Lexicon:
    rules: tuple[Rule, ...]
    denials: tuple[tuple[str, re.Pattern[str]], ...]
    ambivalence: re.Pattern[str]
    ambivalence_before: re.Pattern[str]
    contexts: dict[str, re.Pattern[str]]
    imminence: tuple[tuple[str, re.Pattern[str]], ...]
    # Where each scanned pattern (denials, rules, imminence, in that order) can start:
    # its possible literal prefixes, or None when they can't be derived (scan it all).
    prefixes: tuple[frozenset[str] | None, ...] = ()
    index: dict[str, tuple[int, ...]] = field(default_factory=dict)  # prefix -> scanned ids

    @property
    def scanned(self) -> tuple[re.Pattern[str], ...]:
        return (
            *(r for _, r in self.denials),
            *(r.regex for r in self.rules),
            *(r for _, r in self.imminence),
        )


# --------------------------------------------------------------------------- loading


def _expand(pattern: str, vocab: dict[str, str]) -> str:
    for _ in range(6):  # vocab entries may refer to each other, a few levels deep
        expanded = _VOCAB_REF.sub(lambda m: vocab[m.group(1)], pattern)
        if expanded == pattern:
            return expanded
        pattern = expanded
    raise ValueError("risk lexicon: vocabulary references nest too deeply")


def _compile(pattern: str, vocab: dict[str, str], name: str = "") -> re.Pattern[str]:
    body = _expand(str(pattern), vocab)
    try:
        return re.compile(rf"\b(?:{body})\b")
    except re.error as err:
        raise ValueError(f"risk lexicon: pattern {name or body[:40]!r}: {err}") from None


def _starts(items) -> set[tuple[str, bool]] | None:
    """Literal strings every match of a parsed pattern starts with, (prefix, can_extend)."""
    current = {("", True)}
    for op, av in items:
        if op in (sre_c.AT, sre_c.ASSERT, sre_c.ASSERT_NOT):
            continue  # zero width
        options: set[tuple[str, bool]] | None
        if op is sre_c.LITERAL:
            options = {(chr(av), True)}
        elif op is sre_c.IN:
            chars = [chr(a) for o, a in av if o is sre_c.LITERAL]
            options = {(c, True) for c in chars} if len(chars) == len(av) else None
        elif op is sre_c.SUBPATTERN:
            options = _starts(av[-1])
        elif op is sre_c.BRANCH:
            options = set()
            for branch in av[1]:
                found = _starts(branch)
                if found is None:
                    options = None
                    break
                options |= found
        elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT):
            low, high, sub = av
            found = _starts(sub)
            if found is None:
                options = None if low else {("", False)}
            else:
                options = {(t, extend and high == 1) for t, extend in found}
                if low == 0:
                    options.add(("", True))
        else:
            options = None
        if options is None:
            return {(p, False) for p, _ in current}
        nxt = set()
        for prefix, extend in current:
            if not extend or len(prefix) >= _PREFIX:
                nxt.add((prefix[:_PREFIX], False))
                continue
            for tail, more in options:
                joined = prefix + tail
                nxt.add((joined[:_PREFIX], more and len(joined) < _PREFIX))
        if len(nxt) > _MAX_PREFIXES:
            return None
        current = nxt
        if not any(extend for _, extend in current):
            break
    return current


def prefixes_of(regex: re.Pattern[str]) -> frozenset[str] | None:
    """Possible literal starts of every match (at a word start), or None if unknown."""
    if sre_parse is None:
        return None
    try:
        found = _starts(sre_parse.parse(regex.pattern))
    except Exception:
        return None
    if not found:
        return None
    out = frozenset(p for p, _ in found)
    if any(not p or not (p[0].isalnum()) for p in out):
        return None
    return out


def _named(item: dict, vocab: dict[str, str]) -> tuple[str, re.Pattern[str]]:
    return str(item["name"]), _compile(item["pattern"], vocab, str(item["name"]))


def load_lexicon(text: str) -> Lexicon:
    """Compile a risk lexicon from its YAML text (see data/lexicons/risk.yaml)."""
    data = yaml.safe_load(text)
    vocab = {k: str(v) for k, v in (data.get("vocab") or {}).items()}
    rules = []
    for kind, items in data["kinds"].items():
        if kind not in KINDS:
            raise ValueError(f"risk lexicon: unknown kind {kind!r}")
        for item in items:
            past_kind = item.get("past_kind", "")
            if past_kind and past_kind not in KINDS:
                raise ValueError(f"risk lexicon: rule {item['name']}: unknown past_kind")
            rules.append(
                Rule(
                    name=str(item["name"]),
                    kind=kind,
                    regex=_compile(item["pattern"], vocab, str(item["name"])),
                    imminent=bool(item.get("imminent", False)),
                    unless=tuple(item.get("unless") or ()),
                    past_kind=past_kind,
                    speaker=bool(item.get("speaker", False)),
                )
            )
    contexts = {k: _compile(v, vocab, k) for k, v in data["contexts"].items()}
    for rule in rules:
        missing = set(rule.unless) - set(contexts)
        if missing:
            raise ValueError(f"risk lexicon: rule {rule.name}: unknown context {missing}")
    needed_contexts = ["intent", "remote_past"]
    if any(rule.speaker for rule in rules):
        needed_contexts += ["third_party", "first_person"]
    for needed in needed_contexts:
        if needed not in contexts:
            raise ValueError(f"risk lexicon: context {needed!r} is required")
    lex = Lexicon(
        rules=tuple(rules),
        denials=tuple(_named(d, vocab) for d in data["denials"]),
        ambivalence=_compile(data["ambivalence"], vocab),
        ambivalence_before=_compile(data["ambivalence_before"], vocab),
        contexts=contexts,
        imminence=tuple(_named(i, vocab) for i in data["imminence"]),
    )
    prefixes = tuple(prefixes_of(r) for r in lex.scanned)
    index: dict[str, list[int]] = defaultdict(list)
    for i, found in enumerate(prefixes):
        for prefix in found or ():
            index[prefix].append(i)
    return Lexicon(
        **{**lex.__dict__, "prefixes": prefixes, "index": {k: tuple(v) for k, v in index.items()}}
    )


@cache
def lexicon() -> Lexicon:
    """The shipped lexicon, loaded and compiled once per process."""
    path = files("talkcure") / "data" / "lexicons" / LEXICON
    return load_lexicon(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- reading


def normalise(text: str, clauses: bool = False) -> str:
    """Lower case, no accents or apostrophes, single spaces, sentence ends as " | ".

    Leetspeak inside words is read as letters ("k1ll" -> "kill"), runs of three or
    more of a letter as one ("sooo" -> "so"). With ``clauses``, commas, brackets
    and quotes are kept as a clause mark " , " (for the semantic fields).
    """
    text = unicodedata.normalize("NFKD", text).lower()
    text = _APOSTROPHES.sub("", text)
    text = _MASKED.sub("", text)
    text = _SLASHED.sub("sh", text)
    text = _LEET_WORD.sub(lambda m: m.group().translate(_LEET), text)
    text = _REPEATS.sub(r"\1", text)
    text = _BREAKS.sub(" | ", text)
    if clauses:
        text = _CLAUSE_MARKS.sub(" , ", text)
        text = " ".join(_NON_WORD_CLAUSE.sub(" ", text).split())
        text = _REPEATED_MARKS.sub(" , ", text)
    else:
        text = " ".join(_NON_WORD.sub(" ", text).split())
    return _SPLIT_CONTRACTION.sub(lambda m: "".join(g for g in m.groups() if g), text)


def _sentence(norm: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the sentence around norm[start:end], at most _WINDOW either side."""
    left = max(norm.rfind("|", max(0, start - _WINDOW), start) + 1, start - _WINDOW, 0)
    right = norm.find("|", end, end + _WINDOW)
    return left, (right if right != -1 else min(len(norm), end + _WINDOW))


def _candidates(norm: str, lex: Lexicon) -> dict[int, list[int]]:
    """For each scanned pattern, the word starts where its literal prefix occurs."""
    lengths = sorted({len(p) for p in lex.index})
    found: dict[int, list[int]] = defaultdict(list)
    index = lex.index
    pos = 0
    for word in norm.split(" "):
        if word != "|":
            for n in lengths:
                hits = index.get(norm[pos : pos + n])
                if hits:
                    for i in hits:
                        found[i].append(pos)
        pos += len(word) + 1
    return found


class _Scanner:
    """Matches of the lexicon's patterns, tried only where their prefix occurs."""

    def __init__(self, norm: str, lex: Lexicon):
        self.lex = lex
        self.norm = norm
        self.candidates = _candidates(norm, lex)

    def matches(self, i: int, regex: re.Pattern[str]):
        if self.lex.prefixes[i] is None:
            yield from regex.finditer(self.norm)
            return
        for pos in self.candidates.get(i, ()):
            m = regex.match(self.norm, pos)
            if m:
                yield m


def _blank_denials(scan: _Scanner) -> None:
    lex, norm = scan.lex, scan.norm
    spans = []
    for i, (_name, regex) in enumerate(lex.denials):
        for m in scan.matches(i, regex):
            left, right = _sentence(norm, m.start(), m.end())
            if lex.ambivalence.search(norm, m.end(), right):
                continue
            if lex.ambivalence_before.search(norm, left, m.start()):
                continue
            spans.append((m.start(), m.end()))
    if spans:
        chars = list(norm)
        for start, end in spans:
            chars[start:end] = " " * (end - start)
        scan.norm = "".join(chars)  # only removes words, so the candidates stay valid


def _about_someone_else(norm: str, left: int, right: int, start: int, lex: Lexicon) -> bool:
    """A third party right before the match, and no first-person word in its sentence."""
    third = lex.contexts["third_party"].search(norm, max(left, start - 60), start)
    return third is not None and lex.contexts["first_person"].search(norm, left, right) is None


def _field_hits(clausal: str, lex: Lexicon, fields, gated: bool = True):
    """(cue, kind, imminent) for each semantic-field combination read in the message."""
    remote_past = lex.contexts["remote_past"]
    out = []
    for hit in risk_fields.read(clausal, fields, gated):
        kind, imminent = hit.kind, hit.imminent
        left, right = _sentence(clausal, hit.start, hit.end)
        if hit.end - hit.start < len(clausal) and remote_past.search(clausal, left, right):
            kind = "suicide" if kind == "emergency" else kind  # a past attempt, as for the rules
            imminent = False
        out.append((hit.name, kind, imminent))
    return out


def _scan(
    text: str, lex: Lexicon | None = None, fields: risk_fields.Fields | None = None,
    gated: bool = True,
) -> RiskAssessment:
    lex = lex or lexicon()
    fields = fields or risk_fields.fields()
    clausal = risk_fields.respell(normalise(text, clauses=True), fields)
    norm, marks = risk_fields.without_clauses(clausal)
    if not norm:
        return RiskAssessment.none()
    scan = _Scanner(norm, lex)
    _blank_denials(scan)  # for the fields too: "I have no thoughts of ending it"
    norm = scan.norm
    intent = lex.contexts["intent"]
    remote_past = lex.contexts["remote_past"]
    found: dict[str, bool] = {}  # kind -> imminent
    cues: list[str] = []
    first = len(lex.denials)
    for i, rule in enumerate(lex.rules, start=first):
        best: tuple[str, bool] | None = None
        for m in scan.matches(i, rule.regex):
            left, right = _sentence(norm, m.start(), m.end())
            if rule.unless and not intent.search(norm, left, right):
                if any(lex.contexts[c].search(norm, left, right) for c in rule.unless):
                    continue
            if rule.speaker and _about_someone_else(norm, left, right, m.start(), lex):
                continue
            if remote_past.search(norm, left, right):
                best = best or (rule.past_kind or rule.kind, False)
                continue
            best = (rule.kind, rule.imminent)
            break
        if best is None:
            continue
        kind, imminent = best
        found[kind] = found.get(kind, False) or imminent
        cues.append(rule.name)
    clausal = risk_fields.with_clauses(norm, marks)  # denials blanked, clause marks back
    for name, kind, imminent in _field_hits(clausal, lex, fields, gated):
        if name not in cues:
            cues.append(name)
        found[kind] = found.get(kind, False) or imminent
    if not found:
        return RiskAssessment.none()
    imminent = any(found.values())
    first += len(lex.rules)
    for i, (name, regex) in enumerate(lex.imminence, start=first):
        for m in scan.matches(i, regex):
            left, right = _sentence(norm, m.start(), m.end())
            if not remote_past.search(norm, left, right):
                imminent = True
                cues.append(name)
                break
    kinds = tuple(k for k in KINDS if k in found)
    return RiskAssessment(flagged=True, kinds=kinds, cues=tuple(cues), imminent=imminent)


def assess_risk(text: str) -> RiskAssessment:
    """Read one message for risk. Pure; never raises: an error reads as risk."""
    try:
        return _scan(text)
    except Exception:  # fail closed: a broken risk check must never pass as "no risk"
        return RiskAssessment(flagged=True, kinds=("unknown",), error=True)


class RiskComponent:
    """Pipeline component: sets ``risk`` on every annotation (see module docstring)."""

    name: ClassVar[str] = "risk"
    version: ClassVar[str] = "rules-1"
    requires: ClassVar[tuple[str, ...]] = ()
    assigns: ClassVar[tuple[str, ...]] = ("risk",)

    def annotate(self, annotations: list[Annotation]) -> None:
        for ann in annotations:
            ann.risk = assess_risk(ann.text)
