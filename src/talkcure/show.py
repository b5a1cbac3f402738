"""``talkcure show`` and ``talkcure sessions``: a session as a supervisor reads it."""

from __future__ import annotations

import json

from rich.console import Console
from rich.table import Table

from talkcure.model import Annotation, Speaker, Turn
from talkcure.store import Store


def _annotation_lines(ann: Annotation) -> list[str]:
    lines = []
    if ann.risk is not None and ann.risk.flagged:
        lines.append(f"risk: {', '.join(ann.risk.kinds)}"
                     + (" (imminent)" if ann.risk.imminent else "")
                     + (" (component error: treated as risk)" if ann.risk.error else ""))
    if ann.affects:
        lines.append("affect: " + ", ".join(
            f"{a.emotion}/{a.group} {a.intensity:.2f} «{a.cue}»" for a in ann.affects))
    if ann.people:
        lines.append("people: " + ", ".join(f"{p.role} ({p.category})" for p in ann.people))
    if ann.time is not None and (ann.time.past or ann.time.childhood or ann.time.future):
        marks = [n for n in ("past", "present", "future", "childhood") if getattr(ann.time, n)]
        lines.append("time: " + ", ".join(marks))
    if ann.alliance:
        lines.append("therapy relationship: " + ", ".join(a.kind for a in ann.alliance))
    if ann.fantasy:
        lines.append("fantasy: " + ", ".join(f.kind for f in ann.fantasy))
    return lines


def session_record(store: Store, session_id: int) -> dict:
    info = store.get_session(session_id)
    turns = store.turns_of(session_id)
    return {
        "session": {
            "id": info.id, "number": info.number, "started_at": info.started_at,
            "ended_at": info.ended_at, "flagged": info.flagged, "flag_reason": info.flag_reason,
            "summary": info.summary.to_dict() if info.summary else None,
        },
        "flags": store.flags_of(session_id),
        "turns": [_turn_record(t) for t in turns],
    }


def _turn_record(turn: Turn) -> dict:
    record = {"id": turn.id, "index": turn.index, "speaker": turn.speaker.value,
              "text": turn.text}
    if turn.annotation is not None:
        record["annotation"] = turn.annotation.to_dict(include_text=False)
    if turn.plan is not None:
        record["plan"] = turn.plan.to_dict()
    return record


def render_session(store: Store, session_id: int, as_json: bool = False, console=None) -> None:
    console = console or Console(soft_wrap=True)
    if as_json:
        console.print_json(json.dumps(session_record(store, session_id)))
        return
    info = store.get_session(session_id)
    head = f"Session {info.id} (conversation {info.number}), started {info.started_at}"
    if info.ended_at:
        head += f", ended {info.ended_at}"
    console.print(head, style="bold", markup=False)
    if info.flagged:
        console.print(f"FLAGGED: {info.flag_reason}", style="bold red", markup=False)
    for turn in store.turns_of(session_id):
        who = "person" if turn.speaker == Speaker.PATIENT else "companion"
        console.print(f"\n[{turn.index}] {who} (turn id {turn.id}): {turn.text}", markup=False)
        if turn.annotation is not None:
            for line in _annotation_lines(turn.annotation) or ["no signals"]:
                console.print(f"    · {line}", style="dim", markup=False)
        if turn.plan is not None:
            p = turn.plan
            step = f" / {p.crisis_step}" if p.crisis_step else ""
            console.print(f"    plan: {p.kind.value}{step}  (rule {p.rule})", style="cyan",
                          markup=False)
            for reason in p.reasons:
                console.print(f"      because {reason}", style="cyan", markup=False)
            if p.evidence:
                console.print(f"      evidence: turns {', '.join(map(str, p.evidence))}",
                              style="cyan", markup=False)
    if info.summary:
        console.print("\nSummary for the person:", style="bold", markup=False)
        s = info.summary
        for label, items in (("feelings", s.feelings), ("people", s.people),
                             ("themes", s.themes)):
            if items:
                console.print(f"  {label}: {', '.join(items)}", markup=False)
        if s.carry_forward:
            console.print(f"  {s.carry_forward}", markup=False)


def render_sessions(store: Store, patient: str, console=None) -> None:
    console = console or Console()
    person = store.get_patient(patient)
    table = Table(title=f"Sessions of {person.name}")
    for col in ("id", "no.", "started", "ended", "flag"):
        table.add_column(col)
    for s in store.sessions_of(person.id):
        table.add_row(str(s.id), str(s.number), s.started_at or "", s.ended_at or "open",
                      s.flag_reason if s.flagged else "")
    console.print(table)
