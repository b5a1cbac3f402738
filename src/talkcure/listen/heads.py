"""Trained heads: an MLP over encoder embeddings mixed with a TF-IDF logistic regression.

A head reads one or more named text *fields* of an item (``text``, and for
some tasks ``context``, ``prev`` or ``seeker``). Its dense member is a small
MLP over the shared encoder's embeddings of the fields; its sparse member a
logistic regression over TF-IDF word 1-2-grams of ``text``; the head's
probabilities are a weighted mean of the two (``softmax`` for one class,
per-label ``sigmoid`` with a tuned threshold per label for multi-label).
Inference needs numpy and the encoder only.

Weights ship as ``weights/<name>.npz`` with a model card ``weights/<name>.md``;
``talkcure train`` writes both.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path

import numpy as np

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


# Fields given as newline-separated turns and embedded as the mean of the turns'
# embeddings (so the turns, already encoded on their own, cost nothing more).
POOLED = frozenset({"context"})


def embed_field(encode, name: str, texts: Sequence[str]) -> np.ndarray:
    """``encode(texts)`` for one field; a :data:`POOLED` field averages its lines."""
    if name not in POOLED:
        return encode(list(texts))
    lines = [[x for x in t.split("\n") if x.strip()] for t in texts]
    flat = [x for ls in lines for x in ls]
    vecs = encode(flat) if flat else None
    out = None
    i = 0
    for r, ls in enumerate(lines):
        if ls:
            if out is None:
                out = np.zeros((len(texts), vecs.shape[1]), dtype=np.float32)
            out[r] = vecs[i : i + len(ls)].mean(axis=0)
            i += len(ls)
    if out is None:
        from talkcure.listen.encoder import DIM

        out = np.zeros((len(texts), DIM), dtype=np.float32)
    return out


def weights_dir() -> Path:
    return Path(str(files("talkcure.listen") / "weights"))


@lru_cache(maxsize=8192)
def terms(text: str) -> tuple[str, ...]:
    """Word unigrams and bigrams, lower-cased ("didn't" is one word); cached, since
    every head of the pipeline reads the same utterance."""
    words = _WORD.findall(text.lower().replace("’", "'"))
    return (*words, *(f"{a} {b}" for a, b in zip(words, words[1:], strict=False)))


@dataclass
class Tfidf:
    """Sublinear TF-IDF over :func:`terms`, rows L2-normalised (as scikit-learn's)."""

    vocab: dict[str, int]
    idf: np.ndarray

    @classmethod
    def fit(cls, texts: Sequence[str], min_df: int = 2, max_features: int = 20000) -> Tfidf:
        df: Counter[str] = Counter()
        for t in texts:
            df.update(set(terms(t)))
        kept = sorted((t for t, c in df.items() if c >= min_df), key=lambda t: (-df[t], t))
        kept = sorted(kept[:max_features])
        n = len(texts)
        idf = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in kept], dtype=np.float32)
        return cls({t: i for i, t in enumerate(kept)}, idf)

    def row(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(indices, values) of one text's sparse vector."""
        counts = Counter(i for t in terms(text) if (i := self.vocab.get(t)) is not None)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        val = (1.0 + np.log(tf)) * self.idf[idx]
        return idx, (val / np.linalg.norm(val)).astype(np.float32)

    def rows(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        return [self.row(t) for t in texts]


@dataclass
class Head:
    """Two members whose probabilities are mixed: ``mix`` x dense + (1 - ``mix``) x sparse.

    - dense: a one-hidden-layer MLP (ReLU) over the concatenated field embeddings
      (``w1`` is ``None`` for a plain linear layer);
    - sparse: logistic regression over TF-IDF 1-2-grams of the ``text`` field.
    """

    name: str
    labels: list[str]
    multilabel: bool
    fields: list[str]  # embedded fields, concatenated in this order
    tfidf: Tfidf | None
    w_sparse: np.ndarray | None  # (vocab, k)
    b_sparse: np.ndarray | None  # (k,)
    w1: np.ndarray | None  # (len(fields) * dim, hidden)
    b1: np.ndarray | None
    w2: np.ndarray | None  # (hidden, k)
    b2: np.ndarray | None
    mix: float = 0.5
    thresholds: np.ndarray | None = None  # multi-label: per label
    meta: dict = field(default_factory=dict)
    # training only, never saved: out-of-fold probabilities of the training rows
    oof: np.ndarray | None = field(default=None, repr=False, compare=False)

    # ---------------------------------------------------------------- inference

    def _act(self, z: np.ndarray) -> np.ndarray:
        if self.multilabel:
            return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def dense_input(self, items: Mapping[str, Sequence[str]], encoder=None,
                    embedded: Mapping[str, np.ndarray] | None = None) -> np.ndarray:
        """The concatenated field embeddings. A field missing from ``items`` embeds
        as the text field; ``embedded`` gives ready embeddings for some fields."""
        blocks = []
        for name in self.fields:
            if embedded is not None and name in embedded:
                blocks.append(np.asarray(embedded[name], dtype=np.float32))
                continue
            if encoder is None:
                from talkcure.listen.encoder import get_encoder

                encoder = get_encoder()
            blocks.append(embed_field(encoder.encode, name, items.get(name, items["text"])))
        return np.concatenate(blocks, axis=1)

    def dense_proba(self, x: np.ndarray) -> np.ndarray:
        h = x if self.w1 is None else np.maximum(0.0, x @ self.w1 + self.b1)
        return self._act(h @ self.w2 + self.b2)

    def sparse_proba(self, texts: Sequence[str]) -> np.ndarray:
        z = np.tile(self.b_sparse, (len(texts), 1)).astype(np.float32)
        for r, (idx, val) in enumerate(self.tfidf.rows(texts)):
            if len(idx):
                z[r] += val @ self.w_sparse[idx]
        return self._act(z)

    def proba(self, items: Mapping[str, Sequence[str]], encoder=None,
              embedded: Mapping[str, np.ndarray] | None = None) -> np.ndarray:
        """Probabilities for a batch given as ``{field: [text, ...]}`` (same lengths)."""
        texts = list(items["text"])
        out = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        if not texts:
            return out
        if self.mix > 0 and self.w2 is not None:
            out += self.mix * self.dense_proba(self.dense_input(items, encoder, embedded))
        if self.mix < 1 and self.tfidf is not None:
            out += (1 - self.mix) * self.sparse_proba(texts)
        return out

    def decide(self, proba: np.ndarray) -> np.ndarray:
        """Multi-label: boolean (n, k) at the tuned thresholds; else class indices."""
        if self.multilabel:
            thr = self.thresholds if self.thresholds is not None else 0.5
            return proba >= thr
        return proba.argmax(axis=1)

    # ---------------------------------------------------------------- storage

    _ARRAYS = ("w_sparse", "b_sparse", "w1", "b1", "w2", "b2", "thresholds")

    def save(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays = {}
        for key in self._ARRAYS:
            value = getattr(self, key)
            if value is not None:
                big = key in ("w_sparse", "w1")
                arrays[key] = value.astype(np.float16 if big else np.float32)
        if self.tfidf is not None:
            vocab = sorted(self.tfidf.vocab, key=self.tfidf.vocab.__getitem__)
            arrays["vocab"] = np.array("\n".join(vocab))
            arrays["idf"] = self.tfidf.idf.astype(np.float32)
        header = {"name": self.name, "labels": self.labels, "multilabel": self.multilabel,
                  "fields": self.fields, "mix": self.mix, "meta": self.meta}
        arrays["header"] = np.array(json.dumps(header))
        np.savez_compressed(path, **arrays)
        return path

    @classmethod
    def load(cls, path: Path) -> Head:
        with np.load(path, allow_pickle=False) as z:
            header = json.loads(str(z["header"]))
            tfidf = None
            if "vocab" in z:
                words = str(z["vocab"]).split("\n")
                tfidf = Tfidf({w: i for i, w in enumerate(words)}, z["idf"].astype(np.float32))
            arrays = {k: (z[k].astype(np.float32) if k in z else None) for k in cls._ARRAYS}
        return cls(name=header["name"], labels=list(header["labels"]),
                   multilabel=bool(header["multilabel"]), fields=list(header["fields"]),
                   tfidf=tfidf, mix=float(header["mix"]), meta=header.get("meta", {}), **arrays)


class HeadMissing(FileNotFoundError):
    """A head's weight file is not installed (run ``talkcure train``)."""


@cache
def load_head(name: str) -> Head:
    """The shipped head ``name`` (loaded once per process)."""
    path = weights_dir() / f"{name}.npz"
    if not path.is_file():
        raise HeadMissing(f"no trained head {name!r} at {path}; run `talkcure train`")
    return Head.load(path)
