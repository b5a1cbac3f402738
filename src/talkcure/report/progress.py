"""A person's progress as one plain dict: measures over time, change, course, goals, risk.

``talkcure progress`` prints it (text or JSON); the charts and the HTML/PDF
report are drawn from the same dict, so every view shows the same numbers.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from talkcure.measure_flow import GOALS, course_from_record
from talkcure.measures import (
    MeasureResult,
    classify_change,
    classify_goal,
    classify_talking_therapies,
    get_instrument,
    goal_scheme,
    instrument_ids,
)
from talkcure.measures.course import course_status, review_points
from talkcure.model import SessionInfo
from talkcure.store import Store
from talkcure.store.measure_records import MeasureRecord, MeasureRecords


def _when(text: str | None) -> datetime:
    value = datetime.fromisoformat(text) if text else datetime.min
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _position(record: MeasureRecord, sessions: list[SessionInfo]) -> float:
    """Where a result sits on a chart's session axis: its session, or half-way after
    the last session begun before it (0.5 = before the first session)."""
    if record.session_number is not None:
        return float(record.session_number)
    before = [s.number for s in sessions if _when(s.started_at) <= _when(record.administered_at)]
    return (max(before) if before else 0) + 0.5


def _point(record: MeasureRecord, x: float) -> dict[str, Any]:
    r = record.result
    return {
        "id": record.id,
        "session": record.session_number,
        "x": x,
        "at": record.administered_at,
        "via": record.via,
        "total": r["total"],
        "answers": r["answers"],
        "band": r["band"],
        "prorated": r["prorated"],
        "missing": list(r["missing"]),
        "risk": r["risk"],
        "notes": list(r["notes"]),
    }


def _measure_series(inst_id: str, records: list[MeasureRecord],
                    sessions: list[SessionInfo]) -> dict[str, Any]:
    inst = get_instrument(inst_id)
    points = [_point(r, _position(r, sessions)) for r in records]
    first = MeasureResult.from_dict(records[0].result)
    for point, record in zip(points[1:], records[1:], strict=True):
        step = classify_change(inst, first, MeasureResult.from_dict(record.result))
        point["change_from_first"] = step.classification
        point["reliable_improvement"] = step.reliable_improvement
        point["reliable_deterioration"] = step.reliable_deterioration
    change = None
    if len(records) >= 2:
        change = classify_change(inst, first, MeasureResult.from_dict(records[-1].result))
    return {
        "id": inst.id,
        "title": inst.title,
        "short_title": inst.short_title,
        "min": inst.score_min,
        "max": inst.score_max,
        "higher_is_better": inst.higher_is_better,
        "bands": [{"min": b.min, "max": b.max, "label": b.label} for b in inst.bands],
        "bands_source": inst.bands_source,
        "citation": f"{inst.citation['authors']} ({inst.citation['year']}). "
                    + " ".join(str(inst.citation["reference"]).split()),
        "points": points,
        "first": points[0],
        "latest": points[-1],
        "change": change.to_dict() if change else None,
    }


def _goals(records: list[MeasureRecord], names: tuple[str, ...],
           sessions: list[SessionInfo]) -> dict[str, Any]:
    scheme = goal_scheme()
    ratings = [
        {"session": r.session_number, "x": _position(r, sessions), "at": r.administered_at,
         "ratings": {g["name"]: g["rating"] for g in r.result["goals"]}}
        for r in records
    ]
    change = []
    for name in names:
        rated = [r["ratings"][name] for r in ratings if name in r["ratings"]]
        if len(rated) >= 2:
            change.append(classify_goal(rated[0], rated[-1], goal=name).to_dict())
    return {
        "title": scheme.title,
        "question": scheme.question,
        "names": list(names),
        "ratings": ratings,
        "change": change,
        "meaningful_change": scheme.meaningful_change,
        "source": scheme.change_source,
    }


def _course(records: MeasureRecords, patient_id: int, sessions: list[SessionInfo]):
    history = records.courses_of(patient_id)
    course = course_from_record(history[-1] if history else None)
    if course is None:
        return None, ()
    latest = sessions[-1].number if sessions else 0
    status = course_status(course, latest) if latest else None
    upcoming = course_status(course, latest + 1)
    return {
        "kind": course.kind,
        "label": course.label,
        "planned_sessions": course.planned_sessions,
        "review_every": course.review_every,
        "focus": course.focus,
        "first_session": course.first_session,
        "goals": list(course.goals),
        "set_at": history[-1].created_at,
        "changes": len(history) - 1,
        "review_points": [p + course.first_session - 1
                          for p in review_points(course, max(latest, 1) + course.review_every)],
        "latest_session": status.to_dict() if status else None,
        "next_session": upcoming.to_dict(),
    }, course.goals


def build_progress(store: Store, patient_name: str) -> dict[str, Any]:
    """Everything ``progress`` and ``report`` show about one person."""
    patient = store.get_patient(patient_name)
    records = MeasureRecords(store)
    sessions = store.sessions_of(patient.id)
    all_results = records.results_of(patient.id)
    course, goal_names = _course(records, patient.id, sessions)
    measures = {}
    for inst_id in instrument_ids():
        mine = [r for r in all_results if r.instrument == inst_id]
        if mine:
            measures[inst_id] = _measure_series(inst_id, mine, sessions)
    pair = None
    if all(len(measures.get(i, {}).get("points", [])) >= 2 for i in ("phq9", "gad7")):
        phq = [MeasureResult.from_dict(r.result) for r in all_results if r.instrument == "phq9"]
        gad = [MeasureResult.from_dict(r.result) for r in all_results if r.instrument == "gad7"]
        pair = classify_talking_therapies(phq[0], phq[-1], gad[0], gad[-1]).to_dict()
    goal_records = [r for r in all_results if r.instrument == GOALS]
    names = goal_names or tuple(dict.fromkeys(
        g["name"] for r in goal_records for g in r.result["goals"]))
    flags = []
    for s in sessions:
        for f in store.flags_of(s.id):
            flags.append({"session": s.number, "session_id": s.id, **f})
    risk_items = [
        {"instrument": r.instrument, "session": r.session_number, "at": r.administered_at,
         "item": get_instrument(r.instrument).risk.item,
         "answer": r.result["answers"][str(get_instrument(r.instrument).risk.item)]}
        for r in all_results if r.instrument != GOALS and r.result.get("risk")
    ]
    return {
        "patient": {"id": patient.id, "name": patient.name, "locale": patient.locale},
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "course": course,
        "measures": measures,
        "talking_therapies": pair,
        "goals": _goals(goal_records, names, sessions) if (names or goal_records) else None,
        "sessions": [
            {"id": s.id, "number": s.number, "started_at": s.started_at, "ended_at": s.ended_at,
             "flagged": s.flagged, "flag_reason": s.flag_reason,
             "summary": s.summary.to_dict() if s.summary else None,
             "measures": [r.instrument for r in all_results if r.session_id == s.id]}
            for s in sessions
        ],
        "flags": flags,
        "risk_items": risk_items,
    }


# --------------------------------------------------------------------------- text


def _change_line(change: dict[str, Any]) -> str:
    sign = "+" if change["diff"] > 0 else ""
    line = (f"  change {change['pre']:g} -> {change['post']:g} ({sign}{change['diff']:g}): "
            f"{change['classification']}")
    if change["method"] == "nhs_talking_therapies":
        line += (f" [NHS Talking Therapies: reliable change >= {change['threshold']:g} points, "
                 f"caseness >= {change['cutoff']:g}]")
    elif change["method"] == "jacobson_truax":
        line += (f" [Jacobson-Truax: RC {change['rc']:.2f}, needs |RC| > 1.96 = "
                 f"{change['threshold']:.1f} points; SD {change['sd']:g}, "
                 f"r {change['reliability']:g}"
                 + (f", cut-off {change['cutoff']:g}" if change["cutoff"] is not None else "")
                 + "]")
    return line


def progress_text(data: dict[str, Any]) -> str:
    lines = [f"Progress of {data['patient']['name']} ({len(data['sessions'])} sessions)"]
    course = data["course"]
    if course:
        lines.append(f"Course: {course['label']}; review points at sessions "
                     f"{', '.join(map(str, course['review_points'])) or '-'}.")
        nxt = course["next_session"]
        if nxt["beyond_plan"]:
            lines.append(f"The {nxt['planned']} planned sessions are complete: review the plan "
                         "(talkcure course NAME ...).")
        elif nxt["due"]:
            lines.append(f"Next session ({course['first_session'] + nxt['course_session'] - 1}):"
                         f" {nxt['review']} due: {', '.join(nxt['due'])}.")
    else:
        lines.append("Course: not set (talkcure course NAME --short-term N | --open-ended).")
    if not data["measures"] and not data["goals"]:
        lines.append("No measures yet (talkcure measure NAME phq9, or /measure phq9 in a chat).")
    for m in data["measures"].values():
        lines.append(f"{m['short_title']} ({m['min']}-{m['max']}, "
                     f"{'higher is better' if m['higher_is_better'] else 'lower is better'}):")
        for p in m["points"]:
            where = f"session {p['session']}" if p["session"] else "entered"
            extra = " [pro-rated]" if p["prorated"] else ""
            extra += " [item 9 above 0: risk]" if p["risk"] else ""
            since = f"; vs first: {p['change_from_first']}" if "change_from_first" in p else ""
            lines.append(f"  {p['at'][:10]} {where}: {p['total']} ({p['band']}){extra}{since}")
        if m["change"]:
            lines.append(_change_line(m["change"]))
            for source in m["change"]["sources"]:
                lines.append(f"    source: {source}")
    if data["talking_therapies"]:
        tt = data["talking_therapies"]
        lines.append(f"PHQ-9 + GAD-7 together (NHS Talking Therapies): {tt['classification']}"
                     f" (caseness at start: {'yes' if tt['caseness_at_start'] else 'no'}, "
                     f"at end: {'yes' if tt['caseness_at_end'] else 'no'}).")
    goals = data["goals"]
    if goals:
        lines.append("Goals (0-10, how close): " + "; ".join(goals["names"]))
        for r in goals["ratings"]:
            rated = ", ".join(f"{k} {v}" for k, v in r["ratings"].items())
            lines.append(f"  {r['at'][:10]}: {rated}")
        for c in goals["change"]:
            lines.append(f"  {c['goal']}: {c['pre']:g} -> {c['post']:g}, {c['classification']}")
    if data["flags"] or data["risk_items"]:
        lines.append("Risk flags:")
        for f in data["flags"]:
            lines.append(f"  session {f['session']} {f['created_at'][:16]}: {f['reason']}"
                         + (f" (level {f['level']})" if f["level"] else ""))
        for r in data["risk_items"]:
            if r["session"] is None:
                lines.append(f"  {r['at'][:16]}: {r['instrument']} item {r['item']} answered "
                             f"{r['answer']} (entered outside a session)")
    return "\n".join(lines)
