"""Fidelity: which CPPS items the companion's own turns enact (METHOD §4).

The Comparative Psychotherapy Process Scale (Hilsenroth et al. 2005) has 10
psychodynamic-interpersonal and 10 cognitive-behavioural items. Each stored
companion turn is coded from its plan (kind, focus, rule, whether it carries
a negative feeling of the person's) and its reply text, by the conditions in
``data/fidelity/cpps.yaml``. Crisis-protocol turns are counted apart, not
coded. Per session: the items enacted, how often, and the expressive /
supportive balance of the moves; over the course: which of the ten
psychodynamic items were enacted at all (the fidelity checklist) and how
many items of each family.

Pure: :func:`course_fidelity` takes ``(session number, turns, stored
session state)`` per session; ``talkcure fidelity`` reads them from the store.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

from talkcure.model import Intervention, InterventionKind, Speaker, Turn
from talkcure.respond.state import SessionState

PI = "psychodynamic-interpersonal"
CB = "cognitive-behavioural"
_NEGATIVE = frozenset({"anger", "annoyance", "disapproval", "disgust", "fear", "nervousness",
                       "sadness", "disappointment", "embarrassment", "grief", "remorse"})


@dataclass(frozen=True)
class Condition:
    kinds: frozenset[str] | None
    foci: frozenset[str] | None
    rules: frozenset[str] | None
    negative: bool | None
    text: re.Pattern[str] | None

    def holds(self, plan: Intervention, reply: str) -> bool:
        focus = plan.material.get("focus")
        rule = plan.rule.split("+", 1)[0]
        if self.kinds is not None and plan.kind.value not in self.kinds:
            return False
        if self.foci is not None and focus not in self.foci:
            return False
        if self.rules is not None and rule not in self.rules:
            return False
        if self.negative is not None and self.negative != _negative(plan):
            return False
        return self.text is None or self.text.search(reply.lower()) is not None


@dataclass(frozen=True)
class Item:
    key: str
    family: str
    label: str
    conditions: tuple[Condition, ...]


def _negative(plan: Intervention) -> bool:
    return plan.material.get("emotion") in _NEGATIVE


def _set(values) -> frozenset[str] | None:
    return frozenset(values) if values else None


@cache
def items() -> dict[str, Item]:
    path = files("talkcure") / "data" / "fidelity" / "cpps.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = {}
    for key, spec in data["items"].items():
        conds = tuple(
            Condition(_set(c.get("kinds")), _set(c.get("foci")), _set(c.get("rules")),
                      c.get("negative"),
                      re.compile("|".join(f"(?:{t})" for t in c["text"])) if c.get("text")
                      else None)
            for c in spec["when"]
        )
        out[key] = Item(key, spec["family"], spec["label"], conds)
    return out


def code_turn(plan: Intervention, reply: str) -> list[str]:
    """The CPPS items one companion turn enacts (none for the crisis protocol)."""
    if plan.kind == InterventionKind.CRISIS:
        return []
    return [key for key, item in items().items()
            if any(c.holds(plan, reply) for c in item.conditions)]


def course_fidelity(sessions: Sequence[tuple[int, Sequence[Turn], Mapping[str, Any]]]
                    ) -> dict[str, Any]:
    """Per-session item coverage and balance, and the course's coverage."""
    all_items = items()
    course_counts = {k: 0 for k in all_items}
    out_sessions = []
    coded_turns = []
    for number, turns, state in sessions:
        counts: dict[str, int] = {}
        crisis = coded = 0
        kinds: list[str] = []
        for turn in turns:
            if turn.speaker != Speaker.COMPANION or turn.plan is None:
                continue
            kinds.append(turn.plan.kind.value)
            if turn.plan.kind == InterventionKind.CRISIS:
                crisis += 1
                continue
            coded += 1
            found = code_turn(turn.plan, turn.text)
            for k in found:
                counts[k] = counts.get(k, 0) + 1
                course_counts[k] += 1
            coded_turns.append({"session": number, "turn": turn.id, "kind": turn.plan.kind.value,
                                "rule": turn.plan.rule,
                                "focus": turn.plan.material.get("focus"), "items": found})
        stored = SessionState.from_dict(dict(state or {}))
        balance = SessionState(kinds=stored.kinds or kinds).balance
        out_sessions.append({
            "session": number, "companion_turns": coded, "crisis_turns": crisis,
            "items": {k: counts[k] for k in all_items if k in counts},
            "psychodynamic": sum(1 for k in counts if all_items[k].family == PI),
            "cognitive_behavioural": sum(1 for k in counts if all_items[k].family == CB),
            "balance": balance,
            "interpretations": [{"key": i.get("key"), "response": i.get("response")}
                                for i in stored.interpretations],
        })
    covered = [k for k, n in course_counts.items() if n]
    return {
        "items": {k: {"family": i.family, "label": i.label} for k, i in all_items.items()},
        "sessions": out_sessions,
        "course": {
            "items": {k: n for k, n in course_counts.items() if n},
            "psychodynamic_covered": [k for k in covered if all_items[k].family == PI],
            "cognitive_behavioural_covered": [k for k in covered if all_items[k].family == CB],
            "psychodynamic_missing": [k for k, i in all_items.items()
                                      if i.family == PI and not course_counts[k]],
            "balance": {key: sum(s["balance"][key] for s in out_sessions)
                        for key in ("expressive", "supportive", "crisis")},
        },
        "turns": coded_turns,
    }


def fidelity_text(report: dict[str, Any], name: str = "") -> str:
    info = report["items"]
    course = report["course"]
    pi_total = sum(1 for i in info.values() if i["family"] == PI)
    cb_total = len(info) - pi_total
    who = f" of {name}'s course" if name else ""
    lines = [
        f"CPPS fidelity{who} (Hilsenroth et al. 2005): the items the companion's own turns "
        "enact, coded from each plan and reply. A program's self-check, not an observer "
        "rating.",
        "",
    ]
    for s in report["sessions"]:
        b = s["balance"]
        lines.append(f"Session {s['session']}: {s['companion_turns']} turn(s)"
                     + (f" (+{s['crisis_turns']} crisis)" if s["crisis_turns"] else "")
                     + f"; psychodynamic items {s['psychodynamic']}/{pi_total}, "
                     f"cognitive-behavioural {s['cognitive_behavioural']}/{cb_total}; "
                     f"expressive {b['expressive']} / supportive {b['supportive']}")
        if s["items"]:
            lines.append("  " + ", ".join(f"{k} ×{n}" for k, n in s["items"].items()))
        for i in s["interpretations"]:
            lines.append(f"  interpretation {i['key']}: {i['response'] or 'no answer yet'}")
    lines += ["", f"Course: psychodynamic items {len(course['psychodynamic_covered'])}/{pi_total}"
              f", cognitive-behavioural {len(course['cognitive_behavioural_covered'])}/{cb_total}"
              f"; expressive {course['balance']['expressive']} / supportive "
              f"{course['balance']['supportive']}"]
    for key, item in info.items():
        n = course["items"].get(key, 0)
        mark = "x" if n else " "
        lines.append(f"  [{mark}] {key:<4} {item['label']}" + (f" ({n})" if n else ""))
    if course["psychodynamic_missing"]:
        lines.append("Not yet enacted: " + ", ".join(course["psychodynamic_missing"]))
    return "\n".join(lines)
