"""Course memory: what recurs across a person's utterances.

Built only from the person's own annotated words; every theme and pattern
keeps the ids of the turns it rests on. Besides person / feeling themes and
avoided feelings it keeps the relationship episodes with their CCRT scoring
(:mod:`talkcure.formulate.episodes`) and a defense reading of each utterance
(:mod:`talkcure.formulate.defenses`), so the planner can draw on the same
findings the formulation reports (:func:`talkcure.formulate.formulation.build_formulation`
builds one from a CourseMemory).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

import yaml

from talkcure.formulate.defenses import DefenseHit, DefenseRating, rate
from talkcure.formulate.episodes import (
    EpisodeTracker,
    RelationshipPattern,
    relationship_patterns,
)
from talkcure.formulate.evidence import Mention, clause_around
from talkcure.model import NEGATIVE_GROUPS, Annotation

__all__ = ["Avoidance", "CourseMemory", "Mention", "Pattern", "Theme", "clause_around",
           "minimises"]


@dataclass
class Theme:
    key: str  # person:mother | feeling:sadness | pair:mother|sadness
    label: str
    mentions: list[Mention] = field(default_factory=list)

    @property
    def sessions(self) -> set[int]:
        return {m.session for m in self.mentions}

    @property
    def recurring(self) -> bool:
        """METHOD §3: in at least two sessions or three separate utterances."""
        return len(self.sessions) >= 2 or len(self.mentions) >= 3


@dataclass
class Pattern:
    """A candidate for interpretation, with the evidence behind it."""

    kind: str  # repeated | past_present
    key: str
    material: dict[str, str]
    evidence: list[Mention]


@dataclass(frozen=True)
class Avoidance:
    feeling: str  # GoEmotions label
    word: str  # the person's word for it
    turn_id: int
    session: int
    index: int  # where the feeling was named
    how: str  # minimising | topic_shift
    noticed_at: int = 0  # index of the utterance that moved away from it


@cache
def _minimisers() -> re.Pattern[str]:
    path = files("talkcure") / "data" / "lexicons" / "minimising.yaml"
    phrases = yaml.safe_load(path.read_text(encoding="utf-8"))["minimising"]
    body = "|".join(re.escape(p).replace("'", "['’]") for p in sorted(phrases, key=len)[::-1])
    return re.compile(
        rf"(?<![\w'])(?:{body})(?![\w'])(?!\s+(?:what|how|if|whether|who|where|when|which)\b)",
        re.IGNORECASE,
    )


def minimises(text: str, after: int = 0) -> bool:
    """True when a minimising phrase follows position ``after`` (a feeling's end)."""
    return any(m.start() >= after for m in _minimisers().finditer(text))


@dataclass
class DefenseRecord:
    """The defense reading of one utterance."""

    mention: Mention
    rating: DefenseRating


class CourseMemory:
    """Accumulates annotated patient utterances of a whole course."""

    def __init__(self) -> None:
        self.themes: dict[str, Theme] = {}
        self.avoidances: list[Avoidance] = []
        self.groups: dict[str, str] = {}  # emotion -> Ekman group, as seen
        self._last: tuple[Annotation, int, int, int] | None = None  # ann, turn_id, session, idx
        self.count = 0
        self.tracker = EpisodeTracker()
        self.defenses: list[DefenseRecord] = []
        self.alliance: list[tuple[Mention, str]] = []  # (utterance, alliance cue kind)

    def _theme(self, key: str, label: str) -> Theme:
        if key not in self.themes:
            self.themes[key] = Theme(key, label)
        return self.themes[key]

    def add(self, ann: Annotation, turn_id: int, session: int, index: int) -> None:
        self.count += 1
        text = ann.text
        for person in ann.people:
            if person.category == "companion":
                continue
            quote = clause_around(text, person.start, person.end)
            self._theme(f"person:{person.role}", person.role).mentions.append(
                Mention(turn_id, session, index, quote)
            )
        # The formulation rests on feelings said in the person's own words: each finding
        # quotes its evidence, and a feeling a head only inferred has no words to quote.
        stated = [a for a in ann.affects if a.stated]
        for affect in stated:
            self.groups[affect.emotion] = affect.group
            quote = clause_around(text, affect.start, affect.end)
            self._theme(f"feeling:{affect.emotion}", affect.cue.lower()).mentions.append(
                Mention(turn_id, session, index, quote)
            )
            if affect.group not in NEGATIVE_GROUPS:
                continue
            for person in ann.people:
                if person.category == "companion":
                    continue
                t = self._theme(f"pair:{person.role}|{affect.group}", person.role)
                t.mentions.append(Mention(turn_id, session, index, quote))
        if ann.time is not None and ann.time.childhood:
            self._add_childhood(ann, turn_id, session, index)
        self._note_avoidance(ann, turn_id, session, index)
        prev = self._last[0] if self._last is not None and self._last[2] == session else None
        rating = rate(ann, prev)
        quote = clause_around(text, rating.defenses[0].start, rating.defenses[0].end) \
            if rating.defenses else clause_around(text, 0, 0)
        self.defenses.append(DefenseRecord(Mention(turn_id, session, index, quote), rating))
        for cue in ann.alliance:
            self.alliance.append((Mention(turn_id, session, index, cue.cue), cue.kind))
        self.tracker.add(ann, turn_id, session, index)
        self._last = (ann, turn_id, session, index)

    def _note_avoidance(self, ann: Annotation, turn_id: int, session: int, index: int) -> None:
        strong = [a for a in ann.affects if a.group in NEGATIVE_GROUPS and a.stated]
        a = max(strong, key=lambda x: x.intensity) if strong else None
        if a is not None and minimises(ann.text, a.end):
            self.avoidances.append(
                Avoidance(a.emotion, a.cue.lower(), turn_id, session, index, "minimising", index)
            )
            return
        if self._last is None or self._last[2] != session:
            return
        prev = self._last[0]
        prev_strong = [a for a in prev.affects
                       if a.group in NEGATIVE_GROUPS and a.intensity >= 0.5 and a.stated]
        if not prev_strong or any(a.stated for a in ann.affects):
            return
        prev_people = {p.role for p in prev.people}
        now_people = {p.role for p in ann.people}
        if now_people and not (now_people & prev_people):
            a = max(prev_strong, key=lambda x: x.intensity)
            self.avoidances.append(
                Avoidance(a.emotion, a.cue.lower(), self._last[1], session, self._last[3],
                          "topic_shift", index)
            )

    def relabel(self, old_id: int, new_id: int) -> None:
        """Give mentions recorded before their turn was stored (``old_id``) their real id."""
        for theme in self.themes.values():
            theme.mentions = [
                Mention(new_id, m.session, m.index, m.quote) if m.turn_id == old_id else m
                for m in theme.mentions
            ]
        self.avoidances = [
            Avoidance(a.feeling, a.word, new_id, a.session, a.index, a.how, a.noticed_at)
            if a.turn_id == old_id
            else a
            for a in self.avoidances
        ]
        if self._last is not None and self._last[1] == old_id:
            self._last = (self._last[0], new_id, self._last[2], self._last[3])
        self.tracker.relabel(old_id, new_id)
        for rec in self.defenses:
            if rec.mention.turn_id == old_id:
                m = rec.mention
                rec.mention = Mention(new_id, m.session, m.index, m.quote)
        self.alliance = [(Mention(new_id, m.session, m.index, m.quote) if m.turn_id == old_id
                          else m, kind) for m, kind in self.alliance]

    def forget(self, turn_id: int) -> None:
        """Drop what a turn added (the turn could not be stored)."""
        for theme in self.themes.values():
            theme.mentions = [m for m in theme.mentions if m.turn_id != turn_id]
        self.themes = {k: t for k, t in self.themes.items() if t.mentions}
        self.avoidances = [a for a in self.avoidances if a.turn_id != turn_id]
        if self._last is not None and self._last[1] == turn_id:
            self._last = None
        self.count -= 1
        self.tracker.forget(turn_id)
        self.defenses = [r for r in self.defenses if r.mention.turn_id != turn_id]
        self.alliance = [(m, k) for m, k in self.alliance if m.turn_id != turn_id]

    # ---------------------------------------------------------------- read side

    def patterns(self) -> list[Pattern]:
        """Person–feeling pairs seen at least twice, and past–present links."""
        out: list[Pattern] = []
        for theme in self.themes.values():
            if not theme.key.startswith("pair:") or len(theme.mentions) < 2:
                continue
            if len({m.turn_id for m in theme.mentions}) < 2:
                continue
            role, group = theme.key[5:].split("|")
            out.append(
                Pattern("repeated", theme.key,
                        {"person": role, **self._feeling(theme.mentions, group)},
                        list(theme.mentions))
            )
        out.extend(self._past_present())
        out.sort(key=lambda p: (-len(p.evidence), p.key))
        return out

    def _feeling(self, mentions: list[Mention], group: str) -> dict[str, str]:
        """The person's most used word for a feeling of ``group`` in these utterances."""
        ids = {m.turn_id for m in mentions}
        best = None
        for theme in self.themes.values():
            emotion = theme.key.removeprefix("feeling:")
            if theme.key == emotion or self.groups.get(emotion) != group:
                continue
            if any(m.turn_id in ids for m in theme.mentions):
                if best is None or len(theme.mentions) > len(best.mentions):
                    best = theme
        if best is None:
            return {"feeling": group}
        return {"feeling": best.label, "emotion": best.key.removeprefix("feeling:")}

    def _past_present(self) -> list[Pattern]:
        out = []
        childhood = {k: t for k, t in self.themes.items() if k.startswith("childpair:")}
        for key, past in childhood.items():
            group = key.split("|")[1]
            for other_key, now in self.themes.items():
                if not other_key.startswith("pair:") or not other_key.endswith("|" + group):
                    continue
                past_role = past.label
                now_role = now.label
                if now_role == past_role:
                    continue
                evidence = past.mentions[:1] + now.mentions[-1:]
                if len({m.turn_id for m in evidence}) < 2:
                    continue
                out.append(
                    Pattern(
                        "past_present",
                        f"link:{past_role}>{now_role}|{group}",
                        {"past_person": past_role, "person": now_role,
                         **self._feeling(evidence, group)},
                        evidence,
                    )
                )
        return out

    def _add_childhood(self, ann: Annotation, turn_id: int, session: int, index: int) -> None:
        """Record person–feeling pairs told as childhood memories (for past–present links)."""
        for affect in ann.affects:
            if affect.group not in NEGATIVE_GROUPS or not affect.stated:
                continue
            for person in ann.people:
                if person.category != "family":
                    continue
                quote = clause_around(ann.text, affect.start, affect.end)
                self._theme(f"childpair:{person.role}|{affect.group}", person.role).mentions.append(
                    Mention(turn_id, session, index, quote)
                )

    @property
    def episodes(self):
        return self.tracker.episodes

    def relationship_patterns(self) -> list[RelationshipPattern]:
        """CCRT patterns shared by at least two relationship episodes."""
        return relationship_patterns(self.tracker.episodes)

    def defense_patterns(self, min_utterances: int = 2) -> dict[str, list[tuple[Mention,
                                                                              DefenseHit]]]:
        """Specific defenses seen in at least ``min_utterances`` utterances."""
        seen: dict[str, list[tuple[Mention, DefenseHit]]] = {}
        for rec in self.defenses:
            for hit in rec.rating.defenses:
                if hit.level < 7:
                    seen.setdefault(hit.name, []).append((rec.mention, hit))
        return {k: v for k, v in seen.items() if len({m.turn_id for m, _ in v}) >= min_utterances}

    def recurring(self) -> list[Theme]:
        return sorted(
            (t for t in self.themes.values() if t.recurring and not t.key.startswith("child")),
            key=lambda t: -len(t.mentions),
        )

    def pending_avoidance(self, index: int, session: int, turns_since: int = 2) -> Avoidance | None:
        """An avoided feeling of this session, left at least ``turns_since`` turns ago."""
        for av in reversed(self.avoidances):
            if av.session == session and index - av.noticed_at >= turns_since * 2:
                return av
        return None
