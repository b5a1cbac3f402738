"""Metrics for the eval harness, in plain numpy: per-class F1, macro-F1, accuracy, n,
multi-label F1 and a percentile bootstrap interval for macro-F1."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def per_class_f1(gold: Sequence[int], pred: Sequence[int], k: int) -> list[float | None]:
    """F1 of each class 0..k-1; ``None`` for a class absent from both gold and prediction."""
    g, p = np.asarray(gold), np.asarray(pred)
    out: list[float | None] = []
    for c in range(k):
        tp = int(np.sum((g == c) & (p == c)))
        denom = int(np.sum(g == c) + np.sum(p == c))
        out.append(None if denom == 0 else 2 * tp / denom)
    return out


def macro_f1(gold: Sequence[int], pred: Sequence[int], k: int) -> float:
    """Mean F1 over the classes present in ``gold`` (a predicted-only class counts as 0
    through the precision of the others, not as a class of its own)."""
    g = np.asarray(gold)
    f1 = per_class_f1(gold, pred, k)
    present = [f for c, f in enumerate(f1) if np.any(g == c)]
    return float(np.mean([f or 0.0 for f in present])) if present else 0.0


def accuracy(gold: Sequence[int], pred: Sequence[int]) -> float:
    g, p = np.asarray(gold), np.asarray(pred)
    return float(np.mean(g == p)) if len(g) else 0.0


def multilabel_f1(gold: np.ndarray, pred: np.ndarray) -> list[float]:
    """F1 per column of 0/1 matrices (0 when a label is neither gold nor predicted)."""
    g, p = gold.astype(bool), pred.astype(bool)
    tp = (g & p).sum(axis=0)
    denom = g.sum(axis=0) + p.sum(axis=0)
    return [float(2 * t / d) if d else 0.0 for t, d in zip(tp, denom, strict=True)]


def bootstrap_macro_f1(gold: Sequence[int], pred: Sequence[int], k: int,
                       n_boot: int = 1000, seed: int = 13) -> tuple[float, float]:
    """95 % percentile bootstrap interval of macro-F1 (rows resampled with replacement)."""
    g, p = np.asarray(gold), np.asarray(pred)
    rng = np.random.default_rng(seed)
    scores = []
    for _ in range(n_boot):
        idx = rng.integers(0, len(g), len(g))
        scores.append(macro_f1(g[idx], p[idx], k))
    lo, hi = np.percentile(scores, [2.5, 97.5])
    return float(lo), float(hi)


def binary_pr(gold: Sequence[bool], pred: Sequence[bool]) -> tuple[float, float]:
    """(precision, recall) of the positive class."""
    g, p = np.asarray(gold, dtype=bool), np.asarray(pred, dtype=bool)
    tp = int(np.sum(g & p))
    precision = tp / int(p.sum()) if p.any() else 0.0
    recall = tp / int(g.sum()) if g.any() else 0.0
    return precision, recall


def summary(gold: Sequence[int], pred: Sequence[int], labels: list[str]) -> dict:
    """The harness's standard block: macro-F1, accuracy, per-class F1 and n."""
    k = len(labels)
    f1 = per_class_f1(gold, pred, k)
    return {
        "macro_f1": round(macro_f1(gold, pred, k), 4),
        "accuracy": round(accuracy(gold, pred), 4),
        "per_class_f1": {lab: (None if v is None else round(v, 4))
                         for lab, v in zip(labels, f1, strict=True)},
        "n": len(gold),
    }
