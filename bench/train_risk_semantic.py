"""Train the semantic risk layer, then measure it on data it never saw.

Trains ``src/talkcure/listen/weights/risk_semantic.npz`` (fixed seed) from the
red-team files in ``risk_semantic_train.TRAIN_FILES`` and filtered everyday
negatives (see talkcure.listen.risk_semantic_train), then reports:

- redteam_heldout6.jsonl and redteam_heldout5.jsonl (each written blind to
  every other red-team file and to the detector) and redteam_heldout4.jsonl
  (written after the rules were last fixed), all never used for training or
  thresholds by the rules or this layer, and, for the record,
  redteam_heldout3.jsonl (a training file since the rules were fixed on it):
  recall and control false alarms for the rules alone, the semantic layer
  alone, and rules OR semantic (as shipped);
- the training files: rules OR semantic recall (1.0 on the suite and heldout
  1-3, which the rules were fixed on; lower on the written training batches);
- 5,000 real everyday utterances (GoEmotions dev + ESConv seeker turns): flag
  rates, with every flagged text written to --flagged (for reading; it is real
  text: keep it out of the repository);
- milliseconds per message of the component (one message per call, warm).

Writes the model card ``weights/risk_semantic.md``. Needs the train extra
(scikit-learn) and ../shared/data. ``--eval-only`` measures the shipped weights.

    .venv/bin/python bench/train_risk_semantic.py [--eval-only] [--flagged /tmp/flagged.tsv]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from talkcure.listen import risk_semantic as rs
from talkcure.listen import risk_semantic_train as rst
from talkcure.listen.encoder import get_encoder
from talkcure.listen.heads import weights_dir
from talkcure.listen.risk import assess_risk
from talkcure.model import Annotation

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
DATA = ROOT / "tests" / "data"
COMMAND = ".venv/bin/python bench/train_risk_semantic.py"


# Read by hand for the shipped weights (flag margin 3.735); redo it after retraining.
READING = """\
Reading the 77 everyday texts only the semantic layer flagged (27 GoEmotions dev,
50 ESConv; paraphrased here, no real text is quoted): about 5 are real risk
disclosures (a partner's sexual and physical abuse, family violence the police
would not handle, a controlling partner who would stop a planned leaving, a new
mother asking how to go on, being taken advantage of sexually), about 13 are
borderline (fear that evidence will be destroyed, heavy daily drinking, imagining
one's last breath, a wish to have taken pills too, support for someone being hit,
an urgent injury, a threatened fight, a threat of eviction, a partner who allows
nothing, loud fights, no way to escape a shared house, easy access to something
in a garage, worthlessness), about 12 are distress without risk (life as hell,
going through the motions, feeling stuck, low mood, heartbreak, exam panic), and
about 47 (0.9 % of the 5,000) are plain false alarms: ending a chat, a computer
about to die, aphorisms about death and living, a song lyric, a drug plan, jokes,
money, work and health. The 20 the rules flag are mostly real (not wanting to
live, a life that is over) with a few hyperboles. The previous release (a
logistic regression, 6,000 everyday negatives) flagged 56: about 5 real, 9
borderline, 6 distress and 36 plain false alarms (0.7 %).
"""


def rate(hits, n) -> str:
    return f"{hits / n:.3f} ({hits}/{n})" if n else "-"


CONTROLS_HELDOUT = "redteam_controls_intent_heldout.jsonl"
UNTOUCHED = ("redteam_heldout6.jsonl", "redteam_heldout5.jsonl", "redteam_heldout4.jsonl")


def controls_table(name: str, layer: rs.SemanticRisk, out: list[str]) -> dict:
    """False alarms on a file of controls only (plans and intentions, never trained on)."""
    texts = [r["text"] for r in rst.read_jsonl(DATA / name) if not r["risk"]]
    rules = [assess_risk(t).flagged for t in texts]
    sem = [s.flagged for s in layer.read(texts)]
    both = [a or b for a, b in zip(rules, sem, strict=True)]
    out.append(f"| {name} ({len(texts)} controls) | false alarms |")
    out.append("| --- | --- |")
    fig = {}
    for label, flags in (("rules alone", rules), ("semantic alone", sem),
                         ("rules OR semantic", both)):
        fig[label] = sum(flags) / len(texts)
        out.append(f"| {label} | {rate(sum(flags), len(texts))} |")
    return fig


def redteam_table(name: str, layer: rs.SemanticRisk, out: list[str]) -> dict:
    rows = rst.read_jsonl(DATA / name)
    rules = [assess_risk(r["text"]).flagged for r in rows]
    readings = layer.read([r["text"] for r in rows])
    sem = [s.flagged for s in readings]
    both = [a or b for a, b in zip(rules, sem, strict=True)]
    risky = [i for i, r in enumerate(rows) if r["risk"]]
    safe = [i for i, r in enumerate(rows) if not r["risk"]]
    fig = {}
    out.append(f"| {name} ({len(risky)} risk / {len(safe)} controls) | recall | false alarms |")
    out.append("| --- | --- | --- |")
    for label, flags in (("rules alone", rules), ("semantic alone", sem),
                         ("rules OR semantic", both)):
        rec = sum(flags[i] for i in risky)
        fa = sum(flags[i] for i in safe)
        fig[label] = (rec / len(risky), fa / len(safe) if safe else 0.0)
        out.append(f"| {label} | {rate(rec, len(risky))} | {rate(fa, len(safe))} |")
    by_kind = Counter(rows[i]["kind"] for i in risky)
    found = Counter(rows[i]["kind"] for i in risky if both[i])
    rules_found = Counter(rows[i]["kind"] for i in risky if rules[i])
    out.append("")
    out.append("recall by kind (rules -> rules OR semantic): " + ", ".join(
        f"{k} {rules_found[k]}/{n} -> {found[k]}/{n}" for k, n in sorted(by_kind.items())))
    added = [i for i in risky if sem[i] and not rules[i]]
    right = sum(readings[i].kind == rows[i]["kind"] for i in added)
    out.append(f"kind read as labelled on the risk phrasings only the semantic layer found: "
               f"{rate(right, len(added))}")
    missed = [rows[i]["text"] for i in risky if not both[i]]
    false = [rows[i]["text"] for i in safe if both[i] and not rules[i]]
    print(f"\n{name}: still missed by rules OR semantic ({len(missed)}):")
    for t in missed:
        print(f"    MISSED: {t[:110]}")
    print(f"{name}: false alarms the semantic layer adds ({len(false)}):")
    for t in false:
        print(f"    false alarm: {t[:110]}")
    return fig


def everyday_table(layer: rs.SemanticRisk, flagged_path: Path | None, out: list[str]) -> dict:
    texts = rst.everyday_eval(SHARED)
    sources = ["goemotions dev"] * (len(texts) - len(texts) // 2) + ["esconv seeker"] * (
        len(texts) // 2)
    rules = [assess_risk(t).flagged for t in texts]
    readings = layer.read(texts)
    sem = [r.flagged for r in readings]
    out.append(f"| everyday ({len(texts)}) | rules alone | semantic alone | rules OR semantic "
               "| semantic only (added) |")
    out.append("| --- | --- | --- | --- | --- |")
    fig = {}
    for src in ("goemotions dev", "esconv seeker", None):
        idx = [i for i, s in enumerate(sources) if src is None or s == src]
        r = sum(rules[i] for i in idx)
        s = sum(sem[i] for i in idx)
        b = sum(rules[i] or sem[i] for i in idx)
        added = sum(sem[i] and not rules[i] for i in idx)
        fig[src or "all"] = (r / len(idx), s / len(idx), b / len(idx), added / len(idx))
        out.append(f"| {src or 'all'} | {rate(r, len(idx))} | {rate(s, len(idx))} | "
                   f"{rate(b, len(idx))} | {rate(added, len(idx))} |")
    if flagged_path:
        with flagged_path.open("w", encoding="utf-8") as fh:
            for i, t in enumerate(texts):
                if sem[i] or rules[i]:
                    who = "both" if sem[i] and rules[i] else ("semantic" if sem[i] else "rules")
                    text = " ".join(t.split())
                    fh.write(f"{who}\t{sources[i]}\t{readings[i].score:.2f}\t{text}\n")
        print(f"\nflagged everyday texts written to {flagged_path} (read them)")
    return fig


def timing(out: list[str]) -> dict:
    comp = rs.SemanticRiskComponent()
    texts = [r["text"] for r in rst.read_jsonl(DATA / "redteam_heldout4.jsonl")]
    texts += rst.everyday_eval(SHARED, n=400, seed=99)
    comp.annotate([Annotation(text="warm up")])
    times = []
    for t in texts:
        get_encoder()._cache.clear()  # measure encoding, not the cache
        ann = [Annotation(text=t)]
        start = time.perf_counter()
        comp.annotate(ann)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    fig = {"mean": statistics.mean(times), "p50": times[len(times) // 2],
           "p95": times[int(0.95 * len(times))], "max": times[-1], "n": len(times)}
    n_units = statistics.mean(len(rs.units(t)) for t in texts)
    threads = os.environ.get("TALKCURE_ENCODER_THREADS", "onnxruntime default")
    out.append(f"ms/message (rules + semantic, one message per call, encoder cache cleared, "
               f"{fig['n']} messages, mean {n_units:.1f} units; {os.cpu_count()} CPUs, load "
               f"{os.getloadavg()[0]:.1f}, encoder threads {threads}): mean {fig['mean']:.1f}, "
               f"p50 {fig['p50']:.1f}, p95 {fig['p95']:.1f}, max {fig['max']:.1f}")
    return fig


def model_card(trained: dict | None, layer: rs.SemanticRisk, report: list[str]) -> str:
    meta = layer.meta
    cfg = meta.get("config", {})
    lines = [
        "# Semantic risk layer (rules OR semantic)",
        "",
        f"- weights: `{rs.WEIGHTS}.npz`; read by `talkcure.listen.risk_semantic` (numpy + the "
        "shared `all-MiniLM-L6-v2-onnx-int8` encoder); component `SemanticRiskComponent`",
        "- model: a message is cut into units (whole, sentences, clauses, comma pieces of a long "
        "clause; at most 24); each unit's margin = the mean logit of "
        + (f"{rst.MEMBERS} MLPs ({cfg.get('hidden')} ReLU units, L2 {cfg.get('alpha')}, seeds "
           f"{rst.SEED}..{rst.SEED + rst.MEMBERS - 1})" if cfg.get("hidden")
           else f"a logistic regression (C = {cfg.get('C')})")
        + f" over its embedding + {cfg.get('weight')} x (mean cosine to the {cfg.get('k')} "
        "nearest risk phrasings - the same to the nearest control units); a message's margin is "
        f"its highest unit's; flagged at margin >= {meta.get('flag_margin', 0):.3f} (score "
        f"sigmoid(margin - {layer.threshold:.3f}) >= {rs.FLAG_AT}); kind voted by the 5 nearest "
        "risk phrasings",
        f"- data: tests/data/{' + '.join(rst.TRAIN_FILES)} ({meta.get('n_risk')} "
        f"risk, {meta.get('n_controls')} controls = {meta.get('n_control_units')} units, weighted "
        f"x{cfg.get('control_weight')}); {meta.get('n_everyday')} everyday negatives "
        f"({meta.get('n_everyday_units')} units: GoEmotions train + half of the AnnoMI client "
        "turns, only those the rules don't flag and holding no death / self-harm / violence "
        "word); multiple-instance round for multi-unit risk messages: "
        f"{cfg.get('mil')}",
        f"- flag point: 5-fold cross-validation on the training rows; the lowest margin keeping "
        f"everyday false alarms <= {rst.MAX_EVERYDAY:.1%} on {meta.get('n_cal')} unfiltered "
        "calibration texts (another GoEmotions train sample + the other AnnoMI half, never "
        f"trained on) and control false alarms (rules OR semantic) <= {rst.MAX_CONTROL:.0%}. "
        "Cross-validated: semantic recall "
        f"{meta.get('cv_recall', 0):.3f}, everyday false alarms "
        f"{meta.get('cv_everyday_fa', 0):.3f}, control false alarms "
        f"{meta.get('cv_control_fa_semantic', 0):.3f} (semantic) / "
        f"{meta.get('cv_control_fa_combined', 0):.3f} (rules OR semantic)",
        "- settings grid (chosen by cross-validated recall): "
        + "; ".join(f"k {c.k}, weight {c.weight:g}, control weight {c.control_weight:g}"
                    for c in rst.GRID)
        + f"; seed {rst.SEED}; trained in {meta.get('train_seconds')} s",
        f"- never used for training or thresholds: {', '.join((*UNTOUCHED, CONTROLS_HELDOUT))}, "
        "GoEmotions dev, ESConv (heldout4 and 5 were "
        "read when the MLPs were chosen over a logistic regression and 16,000 everyday "
        "negatives over 6,000; heldout6 was measured after each change and drove no choice)",
        "- licences of the everyday text: GoEmotions CC BY 4.0; AnnoMI (see "
        "shared/data/annomi/SOURCE.md); used as negatives only, no text ships",
        f"- produced by `{COMMAND}`",
        "",
        "## Untouched figures",
        "",
        *report,
        "",
        READING,
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval-only", action="store_true")
    parser.add_argument("--flagged", type=Path, default=None)
    args = parser.parse_args()
    encode = get_encoder().encode
    trained = None
    if not args.eval_only:
        clock = rst.timer()
        data = rst.load_data(ROOT, SHARED, encode)
        print(f"data embedded in {clock():.0f} s")
        trained = rst.train(data)
        path = rst.save(trained, weights_dir(), clock())
        print(f"wrote {path} ({path.stat().st_size // 1024} KB) in {clock():.0f} s")
        rs.load_weights.cache_clear()
        rs.semantic_risk.cache_clear()
    layer = rs.semantic_risk()
    report: list[str] = []
    figs = {}
    for name in (*UNTOUCHED, "redteam_heldout3.jsonl"):
        figs[name] = redteam_table(name, layer, report)
        report.append("")
    figs[CONTROLS_HELDOUT] = controls_table(CONTROLS_HELDOUT, layer, report)
    report.append("")
    for name in rst.TRAIN_FILES:
        rows = rst.read_jsonl(DATA / name)
        comb = [rs.assess_risk_semantic(r["text"], layer).flagged for r in rows if r["risk"]]
        if comb:
            report.append(f"- {name}: rules OR semantic recall {rate(sum(comb), len(comb))}")
    report.append("")
    figs["everyday"] = everyday_table(layer, args.flagged, report)
    report.append("")
    figs["ms"] = timing(report)
    print("\n" + "\n".join(report))
    (weights_dir() / f"{rs.WEIGHTS}.md").write_text(model_card(trained, layer, report),
                                                    encoding="utf-8")
    json.dump(figs, sys.stdout, default=float)
    print()


if __name__ == "__main__":
    main()
