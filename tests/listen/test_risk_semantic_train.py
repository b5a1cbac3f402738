"""Training the semantic risk layer end to end, on a small slice of the red-team files
(the shipped weights come from ``bench/train_risk_semantic.py`` on all of them)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from talkcure.listen import risk_semantic as rs
from talkcure.listen.encoder import get_encoder

pytest.importorskip("sklearn")
from talkcure.listen import risk_semantic_train as rst  # noqa: E402  (needs sklearn)

DATA = Path(__file__).resolve().parents[1] / "data"
EVERYDAY = [
    "We went to the market and bought apples for the week.",
    "My sister is visiting on Sunday, I need to tidy the flat.",
    "Work was busy but my manager liked the report.",
    "I watched a film with friends and we laughed a lot.",
    "The bus was late again so I walked to the station.",
    "I am trying to cook more at home, tonight it's pasta.",
    "My son started football practice and he loves it.",
    "I feel a bit nervous about the interview tomorrow.",
    "We argued about the washing up but sorted it out.",
    "I've been sleeping better since I stopped coffee after lunch.",
    "The garden looks lovely now the roses are out.",
    "I finished the book you mentioned, the ending surprised me.",
]


@pytest.fixture(scope="module")
def data():
    rows = rst.redteam_rows([DATA / "redteam_suite.jsonl"])  # a kind for every risk row
    risk = [r for r in rows if r["risk"]][::4]
    controls = [r for r in rows if not r["risk"]]
    encode = get_encoder().encode
    everyday = [f"{a} {b}" for a in EVERYDAY for b in EVERYDAY[:6] if a != b]
    return {
        "risk_rows": risk,
        "risk": rst.embed([r["text"] for r in risk], encode),
        "controls": rst.embed([r["text"] for r in controls], encode),
        "rule_controls": np.zeros(len(controls), dtype=bool),
        "everyday": rst.embed(everyday[::2], encode),
        "cal": rst.embed(everyday[1::2] + EVERYDAY, encode),
    }


@pytest.mark.parametrize("hidden", [16, 0])  # the MLP members; a logistic regression
def test_train_save_and_read_back(data, hidden, tmp_path):
    cfg = rst.Config(k=3, weight=30.0, control_weight=6.0, hidden=hidden)
    trained = rst.train(data, grid=(cfg,), log=lambda *_: None)
    # the flag point keeps the pooled cross-validated false alarms in bounds
    assert trained["cv_everyday_fa"] <= rst.MAX_EVERYDAY
    assert trained["cv_control_fa_combined"] <= rst.MAX_CONTROL
    assert trained["flag_margin"] - trained["threshold"] == pytest.approx(rst.FLAG_SHIFT)
    path = rst.save(trained, tmp_path, seconds=1.0)
    with np.load(path) as z:
        layer = rs.SemanticRisk({k: z[k] for k in z.files})
    assert (layer.w1 is None) == (hidden == 0)
    model = trained["model"]
    # the saved layer reads exactly what the trained model computed
    expected = rst.message_margins(data["risk"], model)
    got = rs.unit_margins(data["risk"].vecs, layer)
    per_text = np.full(data["risk"].n, -np.inf)
    np.maximum.at(per_text, data["risk"].owner, got)
    assert np.allclose(per_text, expected, atol=5e-3)  # the banks ship as float16
    # flagged iff the message margin reaches the flag point, with score FLAG_AT there
    texts = [r["text"] for r in data["risk_rows"]] + EVERYDAY
    readings = layer.read(texts)
    margins = np.r_[expected, rst.message_margins(rst.embed(EVERYDAY, get_encoder().encode),
                                                  model)]
    for reading, margin in zip(readings, margins, strict=True):
        if abs(margin - trained["flag_margin"]) > 5e-3:
            assert reading.flagged == (margin >= trained["flag_margin"])
        assert reading.flagged == (reading.score >= rs.FLAG_AT)
    # it learned the training rows: most risk phrasings flagged, the ordinary ones not
    assert np.mean([r.flagged for r in readings[: data["risk"].n]]) >= 0.8
    assert sum(r.flagged for r in readings[data["risk"].n:]) <= 1


def test_the_mlp_members_differ_and_are_reproducible(data):
    cfg = rst.Config(hidden=16)
    a = rst.fit(data["risk"], data["controls"], data["everyday"], cfg)
    b = rst.fit(data["risk"], data["controls"], data["everyday"], cfg)
    assert a.w1.shape == (rst.MEMBERS, a.w1.shape[1], 16)
    assert np.array_equal(a.w1, b.w1) and np.array_equal(a.b2, b.b2)  # fixed seeds
    assert not np.allclose(a.w1[0], a.w1[1])  # each member from its own seed and sample
