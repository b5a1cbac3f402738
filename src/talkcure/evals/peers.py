"""Comparison models the harness measures but talkcure does not ship.

- :func:`tfidf_floor`: TF-IDF word 1-2-grams + logistic regression with balanced
  class weights (scikit-learn), trained on the same training rows.
- :func:`nrc_ekman`: the NRC emotion lexicon (``nrclex`` package; research-only
  lexicon, measured here only) mapped to Ekman groups.
- :func:`project_lexicon`: talkcure's own rule/lexicon affect component.
- :func:`rule_risk`: talkcure's rule risk component (``listen.risk.assess_risk``).
"""

from __future__ import annotations

import json
import re
from functools import cache

import numpy as np

from talkcure.train.data import GOEMOTIONS_EKMAN


def _vectorizer():
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=50000)


def tfidf_floor(train_texts: list[str], train_y, test_texts: list[str],
                multilabel: bool = False, k: int | None = None) -> np.ndarray:
    """Probabilities (multi-label: per label) of the TF-IDF + balanced LR floor."""
    from sklearn.linear_model import LogisticRegression

    vec = _vectorizer()
    x = vec.fit_transform(train_texts)
    xt = vec.transform(test_texts)
    if not multilabel:
        clf = LogisticRegression(C=1.0, max_iter=3000, class_weight="balanced")
        clf.fit(x, np.asarray(train_y))
        out = np.zeros((len(test_texts), k or (max(train_y) + 1)))
        out[:, clf.classes_] = clf.predict_proba(xt)
        return out
    from joblib import Parallel, delayed

    y = np.asarray(train_y)

    def one(j):
        if y[:, j].min() == y[:, j].max():
            return np.full(len(test_texts), float(y[0, j]))
        clf = LogisticRegression(C=1.0, max_iter=3000, class_weight="balanced")
        clf.fit(x, y[:, j])
        return clf.predict_proba(xt)[:, 1]

    cols = Parallel(n_jobs=2)(delayed(one)(j) for j in range(y.shape[1]))
    return np.stack(cols, axis=1)


_NRC_TO_EKMAN = {e: e for e in ("anger", "disgust", "fear", "joy", "sadness", "surprise")}


@cache
def _nrc() -> dict[str, list[str]]:
    from importlib.resources import files

    return json.loads((files("nrclex.data") / "nrc_en.json").read_text(encoding="utf-8"))


def nrc_available() -> bool:
    try:
        _nrc()
        return True
    except Exception:
        return False


def nrc_ekman(texts: list[str], groups: list[str]) -> np.ndarray:
    """0/1 (n, groups): NRC emotions of the words; ``neutral`` when none matched."""
    lex = _nrc()
    out = np.zeros((len(texts), len(groups)), dtype=np.int8)
    for i, text in enumerate(texts):
        found = {_NRC_TO_EKMAN[a] for w in re.findall(r"[a-z]+", text.lower())
                 for a in lex.get(w, ()) if a in _NRC_TO_EKMAN}
        for g in found or {"neutral"}:
            out[i, groups.index(g)] = 1
    return out


def project_lexicon(texts: list[str], labels: list[str]) -> np.ndarray | None:
    """0/1 (n, 28) from talkcure's lexicon affect component (``neutral`` when none)."""
    try:
        from talkcure.listen.affect import affects
    except ImportError:
        return None
    out = np.zeros((len(texts), len(labels)), dtype=np.int8)
    for i, text in enumerate(texts):
        found = {a.emotion for a in affects(text)} & set(labels)
        for emo in found or {"neutral"}:
            out[i, labels.index(emo)] = 1
    return out


def to_ekman(multi: np.ndarray, labels: list[str], groups: list[str]) -> np.ndarray:
    """A group is on when any of its GoEmotions labels is on."""
    out = np.zeros((multi.shape[0], len(groups)), dtype=np.int8)
    for g, members in GOEMOTIONS_EKMAN.items():
        cols = [labels.index(m) for m in members]
        out[:, groups.index(g)] = multi[:, cols].max(axis=1)
    return out


def rule_risk(texts: list[str]) -> np.ndarray | None:
    """Flags of the rule risk component per text; ``None`` when it isn't installed."""
    try:
        from talkcure.listen.risk import assess_risk
    except ImportError:
        return None
    return np.array([bool(assess_risk(t).flagged) for t in texts])
