"""Does ODF from predicted defense levels follow ODF from gold levels, per dialogue?

PsyDefConv (../shared/data/psydefconv/labelled_subset.jsonl, 314 seeker
utterances of ESConv dialogues with DMRS levels 0-8; CC BY-NC 4.0). Per
dialogue (the grouping the trainer uses): gold ODF = mean gold level of its
rated utterances (levels 1-7; 0 "no defense" and 8 "needs more information"
are not rated), predicted ODF = mean predicted level of its rated
utterances. Reports Pearson r (with a 95% interval, Fisher z), Spearman rho
and n (dialogues with both ODFs), for:

- **rules**: talkcure.formulate.defenses (the rule detector the formulation
  uses when no learned head ran), on the rule listening pipeline, with the
  previous seeker turn as context (topic shifts, a feeling just named);
- **head, out-of-fold**: the learned PsyDefConv head (talkcure.listen.defense)
  refitted by grouped 5-fold cross-validation, so each utterance is predicted
  by a head that never saw its dialogue (talkcure.train.tasks.cross_val_proba)
  — the honest figure for the head;
- **head, shipped**: the shipped weights, trained on all these rows
  (in-sample: optimistic, for reference only);
- **head + rules**: the out-of-fold head, with the level of a specific
  defense the rules find where they find one.

Needs the shared data; the head rows need the encoder (and scikit-learn for
refitting). Prints figures; never fails on a threshold.
"""

from __future__ import annotations

import json
import math
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
ROWS = DATA / "psydefconv" / "labelled_subset.jsonl"


def pearson(x: list[float], y: list[float]) -> float:
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    return sxy / math.sqrt(sxx * syy) if sxx and syy else float("nan")


def ranks(v: list[float]) -> list[float]:
    order = sorted(range(len(v)), key=lambda i: v[i])
    out = [0.0] * len(v)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and v[order[j + 1]] == v[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return out


def interval(r: float, n: int) -> tuple[float, float]:
    if n < 4 or not -1 < r < 1:
        return float("nan"), float("nan")
    z, se = math.atanh(r), 1 / math.sqrt(n - 3)
    return math.tanh(z - 1.96 * se), math.tanh(z + 1.96 * se)


def per_dialogue(groups: list[str], levels: list[int | None]) -> dict[str, float]:
    acc: dict[str, list[int]] = defaultdict(list)
    for g, level in zip(groups, levels, strict=True):
        if level is not None and 1 <= level <= 7:
            acc[g].append(level)
    return {g: sum(v) / len(v) for g, v in acc.items()}


def report(name: str, groups: list[str], gold: list[int], pred: list[int | None],
           min_rated: int = 1) -> None:
    g_odf = per_dialogue(groups, gold)
    p_odf = per_dialogue(groups, pred)
    counts = defaultdict(int)
    for g, level in zip(groups, gold, strict=True):
        counts[g] += 1 <= level <= 7
    keys = sorted(k for k in g_odf if k in p_odf and counts[k] >= min_rated)
    x, y = [g_odf[k] for k in keys], [p_odf[k] for k in keys]
    if len(keys) < 3:
        print(f"{name:<28} n = {len(keys)}: too few dialogues")
        return
    r = pearson(x, y)
    lo, hi = interval(r, len(keys))
    rho = pearson(ranks(x), ranks(y))
    rated = sum(1 for p in pred if p is not None and 1 <= p <= 7)
    print(f"{name:<28} Pearson r = {r:+.3f} (95% CI {lo:+.2f} to {hi:+.2f}), "
          f"Spearman rho = {rho:+.3f}, n = {len(keys)} dialogues "
          f"({rated} of {len(pred)} utterances rated)")


def rule_levels(rows: list[dict]) -> tuple[list[int | None], list[int | None]]:
    """(level, level of a specific defense or None) per row, from the rules alone."""
    from talkcure.formulate.defenses import rate
    from talkcure.listen.pipeline import default_pipeline

    pipe = default_pipeline()
    texts = [r["current_text"] for r in rows]
    prevs = [next((t["text"] for t in reversed(r["context"]) if t["speaker"] == "seeker"), "")
             for r in rows]
    anns = pipe.annotate(texts)
    prev_anns = pipe.annotate([p or "." for p in prevs])
    levels, specific = [], []
    for ann, prev, p in zip(anns, prev_anns, prevs, strict=True):
        rating = rate(ann, prev if p else None)
        levels.append(rating.level)
        immature = [h.level for h in rating.defenses if h.level < 7]
        specific.append(min(immature) if immature else None)
    return levels, specific


def head_levels(rows: list[dict]):
    """(out-of-fold levels, shipped-head levels), or None when the head can't run here."""
    try:
        import numpy as np

        from talkcure.listen.defense import DefenseComponent, format_context
        from talkcure.train import data as D
        from talkcure.train.features import EmbeddingCache, default_cache_path, embed_fields
        from talkcure.train.tasks import TASKS, cross_val_proba
    except Exception as exc:  # the learned-model extras are not installed
        print(f"(learned head not available: {type(exc).__name__}: {exc})")
        return None
    ds = D.psydefconv(DATA)
    task = TASKS["psydefconv"]
    cache = EmbeddingCache(default_cache_path())
    emb = embed_fields(cache, ds, list(task.fields))
    oof = cross_val_proba(task, ds, emb, log=lambda *_: None).argmax(axis=1).tolist()
    cache.save()
    shipped = DefenseComponent().read(
        [r["current_text"] for r in rows],
        [format_context([(t["speaker"], t["text"]) for t in r["context"]]) for r in rows])
    assert len(oof) == len(rows) and ds.field("text") == [r["current_text"] for r in rows]
    return [int(v) for v in np.asarray(oof)], [s.level for s in shipped]


def main() -> None:
    rows = [json.loads(x) for x in ROWS.read_text(encoding="utf-8").splitlines() if x.strip()]
    groups = [str(r.get("dialogue_group") or r.get("dialogue_id")) for r in rows]
    gold = [int(r["label"]) for r in rows]
    rated = sum(1 for g in gold if 1 <= g <= 7)
    print(f"PsyDefConv labelled subset: {len(rows)} utterances ({rated} with a rated level "
          f"1-7), {len(set(groups))} dialogues")
    rules, specific = rule_levels(rows)
    report("rules", groups, gold, rules)
    head = head_levels(rows)
    if head is not None:
        oof, shipped = head
        report("head, out-of-fold", groups, gold, oof)
        report("head, shipped (in-sample)", groups, gold, shipped)
        hybrid = [s if s is not None else h for h, s in zip(oof, specific, strict=True)]
        report("head + rules", groups, gold, hybrid)
    print("dialogues with at least 2 rated gold utterances:")
    report("  rules", groups, gold, rules, min_rated=2)
    if head is not None:
        report("  head, out-of-fold", groups, gold, oof, min_rated=2)
        report("  head + rules", groups, gold, hybrid, min_rated=2)


if __name__ == "__main__":
    sys.exit(main())
