"""The HTML report: one self-contained file (charts inlined as SVG data URIs)."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from talkcure.report.text import change_rows, course_lines, pretty, session_rows


def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("talkcure", "data/report"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pretty"] = pretty
    return env


def _data_uri(path: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(Path(path).read_bytes()).decode()


def render_html(data: dict[str, Any], charts: dict[str, dict[str, str]]) -> str:
    template = _env().get_template("report.html.j2")
    return template.render(
        d=data,
        course_lines=course_lines(data),
        change_rows=change_rows(data),
        session_rows=session_rows(data),
        charts={k: _data_uri(v["svg"]) for k, v in charts.items()},
    )


def write_html(data: dict[str, Any], charts: dict[str, dict[str, str]], path: Path) -> Path:
    path.write_text(render_html(data, charts), encoding="utf-8")
    path.chmod(0o600)
    return path
