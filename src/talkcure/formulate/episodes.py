"""Relationship episodes and the CCRT patterns across them (METHOD §3).

An episode (Luborsky) is a passage in which the person tells of an
interaction with someone: a person in their life, the companion, or the self.
Here it is a run of consecutive patient utterances of one session about the
same other, at least one of them stating a CCRT component
(:mod:`talkcure.formulate.ccrt`):

- an utterance with a component and an other (named, a pronoun resolved to
  someone named earlier in the session, "you" as the companion, "myself")
  opens an episode, or continues the open one when the other is the same;
- an utterance with components but no other ("I just go quiet and feel
  hurt") continues the open episode;
- an utterance about the same other without components continues it as
  context; anything else closes it; so does a switch between a childhood
  memory and the present tense ("When I was a kid my mum never listened" /
  "She still doesn't listen") and the end of a session.

Patterns: two episodes repeat a relationship pattern when they share at
least two *stated* components (W, RO or RS in the same cluster; wishes only
inferred from a response of other don't count). A pattern is a
**past–present link** when one episode is a childhood memory with the family
of origin and another a current episode; **across relationships** when the
episodes are about different others; otherwise **repeated** with one other.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations

from talkcure.formulate.ccrt import (
    KINDS,
    Component,
    Person,
    UtteranceCCRT,
    family_of_origin,
    score_utterance,
)
from talkcure.formulate.evidence import Mention, clause_around
from talkcure.model import Annotation


@dataclass
class Episode:
    id: int  # 1-based, in course order
    object: str  # role ("mother"), "companion", "self", "people"
    category: str  # family | partner | work | ... | companion | self | others
    session: int
    utterances: list[Mention] = field(default_factory=list)
    components: list[tuple[Mention, Component]] = field(default_factory=list)
    childhood: bool = False
    past: bool = False

    @property
    def time(self) -> str:
        return "childhood" if self.childhood else "past" if self.past else "present"

    def clusters(self, kind: str, stated_only: bool = False) -> list[str]:
        """The clusters of ``kind`` in this episode, most frequent first."""
        comps = [c for _, c in self.components
                 if c.kind == kind and not (stated_only and c.inferred)]
        counts = Counter(c.cluster for c in comps)
        first = {}
        for i, c in enumerate(comps):
            first.setdefault(c.cluster, i)
        return sorted(counts, key=lambda k: (-counts[k], first[k]))

    def main(self, kind: str) -> str | None:
        """The episode's W / RO / RS: the most frequent stated cluster, else inferred."""
        stated = self.clusters(kind, stated_only=True)
        if stated:
            return stated[0]
        any_ = self.clusters(kind)
        return any_[0] if any_ else None

    def items(self, stated_only: bool = True) -> set[tuple[str, str]]:
        return {(c.kind, c.cluster) for _, c in self.components
                if not (stated_only and c.inferred)}

    def evidence_for(self, kind: str, cluster: str) -> Mention | None:
        for mention, c in self.components:
            if c.kind == kind and c.cluster == cluster:
                return mention
        return None

    def turn_ids(self) -> list[int]:
        return [m.turn_id for m in self.utterances]


@dataclass
class RelationshipPattern:
    kind: str  # ccrt_link | ccrt_across | ccrt_repeated
    key: str
    items: tuple[tuple[str, str], ...]  # the shared (kind, cluster) pairs
    episodes: list[Episode]
    past: Episode | None = None  # for a link: the childhood episode
    present: Episode | None = None  # ... and the latest current one

    @property
    def objects(self) -> list[str]:
        return list(dict.fromkeys(e.object for e in self.episodes))

    def cluster(self, kind: str) -> str | None:
        return next((c for k, c in self.items if k == kind), None)

    def evidence(self) -> list[Mention]:
        """The utterances behind the shared components, episode by episode."""
        out: list[Mention] = []
        for ep in self.episodes:
            for kind, cl in self.items:
                m = ep.evidence_for(kind, cl)
                if m is not None and m not in out:
                    out.append(m)
        return out

    def related(self) -> list[str]:
        """Keys a rejected or offered pattern shares with this one: a pattern of the same
        kind with any component in common is the same interpretation "as such"."""
        return [self.key, *(f"{self.kind}:{k}.{c}" for k, c in self.items)]


_NOT_A_PERSON = frozenset({"people", "self", "companion", "other"})


def items_key(items) -> str:
    return "+".join(f"{k}.{c}" for k, c in sorted(items, key=lambda x: KINDS.index(x[0])))


class EpisodeTracker:
    """Groups a course's patient utterances into episodes, one utterance at a time."""

    def __init__(self) -> None:
        self.episodes: list[Episode] = []
        self.last: UtteranceCCRT | None = None  # the reading of the last utterance
        self.current: Episode | None = None  # the episode the last utterance belongs to
        self._open: Episode | None = None
        self._session: int | None = None
        self._context: list[Person] = []

    def add(self, ann: Annotation, turn_id: int, session: int, index: int) -> UtteranceCCRT:
        if session != self._session:
            self._session, self._open, self._context = session, None, []
        reading = score_utterance(ann, self._context)
        self.last, self.current = reading, None
        self._context.extend(Person(p.role, p.category, p.plural) for p in ann.people
                             if p.category != "companion")
        childhood = bool(ann.time and ann.time.childhood)
        past = bool(ann.time and ann.time.past and not ann.time.present)
        now = bool(ann.time and ann.time.present and not ann.time.past)
        main = reading.main
        open_ = self._open
        if open_ is not None and main is not None and (
                (childhood and not open_.childhood) or (open_.childhood and now)):
            open_ = self._open = None  # a childhood memory and the present: two episodes
        if not reading.components:
            if open_ is not None and main is not None and main.role == open_.object:
                open_.utterances.append(self._mention(ann, turn_id, session, index, None))
                self.current = open_
            else:
                self._open = None
            return reading
        if main is None:
            if open_ is None:
                return reading  # a feeling without anyone: no episode
            main = Person(open_.object, open_.category)
        if open_ is None or open_.object != main.role:
            open_ = Episode(len(self.episodes) + 1, main.role, main.category, session,
                            childhood=childhood, past=past)
            self.episodes.append(open_)
            self._open = open_
        open_.utterances.append(self._mention(ann, turn_id, session, index, reading))
        open_.childhood = open_.childhood or childhood
        open_.past = open_.past and past
        self.current = open_
        for c in reading.components:
            if c.object and c.object != open_.object and c.kind == "RO":
                continue  # another person's response in the same breath
            quote = clause_around(ann.text, c.start, c.end)
            open_.components.append((Mention(turn_id, session, index, quote), c))
        return reading

    @staticmethod
    def _mention(ann, turn_id, session, index, reading: UtteranceCCRT | None) -> Mention:
        if reading and reading.components:
            c = reading.components[0]
            return Mention(turn_id, session, index, clause_around(ann.text, c.start, c.end))
        return Mention(turn_id, session, index, clause_around(ann.text, 0, 0))

    def relabel(self, old_id: int, new_id: int) -> None:
        def fix(m: Mention) -> Mention:
            return Mention(new_id, m.session, m.index, m.quote) if m.turn_id == old_id else m

        for ep in self.episodes:
            ep.utterances = [fix(m) for m in ep.utterances]
            ep.components = [(fix(m), c) for m, c in ep.components]

    def forget(self, turn_id: int) -> None:
        for ep in self.episodes:
            ep.utterances = [m for m in ep.utterances if m.turn_id != turn_id]
            ep.components = [(m, c) for m, c in ep.components if m.turn_id != turn_id]
        kept = [ep for ep in self.episodes if ep.components]
        if self._open is not None and self._open not in kept:
            self._open = None
        for i, ep in enumerate(kept, start=1):
            ep.id = i
        self.episodes = kept


def relationship_patterns(episodes: list[Episode], min_shared: int = 2
                          ) -> list[RelationshipPattern]:
    """Patterns shared by at least two episodes (see the module doc), strongest first."""
    groups: dict[tuple, list[Episode]] = {}
    for a, b in combinations(episodes, 2):
        shared = a.items() & b.items()
        if len(shared) < min_shared:
            continue
        key = tuple(sorted(shared, key=lambda x: (KINDS.index(x[0]), x[1])))
        if key not in groups:
            groups[key] = [e for e in episodes if set(key) <= e.items()]
    out: list[RelationshipPattern] = []
    for items, eps in groups.items():
        out.extend(_classify(items, eps))
    # keep the most informative pattern for each set of episodes and kind
    best: dict[tuple, RelationshipPattern] = {}
    for p in out:
        k = (p.kind, tuple(e.id for e in p.episodes))
        if k not in best or len(p.items) > len(best[k].items):
            best[k] = p
    rank = {"ccrt_link": 0, "ccrt_across": 1, "ccrt_repeated": 2}
    return sorted(best.values(), key=lambda p: (rank[p.kind], -len(p.episodes), -len(p.items),
                                                 p.key))


def _classify(items: tuple, eps: list[Episode]) -> list[RelationshipPattern]:
    ik = items_key(items)
    found = []
    past = [e for e in eps if e.childhood and family_of_origin(e.object)]
    now = [e for e in eps if not e.childhood and e.object not in _NOT_A_PERSON]
    if past and now:  # told in either order: the childhood memory may come late
        p = past[0]
        others = [e for e in now if e.object != p.object]
        n = (others or now)[-1]
        found.append(RelationshipPattern("ccrt_link", f"ccrtlink:{p.object}>{n.object}:{ik}",
                                         items, [p, *[e for e in eps if e is not p]], p, n))
    objects = list(dict.fromkeys(e.object for e in eps))
    if len(objects) >= 2:
        found.append(RelationshipPattern("ccrt_across", f"ccrt:{ik}", items, eps))
    else:
        found.append(RelationshipPattern("ccrt_repeated", f"ccrt:{objects[0]}:{ik}", items, eps))
    return found


def core_theme(episodes: list[Episode]) -> dict[str, dict]:
    """The most frequent W, RO and RS: the cluster stated in the most episodes (an
    episode counts each of its clusters once; a wish inferred from a response of
    other counts only where the episode states no wish)."""
    out: dict[str, dict] = {}
    for kind in KINDS:
        counts: Counter[str] = Counter()
        behind: dict[str, list[Episode]] = {}
        for ep in episodes:
            clusters = ep.clusters(kind, stated_only=True) or ep.clusters(kind)
            for cl in clusters:
                counts[cl] += 1
                behind.setdefault(cl, []).append(ep)
        if counts:
            top = max(counts, key=lambda k: (counts[k], -behind[k][0].id))
            out[kind] = {"cluster": top, "count": counts[top], "of": sum(counts.values()),
                         "episodes": behind[top], "all": dict(counts.most_common())}
    return out
