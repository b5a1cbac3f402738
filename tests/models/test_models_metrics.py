"""The eval harness's metrics on small hand-made cases."""

from __future__ import annotations

import numpy as np
import pytest

from talkcure.evals import metrics as M
from talkcure.evals.report import render

GOLD = [0, 0, 1, 1, 2, 2]
PRED = [0, 1, 1, 1, 2, 0]


def test_per_class_and_macro_f1_by_hand():
    # class 0: tp 1, 2 gold, 2 predicted -> 0.5; class 1: tp 2, 2 gold, 3 predicted -> 0.8;
    # class 2: tp 1, 2 gold, 1 predicted -> 2/3
    assert M.per_class_f1(GOLD, PRED, 3) == pytest.approx([0.5, 0.8, 2 / 3])
    assert M.macro_f1(GOLD, PRED, 3) == pytest.approx((0.5 + 0.8 + 2 / 3) / 3)
    assert M.accuracy(GOLD, PRED) == pytest.approx(4 / 6)


def test_absent_classes():
    # class 3 is neither gold nor predicted: no F1 and not averaged
    assert M.per_class_f1(GOLD, PRED, 4)[3] is None
    assert M.macro_f1(GOLD, PRED, 4) == pytest.approx(M.macro_f1(GOLD, PRED, 3))
    # a class predicted but never gold lowers precision of the others, is not averaged itself
    assert M.macro_f1([0, 0], [0, 1], 2) == pytest.approx(2 / 3)


def test_summary_block():
    out = M.summary(GOLD, PRED, ["a", "b", "c"])
    assert out["n"] == 6
    assert out["accuracy"] == pytest.approx(0.6667, abs=1e-4)
    assert out["per_class_f1"] == {"a": 0.5, "b": 0.8, "c": 0.6667}


def test_multilabel_f1():
    gold = np.array([[1, 0, 0], [1, 1, 0], [0, 0, 0]])
    pred = np.array([[1, 1, 0], [0, 1, 0], [0, 0, 0]])
    # label 0: tp 1, 2 gold, 1 predicted -> 2/3; label 1: tp 1, 1 gold, 2 pred -> 2/3; label 2: 0
    assert M.multilabel_f1(gold, pred) == pytest.approx([2 / 3, 2 / 3, 0.0])


def test_binary_precision_recall():
    assert M.binary_pr([1, 1, 0, 0], [1, 0, 1, 0]) == (0.5, 0.5)
    assert M.binary_pr([1, 1], [0, 0]) == (0.0, 0.0)


def test_bootstrap_interval_brackets_the_estimate_and_is_seeded():
    gold = [0, 1, 2] * 30
    pred = [0, 1, 1] * 30
    lo, hi = M.bootstrap_macro_f1(gold, pred, 3, n_boot=200)
    point = M.macro_f1(gold, pred, 3)
    assert lo <= point <= hi
    assert M.bootstrap_macro_f1(gold, pred, 3, n_boot=200) == (lo, hi)
    perfect = M.bootstrap_macro_f1(gold, gold, 3, n_boot=50)
    assert perfect == (1.0, 1.0)


def test_render_has_one_row_per_task():
    block = M.summary(GOLD, PRED, ["a", "b", "c"])
    rows = [{"task": "toy", "title": "t", "split": "test", "model": block, "floor": block,
             "peer": {"lexicon": block}, "published": "none", "target": "x"}]
    table = render(rows)
    assert "| toy | test | 6 | 0.656 | 0.667 | 0.656 | lexicon 0.656 | none | x |" in table
    assert "toy: a 0.50/0.50" in table
