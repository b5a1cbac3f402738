"""Progress, charts and the clinician report (HTML and PDF) of one person's course.

``write_report`` gathers everything from the store once (:func:`report_data`),
draws the charts, and renders the same data as HTML (Jinja2) and PDF (ReportLab).
Needs the ``report`` extra: ``pip install 'talkcure[report]'``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from talkcure.errors import TalkcureError
from talkcure.formulate.memory import CourseMemory
from talkcure.measures import all_instruments, goal_scheme
from talkcure.model import Speaker
from talkcure.report.progress import build_progress
from talkcure.store import Store

NOTICE = (
    "This report is for a clinician and is not a diagnosis: questionnaire scores and the "
    "program's reading of the conversations support, and never replace, clinical judgement. "
    "It contains health data; store and share it as such."
)
PROGRAM_NOTE = (
    "talkcure is a computer program for self-help and clinician support, not a clinician; "
    "the themes below come from its automatic reading of the person's words, each with the "
    "turns it rests on (see `talkcure show SESSION`)."
)


def formulation(store: Store, sessions: list[dict[str, Any]]) -> dict[str, Any]:
    """Recurring themes and candidate patterns of the course, each with its evidence."""
    memory = CourseMemory()
    for s in sessions:
        for turn in store.turns_of(s["id"]):
            if turn.speaker == Speaker.PATIENT and turn.annotation is not None:
                memory.add(turn.annotation, turn.id, s["number"], turn.index)
    kinds = {"person": "person", "feeling": "feeling", "pair": "person and feeling"}
    themes = [
        {"label": t.label if not t.key.startswith("pair:")
         else f"{t.label} + {t.key.split('|')[1]}",
         "kind": kinds.get(t.key.split(":")[0], t.key.split(":")[0]),
         "mentions": len(t.mentions), "sessions": sorted(t.sessions),
         "turns": [m.turn_id for m in t.mentions][:12]}
        for t in memory.recurring()[:12]
    ]
    patterns = []
    for p in memory.patterns()[:8]:
        if p.kind == "past_present":
            what = (f"feeling {p.material['feeling']} with {p.material['past_person']} in "
                    f"childhood and with {p.material['person']} now")
        else:
            what = f"feeling {p.material['feeling']} around {p.material['person']}"
        patterns.append({
            "kind": "past and present" if p.kind == "past_present" else "repeated",
            "what": what,
            "evidence": [{"session": m.session, "turn": m.turn_id, "quote": m.quote}
                         for m in p.evidence[:4]],
        })
    return {"utterances": memory.count, "themes": themes, "patterns": patterns,
            "note": PROGRAM_NOTE}


def citations() -> list[str]:
    out = []
    for inst in all_instruments():
        c = inst.citation
        out.append(f"{inst.short_title}: {c['authors']} ({c['year']}). "
                   + " ".join(str(c["reference"]).split()))
    g = goal_scheme().citation
    out.append(f"{goal_scheme().short_title}: {g['authors']} ({g['year']}). {g['reference']}")
    return out


def report_data(store: Store, patient_name: str) -> dict[str, Any]:
    data = build_progress(store, patient_name)
    data["formulation"] = formulation(store, data["sessions"])
    data["citations"] = citations()
    data["notice"] = NOTICE
    return data


def write_report(store: Store, patient_name: str, out_dir: Path) -> dict[str, Any]:
    """Write report.html, report.pdf and charts/ into ``out_dir``; returns the paths."""
    try:
        from talkcure.report import charts, html, pdf
    except ImportError as exc:
        raise TalkcureError(
            f"The report needs the report extra ({exc.name} is missing): "
            "pip install 'talkcure[report]'."
        ) from None
    started = time.perf_counter()
    data = report_data(store, patient_name)
    out_dir = Path(out_dir).expanduser()
    if out_dir.exists() and not out_dir.is_dir():
        raise TalkcureError(f"{out_dir} is a file; give --out a folder.")
    try:
        out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        drawn = charts.draw_all(data, out_dir / "charts")
        html_path = html.write_html(data, drawn, out_dir / "report.html")
        pdf_path = pdf.write_pdf(data, drawn, out_dir / "report.pdf")
    except OSError as exc:
        raise TalkcureError(
            f"Can't write the report into {out_dir} ({exc.strerror}); choose another --out."
        ) from None
    return {"html": str(html_path), "pdf": str(pdf_path), "charts": drawn,
            "seconds": time.perf_counter() - started}
