"""The shared encoder: the packaged MiniLM, batch API, order-independent, cached."""

from __future__ import annotations

import numpy as np

from talkcure.listen.encoder import DIM, Encoder, get_encoder, model_files

TEXTS = [
    "I feel so sad today, nothing seems to matter.",
    "I am really unhappy and everything feels pointless.",
    "The train to Leeds leaves at noon from platform four.",
    "",
]


def test_model_files_come_from_installed_packages():
    model, tokenizer = model_files()
    assert "site-packages" in str(model) and model.name == "model.onnx"
    assert tokenizer.name == "tokenizer.json"


def test_encode_gives_unit_vectors_in_input_order():
    enc = Encoder(cache_size=0)
    vecs = enc.encode(TEXTS)
    assert vecs.shape == (4, DIM) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    reverse = enc.encode(TEXTS[::-1])[::-1]
    assert np.allclose(vecs, reverse, atol=1e-5)  # batching and sorting don't change vectors
    assert enc.encode([]).shape == (0, DIM)


def test_similar_sentences_are_closer():
    vecs = get_encoder().encode(TEXTS[:3])
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2] + 0.3


def test_cache_serves_repeats():
    enc = Encoder(cache_size=2)
    first = enc.encode(TEXTS[:2])
    assert len(enc._cache) == 2
    again = enc.encode(TEXTS[:2])
    assert np.array_equal(first, again)
    enc.encode(TEXTS[2:3])
    assert len(enc._cache) == 2  # bounded: least recently used dropped


def test_shared_instance_is_lazy_and_single():
    assert get_encoder() is get_encoder()
    assert not Encoder().loaded
