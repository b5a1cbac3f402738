"""Fitting the two members of a head (scikit-learn, training only).

- sparse member: logistic regression on TF-IDF 1-2-grams with balanced class
  weights (multi-class: multinomial; multi-label: one binary model per label);
- dense member: a one-hidden-layer MLP (ReLU, Adam, early stopping) on the
  concatenated field embeddings; for one-class tasks the training rows are
  resampled so every class is about equally frequent (as balanced weights do).
"""

from __future__ import annotations

import warnings

import numpy as np

from talkcure.listen.heads import Tfidf


def sparse_matrix(tfidf: Tfidf, texts: list[str]):
    from scipy import sparse

    indptr, indices, data = [0], [], []
    for idx, val in tfidf.rows(texts):
        indices.append(idx)
        data.append(val)
        indptr.append(indptr[-1] + len(idx))
    ind = np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64)
    dat = np.concatenate(data) if data else np.zeros(0, dtype=np.float32)
    return sparse.csr_matrix((dat, ind, indptr), shape=(len(texts), len(tfidf.vocab)))


def _binary(x, y, c):
    from sklearn.linear_model import LogisticRegression

    if y.min() == y.max():
        return np.zeros(x.shape[1]), (8.0 if y[0] else -8.0)
    clf = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
    clf.fit(x, y)
    return clf.coef_[0], float(clf.intercept_[0])


def fit_sparse(x, y: np.ndarray, c: float, k: int, multilabel: bool, n_jobs: int = 2):
    """(w (d, k), b (k,)) of a balanced logistic regression (the TF-IDF member)."""
    if multilabel:
        from joblib import Parallel, delayed

        res = Parallel(n_jobs=n_jobs)(delayed(_binary)(x, y[:, j], c) for j in range(k))
        return np.stack([r[0] for r in res], axis=1), np.array([r[1] for r in res])
    from sklearn.linear_model import LogisticRegression

    present = np.unique(y)
    w, b = np.zeros((x.shape[1], k)), np.full(k, -30.0)
    if len(present) == 1:
        b[present[0]] = 0.0
        return w, b
    clf = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
    clf.fit(x, y)
    if len(present) == 2:  # one row for two classes: split it symmetrically
        w[:, present[1]], w[:, present[0]] = clf.coef_[0] / 2, -clf.coef_[0] / 2
        b[present[1]], b[present[0]] = clf.intercept_[0] / 2, -clf.intercept_[0] / 2
    else:
        w[:, clf.classes_] = clf.coef_.T
        b[clf.classes_] = clf.intercept_
    return w, b


def _balanced_sample(y: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    counts = np.bincount(y)
    p = 1.0 / counts[y]
    return rng.choice(len(y), size=len(y), replace=True, p=p / p.sum())


def fit_dense(x: np.ndarray, y: np.ndarray, k: int, multilabel: bool, hidden: int = 512,
              alpha: float = 1e-3, seed: int = 13):
    """(w1, b1, w2, b2) of the MLP (``hidden == 0``: w1 = b1 = None, a linear layer);
    missing classes get a bias of -30."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    if hidden == 0:  # a linear member (small data sets): balanced logistic regression
        w2, b2 = fit_sparse(x, y, 1.0, k, multilabel)
        return None, None, w2, b2
    if not multilabel:
        idx = _balanced_sample(y, seed)
        x, y = x[idx], y[idx]
    present = np.arange(k) if multilabel else np.unique(y)
    w1 = np.zeros((x.shape[1], hidden))
    b1 = np.zeros(hidden)
    w2, b2 = np.zeros((hidden, k)), np.full(k, -30.0)
    if len(present) == 1:
        b2[present[0]] = 0.0
        return w1, b1, w2, b2
    clf = MLPClassifier(hidden_layer_sizes=(hidden,), alpha=alpha, batch_size=128,
                        learning_rate_init=1e-3, max_iter=60, early_stopping=len(x) >= 200,
                        n_iter_no_change=4, random_state=seed)
    with warnings.catch_warnings():  # max_iter reached on tiny slices: expected, harmless
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(x, y)
    (w1, w2_fit), (b1, b2_fit) = clf.coefs_, clf.intercepts_
    if multilabel:
        return w1, b1, w2_fit, b2_fit
    if len(present) == 2:  # one logistic output: logits (0, z)
        w2[:, present[0]], b2[present[0]] = 0.0, 0.0
        w2[:, present[1]], b2[present[1]] = w2_fit[:, 0], b2_fit[0]
    else:
        w2[:, clf.classes_] = w2_fit
        b2[clf.classes_] = b2_fit
    return w1, b1, w2, b2


def best_thresholds(proba: np.ndarray, gold: np.ndarray) -> np.ndarray:
    """Per column, the threshold (0.02..0.90) with the highest F1 on ``gold``."""
    grid = np.round(np.arange(0.02, 0.905, 0.01), 2)
    out = np.full(proba.shape[1], 0.5)
    for j in range(proba.shape[1]):
        g = gold[:, j].astype(bool)
        if not g.any():
            continue
        pred = proba[:, j][None, :] >= grid[:, None]
        tp = (pred & g).sum(axis=1)
        f1 = 2 * tp / np.maximum(1, pred.sum(axis=1) + g.sum())
        out[j] = grid[int(np.argmax(f1))]
    return out


def multihot(labels: list[list[int]], k: int) -> np.ndarray:
    y = np.zeros((len(labels), k), dtype=np.int8)
    for i, labs in enumerate(labels):
        y[i, labs] = 1
    return y
