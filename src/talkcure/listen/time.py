"""Time: past vs present vs future, and childhood / family of origin (METHOD §2).

Rules over the normalised text:

- **childhood**: "as a child/kid", "when I was little/young/a teenager/in
  school/N" (N < 18), "growing up", "grew up", "(my) childhood",
  "elementary/primary/middle school", "kindergarten", "at age N" (N < 18),
  "since I was a kid". Childhood implies ``past``.
- **past**: markers ("used to", "back then", "years ago", "last year",
  "yesterday", "when I was", "the other day"), irregular past verbs ("was",
  "felt", "told", "didn't"), and regular "-ed" verbs right after a subject
  ("I tried", "she yelled", "my mom screamed"; not "I'm tired": after a
  copula it is an adjective).
- **present**: "now", "these days", "lately", "currently", "anymore",
  "today", and present-tense verbs ("I am", "I feel", "it's", "don't").
- **future**: "will"/"'ll"/"won't" (not "free will"), "going to" + verb,
  "gonna", "tomorrow", "next week", "soon", "someday", "in the future".

``cues`` holds the marker words as lower-cased strings, in text order, without
repeats.
"""

from __future__ import annotations

import re
from typing import ClassVar

from talkcure.listen.text import PERSON_NOUNS, Token, analyse
from talkcure.model import Annotation, TimeOrientation

_NUM = (
    r"\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
    r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty"
)
_NUM_WORDS = {w: n for n, w in enumerate(_NUM.split("|")[1:], start=1)}
_KID = r"(?:little |small |young )?(?:kid|child|boy|girl|teen|teenager|toddler|baby)"
_SCHOOL = (
    r"(?:elementary|primary|middle|junior high|high|grade|nursery|pre-?)\s?school|"
    r"kindergarten|(?:\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|"
    r"eighth|ninth|tenth) grade"
)
_CHILDHOOD = re.compile(
    rf"\bas an? {_KID}\b|\bwhen (?:i|we) (?:was|were) (?:little|young|small|younger|kids|"
    rf"children|an? {_KID}|in (?:{_SCHOOL}))\b|\bsince i was (?:little|young|small|an? {_KID})\b|"
    r"\bgrowing up\b|\bgrew up\b|\b(?:my |our )?childhood\b|\b(?:elementary|primary|middle|"
    r"nursery|grade|junior high) school\b|\bkindergarten\b|\bpre-?school\b|"
    r"\bin my (?:early )?teens\b|\bteenage years\b|\bmy early years\b|"
    r"\bback in (?:high |middle |elementary |primary )?school\b"
)
_AGE = re.compile(
    rf"\b(?:when (?:i|we) (?:was|were)|since i was|at (?:the )?age(?: of)?|at age) ({_NUM})"
    r"(?: years? old| yrs old| or so)?\b"
)
_PAST = re.compile(
    r"\bused to\b(?<!'m used to)(?<!am used to)(?<!re used to)(?<!is used to)(?<!be used to)"
    r"(?<!get used to)(?<!got used to)(?<!was used to)|"
    r"\bback then\b|\bback when\b|\bback in the day\b|\b(?:years|months|weeks|days|"
    r"a while|long time|a long time|a year|a month|a week|hours|minutes) ago\b|\bago\b|"
    r"\blast (?:night|week|month|year|time|summer|winter|spring|fall|autumn|weekend|semester|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|\byesterday\b|\bin the past\b|"
    r"\bat (?:the|that) time\b|\bwhen i was\b|\bthe other day\b|\bpreviously\b|\bonce upon\b|"
    r"\bback in (?:19|20)\d\d\b|\bearlier (?:today|this (?:week|month|year))\b"
)
_PRESENT = re.compile(
    r"\bright now\b|\bnow\b|\bnowadays\b|\bthese days\b|\blately\b|\bcurrently\b|\bat the moment\b|"
    r"\bat present\b|\btoday\b|\bthis (?:week|month|year|morning|afternoon|evening)\b|"
    r"\banymore\b|\bany more\b|\brecently\b"
)
_FUTURE = re.compile(
    r"\bgonna\b|\bgoing to (?!the\b|a\b|an\b|my\b|his\b|her\b|their\b|our\b|school\b|work\b|"
    r"church\b|class\b|bed\b|college\b|university\b|uni\b|hospital\b|therapy\b|see a\b)|"
    r"\btomorrow\b|\btonight\b|\bnext (?:week|month|year|time|day|semester|summer|winter|"
    r"spring|fall|weekend|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|"
    r"\bsoon\b(?<!as soon)(?! after| afterwards?| as)|"
    r"\bsomeday\b|\bsome day\b|\bone day (?:i|we)(?:'ll| will| want| hope)\b|\bin the future\b|"
    r"\bin the coming\b|\bupcoming\b|\beventually\b|\blater (?:on|today|this)\b|"
    r"\b(?:plan|planning|intend|intending|about|hoping) to\b|\bfrom now on\b|\bgoing forward\b|"
    r"\bin (?:a|one|two|three|a few|few|\d+) (?:days?|weeks?|months?|years?)\b"
)
_IRREGULAR_PAST = frozenset(
    "was were had did didn't wasn't weren't hadn't went said told felt got made thought knew "
    "came saw left lost took gave found began became broke kept met paid ran sat sent spent "
    "stood understood won wrote heard held forgot forgave fought fell grew bought brought "
    "caught taught chose drove ate drank flew hid led meant sold slept spoke stole swore threw "
    "woke wore tried died cried lied happened started decided wanted asked called moved "
    "passed ended stopped seemed looked used needed liked loved hated".split()
)
_NOUN_DET = frozenset("a an the this that my his her their our your some any no one".split())
_COPULA = frozenset(
    "i'm im am is are was were be been being it's that's he's she's they're we're you're "
    "get got getting feel feels felt seem seems seemed so very really too".split()
)
_SUBJECTS = frozenset(
    "i you he she we they it who everyone everybody someone somebody nobody people".split()
)
_ADVERBS = frozenset(
    "just finally really never always even also actually then recently suddenly eventually "
    "basically literally already only still once first again".split()
)
_PRESENT_VERBS = frozenset(
    "am is are i'm im you're we're they're it's that's there's he's she's isn't aren't don't "
    "doesn't do does feel feels have has i've haven't hasn't keep keeps can't cannot can want "
    "wants need needs think know seem seems hate love get gets live lives".split()
)
_WILL = frozenset("will i'll you'll he'll she'll it'll we'll they'll that'll won't shall".split())
_WILL_NOUN_BEFORE = frozenset(
    "free my his her the own a against of your their our good ill".split()
)


def _age_ok(num: str) -> bool:
    n = int(num) if num.isdigit() else _NUM_WORDS.get(num, 99)
    return n < 18


def _past_verb(toks: tuple[Token, ...], i: int) -> bool:
    t = toks[i]
    low = t.lower
    prev = toks[i - 1].lower if i > 0 and toks[i - 1].sent == t.sent else ""
    if low in _IRREGULAR_PAST:
        if low in ("got", "had") and (prev.endswith("'ve") or prev in ("have", "has", "i'd")):
            return False  # "I've got", "I'd had"
        if low in ("thought", "left", "lost", "found", "used", "meant") and (
            prev in _NOUN_DET or prev in _COPULA
        ):
            return False  # "a thought", "I'm lost", "on the left"
        return True
    if len(low) > 4 and low.endswith("ed") and not low.endswith("eed"):
        # regular past: right after a subject, maybe with one adverb ("I finally decided")
        j = i - 1
        if j >= 0 and toks[j].lower in _ADVERBS:
            j -= 1
        if j < 0 or toks[j].sent != t.sent:
            return False
        subj = toks[j].lower
        subj = subj[:-2] if subj.endswith("'s") else subj
        return subj in _SUBJECTS or subj in PERSON_NOUNS
    return False


def orientation(text: str) -> TimeOrientation:
    """Time orientation of ``text``."""
    doc = analyse(text)
    low = doc.lower
    hits: list[tuple[int, str]] = []
    past = present = future = childhood = False
    for m in _CHILDHOOD.finditer(low):
        childhood = True
        hits.append((m.start(), m.group()))
    for m in _AGE.finditer(low):
        if _age_ok(m.group(1)):
            childhood = True
        past = True
        hits.append((m.start(), m.group()))
    for m in _PAST.finditer(low):
        past = True
        hits.append((m.start(), m.group()))
    for m in _PRESENT.finditer(low):
        present = True
        hits.append((m.start(), m.group()))
    for m in _FUTURE.finditer(low):
        future = True
        hits.append((m.start(), m.group().strip()))
    toks = doc.tokens
    for i, t in enumerate(toks):
        w = t.lower
        if w in _WILL:
            prev = toks[i - 1].lower if i > 0 else ""
            nxt = toks[i + 1].lower if i + 1 < len(toks) else ""
            if w == "will" and (prev in _WILL_NOUN_BEFORE or nxt == "power"):
                continue
            future = True
            hits.append((t.start, w))
        elif _past_verb(toks, i):
            past = True
            hits.append((t.start, w))
        elif w in _PRESENT_VERBS:
            present = True
            hits.append((t.start, w))
    past = past or childhood
    cues: list[str] = []
    seen: set[str] = set()
    taken_end = -1
    for start, cue in sorted(hits, key=lambda h: (h[0], -len(h[1]))):
        if start < taken_end or cue in seen:
            continue  # inside a longer marker already taken ("when i was little")
        seen.add(cue)
        cues.append(cue)
        taken_end = start + len(cue)
    return TimeOrientation(past, present, future, childhood, tuple(cues))


class TimeComponent:
    """Rule-based time orientation: past / present / future / childhood."""

    name: ClassVar[str] = "time"
    version: ClassVar[str] = "rules-1"
    requires: ClassVar[tuple[str, ...]] = ()
    assigns: ClassVar[tuple[str, ...]] = ("time",)

    def annotate(self, annotations: list[Annotation]) -> None:
        for ann in annotations:
            ann.time = orientation(ann.text)
