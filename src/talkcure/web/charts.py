"""Progress charts as SVG for the pages: the report's charts (severity bands, cut-off,
reliable change marks), drawn into a private temporary folder and read back.
matplotlib's pyplot is not thread-safe, so one chart is drawn at a time."""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path
from typing import Any

from talkcure.errors import TalkcureError

_LOCK = threading.Lock()


def chart_svg(progress: dict[str, Any], measure: str) -> str:
    """The SVG of one measure (or ``goals``) of a progress dict; LookupError if the
    person has no results for it."""
    try:
        from talkcure.report import charts
    except ImportError as exc:
        raise TalkcureError(f"Charts need matplotlib ({exc.name} is missing): "
                            "pip install 'talkcure[web]'.") from None
    with _LOCK, tempfile.TemporaryDirectory(prefix="talkcure-chart-") as tmp:
        out = Path(tmp)
        if measure == "goals":
            goals = progress.get("goals")
            if not goals or not goals["ratings"]:
                raise LookupError(measure)
            paths = charts.goals_chart(goals, out, progress["course"])
        else:
            series = progress["measures"].get(measure)
            if series is None:
                raise LookupError(measure)
            paths = charts.measure_chart(series, out, progress["course"])
        return Path(paths["svg"]).read_text(encoding="utf-8")


def chart_response(store, patient_name: str, measure: str,
                   missing: str = "No results of that measure yet."):
    """The SVG response of one measure of a person's progress; 404 with ``missing``
    when they have no results for it (the API and the pages both serve charts)."""
    from fastapi import HTTPException, Response

    from talkcure.report.progress import build_progress

    try:
        svg = chart_svg(build_progress(store, patient_name), measure)
    except LookupError:
        raise HTTPException(404, missing) from None
    return Response(svg, media_type="image/svg+xml")
