"""Defenses per utterance: the specific defense where it can be told, and a DMRS level.

METHOD §2–§3, INSTRUMENTS.md (DMRS, Perry): 7 levels, 1 action ... 7 high
adaptive; the Overall Defensive Functioning score (ODF) is the mean level of
the rated defenses.

- **Level**: the learned PsyDefConv head's reading (``Annotation.defense``)
  when the listening pipeline set it: levels 1–7 are rated, 0 (no defense)
  and 8 (needs more information) are not. Otherwise the rule detector below:
  the lowest level among the specific defenses found; else 7 when a
  high-adaptive defense is told (turning to others for help, looking at
  oneself, planning ahead...); else the utterance is not rated.
- **Specific defenses** (rules, ``data/defenses/defenses.yaml``): minimising,
  denial, rationalising, projection, displacement, intellectualising, humour
  as deflection, splitting, devaluation, idealisation, passive aggression,
  acting out, help-rejecting complaining, each with its DMRS level and the
  cue that showed it; plus **topic shift after a feeling**, told from the
  previous utterance: it held a strong negative feeling, this one names no
  feeling and turns to another person or opens with "anyway", "moving on",
  "by the way" (DMRS level 5, scored as repression).

A reading of one utterance is weak evidence: the formulation reports the
specific defenses with the words that showed them, and aggregates levels
over sessions (ODF and its trend), never a verdict on one sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

import yaml

from talkcure.model import NEGATIVE_GROUPS, Annotation

TOPIC_SHIFT = "topic_shift"
_SHIFT_OPENERS = re.compile(
    r"^\W*(?:anyway|anyways|so anyway|moving on|on another note|changing the subject|"
    r"by the way|btw|oh and|enough about that|but enough|let's talk about something else|"
    r"whatever)\b", re.IGNORECASE)
DMRS_LEVELS = {1: "action", 2: "major image-distorting", 3: "disavowal",
               4: "minor image-distorting", 5: "other neurotic", 6: "obsessional",
               7: "high adaptive"}


@dataclass(frozen=True)
class DefenseSpec:
    name: str
    label: str
    level: int
    dmrs: str
    needs: str | None
    pattern: re.Pattern[str]
    move: str = ""  # what the person seems to do, in plain words


@dataclass(frozen=True)
class DefenseHit:
    name: str  # minimising | denial | ... | topic_shift | affiliation (level 7) ...
    label: str
    level: int  # DMRS 1..7
    cue: str  # the words that showed it, as written
    start: int = 0
    end: int = 0


@dataclass
class DefenseRating:
    """One utterance: its level (None: not rated), where the level came from, and
    the specific defenses found."""

    level: int | None
    source: str  # head | rules | none
    defenses: list[DefenseHit] = field(default_factory=list)
    confidence: float | None = None  # the head's probability, when the head rated it


def _compile(cues: list[str]) -> re.Pattern[str]:
    body = "|".join(f"(?:{c})" for c in sorted(cues, key=len, reverse=True))
    return re.compile(rf"(?<![\w'])(?:{body})(?![\w'])")


@cache
def specs() -> tuple[tuple[DefenseSpec, ...], tuple[tuple[str, re.Pattern[str]], ...]]:
    path = files("talkcure") / "data" / "defenses" / "defenses.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    defenses = tuple(
        DefenseSpec(name, spec["label"], spec["level"], spec["dmrs"], spec.get("needs"),
                    _compile(spec["cues"]), spec.get("move", ""))
        for name, spec in data["defenses"].items()
    )
    mature = tuple((name, _compile(cues)) for name, cues in data["mature"].items())
    return defenses, mature


def label_of(name: str) -> str:
    if name == TOPIC_SHIFT:
        return "topic shift after a feeling"
    for spec in specs()[0]:
        if spec.name == name:
            return spec.label
    return name.replace("_", " ")


def move_of(name: str) -> str:
    """What the person seems to do with the defense, in plain words ("make light of it")."""
    if name == TOPIC_SHIFT:
        return "move on to something else"
    return next((spec.move for spec in specs()[0] if spec.name == name), "")


def _norm(text: str) -> str:
    return text.lower().replace("\u2019", "'").replace("\u2018", "'")


def _negative(ann: Annotation | None, strong: float = 0.0) -> bool:
    return ann is not None and any(a.group in NEGATIVE_GROUPS and a.intensity >= strong
                                   for a in ann.affects)


def detect(ann: Annotation, prev: Annotation | None = None) -> list[DefenseHit]:
    """The specific (non-adaptive) defenses ``ann.text`` shows; ``prev``: the person's
    previous utterance in the same session (for a feeling just named, topic shifts)."""
    text = ann.text
    low = _norm(text)
    hits: list[DefenseHit] = []
    feeling = _negative(ann) or _negative(prev)
    for spec in specs()[0]:
        if spec.needs == "feeling" and not feeling:
            continue
        if spec.needs == "no_feeling" and ann.affects:
            continue
        m = spec.pattern.search(low)
        if m:
            hits.append(DefenseHit(spec.name, spec.label, spec.level,
                                   text[m.start():m.end()], m.start(), m.end()))
    shift = _topic_shift(ann, prev)
    if shift is not None:
        hits.append(shift)
    hits.sort(key=lambda h: (h.start, h.level))
    return hits


def _topic_shift(ann: Annotation, prev: Annotation | None) -> DefenseHit | None:
    if prev is None or not _negative(prev, 0.5) or ann.affects:
        return None
    m = _SHIFT_OPENERS.search(ann.text)
    before = {p.role for p in prev.people}
    now = {p.role for p in ann.people if p.category != "companion"}
    if m is None and not (now and not (now & before)):
        return None
    cue = ann.text[m.start():m.end()].strip(" ,") if m else " ".join(ann.text.split()[:6])
    return DefenseHit(TOPIC_SHIFT, label_of(TOPIC_SHIFT), 5, cue, 0, len(cue))


def mature(ann: Annotation) -> list[DefenseHit]:
    """High-adaptive (level 7) defenses told in ``ann.text``."""
    text = ann.text
    low = _norm(text)
    out = []
    for name, pattern in specs()[1]:
        m = pattern.search(low)
        if m:
            out.append(DefenseHit(name, name.replace("_", "-"), 7, text[m.start():m.end()],
                                  m.start(), m.end()))
    return out


def rate(ann: Annotation, prev: Annotation | None = None) -> DefenseRating:
    """The utterance's DMRS level (head first, else rules) and its specific defenses."""
    hits = detect(ann, prev)
    if ann.defense is not None:
        level = ann.defense.level if 1 <= ann.defense.level <= 7 else None
        return DefenseRating(level, "head", hits, ann.defense.confidence)
    if hits:
        return DefenseRating(min(h.level for h in hits), "rules", hits)
    adaptive = mature(ann)
    if adaptive:
        return DefenseRating(7, "rules", adaptive)
    return DefenseRating(None, "none", [])


def odf(levels: list[int]) -> float | None:
    """Overall Defensive Functioning: the mean DMRS level of the rated defenses (1–7)."""
    rated = [x for x in levels if x is not None and 1 <= x <= 7]
    return round(sum(rated) / len(rated), 3) if rated else None


def trend(points: list[tuple[int, float]]) -> dict:
    """Least-squares slope of ODF over session numbers, and its direction."""
    if len(points) < 2:
        return {"slope": None, "direction": "not enough sessions", "sessions": len(points)}
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    slope = sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else 0.0
    direction = "rising" if slope > 0.1 else "falling" if slope < -0.1 else "flat"
    return {"slope": round(slope, 3), "direction": direction, "sessions": n,
            "first": points[0][1], "last": points[-1][1]}
