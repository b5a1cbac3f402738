"""The shared encoder: the packaged MiniLM, batch API, order-independent, cached."""

from __future__ import annotations

import hashlib
import re

import numpy as np

from talkcure.listen.encoder import DIM, Encoder, get_encoder, model_files

TEXTS = [
    "I feel so sad today, nothing seems to matter.",
    "I am really unhappy and everything feels pointless.",
    "The train to Leeds leaves at noon from platform four.",
    "",
]


def test_model_files_ship_with_talkcure_and_match_their_card():
    model, tokenizer = model_files()
    assert model.parent.name == "weights" and model.name == "encoder.onnx"
    assert "site-packages" in str(tokenizer) and tokenizer.name == "tokenizer.json"
    card = (model.parent / "encoder.md").read_text(encoding="utf-8")
    shipped = re.search(r"`encoder.onnx`, sha256 ([0-9a-f]{64})", card).group(1)
    assert hashlib.sha256(model.read_bytes()).hexdigest() == shipped


def test_a_text_gets_the_same_vector_whatever_it_is_batched_with():
    # static quantisation: no batch-wide activation ranges, no padding effects
    enc = Encoder(cache_size=0)
    texts = ["ok", "I keep thinking about what my father said to me when I was nine, and it "
             "still stings every single time I remember it.", *TEXTS[:3]]
    together = enc.encode(texts)
    alone = np.stack([enc.encode([t])[0] for t in texts])
    assert np.allclose(together, alone, atol=1e-5)


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
