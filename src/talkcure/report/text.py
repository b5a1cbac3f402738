"""Wording shared by the HTML and PDF reports, so both say exactly the same."""

from __future__ import annotations

from typing import Any

MEASURE_NAMES = {"phq9": "PHQ-9", "gad7": "GAD-7", "rses": "RSES", "wsas": "WSAS",
                 "goals": "goals"}


def pretty(value: Any) -> str:
    """Dates as 'YYYY-MM-DD HH:MM UTC', ids as words, numbers without trailing zeros."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    text = str(value)
    if len(text) >= 16 and text[4] == "-" and text[10] == "T":
        return text[:10] + " " + text[11:16] + (" UTC" if text.endswith("+00:00") else "")
    return text.replace("_", "-") if text in {"short_term", "open_ended"} else text


def _when(point: dict[str, Any]) -> str:
    where = f"session {point['session']}" if point.get("session") else "entered"
    return f"{pretty(point['at'])[:10]}, {where}"


def course_lines(data: dict[str, Any]) -> list[str]:
    course = data["course"]
    if not course:
        return ["No treatment course is set (talkcure course NAME --short-term N or "
                "--open-ended)."]
    lines = [f"Plan: {course['label']}; starts at the person's session "
             f"{course['first_session']}; review every {course['review_every']} sessions.",
             "Review points (sessions): " + (", ".join(map(str, course["review_points"]))
                                             or "–") + "."]
    status = course["latest_session"]
    if status and status["course_session"]:
        where = f"session {status['course_session']}"
        if status["planned"]:
            where += f" of {status['planned']}"
        lines.append(f"Latest session: {where}" + (" (beyond the plan)" if status["beyond_plan"]
                                                   else "") + ".")
    nxt = course["next_session"]
    due = ", ".join(MEASURE_NAMES.get(m, m) for m in nxt["due"])
    if nxt["beyond_plan"]:
        lines.append(f"The {nxt['planned']} planned sessions are complete: a review of the plan "
                     f"with the person is due ({due}).")
    elif nxt["due"]:
        lines.append(f"Due at the next session ({nxt['review']}): {due}.")
    if course["changes"]:
        lines.append(f"The plan has {course['changes'] + 1} versions (course or goals updated); "
                     f"this one was set {pretty(course['set_at'])}.")
    return lines


def _method(change: dict[str, Any]) -> str:
    if change["method"] == "nhs_talking_therapies":
        return (f"NHS Talking Therapies: reliable change ≥ {change['threshold']:g} points; "
                f"caseness ≥ {change['cutoff']:g}")
    parts = [f"Jacobson–Truax: RC = {change['rc']:.2f} (reliable if |RC| > 1.96, i.e. "
             f"≥ {change['threshold']:.1f} points); SD {change['sd']:g}, r "
             f"{change['reliability']:g}, S_diff {change['s_diff']:.2f}"]
    for name in ("clinical", "nonclinical"):
        norm = change.get(name)
        if norm:
            parts.append(f"{name.replace('non', 'non-')} norm M {norm['mean']:g}, SD "
                         f"{norm['sd']:g}")
    if change["cutoff"] is not None:
        parts.append(f"cut-off {change['cutoff']:g} ({change['cutoff_method']})")
    return "; ".join(parts)


def change_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per measure: first, latest, change and how it was judged."""
    rows = []
    for m in data["measures"].values():
        first, latest, change = m["first"], m["latest"], m["change"]
        row = {
            "measure": m["short_title"],
            "first": f"{first['total']} ({first['band']})",
            "first_when": _when(first),
            "latest": f"{latest['total']} ({latest['band']})" if change else "–",
            "latest_when": _when(latest) if change else "",
            "change": "–",
            "classification": "only one result" if not change else change["classification"],
            "method": "",
            "sources": [],
            "notes": [],
            "provisional": False,
        }
        if change:
            row["change"] = f"{change['diff']:+g}"
            row["method"] = _method(change)
            row["sources"] = change["sources"]
            row["notes"] = change["notes"]
            row["provisional"] = change["provisional"]
        rows.append(row)
    return rows


def session_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    flags_by_session: dict[int, list[str]] = {}
    for f in data["flags"]:
        text = f["reason"] + (f" (level {f['level']})" if f["level"] else "")
        flags_by_session.setdefault(f["session"], []).append(text)
    rows = []
    for s in data["sessions"]:
        summary = s["summary"] or {}
        said = []
        if summary.get("feelings"):
            said.append("feelings: " + ", ".join(summary["feelings"]))
        if summary.get("people"):
            said.append("people: " + ", ".join(summary["people"]))
        if summary.get("themes"):
            said.append("recurring: " + ", ".join(summary["themes"]))
        rows.append({
            "number": s["number"],
            "id": s["id"],
            "date": pretty(s["started_at"]),
            "ended": "yes" if s["ended_at"] else "open",
            "measures": ", ".join(MEASURE_NAMES.get(m, m) for m in s["measures"]) or "–",
            "flags": flags_by_session.get(s["number"], []),
            "summary": "; ".join(said) or ("no summary (session still open)"
                                           if not s["ended_at"] else "nothing named"),
            "carry_forward": summary.get("carry_forward", ""),
        })
    return rows
