"""The data behind the pages and the JSON API (one builder for both, so they agree).

Access checks and audit entries happen before these are called (see deps.py);
these functions only gather and shape what the store holds.
"""

from __future__ import annotations

from typing import Any

from talkcure.errors import TalkcureError
from talkcure.model import PatientInfo
from talkcure.report import formulation
from talkcure.report.progress import build_progress
from talkcure.show import session_record
from talkcure.store import Store
from talkcure.store.accounts import Accounts
from talkcure.store.audit import AuditLog
from talkcure.store.measure_records import MeasureRecords
from talkcure.store.people import notes_of
from talkcure.therapy import Companion

LEVELS = {"": 0, "low": 1, "moderate": 2, "high": 3}


def deteriorations(progress: dict[str, Any]) -> list[str]:
    """Measures whose latest result is a reliable deterioration from the first."""
    out = [m["short_title"] for m in progress["measures"].values()
           if m["change"] and m["change"].get("reliable_deterioration")]
    tt = progress.get("talking_therapies")
    if tt and tt.get("reliable_deterioration"):
        out.append("PHQ-9 + GAD-7")
    return out


def person_summary(store: Store, patient: PatientInfo) -> dict[str, Any]:
    """One line of a clinician's list: flags, deterioration, last session."""
    progress = build_progress(store, patient.name)
    sessions = progress["sessions"]
    flags = progress["flags"]
    level = max((f["level"] for f in flags), key=lambda v: LEVELS.get(v, 0), default="")
    worse = deteriorations(progress)
    risk = bool(flags or progress["risk_items"])
    return {
        "id": patient.id,
        "name": patient.name,
        "sessions": len(sessions),
        "last_session_at": sessions[-1]["started_at"] if sessions else None,
        "open_session": bool(sessions and sessions[-1]["ended_at"] is None),
        "flagged_sessions": sum(1 for s in sessions if s["flagged"]),
        "risk_flags": len(flags),
        "latest_flag": flags[-1]["reason"] if flags else "",
        "latest_flag_at": flags[-1]["created_at"] if flags else None,
        "risk_level": level,
        "risk_items": len(progress["risk_items"]),
        "deterioration": worse,
        "needs_attention": risk or bool(worse),
        "_risk": risk,
    }


def sort_people(people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Risk first (highest level, then the latest flag first), then reliable
    deterioration, then the rest by name."""
    ordered = sorted(people, key=lambda p: p["name"].casefold())
    ordered.sort(key=lambda p: p["latest_flag_at"] or "", reverse=True)  # stable sorts:
    ordered.sort(key=lambda p: (0 if p["_risk"] else 1 if p["deterioration"] else 2,
                                -LEVELS.get(p["risk_level"], 0)))  # most significant last
    for p in ordered:
        p.pop("_risk", None)
    return ordered


def person_detail(store: Store, patient: PatientInfo) -> dict[str, Any]:
    """A clinician's view of one person: progress, flagged sessions first, formulation,
    notes."""
    progress = build_progress(store, patient.name)
    sessions = progress["sessions"]
    flagged = [s for s in sessions if s["flagged"]]
    return {
        "patient": progress["patient"],
        "flagged_sessions": sorted(flagged, key=lambda s: -s["number"]),
        "sessions": sorted(sessions, key=lambda s: -s["number"]),
        "flags": progress["flags"],
        "risk_items": progress["risk_items"],
        "deterioration": deteriorations(progress),
        "progress": progress,
        "formulation": formulation(store, sessions),
        "notes": notes_of(store, patient.id),
    }


def transcript(store: Store, patient: PatientInfo, session_id: int) -> dict[str, Any]:
    """A session of this person with annotations and plans; TalkcureError if the
    session is not theirs."""
    try:
        info = store.get_session(session_id)
    except TalkcureError:
        info = None
    if info is None or info.patient_id != patient.id:
        raise LookupError(session_id)
    record = session_record(store, session_id)
    record["patient"] = {"id": patient.id, "name": patient.name}
    record["measures"] = [
        {"instrument": r.instrument, "total": r.result.get("total"),
         "band": r.result.get("band"), "risk": r.result.get("risk", False),
         "at": r.administered_at}
        for r in MeasureRecords(store).results_of_session(session_id)
    ]
    return record


# --------------------------------------------------------------------------- pages


def highlight(text: str, annotation: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The text cut into segments; affect and people cues marked with their kind."""
    if not annotation:
        return [{"text": text, "kind": None, "label": ""}]
    spans = []
    for a in annotation.get("affects") or []:
        if 0 <= a.get("start", 0) < a.get("end", 0) <= len(text):
            spans.append((a["start"], a["end"], "affect", f"{a['emotion']} ({a['group']})"))
    for p in annotation.get("people") or []:
        if 0 <= p.get("start", 0) < p.get("end", 0) <= len(text):
            spans.append((p["start"], p["end"], "person", f"{p['role']} ({p['category']})"))
    spans.sort()
    out, pos = [], 0
    for start, end, kind, label in spans:
        if start < pos:
            continue  # overlapping cue: keep the first
        if start > pos:
            out.append({"text": text[pos:start], "kind": None, "label": ""})
        out.append({"text": text[start:end], "kind": kind, "label": label})
        pos = end
    if pos < len(text):
        out.append({"text": text[pos:], "kind": None, "label": ""})
    return out


def chips(annotation: dict[str, Any] | None) -> list[dict[str, str]]:
    """Short labelled readings of one utterance, for the annotated transcript."""
    if not annotation:
        return []
    out = []
    risk = annotation.get("risk")
    if risk and risk.get("flagged"):
        text = ", ".join(risk.get("kinds") or ["risk"])
        if risk.get("imminent"):
            text += " (imminent)"
        if risk.get("error"):
            text += " (component error: treated as risk)"
        out.append({"kind": "risk", "label": "risk", "text": text})
    for a in annotation.get("affects") or []:
        out.append({"kind": "affect", "label": "affect",
                    "text": f"{a['emotion']} / {a['group']} {a['intensity']:.2f}"})
    for p in annotation.get("people") or []:
        out.append({"kind": "person", "label": "person", "text": f"{p['role']} ({p['category']})"})
    time = annotation.get("time") or {}
    marks = [n for n in ("past", "childhood", "future") if time.get(n)]
    if marks:
        out.append({"kind": "time", "label": "time", "text": ", ".join(marks)})
    defense = annotation.get("defense")
    if defense:
        out.append({"kind": "defense", "label": "defense",
                    "text": f"{defense['label']} ({defense['confidence']:.2f})"})
    for a in annotation.get("alliance") or []:
        out.append({"kind": "alliance", "label": "relationship", "text": a["kind"]})
    for f in annotation.get("fantasy") or []:
        out.append({"kind": "fantasy", "label": "fantasy", "text": f["kind"]})
    talk = annotation.get("talk")
    if talk:
        out.append({"kind": "talk", "label": "talk", "text": talk["kind"]})
    return out


def transcript_view(record: dict[str, Any]) -> dict[str, Any]:
    """The transcript record with highlighted segments and chips per turn."""
    turns = []
    for turn in record["turns"]:
        ann = turn.get("annotation")
        turns.append({**turn, "segments": highlight(turn["text"], ann), "chips": chips(ann)})
    return {**record, "turns": turns}


def person_chat_view(companion: Companion, conv) -> dict[str, Any]:
    """The person's open session as they see it: their words and the replies."""
    if conv is None:
        return {"session": None, "opening": "", "turns": [], "crisis_active": False}
    turns = companion.store.turns_of(conv.session.id)
    return {
        "session": {"id": conv.session.id, "number": conv.session.number,
                    "started_at": conv.session.started_at, "flagged": conv.session.flagged},
        "opening": conv.opening,
        "turns": [{"id": t.id, "speaker": t.speaker.value, "text": t.text,
                   "crisis": bool(t.plan and t.plan.kind.value == "crisis")} for t in turns],
        "crisis_active": bool(conv.state.crisis and conv.state.crisis.get("active"))
        or conv.state.flagged,
    }


def resources_view(companion: Companion) -> dict[str, Any]:
    res = companion.resources
    return {"locale": res.locale, "name": res.name, "emergency": res.emergency,
            "lines": [r.line() for r in res.resources]}


def admin_view(store: Store) -> dict[str, Any]:
    """Accounts, who is assigned to whom, and the latest audit entries (no patient text)."""
    from talkcure.store.people import all_patients

    accounts = Accounts(store)
    users = accounts.users()
    names = {p.id: p.name for p in all_patients(store)}
    pairs = accounts.assignments()
    return {
        "users": [{"id": u.id, "login": u.login, "role": u.role, "patient_id": u.patient_id,
                   "created_at": u.created_at,
                   "assigned": [pid for cid, pid in pairs if cid == u.id]} for u in users],
        "people": [{"id": pid, "name": name,
                    "clinicians": [cid for cid, p in pairs if p == pid]}
                   for pid, name in names.items()],
        "audit": [e.to_dict() for e in AuditLog(store).entries(limit=50)],
    }
