"""The case formulation of a course (METHOD §3), built from the person's own words.

:func:`build_formulation` is pure: it reads the stored turns of each session
(the patient turns' annotations) and returns a :class:`Formulation`. Every
finding lists the utterances it rests on (session number, turn id, quote).

- **Relationship episodes** with their Wish / Response of Other / Response of
  Self (CCRT standard clusters, :mod:`talkcure.formulate.ccrt`).
- **Core theme**: the W, RO and RS clusters stated in the most episodes.
- **Relationship patterns**: components two or more episodes share, with the
  same other or **across relationships**; **past–present links**: a
  childhood episode with the family of origin sharing the pattern with a
  current one (and person–feeling links: the same feeling with a parent in
  childhood and with someone now).
- **Defense profile**: a DMRS level per utterance (the learned head where it
  ran, else rules), the specific defenses found, ODF per session and its
  trend (:mod:`talkcure.formulate.defenses`).
- **People map**, **avoided feelings**, **recurring themes** (in at least two
  sessions or three episodes / utterances) and **therapy-relationship
  material** (what the person says about the companion).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from talkcure.formulate.ccrt import KIND_NAMES, KINDS, label
from talkcure.formulate.defenses import DMRS_LEVELS, label_of, odf, trend
from talkcure.formulate.episodes import Episode, core_theme
from talkcure.formulate.evidence import Mention, clause_around
from talkcure.formulate.memory import CourseMemory
from talkcure.model import NEGATIVE_GROUPS, Speaker, Turn

ALLIANCE_TITLES = {
    "expectation": "expectations of the companion",
    "disappointment": "disappointment with the companion",
    "fear_of_judgement": "fear of being judged",
    "agreement": "agreement with what the companion said",
    "rupture": "a strain in the conversation (rupture)",
    "gratitude": "gratitude",
}


@dataclass
class Finding:
    """One finding with the utterances it rests on."""

    kind: str
    title: str
    evidence: list[Mention]
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "title": self.title, **self.data,
                "evidence": [m.to_dict() for m in self.evidence]}


@dataclass
class DefenseProfile:
    utterances: list[dict[str, Any]]  # one row per rated or defended utterance
    odf_by_session: dict[int, dict[str, Any]]  # number -> {"odf", "rated"}
    odf: float | None  # the whole course
    trend: dict[str, Any]
    levels: dict[int, int]  # DMRS level -> utterances
    sources: dict[str, int]  # head | rules -> utterances rated
    specific: list[Finding]  # one per specific defense

    def to_dict(self) -> dict[str, Any]:
        return {
            "odf": self.odf, "trend": self.trend,
            "odf_by_session": {str(k): v for k, v in self.odf_by_session.items()},
            "levels": {str(k): v for k, v in self.levels.items()},
            "sources": self.sources,
            "specific": [f.to_dict() for f in self.specific],
            "utterances": self.utterances,
        }


@dataclass
class Formulation:
    sessions: list[int]
    utterances: int
    episodes: list[dict[str, Any]]
    core_theme: dict[str, Finding]  # "W" | "RO" | "RS"
    patterns: list[Finding]
    past_present: list[Finding]
    defenses: DefenseProfile
    people: list[Finding]
    avoided: list[Finding]
    recurring: list[Finding]
    therapy_relationship: list[Finding]

    def to_dict(self) -> dict[str, Any]:
        return {
            "sessions": self.sessions,
            "utterances": self.utterances,
            "episodes": self.episodes,
            "core_theme": {k: f.to_dict() for k, f in self.core_theme.items()},
            "patterns": [f.to_dict() for f in self.patterns],
            "past_present": [f.to_dict() for f in self.past_present],
            "defenses": self.defenses.to_dict(),
            "people": [f.to_dict() for f in self.people],
            "avoided": [f.to_dict() for f in self.avoided],
            "recurring": [f.to_dict() for f in self.recurring],
            "therapy_relationship": [f.to_dict() for f in self.therapy_relationship],
        }


def build_formulation(turns_by_session: Mapping[int, Sequence[Turn]]) -> Formulation:
    """The formulation of a course: ``{session number: that session's turns in order}``."""
    memory = CourseMemory()
    by_index: dict[tuple[int, int], Turn] = {}
    for number in sorted(turns_by_session):
        for turn in turns_by_session[number]:
            if turn.speaker != Speaker.PATIENT or turn.annotation is None:
                continue
            by_index[(number, turn.index)] = turn
            memory.add(turn.annotation, turn.id or 0, number, turn.index)
    return formulation_of(memory, sorted(turns_by_session), by_index)


def formulation_of(memory: CourseMemory, sessions: list[int],
                   by_index: Mapping[tuple[int, int], Turn] | None = None) -> Formulation:
    episodes = memory.episodes
    patterns = memory.relationship_patterns()
    links = [p for p in patterns if p.kind == "ccrt_link"]
    return Formulation(
        sessions=sessions,
        utterances=memory.count,
        episodes=[_episode_dict(e) for e in episodes],
        core_theme=_core(episodes),
        patterns=[_pattern_finding(p) for p in patterns if p.kind != "ccrt_link"],
        past_present=[_pattern_finding(p) for p in links] + _feeling_links(memory),
        defenses=_defense_profile(memory),
        people=_people(memory, links),
        avoided=_avoided(memory, by_index or {}),
        recurring=_recurring(memory),
        therapy_relationship=_therapy_relationship(memory),
    )


# ---------------------------------------------------------------------- episodes, CCRT


def _episode_dict(ep: Episode) -> dict[str, Any]:
    return {
        "id": ep.id, "other": ep.object, "category": ep.category, "session": ep.session,
        "time": ep.time,
        **{KIND_NAMES[k].replace(" ", "_"): _scored(ep, k) for k in KINDS},
        "evidence": [m.to_dict() for m in ep.utterances],
    }


def _scored(ep: Episode, kind: str) -> dict[str, Any] | None:
    main = ep.main(kind)
    if main is None:
        return None
    inferred = not ep.clusters(kind, stated_only=True)
    return {"cluster": main, "label": label(kind, main), "inferred": inferred,
            "also": [label(kind, c) for c in ep.clusters(kind) if c != main]}


def _core(episodes: list[Episode]) -> dict[str, Finding]:
    out = {}
    for kind, info in core_theme(episodes).items():
        eps = info["episodes"]
        evidence = [m for ep in eps if (m := ep.evidence_for(kind, info["cluster"]))]
        stated = sum(1 for ep in eps if info["cluster"] in ep.clusters(kind, stated_only=True))
        out[kind] = Finding(
            f"core_{kind}",
            f"{KIND_NAMES[kind]}: {label(kind, info['cluster'])} "
            f"(in {info['count']} of {len(episodes)} episodes)",
            evidence,
            {"cluster": info["cluster"], "label": label(kind, info["cluster"]),
             "count": info["count"], "stated": stated, "episodes": [e.id for e in eps],
             "all": {label(kind, c): n for c, n in info["all"].items()}},
        )
    return out


def _pattern_finding(p) -> Finding:
    parts = [f"{KIND_NAMES[k]}: {label(k, c)}" for k, c in p.items]
    others = ", ".join(p.objects)
    sessions = sorted({e.session for e in p.episodes})
    if p.kind == "ccrt_link":
        title = (f"past and present: with {p.past.object} in childhood and with "
                 f"{p.present.object} now — " + "; ".join(parts))
    elif p.kind == "ccrt_across":
        title = f"across relationships ({others}) — " + "; ".join(parts)
    else:
        title = f"repeated with {others} — " + "; ".join(parts)
    return Finding(p.kind, title, p.evidence(), {
        "key": p.key, "others": p.objects, "episodes": [e.id for e in p.episodes],
        "sessions": sessions,
        "components": [{"component": KIND_NAMES[k], "cluster": c, "label": label(k, c)}
                       for k, c in p.items],
    })


def _feeling_links(memory: CourseMemory) -> list[Finding]:
    out = []
    for p in memory.patterns():
        if p.kind != "past_present":
            continue
        m = p.material
        out.append(Finding(
            "feeling_link",
            f"feeling {m.get('feeling')} with {m['past_person']} in childhood and with "
            f"{m['person']} now", list(p.evidence), {"key": p.key}))
    return out


# ---------------------------------------------------------------------- defenses


def _defense_profile(memory: CourseMemory) -> DefenseProfile:
    rows = []
    per_session: dict[int, list[int]] = {}
    levels: dict[int, int] = {}
    sources: dict[str, int] = {}
    specific: dict[str, list[tuple[Mention, Any]]] = {}
    for rec in memory.defenses:
        r, m = rec.rating, rec.mention
        per_session.setdefault(m.session, [])
        if r.level is not None:
            per_session[m.session].append(r.level)
            levels[r.level] = levels.get(r.level, 0) + 1
            sources[r.source] = sources.get(r.source, 0) + 1
        for hit in r.defenses:
            if hit.level < 7:
                specific.setdefault(hit.name, []).append((m, hit))
        if r.level is not None or r.defenses:
            rows.append({"session": m.session, "turn": m.turn_id, "level": r.level,
                         "source": r.source, "quote": m.quote,
                         "defenses": [{"name": h.name, "label": h.label, "level": h.level,
                                       "cue": h.cue} for h in r.defenses]})
    by_session = {s: {"odf": odf(v), "rated": len(v)} for s, v in sorted(per_session.items())}
    points = [(s, d["odf"]) for s, d in by_session.items() if d["odf"] is not None]
    found = []
    for name, hits in sorted(specific.items(), key=lambda kv: -len(kv[1])):
        level = hits[0][1].level
        found.append(Finding(
            "defense", f"{label_of(name)} (DMRS level {level}, {DMRS_LEVELS[level]}): "
            f"{len(hits)} utterance(s)",
            [Mention(m.turn_id, m.session, m.index, h.cue) for m, h in hits],
            {"defense": name, "level": level, "count": len(hits),
             "sessions": sorted({m.session for m, _ in hits})}))
    return DefenseProfile(
        utterances=rows, odf_by_session=by_session,
        odf=odf([x for v in per_session.values() for x in v]), trend=trend(points),
        levels=dict(sorted(levels.items())), sources=sources, specific=found)


# ---------------------------------------------------------------------- people, themes


def _people(memory: CourseMemory, links) -> list[Finding]:
    past = {p.past.object for p in links}
    present = {p.present.object for p in links}
    for p in memory.patterns():
        if p.kind == "past_present":
            past.add(p.material["past_person"])
            present.add(p.material["person"])
    out = []
    people = [t for k, t in memory.themes.items() if k.startswith("person:")]
    for theme in sorted(people, key=lambda t: -len(t.mentions)):
        role = theme.label
        feelings: dict[str, int] = {}
        for key, t in memory.themes.items():
            if key.startswith(f"pair:{role}|"):
                word = memory._feeling(t.mentions, key.split("|")[1])["feeling"]
                feelings[word] = feelings.get(word, 0) + len({m.turn_id for m in t.mentions})
        eps = [e for e in memory.episodes if e.object == role]
        ccrt = {KIND_NAMES[k]: sorted({label(k, c) for e in eps
                                       for c in e.clusters(k, stated_only=True)}) for k in KINDS}
        link = ("the pattern with them repeats one from childhood" if role in present
                else "a childhood relationship the pattern goes back to" if role in past else "")
        title = f"{role}: {len(theme.mentions)} mention(s) in session(s) " + ", ".join(
            map(str, sorted(theme.sessions)))
        if feelings:
            title += "; feelings: " + ", ".join(f"{w} ({n})" for w, n in feelings.items())
        if link:
            title += f"; {link}"
        out.append(Finding("person", title, list(theme.mentions), {
            "person": role, "sessions": sorted(theme.sessions), "feelings": feelings,
            "episodes": [e.id for e in eps], "ccrt": {k: v for k, v in ccrt.items() if v},
            "repeats_past": role in present, "past_of_a_link": role in past}))
    return out


def _avoided(memory: CourseMemory, by_index: Mapping[tuple[int, int], Turn]) -> list[Finding]:
    out = []
    for av in memory.avoidances:
        named = next((m for t in memory.themes.values() if t.key == f"feeling:{av.feeling}"
                      for m in t.mentions if m.turn_id == av.turn_id), None)
        evidence = [named or Mention(av.turn_id, av.session, av.index, av.word)]
        left = by_index.get((av.session, av.noticed_at))
        if av.how == "topic_shift" and left is not None:
            evidence.append(Mention(left.id or 0, av.session, left.index,
                                    clause_around(left.text, 0, 0)))
        how = "played down in the same breath" if av.how == "minimising" \
            else "and the talk turned to something else"
        out.append(Finding(av.how, f"feeling {av.word}: named, {how}", evidence,
                           {"feeling": av.word, "emotion": av.feeling}))
    return out


def _recurring(memory: CourseMemory) -> list[Finding]:
    out = []
    where: dict[tuple[str, str], list[tuple[Episode, Mention]]] = {}
    for ep in memory.episodes:
        for kind, cl in sorted(ep.items()):
            m = ep.evidence_for(kind, cl)
            if m is not None:
                where.setdefault((kind, cl), []).append((ep, m))
    for (kind, cl), hits in sorted(where.items(), key=lambda kv: -len(kv[1])):
        sessions = sorted({ep.session for ep, _ in hits})
        if len(sessions) >= 2 or len(hits) >= 3:
            out.append(Finding(
                "ccrt", f"{KIND_NAMES[kind]}: {label(kind, cl)} — {len(hits)} episodes, "
                f"session(s) {', '.join(map(str, sessions))}", [m for _, m in hits],
                {"component": KIND_NAMES[kind], "cluster": cl, "sessions": sessions}))
    for theme in memory.recurring():
        kind, _, rest = theme.key.partition(":")
        name = theme.label
        if kind == "pair":
            name = f"{theme.label} with feeling {rest.split('|')[1]}"
        elif kind == "feeling" and memory.groups.get(rest) not in NEGATIVE_GROUPS:
            continue
        out.append(Finding(kind, f"{kind} {name}: {len(theme.mentions)} utterances, "
                           f"session(s) {', '.join(map(str, sorted(theme.sessions)))}",
                           list(theme.mentions), {"sessions": sorted(theme.sessions)}))
    for name, hits in memory.defense_patterns().items():
        sessions = sorted({m.session for m, _ in hits})
        if len(sessions) >= 2 or len(hits) >= 3:
            out.append(Finding("defense", f"{label_of(name)}: {len(hits)} utterances, "
                               f"session(s) {', '.join(map(str, sessions))}",
                               [Mention(m.turn_id, m.session, m.index, h.cue) for m, h in hits],
                               {"defense": name, "sessions": sessions}))
    return out


def _therapy_relationship(memory: CourseMemory) -> list[Finding]:
    out = []
    kinds: dict[str, list[Mention]] = {}
    for m, kind in memory.alliance:
        kinds.setdefault(kind, []).append(m)
    for kind, mentions in kinds.items():
        out.append(Finding(kind, f"{ALLIANCE_TITLES.get(kind, kind)}: {len(mentions)} "
                           "utterance(s)", mentions, {"alliance": kind}))
    for ep in memory.episodes:
        if ep.object != "companion":
            continue
        parts = [f"{KIND_NAMES[k]}: {label(k, c)}" for k in KINDS if (c := ep.main(k))]
        out.append(Finding("episode", "an episode with the companion — " + "; ".join(parts),
                           list(ep.utterances), {"episode": ep.id}))
    return out
