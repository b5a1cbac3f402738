"""Training of the semantic risk layer (``talkcure.listen.risk_semantic``).

Needs scikit-learn (the ``train`` extra); run ``bench/train_risk_semantic.py``.

Data, and what each part is used for:

- **train** (model and threshold): ``tests/data/redteam_suite.jsonl``,
  ``redteam_heldout.jsonl``, ``redteam_heldout2.jsonl`` and ``redteam_heldout3.jsonl``
  (risk phrasings and hard controls; each was a held-out set until the rules were
  fixed on it) and
  ``redteam_controls_intent.jsonl`` (hard controls only: plans and intentions to
  change, "I want to stop letting it get to me", which read as risk to a layer
  that has seen "I want it all to stop"), ``redteam_train_more.jsonl`` (365
  indirect risk phrasings over the five kinds and 203 hard controls) and
  ``redteam_train_more2.jsonl`` (456 phrasings in other voices: text-speak, formal,
  non-native, masked by jokes, written as questions; 259 controls), both written
  for training without reading the held-out files, and
  ``redteam_controls_conflict.jsonl`` (303 controls of ordinary couple, family,
  work and friend conflict: without them, train_more2 taught the layer to read
  "My husband snapped at me again yesterday and didn't listen to a word I said."
  as abuse) and ``redteam_train_more3.jsonl`` (427 phrasings written from the
  C-SSRS warning signs, many with the risk after ordinary sentences or across two
  sentences; 252 controls, some the same message with a harmless ending) and
  ``redteam_train_more4.jsonl`` (463 phrasings aimed at the misses: oblique
  suicide, risk spread over two sentences or after one to three ordinary ones;
  294 controls, about 85 of them a risky message with a harmless ending; rules OR
  semantic read 0.510 of its phrasings before it was trained on), plus real
  everyday text as extra negatives: GoEmotions *train* comments and AnnoMI client
  turns that the rule detector does not flag and that hold no death, self-harm
  or violence word (:data:`RISK_WORDS`; some real texts are real disclosures, and
  must not be taught as safe). 16,000 GoEmotions comments are drawn, not 6,000 as
  before: with the MLPs, at the same calibration false alarms, recall on heldout4
  rose from 0.730 to 0.754 and on heldout5 from 0.720 to 0.753.
- **calibration** (threshold only): another GoEmotions train sample and the other
  half of the AnnoMI client turns, *unfiltered*, never trained on: the everyday
  false-alarm rate the threshold is held to.
- **never used here**: ``redteam_heldout4.jsonl``, ``redteam_heldout5.jsonl``,
  ``redteam_heldout6.jsonl``, ``redteam_controls_intent_heldout.jsonl``, GoEmotions
  dev and ESConv;
  ``bench/train_risk_semantic.py`` reports on them.

Model (``risk_semantic.unit_margins``): the mean logit of :data:`MEMBERS` small
MLPs (one hidden ReLU layer; seeds differ) over the MiniLM embedding of a unit (see
``risk_semantic.units``; each unit encoded on its own) plus a nearest-exemplar
term. The MLPs replaced a logistic regression (``Config(hidden=0)`` still fits
one): on the same data (6,000 everyday negatives) with calibration false alarms
held to 2 %, the logistic regression's cross-validated recall was 0.568 and the
MLPs' 0.65-0.67.
Their positives are the whole risk messages and, for a message of several units,
its highest-scoring unit under a first fit (one round of multiple-instance
learning: the risky clause of a long message); their negatives are every unit of
every control and everyday text (controls weighted up: they are the hard cases;
the MLPs see a sample drawn in proportion to those weights). The exemplar banks
are the risk messages and the control units. A message's margin is its highest
unit's. The settings (:data:`GRID`) are picked by cross-validated recall at each
one's chosen flag point.

Flag point: each of :data:`FOLDS` folds of the red-team rows (and of the
everyday negatives) is scored by a model trained on the others; the flag point
is the lowest margin (highest recall) whose pooled cross-validated false alarms
stay within :data:`MAX_EVERYDAY` on the calibration texts and :data:`MAX_CONTROL`
on the controls (rules OR semantic, as shipped). The stored threshold is that
margin less ``logit(FLAG_AT)`` (see ``risk_semantic.FLAG_AT``).
"""

from __future__ import annotations

import csv
import json
import random
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from talkcure.listen.risk import assess_risk
from talkcure.listen.risk_semantic import (
    FLAG_AT,
    KINDS,
    MAX_UNITS,
    WEIGHTS,
    unit_logits,
    unit_margins,
    units,
)

SEED = 13
FOLDS = 5
MAX_EVERYDAY = 0.015  # at the flag point (the logistic regression's flag point sat near 0.011)
MAX_CONTROL = 0.10
MEMBERS = 3
FLAG_SHIFT = float(np.log(FLAG_AT / (1 - FLAG_AT)))
TRAIN_FILES = ("redteam_suite.jsonl", "redteam_heldout.jsonl", "redteam_heldout2.jsonl",
               "redteam_heldout3.jsonl", "redteam_controls_intent.jsonl",
               "redteam_train_more.jsonl", "redteam_train_more2.jsonl",
               "redteam_controls_conflict.jsonl", "redteam_train_more3.jsonl",
               "redteam_train_more4.jsonl")
RISK_WORDS = re.compile(
    r"\b(?:di(?:e|ed|es|ing)|dead\w*|death\w*|kill\w*|suicid\w*|unalive|kms|kys|"
    r"self[\s-]?harm\w*|harm\w*|hurt\w*|cut(?:s|ting|ter)?|overdos\w*|od|pills?|"
    r"tablets?|hang\w*|noose|rope|jump\w*|bridge|murder\w*|shoot\w*|shot|guns?|knife|"
    r"knives|blades?|razors?|bleed\w*|blood\w*|funeral\w*|graves?|alive|end it|"
    r"poison\w*|drown\w*|abus\w*|rape\w*|hit(?:s|ting)?|beat\w*|punch\w*|chok\w*|"
    r"strangl\w*|stab\w*|burn\w*|wrists?|scars?|live|living|life|exist\w*|gone|"
    r"disappear\w*|goodbye|worthless|burden|hopeless\w*)\b",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------- data


def read_jsonl(path: Path) -> list[dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(x) for x in lines if x.strip()]


def redteam_rows(paths: Sequence[Path]) -> list[dict]:
    """Rows of the red-team files; a risk row without a kind gets the rules' first kind."""
    rows = []
    for path in paths:
        for row in read_jsonl(path):
            row = dict(row)
            if row["risk"] and row.get("kind") not in KINDS:
                read = [k for k in assess_risk(row["text"]).kinds if k in KINDS]
                row["kind"] = read[0] if read else "suicide"
            rows.append(row)
    return rows


def goemotions(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as fh:
        return [line.split("\t")[0] for line in fh if line.strip()]


def annomi_client(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as fh:
        return [r["utterance_text"] for r in csv.DictReader(fh) if r["interlocutor"] == "client"]


def esconv_seeker(path: Path) -> list[str]:
    return [t["text"] for d in read_jsonl(path) for t in d["dialog"] if t["speaker"] == "usr"]


def unique(texts: Sequence[str], min_words: int = 3) -> list[str]:
    seen: set[str] = set()
    out = []
    for t in texts:
        key = " ".join(t.lower().split())
        if key not in seen and len(key.split()) >= min_words:
            seen.add(key)
            out.append(t)
    return out


def safe_everyday(texts: Sequence[str]) -> list[str]:
    """Texts usable as negatives: not flagged by the rules, and no risk word at all."""
    return [t for t in texts if not RISK_WORDS.search(t) and not assess_risk(t).flagged]


def everyday_split(shared: Path, seed: int = SEED, n_train: int = 16000, n_cal: int = 4000):
    """(negatives to train on, unfiltered calibration texts): disjoint, from GoEmotions
    train and AnnoMI client turns (split by text)."""
    rng = random.Random(seed)
    goe = unique(goemotions(shared / "goemotions" / "train.tsv"))
    ann = unique(annomi_client(shared / "annomi" / "AnnoMI-simple.csv"))
    rng.shuffle(goe)
    rng.shuffle(ann)
    half = len(ann) // 2
    cal = goe[:n_cal] + ann[:half]
    train = safe_everyday(goe[n_cal : n_cal + n_train]) + safe_everyday(ann[half:])
    return train, cal


def everyday_eval(shared: Path, n: int = 5000, seed: int = SEED) -> list[str]:
    """``n`` real everyday utterances, never trained on: GoEmotions dev + ESConv seeker."""
    rng = random.Random(seed + 1)
    goe = goemotions(shared / "goemotions" / "dev.tsv")
    esc = esconv_seeker(shared / "esconv" / "esconv_multiesc_valid_test_dialogues.jsonl")
    rng.shuffle(goe)
    rng.shuffle(esc)
    n_esc = min(len(esc), n // 2)
    return goe[: n - n_esc] + esc[:n_esc]


# --------------------------------------------------------------------------- embedding


@dataclass
class Embedded:
    """Every unit of some texts, embedded: ``vecs[owner == i]`` are text i's units."""

    vecs: np.ndarray
    owner: np.ndarray
    n: int

    def whole(self) -> np.ndarray:  # each text's first unit is the whole message
        first = np.r_[0, np.flatnonzero(np.diff(self.owner)) + 1]
        return self.vecs[first]

    def subset(self, idx: np.ndarray) -> Embedded:
        keep = np.isin(self.owner, idx)
        remap = np.full(self.n, -1)
        remap[idx] = np.arange(len(idx))
        return Embedded(self.vecs[keep], remap[self.owner[keep]], len(idx))


def embed(texts: Sequence[str], encode: Callable, max_units: int = MAX_UNITS) -> Embedded:
    pieces = [units(t, max_units) or ["."] for t in texts]
    flat = [u for p in pieces for u in p]
    owner = np.repeat(np.arange(len(texts)), [len(p) for p in pieces])
    return Embedded(np.asarray(encode(flat), dtype=np.float32), owner, len(texts))


def message_margins(emb: Embedded, model: Model) -> np.ndarray:
    """Each text's highest unit margin (see ``risk_semantic.unit_margins``)."""
    out = np.full(emb.n, -np.inf)
    np.maximum.at(out, emb.owner, unit_margins(emb.vecs, model))
    return out


def best_units(emb: Embedded, scorer) -> np.ndarray:
    """Each text's unit with the highest logit (the risky clause of a long message)."""
    z = unit_logits(emb.vecs, scorer)
    order = np.lexsort((z, emb.owner))  # by text, then by logit: the last of each text
    last = np.r_[np.flatnonzero(np.diff(emb.owner[order])), len(order) - 1]
    return emb.vecs[order[last]]


# --------------------------------------------------------------------------- fitting


@dataclass(frozen=True)
class Config:
    C: float = 2.0  # inverse L2 strength of the logistic regression
    control_weight: float = 8.0  # a control unit counts this many everyday units
    k: int = 3  # nearest exemplars averaged
    weight: float = 20.0  # of the nearest-exemplar term in the margin
    mil: bool = True
    hidden: int = 256  # units of each MLP member; 0: a logistic regression
    alpha: float = 0.01  # L2 penalty of the MLPs


@dataclass
class Scorer:
    """The learned part of the margin (see ``risk_semantic.unit_logits``)."""

    coef: np.ndarray | None = None
    intercept: float = 0.0
    w1: np.ndarray | None = None
    b1: np.ndarray | None = None
    w2: np.ndarray | None = None
    b2: np.ndarray | None = None


@dataclass
class Model(Scorer):
    weight: float = 20.0
    k: int = 3
    risk_bank: np.ndarray | None = None  # the risk messages (whole)
    control_bank: np.ndarray | None = None  # every unit of every control


def _lr(x: np.ndarray, y: np.ndarray, w: np.ndarray, C: float) -> Scorer:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=C, max_iter=3000, tol=1e-5)
    model.fit(x, y, sample_weight=w)
    return Scorer(coef=model.coef_[0].astype(np.float32), intercept=float(model.intercept_[0]))


def _mlps(x: np.ndarray, y: np.ndarray, w: np.ndarray, cfg: Config, seed: int) -> Scorer:
    """:data:`MEMBERS` MLPs, each on a sample of 1.5 x len(x) rows drawn with
    probability in proportion to ``w`` (sklearn's MLP takes no sample weights)."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    parts = []
    for m in range(MEMBERS):
        rng = np.random.default_rng(seed + m)
        idx = rng.choice(len(x), size=int(len(x) * 1.5), p=w / w.sum())
        clf = MLPClassifier(hidden_layer_sizes=(cfg.hidden,), alpha=cfg.alpha, batch_size=256,
                            max_iter=40, early_stopping=True, n_iter_no_change=4,
                            random_state=seed + m)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(x[idx], y[idx])
        (w1, w2), (b1, b2) = clf.coefs_, clf.intercepts_
        parts.append((w1, b1, w2[:, 0], b2[0]))
    w1, b1, w2, b2 = (np.stack([p[i] for p in parts]).astype(np.float32) for i in range(4))
    return Scorer(w1=w1, b1=b1, w2=w2, b2=b2)


def fit(risk: Embedded, controls: Embedded, everyday: Embedded, cfg: Config,
        seed: int = SEED) -> Model:
    """The unit model; see the module docstring."""
    neg = np.vstack([controls.vecs, everyday.vecs])
    neg_w = np.r_[np.full(len(controls.vecs), cfg.control_weight), np.ones(len(everyday.vecs))]

    def run(pos: np.ndarray) -> Scorer:  # positives weigh as much as all negatives together
        x = np.vstack([pos, neg])
        y = np.r_[np.ones(len(pos)), np.zeros(len(neg))]
        w = np.r_[np.full(len(pos), neg_w.sum() / len(pos)), neg_w]
        if cfg.hidden == 0:
            return _lr(x, y, w / w.mean(), cfg.C)
        return _mlps(x, y, w, cfg, seed)

    scorer = run(risk.whole())
    if cfg.mil:
        multi = np.flatnonzero(np.bincount(risk.owner, minlength=risk.n) > 1)
        if len(multi):
            scorer = run(np.vstack([risk.whole(), best_units(risk.subset(multi), scorer)]))
    return Model(**scorer.__dict__, weight=cfg.weight, k=cfg.k, risk_bank=risk.whole(),
                 control_bank=controls.vecs)


def folds_of(n: int, k: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.permutation(np.arange(n) % k)


def cross_validate(data: dict, cfg: Config, seed: int = SEED) -> dict[str, np.ndarray]:
    """Out-of-fold message margins for the red-team risk rows and controls (and the
    everyday negatives), and every fold model's margins on the calibration texts."""
    risk, controls, everyday, cal = data["risk"], data["controls"], data["everyday"], data["cal"]
    fr, fc, fe = (folds_of(e.n, FOLDS, seed + i) for i, e in enumerate((risk, controls, everyday)))
    out = {"risk": np.zeros(risk.n), "controls": np.zeros(controls.n),
           "everyday": np.zeros(everyday.n), "cal": np.zeros((FOLDS, cal.n))}
    for k in range(FOLDS):
        parts = [e.subset(np.flatnonzero(f != k)) for e, f in
                 ((risk, fr), (controls, fc), (everyday, fe))]
        model = fit(*parts, cfg)
        for name, e, f in (("risk", risk, fr), ("controls", controls, fc),
                           ("everyday", everyday, fe)):
            idx = np.flatnonzero(f == k)
            out[name][idx] = message_margins(e.subset(idx), model)
        out["cal"][k] = message_margins(cal, model)
    return out


def choose_threshold(cv: dict[str, np.ndarray], rule_controls: np.ndarray) -> dict:
    """The lowest flag margin (highest cross-validated recall) that keeps the pooled
    false alarms in bounds: calibration texts <= MAX_EVERYDAY (semantic alone),
    controls <= MAX_CONTROL (rules OR semantic); the threshold is stored
    ``FLAG_SHIFT`` below it (see ``risk_semantic.FLAG_AT``)."""
    for t in np.unique(np.r_[cv["risk"], cv["controls"]]):
        everyday = float((cv["cal"] >= t).mean())
        controls = float(((cv["controls"] >= t) | rule_controls).mean())
        if everyday <= MAX_EVERYDAY and controls <= MAX_CONTROL:
            return {"threshold": float(t) - FLAG_SHIFT, "flag_margin": float(t),
                    "cv_recall": float((cv["risk"] >= t).mean()),
                    "cv_everyday_fa": everyday, "cv_control_fa_combined": controls,
                    "cv_control_fa_semantic": float((cv["controls"] >= t).mean()),
                    "cv_everyday_train_fa": float((cv["everyday"] >= t).mean())}
    raise ValueError("no threshold keeps the false alarms in bounds")


# --------------------------------------------------------------------------- the whole run


def load_data(root: Path, shared: Path, encode: Callable, seed: int = SEED) -> dict:
    rows = redteam_rows([root / "tests" / "data" / name for name in TRAIN_FILES])
    risk_rows = [r for r in rows if r["risk"]]
    control_rows = [r for r in rows if not r["risk"]]
    everyday, cal = everyday_split(shared, seed)
    return {
        "risk_rows": risk_rows,
        "risk": embed([r["text"] for r in risk_rows], encode),
        "controls": embed([r["text"] for r in control_rows], encode),
        "rule_controls": np.array([assess_risk(r["text"]).flagged for r in control_rows]),
        "everyday": embed(everyday, encode),
        "cal": embed(cal, encode),
    }


# One setting: each costs MEMBERS x 2 MLP fits per fold (about 4.5 minutes here). Measured
# with one MLP (k 3, control weight 6): cross-validated recall 0.643 at weight 15, 0.657 at
# 30, 0.605 at 45, 0.576 at control weight 10; with three, 0.611 at 30 against 0.601 at 20;
# the logistic regression's best setting was the same (k 3, weight 30, control weight 6).
GRID = (Config(k=3, weight=30.0, control_weight=6.0),)


def train(data: dict, grid: Sequence[Config] = GRID, seed: int = SEED, log=print) -> dict:
    """Pick the config by cross-validated recall at its chosen threshold, fit on all."""
    best = None
    for cfg in grid:
        chosen = choose_threshold(cross_validate(data, cfg, seed), data["rule_controls"])
        log(f"  {cfg}: " + ", ".join(f"{k} {v:.3f}" for k, v in chosen.items()))
        if best is None or chosen["cv_recall"] > best[1]["cv_recall"]:
            best = (cfg, chosen)
    cfg, chosen = best
    model = fit(data["risk"], data["controls"], data["everyday"], cfg)
    kinds = np.array([KINDS.index(r["kind"]) for r in data["risk_rows"]])
    return {"model": model, "risk_kind": kinds, "config": cfg, **chosen,
            "n_risk": data["risk"].n, "n_controls": data["controls"].n,
            "n_control_units": len(data["controls"].vecs),
            "n_everyday": data["everyday"].n, "n_everyday_units": len(data["everyday"].vecs),
            "n_cal": data["cal"].n}


def save(trained: dict, out_dir: Path, seconds: float, extra: dict | None = None) -> Path:
    model: Model = trained["model"]
    meta = {k: v for k, v in trained.items() if k not in ("model", "risk_kind")}
    meta["config"] = trained["config"].__dict__
    meta.update(extra or {})
    meta["train_seconds"] = round(seconds, 1)
    path = out_dir / f"{WEIGHTS}.npz"
    learned = ({"w1": model.w1, "b1": model.b1, "w2": model.w2, "b2": model.b2}
               if model.w1 is not None else
               {"coef": model.coef, "intercept": np.float32(model.intercept)})
    np.savez_compressed(
        path, **{k: np.asarray(v, dtype=np.float32) for k, v in learned.items()},
        weight=np.float32(model.weight), k=np.int16(model.k),
        threshold=np.float32(trained["threshold"]),
        risk_bank=model.risk_bank.astype(np.float16),
        risk_kind=trained["risk_kind"].astype(np.int8),
        control_bank=model.control_bank.astype(np.float16), kinds=np.array(KINDS),
        meta=np.array(json.dumps(meta, default=float)),
    )
    return path


def timer() -> Callable[[], float]:
    start = time.perf_counter()
    return lambda: time.perf_counter() - start
