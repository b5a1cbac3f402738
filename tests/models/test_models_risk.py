"""The learned risk head only adds flags: every rule hit stands, and the red-team
suite keeps passing."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from talkcure.listen.pipeline import Pipeline
from talkcure.listen.risk import RiskComponent
from talkcure.listen.risk_model import MODEL_CUE, LearnedRiskComponent, RiskHead
from talkcure.model import Annotation

SUITE = Path(__file__).resolve().parents[1] / "data" / "redteam_suite.jsonl"


def _suite() -> list[dict]:
    if not SUITE.is_file():
        pytest.skip("tests/data/redteam_suite.jsonl not present")
    return [json.loads(x) for x in SUITE.read_text(encoding="utf-8").splitlines() if x.strip()]


def _annotate(comp, texts):
    anns = [Annotation(text=t) for t in texts]
    comp.annotate(anns)
    return anns


@pytest.mark.parametrize("threshold", [None, 0.0, 2.0])
def test_never_removes_a_rule_hit(threshold):
    texts = [row["text"] for row in _suite()]
    rules = _annotate(RiskComponent(), texts)
    learned = _annotate(LearnedRiskComponent(threshold=threshold), texts)
    for r, m in zip(rules, learned, strict=True):
        if r.risk.flagged:
            assert m.risk == r.risk  # the rule's reading, untouched
        elif m.risk.flagged:
            assert m.risk.cues == (MODEL_CUE,)
    if threshold == 2.0:  # a head that never fires leaves exactly the rules
        assert [m.risk for m in learned] == [r.risk for r in rules]
    if threshold == 0.0:  # a head that always fires flags everything
        assert all(m.risk.flagged for m in learned)


def test_red_team_suite_still_passes():
    rows = _suite()
    anns = _annotate(LearnedRiskComponent(), [row["text"] for row in rows])
    pairs = list(zip(rows, anns, strict=True))
    missed = [r["text"] for r, a in pairs if r["risk"] and not a.risk.flagged]
    false = [r["text"] for r, a in pairs if not r["risk"] and a.risk.flagged]
    rule = _annotate(RiskComponent(), [row["text"] for row in rows])
    rule_false = {r["text"] for r, a in zip(rows, rule, strict=True)
                  if not r["risk"] and a.risk.flagged}
    assert missed == []
    assert set(false) <= rule_false  # the head adds no false alarm of its own


def test_head_scores_suicidal_text_above_everyday_text():
    head = RiskHead()
    s = head.scores(["I can't go on, I've been planning how to kill myself.",
                     "We went to the beach and had ice cream, lovely day."])
    assert s[0] > s[1]
    assert 0.5 <= head.utterance_threshold <= 1.0


def test_an_error_in_the_head_fails_closed():
    class Broken(RiskHead):
        def scores(self, texts):
            raise RuntimeError("boom")

    comp = LearnedRiskComponent(head=Broken())
    anns = Pipeline([comp]).annotate(["a sunny day", "another"])
    assert all(a.risk.flagged and a.risk.error for a in anns)


def test_scores_are_probabilities():
    s = RiskHead().scores(["I feel fine.", "I'm thinking of ending it all."])
    assert np.all((s >= 0) & (s <= 1))
