"""The semantic risk layer: risk read by meaning, over the shared encoder.

The rule detector (``talkcure.listen.risk``) finds every phrasing in our red-team
files, but only about half of phrasings written after its last improvement.
This layer generalises by meaning instead of by wording:

1. A message is cut into *units*: the whole message, then each sentence and each
   clause (``talkcure.listen.text.sentences`` / ``clauses``), so one risky clause
   in a long, otherwise ordinary message is read on its own; a clause of more than
   :data:`LONG` words is also read in comma-separated pieces. Duplicates and
   fragments of fewer than two words are dropped; at most :data:`MAX_UNITS` units
   are read (the whole message first, then sentences, then clauses).
2. Every unit is embedded *on its own* by the shared MiniLM encoder
   (:func:`talkcure.listen.encoder.get_encoder`, one batch per call). Pooling the
   units from one pass over the whole message ("late chunking") would cost one
   encoding instead of about 2.5, but was measured unsafe and not kept: with the
   layer retrained that way, 40 risky phrasings it flagged alone were flagged in only
   6 of 40 cases after one ordinary sentence, as the ordinary context coloured them
   (cross-validated and held-out recall on short messages did not show it; the test
   ``test_a_risky_sentence_after_ordinary_ones_is_still_read`` now does).
   Each unit is given a risk *margin* (:func:`unit_margins`): the mean logit of a
   few small MLPs (one hidden ReLU layer, different seeds) trained on our labelled
   phrasings, plus a nearest-exemplar term (mean cosine to the nearest risk
   phrasings minus to the nearest safe controls), so an idiom close to a known
   control is pulled down ("this commute is killing me"). The MLPs replaced a
   logistic regression, which is still read from weights that hold one: at the
   same everyday false-alarm rate the MLPs find more (see the model card).
   Weights: ``weights/risk_semantic.npz``; how they were trained and measured:
   ``weights/risk_semantic.md``.
3. A message's margin is its highest unit's; it is flagged when that reaches the
   shipped threshold, chosen by cross-validation on the training files. Its score
   is ``sigmoid(margin - threshold)``; :data:`FLAG_AT` or more is a flag.
4. Its kind is voted by the nearest risk exemplars to that unit (cosine, top
   :data:`KIND_NEIGHBOURS`); a message read as an emergency is ``imminent``.

:class:`SemanticRiskComponent` is the pipeline's risk component with this layer
added: the rules run first and their reading of a flagged message stands (the
rules are the recall floor; the layer can only add flags), and the layer reads
the messages the rules left unflagged. Its cue is ``semantic:<score>``, never
patient text. Any error fails closed (``flagged=True, kinds=("unknown",),
error=True``), except a missing encoder package: then the component runs the
rules alone, says so once in a warning log line (no text), and its ``version``,
so every annotation's provenance, reads :data:`DEGRADED_VERSION`.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import ClassVar

import numpy as np

from talkcure.listen.text import clauses, normalize, sentences
from talkcure.model import Annotation, RiskAssessment

log = logging.getLogger(__name__)

WEIGHTS = "risk_semantic"
KINDS = ("suicide", "self_harm", "harm_to_others", "abuse", "emergency")
MAX_UNITS = 24  # units read per message (whole, sentences, clauses), to bound the cost
KIND_NEIGHBOURS = 5
CUE = "semantic"
MIN_WORDS = 2
LONG = 16  # a clause of more words is also read in comma-separated pieces
_COMMA = re.compile(r",\s*")


def _pieces(clause: str) -> list[str]:
    """Comma-separated pieces of a long clause, short ones merged into the next."""
    out: list[str] = []
    held = ""
    for part in _COMMA.split(clause):
        held = f"{held}, {part}" if held else part
        if len(held.split()) >= 4:
            out.append(held)
            held = ""
    if held:
        out.append(f"{out.pop()}, {held}" if out else held)
    return out if len(out) > 1 else []


def units(text: str, max_units: int = MAX_UNITS) -> list[str]:
    """The pieces of a message read on their own: whole, sentences, clauses (no repeats)."""
    norm = normalize(text)
    if not norm:
        return []
    sents = sentences(norm)
    out = [norm]
    seen = {norm}
    spans = [*sents, *clauses(norm, sents)] if len(sents) > 1 or len(norm) > 40 else sents
    found = [norm[s:e].strip() for s, e in spans]
    found += [p for c in found if len(c.split()) > LONG for p in _pieces(c)]
    for piece in found:
        if piece not in seen and len(piece.split()) >= MIN_WORDS:
            seen.add(piece)
            out.append(piece)
            if len(out) >= max_units:
                break
    return out


# A flag from this score, not 0.5: training picks the margin to flag at (everyday false
# alarms held to risk_semantic_train.MAX_EVERYDAY) and stores threshold = that margin -
# logit(FLAG_AT), so a score between 0.5 and FLAG_AT reads "near the line" without a flag.
# Current figures: weights/risk_semantic.md.
FLAG_AT = 0.7


@dataclass(frozen=True)
class SemanticReading:
    score: float  # sigmoid(highest unit's margin - threshold): flagged iff >= FLAG_AT
    flagged: bool
    kind: str  # of the nearest risk exemplars to the highest unit ("" when not flagged)


def top_mean(sims: np.ndarray, k: int) -> np.ndarray:
    """Mean of each row's ``k`` highest values."""
    k = min(k, sims.shape[1])
    return np.partition(sims, sims.shape[1] - k, axis=1)[:, -k:].mean(axis=1)


def unit_logits(vecs: np.ndarray, model) -> np.ndarray:
    """The learned part of the margin: the mean logit of the MLP members
    (``w1`` (m, dim, hidden), ``b1`` (m, hidden), ``w2`` (m, hidden), ``b2`` (m,)),
    or a logistic regression's (``coef``, ``intercept``) when ``w1`` is None."""
    if model.w1 is None:
        return _cosines(vecs, model.coef[None])[:, 0] + model.intercept
    # einsum: single-threaded, like _cosines
    hidden = np.maximum(np.einsum("ud,mdh->muh", vecs, model.w1) + model.b1[:, None, :], 0.0)
    return (np.einsum("muh,mh->mu", hidden, model.w2) + model.b2[:, None]).mean(axis=0)


def unit_margins(vecs: np.ndarray, model) -> np.ndarray:
    """Risk margin of unit vectors: :func:`unit_logits` plus ``weight`` x (mean
    cosine to the ``k`` nearest risk exemplars - the same for the controls)."""
    near = top_mean(_cosines(vecs, model.risk_bank), model.k) - top_mean(
        _cosines(vecs, model.control_bank), model.k)
    return unit_logits(vecs, model) + model.weight * near


def _cosines(vecs: np.ndarray, bank: np.ndarray) -> np.ndarray:
    # einsum, not ``@``: a BLAS call would start its own threads, which fight the
    # encoder's for the CPU (p95 x3 on a busy 2-core machine); this is single-threaded
    return np.einsum("ud,nd->un", vecs, bank)


class SemanticRisk:
    """Risk margins of messages from their units' embeddings (see module docstring)."""

    def __init__(self, weights: dict[str, np.ndarray] | None = None, encoder=None) -> None:
        w = weights if weights is not None else load_weights()
        self.w1 = self.b1 = self.w2 = self.b2 = None
        if "w1" in w:
            self.w1, self.b1, self.w2, self.b2 = (np.asarray(w[k], dtype=np.float32)
                                                  for k in ("w1", "b1", "w2", "b2"))
            self.dim = self.w1.shape[1]
        else:
            self.coef = np.asarray(w["coef"], dtype=np.float32)
            self.intercept = float(w["intercept"])
            self.dim = self.coef.shape[0]
        self.weight = float(w["weight"])
        self.k = int(w["k"])
        self.threshold = float(w["threshold"])
        self.risk_bank = np.asarray(w["risk_bank"], dtype=np.float32)
        self.risk_kind = np.asarray(w["risk_kind"], dtype=np.int64)
        self.control_bank = np.asarray(w["control_bank"], dtype=np.float32)
        self.kinds = tuple(str(k) for k in w["kinds"])
        self.meta = json.loads(str(w["meta"])) if "meta" in w else {}
        self._encoder = encoder

    @property
    def encoder(self):
        if self._encoder is None:
            from talkcure.listen.encoder import get_encoder

            self._encoder = get_encoder()
        return self._encoder

    def kind_of(self, vec: np.ndarray) -> str:
        sims = _cosines(vec[None], self.risk_bank)[0]
        k = min(KIND_NEIGHBOURS, len(sims))
        top = np.argpartition(-sims, k - 1)[:k]
        votes = np.zeros(len(self.kinds))
        np.add.at(votes, self.risk_kind[top], np.maximum(sims[top], 0.0))
        return self.kinds[int(np.argmax(votes))]

    def read(self, texts: Sequence[str]) -> list[SemanticReading]:
        """One reading per text; all units of all texts are encoded in one batch."""
        pieces = [units(t) for t in texts]
        flat = [u for p in pieces for u in p]
        if not flat:
            return [SemanticReading(0.0, False, "") for _ in texts]
        emb = self.encoder.encode(flat)
        if emb.shape != (len(flat), self.dim) or not np.all(np.isfinite(emb)):
            raise ValueError("semantic risk: the encoder returned unexpected vectors")
        margins = unit_margins(emb, self)
        out = []
        i = 0
        for p in pieces:
            if not p:
                out.append(SemanticReading(0.0, False, ""))
                continue
            best = i + int(np.argmax(margins[i : i + len(p)]))
            margin = float(margins[best]) - self.threshold
            score = 1.0 / (1.0 + np.exp(-np.clip(margin, -30.0, 30.0)))
            flagged = score >= FLAG_AT
            out.append(SemanticReading(score, flagged, self.kind_of(emb[best]) if flagged else ""))
            i += len(p)
        return out


@cache
def load_weights() -> dict[str, np.ndarray]:
    from talkcure.listen.heads import weights_dir

    with np.load(weights_dir() / f"{WEIGHTS}.npz", allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


@cache
def semantic_risk() -> SemanticRisk:
    """The shipped layer, loaded once per process (the encoder loads on first use)."""
    return SemanticRisk()


def encoder_available() -> bool:
    """Whether the encoder's packages and files are installed (nothing is loaded)."""
    import importlib.util

    from talkcure.listen.encoder import EncoderUnavailable, model_files

    if any(importlib.util.find_spec(m) is None for m in ("onnxruntime", "tokenizers")):
        return False
    try:
        model_files()
    except EncoderUnavailable:
        return False
    return True


def combine(rule: RiskAssessment, sem: SemanticReading) -> RiskAssessment:
    """The rules' reading with the semantic one added: it may add a flag, never remove one."""
    if rule.flagged or not sem.flagged:
        return rule
    kind = sem.kind if sem.kind in KINDS else "suicide"
    return RiskAssessment(
        flagged=True, kinds=(kind,), cues=(f"{CUE}:{sem.score:.2f}",),
        imminent=kind == "emergency",
    )


FAILED = RiskAssessment(flagged=True, kinds=("unknown",), error=True)
DEGRADED_VERSION = "rules-1+semantic-3:DEGRADED-rules-only"


class SemanticRiskComponent:
    """Pipeline component: rules OR the semantic layer sets ``risk`` (see module docstring)."""

    name: ClassVar[str] = "risk"
    version: ClassVar[str] = "rules-1+semantic-3"
    requires: ClassVar[tuple[str, ...]] = ()
    assigns: ClassVar[tuple[str, ...]] = ("risk",)

    def __init__(self, layer: SemanticRisk | None = None, check_encoder: bool = True) -> None:
        self._layer = layer
        self.degraded = False
        if layer is None and check_encoder and not encoder_available():
            self._degrade("the encoder package is missing")

    def _degrade(self, why: str) -> None:
        if not self.degraded:
            log.warning("risk: semantic layer unavailable (%s); DEGRADED MODE, rules only", why)
        self.degraded = True
        self.version = DEGRADED_VERSION  # so every annotation's provenance says so too

    @property
    def layer(self) -> SemanticRisk:
        if self._layer is None:
            self._layer = semantic_risk()
        return self._layer

    def warm(self) -> None:
        """Load the weights and the encoder now, not on the first message (about 1 s)."""
        if not self.degraded:
            self.annotate([Annotation(text="warm up")])

    def annotate(self, annotations: list[Annotation]) -> None:
        from talkcure.listen.encoder import EncoderUnavailable
        from talkcure.listen.risk import assess_risk

        for ann in annotations:
            ann.risk = assess_risk(ann.text)  # the floor: a rule flag stands, whatever follows
        todo = [a for a in annotations if not a.risk.flagged]
        if not todo or self.degraded:
            return
        try:
            readings = self.layer.read([a.text for a in todo])
        except EncoderUnavailable:
            self._degrade("the encoder package is missing")
            return
        except Exception as exc:  # fail closed: a broken layer must never pass as "no risk"
            log.error("risk: semantic layer failed (%s); failing closed", type(exc).__name__)
            for ann in todo:
                ann.risk = FAILED
            return
        for ann, reading in zip(todo, readings, strict=True):
            ann.risk = combine(ann.risk, reading)


def assess_risk_semantic(text: str, layer: SemanticRisk | None = None) -> RiskAssessment:
    """Rules OR the semantic layer for one message. Never raises: an error reads as risk."""
    from talkcure.listen.risk import assess_risk

    rule = assess_risk(text)
    if rule.flagged:
        return rule
    try:
        return combine(rule, (layer or semantic_risk()).read([text])[0])
    except Exception:
        return FAILED
