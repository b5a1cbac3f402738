"""Charts of each measure over time (matplotlib, Agg backend), PNG and SVG.

Severity bands are shaded from green (better) to red (worse), the clinical
cut-off is a dashed line, and each result after the first is marked by its
change from the first: a triangle for reliable improvement or deterioration, a
star for (reliable) recovery.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

BAND_COLOURS = ["#d8efd3", "#eef3c9", "#fbeec2", "#f9d9b8", "#f4c2bd"]  # better -> worse
GOOD, BAD, LINE = "#1b7837", "#b2182b", "#2c3e50"
GOAL_COLOURS = ["#1f77b4", "#9467bd", "#8c564b"]
SIZE = (7.2, 3.1)
DPI = 150

plt.rcParams.update({"svg.hashsalt": "talkcure", "font.size": 9})  # stable SVG ids


def _band_colours(n: int, higher_is_better: bool) -> list[str]:
    picks = [BAND_COLOURS[round(i * (len(BAND_COLOURS) - 1) / max(n - 1, 1))] for i in range(n)]
    return picks[::-1] if higher_is_better else picks


def _save(fig, out_dir: Path, stem: str) -> dict[str, str]:
    out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    paths = {}
    for ext in ("png", "svg"):
        path = out_dir / f"{stem}.{ext}"
        fig.savefig(path, dpi=DPI, format=ext, metadata={"Date": None} if ext == "svg" else None)
        path.chmod(0o600)
        paths[ext] = str(path)
    plt.close(fig)
    return paths


def _x_axis(ax, xs: list[float], course: dict[str, Any] | None) -> None:
    right = max(xs + [1.0])
    if course and course.get("planned_sessions"):
        right = max(right, course["first_session"] + course["planned_sessions"] - 1)
    ax.set_xlim(min(xs + [1.0]) - 0.6, right + 0.6)
    ticks = sorted({int(x) for x in xs if float(x).is_integer()} | {1, int(right)})
    if course:
        ticks = sorted(set(ticks) | set(course.get("review_points", [])))
        for point in course.get("review_points", []):
            ax.axvline(point, color="#999999", lw=0.6, ls=":", zorder=1)
    ax.set_xticks(ticks)
    ax.set_xlabel("session (dotted lines: review points of the course)" if course else "session")


def measure_chart(series: dict[str, Any], out_dir: Path,
                  course: dict[str, Any] | None = None) -> dict[str, str]:
    """One measure over time; returns {"png": path, "svg": path}."""
    fig, ax = plt.subplots(figsize=SIZE, layout="constrained")
    lo, hi = series["min"], series["max"]
    bands = series["bands"]
    for band, colour in zip(bands, _band_colours(len(bands), series["higher_is_better"]),
                            strict=True):
        bottom = lo if band["min"] == lo else band["min"] - 0.5
        top = hi if band["max"] == hi else band["max"] + 0.5
        ax.axhspan(bottom, top, color=colour, zorder=0, lw=0)
        ax.text(1.01, (bottom + top) / 2, band["label"], transform=ax.get_yaxis_transform(),
                va="center", ha="left", fontsize=7.5, color="#444444")
    change = series.get("change") or {}
    if change.get("cutoff") is not None:
        ax.axhline(change["cutoff"], color="#555555", lw=0.9, ls="--", zorder=2)
    points = series["points"]
    xs = [p["x"] for p in points]
    ys = [p["total"] for p in points]
    ax.plot(xs, ys, color=LINE, lw=1.6, marker="o", ms=5, zorder=3)
    for p in points:
        ax.annotate(str(p["total"]), (p["x"], p["total"]), textcoords="offset points",
                    xytext=(0, 7), ha="center", fontsize=8, color=LINE, zorder=5)
        label = p.get("change_from_first", "")
        if "recovery" in label:
            ax.plot(p["x"], p["total"], marker="*", ms=15, color=GOOD, zorder=4, mec="white")
        elif p.get("reliable_improvement"):
            ax.plot(p["x"], p["total"], marker="v" if not series["higher_is_better"] else "^",
                    ms=11, color=GOOD, zorder=4, mec="white")
        elif p.get("reliable_deterioration"):
            ax.plot(p["x"], p["total"], marker="^" if not series["higher_is_better"] else "v",
                    ms=11, color=BAD, zorder=4, mec="white")
        if p.get("risk"):
            ax.plot(p["x"], p["total"], marker="o", ms=13, mfc="none", mec=BAD, mew=1.6,
                    zorder=4)
    ax.set_ylim(lo, hi)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("total score")
    _x_axis(ax, xs, course)
    ax.set_title(f"{series['short_title']} ({lo}–{hi}; "
                 f"{'higher is better' if series['higher_is_better'] else 'lower is better'})",
                 loc="left", fontsize=10)
    handles = [Line2D([], [], color=LINE, marker="o", label="score")]
    if change.get("cutoff") is not None:
        handles.append(Line2D([], [], color="#555555", ls="--",
                              label=f"cut-off {change['cutoff']:g}"))
    handles += [
        Line2D([], [], color=GOOD, marker="v", ls="", ms=8, label="reliable improvement"),
        Line2D([], [], color=BAD, marker="^", ls="", ms=8, label="reliable deterioration"),
        Line2D([], [], color=GOOD, marker="*", ls="", ms=10, label="recovery"),
    ]
    if any(p.get("risk") for p in points):
        handles.append(Line2D([], [], marker="o", ls="", mfc="none", mec=BAD, ms=9,
                              label="risk item above 0"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=len(handles),
              fontsize=7, frameon=False, handlelength=1.5, columnspacing=1.0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return _save(fig, out_dir, series["id"])


def goals_chart(goals: dict[str, Any], out_dir: Path,
                course: dict[str, Any] | None = None) -> dict[str, str]:
    """Each goal's 0-10 rating over time."""
    fig, ax = plt.subplots(figsize=SIZE, layout="constrained")
    xs_all: list[float] = []
    for i, name in enumerate(goals["names"]):
        rated = [(r["x"], r["ratings"][name]) for r in goals["ratings"] if name in r["ratings"]]
        if not rated:
            continue
        xs, ys = zip(*rated, strict=True)
        xs_all += list(xs)
        short = name if len(name) <= 40 else name[:39] + "…"
        ax.plot(xs, ys, marker="o", lw=1.6, color=GOAL_COLOURS[i % 3], label=short)
    ax.set_ylim(0, 10.5)
    ax.set_yticks(range(0, 11, 2))
    ax.set_ylabel("how close (0-10)")
    _x_axis(ax, xs_all or [1.0], course)
    ax.set_title("Goal-based outcomes (0 = not at all close, 10 = reached)", loc="left",
                 fontsize=10)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=3, fontsize=7, frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return _save(fig, out_dir, "goals")


def draw_all(data: dict[str, Any], out_dir: Path) -> dict[str, dict[str, str]]:
    """Every chart of a progress dict; keys are measure ids (and "goals")."""
    charts = {}
    for inst_id, series in data["measures"].items():
        charts[inst_id] = measure_chart(series, out_dir, data["course"])
    goals = data.get("goals")
    if goals and goals["ratings"]:
        charts["goals"] = goals_chart(goals, out_dir, data["course"])
    return charts
