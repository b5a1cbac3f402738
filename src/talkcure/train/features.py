"""Embeddings for training and evaluation, cached on disk by text hash.

The cache (``<data dir>/train-cache/embeddings-<model>.npz``, see
``TALKCURE_HOME``) only saves time: deleting it changes no result.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from talkcure.listen.encoder import DIM, MODEL_ID, Encoder, get_encoder
from talkcure.listen.heads import embed_field
from talkcure.train.data import Dataset, parse_posts


def _key(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8")).digest()


class EmbeddingCache:
    def __init__(self, path: Path | None, encoder: Encoder | None = None) -> None:
        self.path = path
        self.encoder = encoder or get_encoder()
        self.store: dict[bytes, np.ndarray] = {}
        self.dirty = False
        if path is not None and path.is_file():
            with np.load(path) as z:
                keys, vecs = z["keys"], z["vecs"]
            self.store = {bytes(k): v for k, v in zip(keys, vecs, strict=True)}

    def encode(self, texts: list[str]) -> np.ndarray:
        keys = [_key(t) for t in texts]
        missing = {}
        for k, t in zip(keys, texts, strict=True):
            if k not in self.store:
                missing[k] = t
        if missing:
            todo = list(missing.items())
            for start in range(0, len(todo), 4096):
                chunk = todo[start : start + 4096]
                vecs = self.encoder.encode([t for _, t in chunk])
                for (k, _), v in zip(chunk, vecs, strict=True):
                    self.store[k] = v
            self.dirty = True
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.stack([self.store[k] for k in keys]).astype(np.float32)

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(self.store), dtype="S20")
        vecs = np.stack(list(self.store.values())).astype(np.float32)
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=keys, vecs=vecs)
        tmp.replace(self.path)
        self.dirty = False


def default_cache_path() -> Path:
    from talkcure.settings import data_dir

    return data_dir() / "train-cache" / f"embeddings-{MODEL_ID}.npz"


def user_pools(cache: EmbeddingCache, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """C-SSRS users: mean and max of their post embeddings (posts joined by newlines)."""
    posts = [[p for p in t.split("\n") if p.strip()] or [""] for t in texts]
    flat = [p for ps in posts for p in ps]
    vecs = cache.encode(flat)
    mean, mx = [], []
    i = 0
    for ps in posts:
        block = vecs[i : i + len(ps)]
        i += len(ps)
        mean.append(block.mean(axis=0))
        mx.append(block.max(axis=0))
    return np.stack(mean), np.stack(mx)


def embed_fields(cache: EmbeddingCache, ds: Dataset, fields: list[str]) -> dict[str, np.ndarray]:
    """``{field: (n, dim)}`` for a dataset; C-SSRS's pooled fields come from its posts."""
    out = {}
    for name in fields:
        if name in ("posts_mean", "posts_max"):
            if "posts_mean" not in out:
                out["posts_mean"], out["posts_max"] = user_pools(cache, ds.field("text"))
        else:
            out[name] = embed_field(cache.encode, name, ds.field(name))
    return {k: out[k] for k in fields}


__all__ = ["EmbeddingCache", "default_cache_path", "embed_fields", "parse_posts", "user_pools"]
