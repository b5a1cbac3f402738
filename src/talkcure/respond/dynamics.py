"""Psychodynamic moves drawn from the course formulation (METHOD §4).

Called by :class:`talkcure.respond.planner.Planner`; pure functions of the
current annotation, the course memory and the session state.

- :func:`interpretation` — only from findings that meet the evidence rule:
  a relationship pattern (CCRT) shared by at least two episodes, a
  past–present link, or a person–feeling pair seen in at least two
  utterances; only when the person is near it again, not overwhelmed, at
  most once in a few turns; never one the person turned down or was
  already offered (nor one that shares its components with such a pattern:
  ``related`` keys). Strongest first: a past–present link, a pattern across
  relationships, one repeated with one person, then person–feeling pairs.
- :func:`defense_confrontation` — defense before content: a specific defense
  (humour as deflection, rationalising, intellectualising...) seen before and
  shown again now is pointed to gently, once a session each.
- :func:`exploration` — the repertoire that opens material rather than
  explaining it: early memories (a childhood memory is told), whether a
  relationship pattern feels familiar from earlier in life, what the person
  feels now in telling a past episode, a wish they state, and how the pattern
  may show in the conversation itself (the therapy relationship). Each focus
  once a session.
"""

from __future__ import annotations

from talkcure.formulate.ccrt import family_of_origin, phrase
from talkcure.formulate.defenses import move_of
from talkcure.formulate.episodes import RelationshipPattern
from talkcure.formulate.memory import CourseMemory, Pattern
from talkcure.model import NEGATIVE_GROUPS, Annotation, Intervention
from talkcure.model import InterventionKind as K
from talkcure.respond.state import SessionState

# Handled by the planner's own rules (minimising) and the avoided-feeling rule.
_DEFENSES_ELSEWHERE = frozenset({"minimising", "topic_shift"})
_REAL = frozenset({"companion", "self", "people", "other", ""})


def _offered(state: SessionState) -> set[str]:
    keys = set(state.offered_before)
    for i in state.interpretations:
        keys.add(i["key"])
        keys.update(i.get("related", ()))
    return keys


def _pair_keys(memory: CourseMemory, p: RelationshipPattern) -> list[str]:
    """Person–feeling pairs resting on the same utterances (a rejected one blocks this)."""
    ids = {m.turn_id for m in p.evidence()}
    return [k for k, t in memory.themes.items()
            if k.startswith("pair:") and k[5:].split("|")[0] in p.objects
            and any(m.turn_id in ids for m in t.mentions)]


def interpretation(ann: Annotation, memory: CourseMemory, state: SessionState,
                   cfg) -> Intervention | None:
    since = state.turns_since(K.INTERPRETATION)
    if since is not None and since < cfg.interpretation_gap:
        return None
    if ann.distress >= cfg.distress_threshold:
        return None
    blocked = _offered(state) | set(state.rejected)
    reading = memory.tracker.last
    roles = {p.role for p in ann.people}
    if reading is not None and reading.main is not None:
        roles.add(reading.main.role)
    now_items = {(c.kind, c.cluster) for c in reading.components if not c.inferred} \
        if reading is not None else set()
    for p in memory.relationship_patterns():
        related = [*p.related(), *_pair_keys(memory, p)]
        if any(k in blocked for k in related):
            continue
        ids = {m.turn_id for m in p.evidence()}
        if len(p.episodes) < 2 or len(ids) < cfg.min_evidence:
            continue
        if not (roles & set(p.objects) or now_items & set(p.items)):
            continue  # follow the lead: only when the person is near the theme now
        material = _ccrt_material(p, reading.main.role if reading and reading.main else None)
        if material is None:
            continue
        return _offer(state, p.key, related, material, p.evidence(), cfg,
                      f"relationship pattern {p.key} in {len(p.episodes)} episodes",
                      f"interpret_{p.kind}")
    groups = {a.group for a in ann.affects}
    for pattern in memory.patterns():
        if pattern.key in blocked:
            continue
        if len({m.turn_id for m in pattern.evidence}) < cfg.min_evidence:
            continue
        if not _touches(pattern, roles, groups):
            continue
        material = {**pattern.material, "focus": pattern.kind}
        quotes = [m.quote for m in pattern.evidence if m.quote]
        if quotes:
            material["quote_then"], material["quote_now"] = quotes[0], quotes[-1]
        return _offer(state, pattern.key, [pattern.key], material, pattern.evidence, cfg,
                      f"pattern {pattern.key}", f"interpret_{pattern.kind}")
    return None


def _offer(state, key, related, material, evidence, cfg, what, rule) -> Intervention:
    state.interpretations.append({"key": key, "turn": state.turn, "response": None,
                                  "related": sorted(set(related))})
    n = len({m.turn_id for m in evidence})
    sessions = ", ".join(map(str, sorted({m.session for m in evidence})))
    return Intervention(
        K.INTERPRETATION,
        [f"{what} seen in {n} utterances (sessions {sessions}) ≥ {cfg.min_evidence}; "
         "the person is near it now and not overwhelmed: offer it tentatively, in their "
         "own words"],
        material=material,
        evidence=list(dict.fromkeys(m.turn_id for m in evidence)),
        rule=rule,
    )


def _ccrt_material(p: RelationshipPattern, current: str | None) -> dict[str, str] | None:
    """Slots for the wording: the person now (the one the person speaks of, if part of
    the pattern), the other person (or the childhood one), the pattern in plain words
    and two of the person's own clauses. None when no real person is in the pattern."""
    real = [e for e in p.episodes if e.object not in _REAL]
    if not real:
        return None
    now_role = current if current in {e.object for e in real} else real[-1].object
    if p.kind == "ccrt_link" and p.past is not None and now_role == p.past.object:
        now_role = p.present.object if p.present and p.present.object not in _REAL else now_role
    latest = [e for e in real if e.object == now_role][-1]
    if p.kind == "ccrt_link" and p.past is not None:
        earlier = p.past
    else:
        earlier = next((e for e in reversed(real) if e.object != now_role), real[0])
    material: dict[str, str] = {"focus": p.kind, "person": now_role}
    if earlier.object != now_role:
        material["past_person" if p.kind == "ccrt_link" else "other_person"] = earlier.object
    for kind, slot in (("W", "wish"), ("RO", "response_other"), ("RS", "response_self")):
        cluster = p.cluster(kind) or latest.main(kind) or earlier.main(kind)
        if cluster:
            material[slot] = phrase(kind, cluster)
    then, now = _quote(earlier, p), _quote(latest, p)
    if then and earlier is not latest:
        material["quote_then"] = then
    if now and now != then:
        material["quote_now"] = now
    return material


def _quote(ep, p: RelationshipPattern) -> str:
    for kind in ("RO", "RS", "W"):
        cluster = p.cluster(kind)
        m = ep.evidence_for(kind, cluster) if cluster else None
        if m is not None and m.quote:
            return m.quote
    return ep.utterances[0].quote if ep.utterances else ""


def _touches(pattern: Pattern, roles: set[str], groups: set[str]) -> bool:
    people = {pattern.material.get("person"), pattern.material.get("past_person")}
    group = pattern.key.rsplit("|", 1)[-1]
    return bool(roles & people) or group in groups


def defense_confrontation(ann: Annotation, memory: CourseMemory,
                          state: SessionState) -> Intervention | None:
    if not memory.defenses:
        return None
    current = memory.defenses[-1]
    recurring = memory.defense_patterns()
    for hit in current.rating.defenses:
        if hit.level >= 7 or hit.name in _DEFENSES_ELSEWHERE or hit.name in state.confronted:
            continue
        if hit.name not in recurring:
            continue
        state.confronted.append(hit.name)
        seen = recurring[hit.name]
        material = {"focus": "defense", "defense": hit.name, "defense_move": move_of(hit.name),
                    "quote": current.mention.quote}
        feeling = max((a for a in ann.affects if a.group in NEGATIVE_GROUPS),
                      key=lambda a: a.intensity, default=None)
        if feeling is not None:
            material.update(feeling=feeling.cue, emotion=feeling.emotion)
        sessions = ", ".join(map(str, sorted({m.session for m, _ in seen})))
        return Intervention(
            K.CONFRONTATION,
            [f"a defense ({hit.label}, DMRS level {hit.level}: «{hit.cue}») shown again, "
             f"seen in {len({m.turn_id for m, _ in seen})} utterances (sessions {sessions}): "
             "point to it gently before any content (defense before content)"],
            material=material,
            evidence=list(dict.fromkeys(m.turn_id for m, _ in seen)),
            rule="defense_pattern",
        )
    return None


def exploration(ann: Annotation, memory: CourseMemory, state: SessionState) -> Intervention | None:
    reading = memory.tracker.last
    episodes = memory.episodes
    current = memory.tracker.current  # the episode this utterance belongs to
    in_episode = current is not None and current.object not in _REAL
    feeling = max((a for a in ann.affects if a.group in NEGATIVE_GROUPS),
                  key=lambda a: a.intensity, default=None)
    time = ann.time

    def explore(focus: str, why: str, **material: str) -> Intervention:
        state.explored.append(focus)
        return Intervention(K.ELABORATION, [why], material={"focus": focus, **material},
                            rule=f"explore_{focus}")

    if "early_memory" not in state.explored and time is not None and time.childhood:
        family = [p.role for p in ann.people if family_of_origin(p.role)]
        extra = {"past_person": family[0]} if family else {}
        return explore("early_memory", "a childhood memory is told: invite early memories "
                       "(wishes, fantasies, dreams and early memories are material)", **extra)
    patterns = memory.relationship_patterns()
    offered_now = {i["key"] for i in state.interpretations if i.get("response") != "disagrees"}
    shown = [p for p in patterns if p.key in offered_now]
    speaks_of_you = any(p.category == "companion" for p in ann.people)
    if ("relationship" not in state.explored and shown and (in_episode or speaks_of_you)
            and (speaks_of_you or current.object in shown[0].objects)):
        wish = shown[0].cluster("W") or shown[0].episodes[-1].main("W")
        return explore("relationship", "the pattern offered earlier is back: wonder with the "
                       "person whether it shows in this conversation too (the therapy "
                       "relationship)", **({"wish": phrase("W", wish)} if wish else {}))
    if ("familiar" not in state.explored and in_episode and patterns
            and not any(e.childhood for e in episodes)):
        extra = {"person": current.object}
        if feeling is not None:
            extra.update(feeling=feeling.cue, emotion=feeling.emotion)
        return explore("familiar", "a relationship pattern recurs and no childhood episode "
                       "has been told: ask whether it feels familiar from earlier in life "
                       "(link the present to the past)", **extra)
    wish = next((c for c in (reading.components if reading else ())
                 if c.kind == "W" and not c.inferred), None)
    if "wish" not in state.explored and wish is not None and not ann.fantasy:
        return explore("wish", f"a wish stated ({wish.cue}): invite it (wishes are material)",
                       wish=phrase("W", wish.cluster))
    if ("here_now" not in state.explored and in_episode and feeling is not None
            and time is not None and time.past and not time.present):
        return explore("here_now", "a past episode told with feeling: invite the feeling "
                       "as it is now, in the telling (experiencing feeling in the session)",
                       feeling=feeling.cue, emotion=feeling.emotion)
    return None
