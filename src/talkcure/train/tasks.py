"""The tasks, how each head is fitted, and ``talkcure train``.

Protocol (fixed seeds; see README "Listening models"):

- ``split`` tasks are fitted on their ``train`` split only and shipped as
  fitted, so ``talkcure eval`` scores exactly the shipped weights on a split
  never trained on. The regularisation ``C`` is chosen on ``dev`` (GoEmotions)
  or on 20 % of the training groups held out, then the head is refitted on all
  of ``train``.
- ``cv`` tasks (PsyDefConv, C-SSRS: a few hundred rows) are scored by grouped
  5-fold cross-validation (each prediction from a head that never saw its
  row; ``C`` chosen inside each training fold); the shipped head is fitted on
  all rows with the same procedure.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from talkcure.listen.encoder import MODEL_ID
from talkcure.listen.heads import Head, Tfidf, weights_dir
from talkcure.train import data as D
from talkcure.train.features import EmbeddingCache, default_cache_path, embed_fields
from talkcure.train.fit import best_thresholds, fit_dense, fit_sparse, multihot, sparse_matrix


@dataclass(frozen=True)
class Task:
    name: str
    title: str
    fields: tuple[str, ...]
    protocol: str  # split | cv
    licence: str
    multilabel: bool = False
    grid: tuple[float, ...] = (0.5, 2.0, 8.0)
    dense: tuple[int, ...] = (0, 256)  # dense member candidates: 0 linear, else MLP units
    max_features: int = 20000
    published: str = ""
    extra: dict = field(default_factory=dict)


TASKS: dict[str, Task] = {
    t.name: t
    for t in (
        Task("goemotions", "GoEmotions 27 emotions + neutral (multi-label)", ("text",), "split",
             "CC BY 4.0 (GoEmotions, Demszky et al. 2020)", multilabel=True, grid=(1.0, 4.0),
             dense=(512,),
             published="BERT-base macro-F1 0.46 (Demszky et al. 2020); Ekman 0.62 (monologg)"),
        Task("psydefconv", "PsyDefConv DMRS defense level (9 classes), with dialogue context",
             ("text", "context"), "cv", "CC BY-NC 4.0 (PsyDefConv / ESConv): non-commercial",
             grid=(0.25, 1.0, 4.0), dense=(0,),
             published="official test: dataset paper best ~0.30; shared-task best 0.420"),
        Task("esconv", "ESConv supporter strategy (8 classes)", ("text", "prev"), "split",
             "CC BY-NC 4.0 (ESConv): academic research only",
             published="MultiESC reports accuracy on its own split (not verified)"),
        Task("annomi_therapist", "AnnoMI therapist behaviour (4 classes)", ("text", "prev"),
             "split", "research use with attribution (AnnoMI, Wu et al. 2022)",
             published="Wu et al. 2023 baselines (numbers not verified)"),
        Task("annomi_client", "AnnoMI client talk type (change / neutral / sustain)",
             ("text", "prev"), "split", "research use with attribution (AnnoMI, Wu et al. 2022)",
             published="Wu et al. 2023 baselines (numbers not verified)"),
        Task("epitome_er", "EPITOME emotional reactions (0-2)", ("text", "seeker"), "split",
             "research / non-commercial (EPITOME, Sharma et al. 2020)",
             published="Sharma et al. 2020, own split (not verified)"),
        Task("epitome_ip", "EPITOME interpretations (0-2)", ("text", "seeker"), "split",
             "research / non-commercial (EPITOME, Sharma et al. 2020)",
             published="Sharma et al. 2020, own split (not verified)"),
        Task("epitome_ex", "EPITOME explorations (0-2)", ("text", "seeker"), "split",
             "research / non-commercial (EPITOME, Sharma et al. 2020)",
             published="Sharma et al. 2020, own split (not verified)"),
        Task("cssrs", "C-SSRS risk level of a Reddit user (5 levels)", ("posts_mean", "posts_max"),
             "cv", "CC BY (Zenodo record; Gaur et al. 2019); research use only",
             grid=(0.25, 1.0, 4.0), dense=(0,),
             published="Gaur et al. 2019 graded P/R (not verified); AUC 0.78 (Gaur et al. 2021)"),
    )
}
IDEATION_OR_WORSE = (2, 3, 4)  # C-SSRS levels Ideation, Behavior, Attempt


# ------------------------------------------------------------------ fitting


def _macro_f1(y: np.ndarray, pred: np.ndarray, k: int) -> float:
    f1 = []
    for c in range(k):
        if np.sum(y == c):
            tp = np.sum((pred == c) & (y == c))
            f1.append(2 * tp / (np.sum(pred == c) + np.sum(y == c)))
    return float(np.mean(f1)) if f1 else 0.0


def _score(task: Task, proba: np.ndarray, ds: D.Dataset) -> tuple[float, np.ndarray | None]:
    """Validation macro-F1 (multi-label: with thresholds tuned on the same rows)."""
    k = len(ds.label_names)
    if task.multilabel:
        gold = multihot(ds.labels, k)
        thr = best_thresholds(proba, gold)
        pred = proba >= thr
        f1 = [2 * np.sum(pred[:, j] & (gold[:, j] == 1)) / max(1, pred[:, j].sum()
              + gold[:, j].sum()) for j in range(k)]
        return float(np.mean(f1)), thr
    return _macro_f1(np.array(ds.labels), proba.argmax(axis=1), k), None


def _y(task: Task, ds: D.Dataset) -> np.ndarray:
    return multihot(ds.labels, len(ds.label_names)) if task.multilabel else np.array(ds.labels)


def _dense_x(emb: dict, fields: tuple[str, ...]) -> np.ndarray:
    return np.concatenate([emb[f] for f in fields], axis=1).astype(np.float32)


def _sparse_member(task: Task, ds: D.Dataset, c: float) -> Head:
    tfidf = Tfidf.fit(ds.field("text"), max_features=task.max_features)
    w, b = fit_sparse(sparse_matrix(tfidf, ds.field("text")), _y(task, ds), c,
                      len(ds.label_names), task.multilabel)
    return Head(task.name, ds.label_names, task.multilabel, list(task.fields), tfidf,
                w.astype(np.float32), b.astype(np.float32), None, None, None, None, mix=0.0)


def _add_dense(head: Head, task: Task, ds: D.Dataset, emb: dict, hidden: int) -> Head:
    w1, b1, w2, b2 = fit_dense(_dense_x(emb, task.fields), _y(task, ds), len(ds.label_names),
                               task.multilabel, hidden=hidden, seed=D.SEED)
    head.w1 = None if w1 is None else w1.astype(np.float32)
    head.b1 = None if b1 is None else b1.astype(np.float32)
    head.w2, head.b2 = w2.astype(np.float32), b2.astype(np.float32)
    return head


_MIXES = (0.0, 0.25, 0.4, 0.5, 0.6, 0.75, 1.0)


def _candidates(task: Task, sel: D.Dataset, sel_emb: dict, val: D.Dataset, val_emb: dict):
    """Validation probabilities of every sparse C and dense architecture (and the fits)."""
    fitted: dict = {}
    sparse, dense = {}, {}
    for c in task.grid:
        fitted[("sparse", c)] = head = _sparse_member(task, sel, c)
        sparse[c] = head.sparse_proba(val.field("text"))
    for hidden in task.dense:
        shell = Head(task.name, sel.label_names, task.multilabel, list(task.fields), None,
                     None, None, None, None, None, None, mix=1.0)
        fitted[("dense", hidden)] = head = _add_dense(shell, task, sel, sel_emb, hidden)
        dense[hidden] = head.dense_proba(_dense_x(val_emb, task.fields))
    return sparse, dense, fitted


def _select(task: Task, sparse: dict, dense: dict, val: D.Dataset, log):
    best = (-1.0, None, None, None, None)
    for c, ps in sparse.items():
        for hidden, pd in dense.items():
            for mix in _MIXES:
                score, thr = _score(task, mix * pd + (1 - mix) * ps, val)
                if score > best[0]:
                    best = (score, c, hidden, mix, thr)
    score, c, hidden, mix, _ = best
    log(f"  {task.name}: chose C={c:g}, dense {'MLP ' + str(hidden) if hidden else 'linear'}, "
        f"dense share {mix:.2f}: validation macro-F1 {score:.4f}")
    return best


def fit_task(task: Task, train: D.Dataset, emb: dict, dev: D.Dataset | None = None,
             dev_emb: dict | None = None, log=print) -> Head:
    """Choose C, the dense architecture and the mix on ``dev`` or, without one, on
    out-of-fold predictions of grouped 3-fold cross-validation; then fit on ``train``.

    Without ``dev`` the returned head carries ``oof``: the out-of-fold probabilities
    of the chosen configuration for every training row (used for thresholds).
    """
    if dev is not None:
        sparse, dense, fitted = _candidates(task, train, emb, dev, dev_emb)
        score, c, hidden, mix, thr = _select(task, sparse, dense, dev, log)
        oof = None
    else:
        folds = D._folds(train.group, [int(np.max(y)) if isinstance(y, list) else y
                                       for y in train.labels], k=3, seed=D.SEED + 1)
        k = len(train.label_names)
        sparse = {c: np.zeros((len(train), k)) for c in task.grid}
        dense = {h: np.zeros((len(train), k)) for h in task.dense}
        for fold in sorted(set(folds)):
            tr = [i for i, f in enumerate(folds) if f != fold]
            te = [i for i, f in enumerate(folds) if f == fold]
            ps, pd, _ = _candidates(task, train.subset(tr), {f: v[tr] for f, v in emb.items()},
                                 train.subset(te), {f: v[te] for f, v in emb.items()})
            for c in ps:
                sparse[c][te] = ps[c]
            for h in pd:
                dense[h][te] = pd[h]
        score, c, hidden, mix, thr = _select(task, sparse, dense, train, log)
        oof = mix * dense[hidden] + (1 - mix) * sparse[c]
    if dev is not None:  # the members fitted on train are final
        head, d = fitted[("sparse", c)], fitted[("dense", hidden)]
        head.w1, head.b1, head.w2, head.b2 = d.w1, d.b1, d.w2, d.b2
    else:
        head = _sparse_member(task, train, c)
        if mix > 0:
            _add_dense(head, task, train, emb, hidden)
    head.mix = mix
    if task.multilabel:
        head.thresholds = thr.astype(np.float32)
    head.meta.update({"C": c, "hidden": hidden, "validation_macro_f1": round(score, 4)})
    head.oof = oof
    return head


def cross_val_proba(task: Task, ds: D.Dataset, emb: dict, log=print) -> np.ndarray:
    """Out-of-fold probabilities: each row predicted by a head that never saw it."""
    proba = np.zeros((len(ds), len(ds.label_names)))
    for fold in sorted(set(ds.split)):
        tr = [i for i, s in enumerate(ds.split) if s != fold]
        te = [i for i, s in enumerate(ds.split) if s == fold]
        head = fit_task(task, ds.subset(tr), {f: v[tr] for f, v in emb.items()}, log=log)
        sub = ds.subset(te)
        proba[te] = head.proba({"text": sub.field("text")},
                               embedded={f: v[te] for f, v in emb.items()})
    return proba


def recall_threshold(score: np.ndarray, positive: np.ndarray, recall: float) -> float:
    """The highest threshold whose recall on ``positive`` is at least ``recall``."""
    pos = np.sort(score[positive.astype(bool)])
    if not len(pos):
        return 0.5
    k = int(np.floor((1 - recall) * len(pos)))
    return float(pos[min(k, len(pos) - 1)])


# ------------------------------------------------------------------ train command


def train_task(name: str, root: Path, cache: EmbeddingCache, out_dir: Path | None = None,
               log=print, limit: int | None = None) -> Head:
    task = TASKS[name]
    ds = D.load(name, root)
    if limit:  # a small slice (tests): keep every split and fold represented
        idx = sorted(np.random.default_rng(D.SEED).permutation(len(ds))[:limit].tolist())
        ds = ds.subset(idx)
    t0 = time.perf_counter()
    metrics = None
    if task.protocol == "split":
        train = ds.select("train")
        dev = ds.select("dev") if "dev" in ds.split else None
        emb = embed_fields(cache, train, list(task.fields))
        dev_emb = embed_fields(cache, dev, list(task.fields)) if dev is not None else None
        head = fit_task(task, train, emb, dev, dev_emb, log=log)
        trained_on = f"{len(train)} rows (split 'train')"
        test = ds.select("test")
        if len(test):
            proba = head.proba({"text": test.field("text")},
                               embedded=embed_fields(cache, test, list(task.fields)))
            metrics = _card_metrics(head, test, proba, "test split")
    else:
        emb = embed_fields(cache, ds, list(task.fields))
        head = fit_task(task, ds, emb, log=log)
        trained_on = f"all {len(ds)} rows (evaluated by grouped 5-fold cross-validation)"
        if not limit:
            proba = cross_val_proba(task, ds, emb, log=lambda *_: None)
            metrics = _card_metrics(head, ds, proba, "grouped 5-fold cross-validation")
        if name == "cssrs":
            oof = head.oof  # out-of-fold probabilities of the chosen configuration
            pos = np.isin(ds.labels, IDEATION_OR_WORSE)
            head.meta["user_threshold"] = recall_threshold(
                oof[:, list(IDEATION_OR_WORSE)].sum(axis=1), pos, 0.97)
            head.meta["utterance_threshold"] = _utterance_threshold(head, root, cache)
    cache.save()
    head.meta.update({
        "task": name, "title": task.title, "encoder": MODEL_ID, "licence": task.licence,
        "trained_on": trained_on, "protocol": task.protocol, "seed": D.SEED,
        "command": f"talkcure train {name}", "seconds": round(time.perf_counter() - t0, 1),
    })
    if out_dir is not None:
        head.save(out_dir / f"{name}.npz")
        write_card(head, out_dir / f"{name}.md", metrics)
    return head


def _card_metrics(head: Head, ds: D.Dataset, proba: np.ndarray, where: str) -> str:
    k = len(head.labels)
    if head.multilabel:
        gold, pred = multihot(ds.labels, k).astype(bool), head.decide(proba)
        tp = (gold & pred).sum(axis=0)
        f1 = 2 * tp / np.maximum(1, gold.sum(axis=0) + pred.sum(axis=0))
        return f"macro-F1 {f1.mean():.3f} over {k} labels, n = {len(ds)} ({where})"
    pred = proba.argmax(axis=1)
    acc = float(np.mean(pred == np.array(ds.labels)))
    return (f"macro-F1 {_macro_f1(np.array(ds.labels), pred, k):.3f}, accuracy {acc:.3f}, "
            f"n = {len(ds)} ({where})")


def calibration_utterances(root: Path) -> list[str]:
    """Utterances that are (almost all) not crises: GoEmotions dev comments, ESConv
    seeker turns and AnnoMI client turns (about 13,000)."""
    texts = D.goemotions(root).select("dev").field("text")
    texts += [it["prev"] for it in D.esconv(root).items if it["prev"]]
    texts += D.annomi(root, "client").field("text")
    return sorted(set(texts))


def _utterance_threshold(head: Head, root: Path, cache: EmbeddingCache) -> float:
    """Single utterances: above the highest score of any calibration utterance.

    Trained on whole users, the head separates single utterances poorly; at this
    bar it only adds a flag to an utterance that reads more like an at-risk user
    than anything in about 13,000 everyday and counselling utterances.
    """
    try:
        texts = calibration_utterances(root)
    except Exception:  # the calibration data is absent: stay at a high, fixed bar
        return 0.95
    emb = cache.encode(texts)
    proba = head.proba({"text": texts}, embedded={"posts_mean": emb, "posts_max": emb})
    score = proba[:, list(IDEATION_OR_WORSE)].sum(axis=1)
    return float(min(0.99, score.max() + 0.01))


def write_card(head: Head, path: Path, metrics: str | None = None) -> None:
    m = head.meta
    dense = (f"an MLP ({m.get('hidden')} ReLU units)" if head.w1 is not None
             else "a balanced logistic regression")
    if head.mix == 0:
        dense = "(no dense member)"
    lines = [
        f"# {m.get('title', head.name)}", "",
        f"- head: `{head.name}.npz`, {'multi-label' if head.multilabel else 'multi-class'}; "
        f"{head.mix:.2f} x {dense} over the "
        f"{' + '.join(head.fields)} embeddings (`{m.get('encoder')}`) + {1 - head.mix:.2f} x "
        f"a logistic regression over TF-IDF word 1-2-grams "
        f"({len(head.tfidf.vocab) if head.tfidf else 0} terms, C = {m.get('C')}, balanced)",
        f"- labels: {', '.join(head.labels)}",
        f"- data: {m.get('trained_on')}; seed {m.get('seed')}",
        f"- licence of the training data: {m.get('licence')}",
        f"- protocol: {m.get('protocol')}; produced by `{m.get('command')}` "
        f"({m.get('seconds')} s here)",
        f"- metrics: {metrics or 'not measured in this run'}; the full table with the "
        f"floor and peers: `talkcure eval {head.name}` (README, \"Listening models\")",
    ]
    if head.thresholds is not None:
        lines.append("- per-label thresholds (tuned on dev): " + ", ".join(
            f"{lab} {t:.2f}" for lab, t in zip(head.labels, head.thresholds, strict=True)))
    for key in ("user_threshold", "utterance_threshold"):
        if key in m:
            lines.append(f"- {key.replace('_', ' ')} on P(Ideation or worse): {m[key]:.3f}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def train(names: list[str], root: Path, out_dir: Path | None = None, log=print) -> list[Head]:
    cache = EmbeddingCache(default_cache_path())
    out_dir = out_dir or weights_dir()
    heads = []
    for name in names:
        log(f"training {name} ...")
        heads.append(train_task(name, root, cache, out_dir, log=log))
    return heads
