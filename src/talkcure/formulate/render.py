"""The formulation as plain text (``talkcure formulate``): each finding, then its evidence."""

from __future__ import annotations

from talkcure.formulate.evidence import Mention
from talkcure.formulate.formulation import Finding, Formulation

MAX_EVIDENCE = 4  # lines of evidence shown per finding in text (JSON has them all)


def _evidence(mentions: list[Mention], indent: str = "      ") -> list[str]:
    lines = []
    for m in mentions[:MAX_EVIDENCE]:
        quote = " ".join(m.quote.split())
        if len(quote) > 110:
            quote = quote[:107] + "..."
        lines.append(f"{indent}session {m.session}, turn {m.turn_id}: “{quote}”")
    if len(mentions) > MAX_EVIDENCE:
        lines.append(f"{indent}... and {len(mentions) - MAX_EVIDENCE} more (see --json)")
    return lines


def _section(title: str, findings: list[Finding], empty: str) -> list[str]:
    lines = ["", title]
    if not findings:
        return [*lines, f"  {empty}"]
    for f in findings:
        lines.append(f"  - {f.title}")
        lines.extend(_evidence(f.evidence))
    return lines


def formulation_text(f: Formulation, name: str = "") -> str:
    who = f" of {name}" if name else ""
    lines = [
        f"Case formulation{who}: {len(f.sessions)} session(s), {f.utterances} utterance(s), "
        f"{len(f.episodes)} relationship episode(s).",
        "Built only from the person's own words; each finding lists the utterances it rests "
        "on. A program's reading for reflection and clinician support, not a diagnosis.",
        "",
        "Core conflictual relationship theme (CCRT: most frequent wish, response of other, "
        "response of self)",
    ]
    if not f.core_theme:
        lines.append("  no relationship episodes yet")
    for kind in ("W", "RO", "RS"):
        finding = f.core_theme.get(kind)
        if finding is None:
            continue
        stated = finding.data["stated"]
        note = "" if stated == finding.data["count"] else \
            f" ({stated} stated, the rest inferred from the other's response)"
        lines.append(f"  - {finding.title}{note}")
        lines.extend(_evidence(finding.evidence))
    lines += _section("Relationship patterns (shared by two or more episodes)", f.patterns,
                      "none seen in two episodes yet")
    lines += _section("Past and present", f.past_present, "no link between childhood and now yet")
    d = f.defenses
    lines += ["", "Defenses (DMRS levels 1 action ... 7 high adaptive; ODF = mean level)"]
    odf = "not rated yet" if d.odf is None else f"{d.odf:.2f}"
    lines.append(f"  - ODF over the course: {odf}; trend: {d.trend['direction']}"
                 + (f" (slope {d.trend['slope']:+.2f} per session)"
                    if d.trend.get("slope") is not None else ""))
    per = ", ".join(f"session {s}: {v['odf']:.2f} ({v['rated']} rated)"
                    for s, v in d.odf_by_session.items() if v["odf"] is not None)
    if per:
        lines.append(f"    {per}")
    if d.sources:
        lines.append("    levels from: " + ", ".join(
            f"{'the learned head' if k == 'head' else 'rules'} ({n})"
            for k, n in d.sources.items()))
    for finding in d.specific:
        lines.append(f"  - {finding.title}")
        lines.extend(_evidence(finding.evidence))
    lines += _section("People", f.people, "no one named yet")
    lines += _section("Avoided feelings", f.avoided, "none noticed")
    lines += _section("Recurring themes (two or more sessions, or three or more episodes)",
                      f.recurring, "none yet")
    lines += _section("The relationship with the companion", f.therapy_relationship,
                      "nothing said about it yet")
    lines += ["", "Episodes"]
    if not f.episodes:
        lines.append("  none yet")
    for ep in f.episodes:
        parts = []
        for key, short in (("wish", "W"), ("response_of_other", "RO"),
                           ("response_of_self", "RS")):
            if ep[key]:
                parts.append(f"{short} {ep[key]['label']}" + (" (inferred)"
                                                               if ep[key]["inferred"] else ""))
        lines.append(f"  {ep['id']}. with {ep['other']}, session {ep['session']}, {ep['time']}: "
                     + "; ".join(parts))
        first = ep["evidence"][0]
        lines.append(f"      session {first['session']}, turn {first['turn']}: "
                     f"“{' '.join(first['quote'].split())[:110]}”"
                     + (f" (+{len(ep['evidence']) - 1} more)" if len(ep["evidence"]) > 1 else ""))
    return "\n".join(lines)
