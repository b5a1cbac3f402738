"""The affect lexicon against GoEmotions, scored on Ekman groups.

    .venv/bin/python bench/affect_vs_goemotions.py [dev|test|train] [--cues]

Each row's gold Ekman groups come from its GoEmotions labels (neutral left
out); the prediction is the set of groups of the row's affects. Prints
precision / recall / F1 per group and micro over the six groups. ``--cues``
also lists each cue's precision for its group (use it on train to tune the
lexicon; report dev/test). Data: ../shared/data/goemotions (override with
TALKCURE_SHARED_DATA).
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

from talkcure.listen.affect import affects, lexicon

GROUPS = ("anger", "disgust", "fear", "joy", "sadness", "surprise")


def data_dir() -> Path:
    env = os.environ.get("TALKCURE_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "data"


def load(split: str) -> list[tuple[str, set[str]]]:
    root = data_dir() / "goemotions"
    labels = (root / "labels.txt").read_text().split()
    group = lexicon().group
    rows = []
    for line in (root / f"{split}.tsv").read_text(encoding="utf-8").splitlines():
        text, ids, _ = line.split("\t")
        gold = {group[labels[int(i)]] for i in ids.split(",") if labels[int(i)] != "neutral"}
        rows.append((text, gold))
    return rows


def evaluate(split: str = "dev", cues: bool = False) -> dict[str, dict[str, float]]:
    rows = load(split)
    tp, pred, gold = Counter(), Counter(), Counter()
    cue_tp, cue_n = Counter(), Counter()
    for text, g in rows:
        found = affects(text)
        p = {a.group for a in found}
        for grp in GROUPS:
            pred[grp] += grp in p
            gold[grp] += grp in g
            tp[grp] += grp in p and grp in g
        if cues:
            for a in found:
                key = (a.group, a.emotion, a.cue.lower())
                cue_n[key] += 1
                cue_tp[key] += a.group in g
    out: dict[str, dict[str, float]] = {}
    for grp in (*GROUPS, "micro"):
        t = sum(tp.values()) if grp == "micro" else tp[grp]
        p_ = sum(pred.values()) if grp == "micro" else pred[grp]
        g_ = sum(gold.values()) if grp == "micro" else gold[grp]
        prec = t / p_ if p_ else 0.0
        rec = t / g_ if g_ else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[grp] = {"precision": prec, "recall": rec, "f1": f1, "predicted": p_, "gold": g_}
    if cues:
        print(f"{'cue':40} {'emotion':15} n  precision")
        for key, n in sorted(cue_n.items(), key=lambda kv: (kv[1], kv[0]), reverse=True):
            if n >= 5:
                print(f"{key[2][:40]:40} {key[1]:15} {n:4} {cue_tp[key] / n:.2f}")
    return out


def main(argv: list[str]) -> None:
    split = next((a for a in argv if not a.startswith("-")), "dev")
    result = evaluate(split, cues="--cues" in argv)
    print(f"GoEmotions {split}: {len(load(split))} rows, Ekman groups (neutral excluded)")
    print(f"{'group':10} {'precision':>9} {'recall':>7} {'f1':>6} {'pred':>6} {'gold':>6}")
    for grp, m in result.items():
        print(
            f"{grp:10} {m['precision']:9.3f} {m['recall']:7.3f} {m['f1']:6.3f} "
            f"{m['predicted']:6d} {m['gold']:6d}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
