"""The eval table: one line per task, then per-class F1 of model and floor."""

from __future__ import annotations


def _f(block: dict | None, key: str = "macro_f1") -> str:
    if not block or block.get(key) is None:
        return "—"
    return f"{block[key]:.3f}"


def _ci(block: dict) -> str:
    ci = block.get("ci95")
    return f" [{ci[0]:.2f}, {ci[1]:.2f}]" if ci else ""


def _peer(row: dict) -> str:
    parts = []
    for name, block in row.get("peer", {}).items():
        if "macro_f1" in block:
            parts.append(f"{name} {block['macro_f1']:.3f}")
    return "; ".join(parts) or "—"


def _risk(block: dict) -> str:
    r = block.get("ideation_or_worse")
    return f"P {r['precision']:.2f} / R {r['recall']:.2f}" if r else ""


def render(rows: list[dict]) -> str:
    head = ("| task | held-out data | n | model macro-F1 | model acc. | TF-IDF floor macro-F1 "
            "| lexicon peer | published | target |")
    lines = [head, "|" + "---|" * 9]
    for row in rows:
        m, fl = row["model"], row["floor"]
        lines.append(
            f"| {row['task']} | {row['split']} | {m['n']} | {_f(m)}{_ci(m)} | "
            f"{_f(m, 'accuracy')} | {_f(fl)}{_ci(fl)} | {_peer(row)} | {row['published']} | "
            f"{row['target']} |"
        )
    risk = [r for r in rows if "ideation_or_worse" in r["model"]]
    for row in risk:
        lines += ["", f"{row['task']}: 'Ideation or worse' (users), precision / recall:",
                  f"  model (nested threshold): {_risk(row['model'])}",
                  f"  TF-IDF floor (arg-max level): {_risk(row['floor'])}"]
        for name, block in row["peer"].items():
            lines.append(f"  {name}: {_risk(block)}")
    lines += ["", "Per-class F1 (model / floor):"]
    for row in rows:
        m, fl = row["model"]["per_class_f1"], row["floor"]["per_class_f1"]
        cells = [f"{lab} {_num(v)}/{_num(fl.get(lab))}" for lab, v in m.items()]
        lines.append(f"  {row['task']}: " + ", ".join(cells))
    return "\n".join(lines)


def _num(v) -> str:
    return "—" if v is None else f"{v:.2f}"
