"""The PDF report (ReportLab), from the same data and wording as the HTML report.

Text is set in DejaVu Sans (shipped with matplotlib), which has the ≥, –, “ ”
and other characters the standard PDF fonts lack. Each page carries the
"clinician use only; not a diagnosis" notice and the page number.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import matplotlib
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from talkcure.report.text import change_rows, course_lines, pretty, session_rows

WIDTH = A4[0] - 36 * mm
INK, FLAG, HEAD_BG, GRID = (colors.HexColor(c) for c in ("#222222", "#b2182b", "#eef2f5",
                                                        "#bbbbbb"))


@cache
def _fonts() -> tuple[str, str]:
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont("TcSans", str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("TcSans-Bold", str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily("TcSans", normal="TcSans", bold="TcSans-Bold",
                                  italic="TcSans", boldItalic="TcSans-Bold")
    return "TcSans", "TcSans-Bold"


@cache
def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    base = ParagraphStyle("body", fontName=regular, fontSize=9, leading=12, textColor=INK,
                          alignment=TA_LEFT, spaceAfter=4)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5,
                                textColor=colors.HexColor("#444444"), spaceAfter=2),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10, spaceAfter=0),
        "head": ParagraphStyle("head", parent=base, fontName=bold, fontSize=8, leading=10,
                               spaceAfter=0),
        "h1": ParagraphStyle("h1", parent=base, fontName=bold, fontSize=16, leading=20,
                             spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=base, fontName=bold, fontSize=12, leading=15,
                             spaceBefore=10, spaceAfter=5,
                             textColor=colors.HexColor("#2c3e50")),
        "h3": ParagraphStyle("h3", parent=base, fontName=bold, fontSize=10, leading=13,
                             spaceBefore=6, spaceAfter=3),
        "notice": ParagraphStyle("notice", parent=base, backColor=colors.HexColor("#fff4e5"),
                                 borderColor=colors.HexColor("#e67e22"), borderWidth=0.8,
                                 borderPadding=5, spaceBefore=4, spaceAfter=10),
    }


def _p(text: Any, style: str = "body") -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), _styles()[style])


def _pb(label: str, text: Any, style: str = "body") -> Paragraph:
    return Paragraph(f"<b>{escape(label)}</b> {escape(str(text))}", _styles()[style])


def _table(header: list[str], rows: list[list[Any]], widths: list[float],
           flag_col: int | None = None) -> Table:
    data = [[_p(h, "head") for h in header]]
    for row in rows:
        data.append([c if isinstance(c, Paragraph) else _p(c, "cell") for c in row])
    table = Table(data, colWidths=[w * WIDTH for w in widths], repeatRows=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    table.setStyle(TableStyle(style))
    table.spaceBefore, table.spaceAfter = 2, 6
    return table


def _chart(path: str) -> Image:
    img = Image(path)
    scale = WIDTH / img.imageWidth
    img.drawWidth, img.drawHeight = WIDTH, img.imageHeight * scale
    return img


def _measures(data: dict[str, Any], charts: dict[str, dict[str, str]]) -> list:
    out: list = [_p("Measures and change", "h2")]
    rows = change_rows(data)
    if not rows:
        return out + [_p("No questionnaires yet.")]
    out.append(_table(
        ["measure", "first", "latest", "change", "classification"],
        [[r["measure"], f"{r['first']}\n{r['first_when']}",
          f"{r['latest']}\n{r['latest_when']}", r["change"],
          _pb(r["classification"], "(provisional: a figure used is marked “check”)"
              if r["provisional"] else "", "cell")] for r in rows],
        [0.12, 0.24, 0.24, 0.1, 0.3]))
    tt = data["talking_therapies"]
    if tt:
        out.append(_pb("PHQ-9 and GAD-7 together (NHS Talking Therapies):",
                       f"{tt['classification']} — caseness at the start: "
                       f"{'yes' if tt['caseness_at_start'] else 'no'}, at the end: "
                       f"{'yes' if tt['caseness_at_end'] else 'no'}. " + " ".join(tt["notes"])))
        out.append(_p(" ".join(tt["sources"]), "small"))
    for key, m in data["measures"].items():
        out.append(KeepTogether([_p(m["title"], "h3"), _chart(charts[key]["png"])]))
        out.append(_table(
            ["date", "session", "total", "band", "compared with the first", "notes"],
            [[pretty(p["at"]), p["session"] or "entered", p["total"], p["band"],
              p.get("change_from_first", "first"),
              ("item 9 above 0: risk protocol. " if p["risk"] else "")
              + (f"pro-rated (missing {', '.join(map(str, p['missing']))})"
                 if p["prorated"] else "")]
             for p in m["points"]],
            [0.22, 0.1, 0.08, 0.18, 0.2, 0.22]))
        for r in rows:
            if r["measure"] == m["short_title"] and r["method"]:
                out.append(_pb("How the change was judged:",
                               r["method"] + ". " + " ".join(r["notes"]), "small"))
                out.extend(_p("• " + s, "small") for s in r["sources"])
        out.append(_p(f"Bands: {m['bands_source'].rstrip('.')}. {m['citation']}", "small"))
    return out


def _goals(data: dict[str, Any], charts: dict[str, dict[str, str]]) -> list:
    goals = data["goals"]
    if not goals:
        return []
    head: list = [_p("Goals", "h2"), _p(goals["question"])]
    if "goals" in charts:
        head.append(_chart(charts["goals"]["png"]))
    out: list = [KeepTogether(head)]
    if goals["ratings"]:
        n = len(goals["names"])
        out.append(_table(
            ["date", "session", *goals["names"]],
            [[pretty(r["at"]), r["session"] or "entered",
              *[r["ratings"].get(g, "–") for g in goals["names"]]] for r in goals["ratings"]],
            [0.22, 0.12] + [0.66 / max(n, 1)] * n))
    for c in goals["change"]:
        out.append(_p(f"“{c['goal']}”: {pretty(c['pre'])} → {pretty(c['post'])}: "
                      f"{c['classification']} (meaningful: ≥ {goals['meaningful_change']} "
                      "points)."))
    out.append(_p(goals["source"], "small"))
    return out


def _risk_and_sessions(data: dict[str, Any]) -> list:
    out: list = [_p("Risk", "h2")]
    rows = [[f["session"], pretty(f["created_at"]), _p(f["reason"], "cell"), f["level"] or "–"]
            for f in data["flags"]]
    rows += [["entered", pretty(r["at"]),
              f"{r['instrument'].upper()} item {r['item']} answered {r['answer']}", "–"]
             for r in data["risk_items"] if r["session"] is None]
    if rows:
        out.append(_table(["session", "when", "flag", "level"], rows, [0.1, 0.22, 0.56, 0.12]))
    else:
        out.append(_p("No risk flags."))
    out.append(_p("Sessions", "h2"))
    out.append(_table(
        ["no.", "date", "measures", "flags", "summary"],
        [[f"{s['number']}\nid {s['id']}", s["date"], s["measures"],
          Paragraph(escape("; ".join(s["flags"])), ParagraphStyle(
              "flagcell", parent=_styles()["cell"], textColor=FLAG)),
          s["summary"] + (f"\n{s['carry_forward']}" if s["carry_forward"] else "")]
         for s in session_rows(data)],
        [0.07, 0.17, 0.14, 0.22, 0.4]))
    return out


def _formulation(data: dict[str, Any]) -> list:
    f = data["formulation"]
    out: list = [_p("Formulation: recurring themes", "h2"), _p(f["note"], "small")]
    if f["themes"]:
        out.append(_table(
            ["theme", "kind", "mentions", "sessions", "evidence (turn ids)"],
            [[t["label"], t["kind"], t["mentions"], ", ".join(map(str, t["sessions"])),
              ", ".join(map(str, t["turns"]))] for t in f["themes"]],
            [0.26, 0.16, 0.12, 0.16, 0.3]))
    else:
        out.append(_p(f"No theme has recurred yet ({f['utterances']} utterances read)."))
    for p in f["patterns"]:
        out.append(_pb(p["kind"].capitalize() + ":", p["what"] + "."))
        out.extend(_p(f"session {e['session']}, turn {e['turn']}: “{e['quote']}”", "small")
                   for e in p["evidence"])
    return out


def _footer(name: str):
    def draw(canvas, doc) -> None:
        regular, _ = _fonts()
        canvas.saveState()
        canvas.setFont(regular, 7)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(18 * mm, 10 * mm, f"talkcure progress report: {name} — clinician "
                                            "use only; not a diagnosis")
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"page {doc.page}")
        canvas.restoreState()
    return draw


def write_pdf(data: dict[str, Any], charts: dict[str, dict[str, str]], path: Path) -> Path:
    name = data["patient"]["name"]
    story: list = [
        _p(f"Progress report: {name}", "h1"),
        _p(f"Generated {pretty(data['generated_at'])} by talkcure · person no. "
           f"{data['patient']['id']} · {len(data['sessions'])} session(s) · crisis-resource "
           f"locale {data['patient']['locale']}", "small"),
        Paragraph("<b>Clinician use only; not a diagnosis.</b> " + escape(data["notice"]),
                  _styles()["notice"]),
        _p("Treatment course", "h2"),
        *[_p("• " + line) for line in course_lines(data)],
    ]
    if data["course"] and data["course"]["goals"]:
        story.append(_p("Goals: " + "; ".join(f"“{g}”" for g in data["course"]["goals"])))
    story += _measures(data, charts) + _goals(data, charts) + _risk_and_sessions(data)
    story += _formulation(data)
    story += [_p("Instruments and sources", "h2"), *[_p(c, "small") for c in data["citations"]],
              Spacer(1, 6), _p(data["notice"], "small")]
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=16 * mm, bottomMargin=18 * mm,
                            title=f"talkcure progress report: {name}", author="talkcure",
                            subject="Clinician use only; not a diagnosis", invariant=1)
    doc.build(story, onFirstPage=_footer(name), onLaterPages=_footer(name))
    path.chmod(0o600)
    return path
