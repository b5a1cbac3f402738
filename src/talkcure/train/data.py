"""Readers for the labelled sets in ``../shared/data`` and their fixed splits.

Every reader returns a :class:`Dataset`: items as ``{field: text}`` dicts, the
gold labels, a ``split`` per item (``train`` / ``dev`` / ``test``, or a fold
number for the cross-validated sets) and a ``group`` (dialogue, transcript,
post) so no group straddles two splits. Splits are fixed by seed and
documented in README.md ("Listening models").
"""

from __future__ import annotations

import ast
import csv
import json
import os
import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from talkcure.errors import TalkcureError

SEED = 13
GOEMOTIONS_EKMAN = {
    "anger": ("anger", "annoyance", "disapproval"),
    "disgust": ("disgust",),
    "fear": ("fear", "nervousness"),
    "joy": ("joy", "amusement", "approval", "excitement", "gratitude", "love", "optimism",
            "relief", "pride", "admiration", "desire", "caring"),
    "sadness": ("sadness", "disappointment", "embarrassment", "grief", "remorse"),
    "surprise": ("surprise", "realization", "confusion", "curiosity"),
    "neutral": ("neutral",),
}
DEFENSE_LEVELS = ["0 none", "1 action", "2 major image-distorting", "3 disavowal",
                  "4 minor image-distorting", "5 neurotic", "6 obsessional",
                  "7 high-adaptive", "8 needs more information"]
CSSRS_LEVELS = ["Supportive", "Indicator", "Ideation", "Behavior", "Attempt"]


@dataclass
class Dataset:
    name: str
    items: list[dict[str, str]]
    labels: list  # class index, or a list of label indices (multi-label)
    label_names: list[str]
    split: list[str]
    group: list[str] = field(default_factory=list)

    def select(self, split: str | set[str]) -> Dataset:
        keep = {split} if isinstance(split, str) else split
        idx = [i for i, s in enumerate(self.split) if s in keep]
        return self.subset(idx)

    def subset(self, idx: list[int]) -> Dataset:
        return Dataset(self.name, [self.items[i] for i in idx], [self.labels[i] for i in idx],
                       self.label_names, [self.split[i] for i in idx],
                       [self.group[i] for i in idx] if self.group else [])

    def field(self, name: str) -> list[str]:
        return [it.get(name, "") for it in self.items]

    def __len__(self) -> int:
        return len(self.items)


def data_root(explicit: str | os.PathLike | None = None) -> Path:
    """``--data``, else ``TALKCURE_SHARED_DATA``, else ``../shared/data`` from the repo."""
    if explicit:
        root = Path(explicit)
    elif os.environ.get("TALKCURE_SHARED_DATA"):
        root = Path(os.environ["TALKCURE_SHARED_DATA"])
    else:
        root = Path(__file__).resolve().parents[4] / "shared" / "data"
        if not root.is_dir():
            root = Path.cwd().parent / "shared" / "data"
    if not root.is_dir():
        raise TalkcureError(
            f"no shared data at {root}; pass --data DIR or set TALKCURE_SHARED_DATA"
        )
    return root


def _need(path: Path) -> Path:
    if not path.is_file():
        raise TalkcureError(f"missing data file {path}; pass --data DIR pointing at shared/data")
    return path


def _group_split(groups: list[str], test_share: float, strata: dict[str, str] | None = None,
                 seed: int = SEED) -> dict[str, str]:
    """Assign whole groups to ``test`` (share per stratum) or ``train``."""
    by_stratum: dict[str, list[str]] = defaultdict(list)
    for g in sorted(set(groups)):
        by_stratum[(strata or {}).get(g, "")].append(g)
    rng = random.Random(seed)
    out = {}
    for key in sorted(by_stratum):
        gs = by_stratum[key]
        rng.shuffle(gs)
        n_test = round(len(gs) * test_share)
        for i, g in enumerate(gs):
            out[g] = "test" if i < n_test else "train"
    return out


def _folds(groups: list[str], labels: list[int], k: int = 5, seed: int = SEED) -> list[str]:
    """Grouped, label-stratified folds ("0".."k-1"): groups, largest first, go one by one
    to the fold with the fewest groups of the same (highest) label, then the fewest rows."""
    members: dict[str, list[int]] = defaultdict(list)
    for i, g in enumerate(groups):
        members[g].append(i)
    rng = random.Random(seed)
    order = sorted(members)
    rng.shuffle(order)
    order.sort(key=lambda g: -len(members[g]))
    counts = [defaultdict(int) for _ in range(k)]
    size = [0] * k
    fold_of = {}
    for g in order:
        lab = max(labels[i] for i in members[g])
        f = min(range(k), key=lambda j: (counts[j][lab], size[j], j))
        fold_of[g] = f
        counts[f][lab] += 1
        size[f] += len(members[g])
    return [str(fold_of[g]) for g in groups]


# ------------------------------------------------------------------ GoEmotions

def goemotions(root: Path) -> Dataset:
    base = root / "goemotions"
    names = _need(base / "labels.txt").read_text().split()
    items, labels, split = [], [], []
    for part in ("train", "dev", "test"):
        for line in _need(base / f"{part}.tsv").read_text(encoding="utf-8").splitlines():
            text, ids, _ = line.split("\t")
            items.append({"text": text})
            labels.append(sorted({int(i) for i in ids.split(",")}))
            split.append(part)
    return Dataset("goemotions", items, labels, names, split, [str(i) for i in range(len(items))])


# ------------------------------------------------------------------ PsyDefConv

def _context(turns: list[dict], n: int = 3) -> str:
    """The last ``n`` turns, one a line (embedded as the mean of the turns)."""
    return "\n".join(" ".join(t["text"].split()) for t in turns[-n:])


def psydefconv(root: Path) -> Dataset:
    rows = [json.loads(x) for x in _need(root / "psydefconv" / "labelled_subset.jsonl")
            .read_text(encoding="utf-8").splitlines() if x.strip()]
    items = [{"text": r["current_text"], "context": _context(r["context"])} for r in rows]
    labels = [int(r["label"]) for r in rows]
    groups = [str(r.get("dialogue_group") or r.get("dialogue_id")) for r in rows]
    return Dataset("psydefconv", items, labels, DEFENSE_LEVELS, _folds(groups, labels), groups)


# ------------------------------------------------------------------ ESConv

_DETOK = [(re.compile(r" ([.,!?;:%)])"), r"\1"), (re.compile(r"([($]) "), r"\1"),
          (re.compile(r" ' ?(s|t|m|re|ve|ll|d)\b"), r"'\1"), (re.compile(r"\s+"), " ")]


def detok(text: str) -> str:
    """Undo the spaces MultiESC put around punctuation ("haven ' t" -> "haven't")."""
    for pat, rep in _DETOK:
        text = pat.sub(rep, text)
    return text.strip()


def esconv(root: Path) -> Dataset:
    path = _need(root / "esconv" / "esconv_multiesc_valid_test_dialogues.jsonl")
    items, labels, split, groups = [], [], [], []
    names: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        prev = ""
        for turn in d["dialog"]:
            text = detok(turn["text"])
            if turn["speaker"] == "sys" and turn.get("strategy"):
                if turn["strategy"] not in names:
                    names.append(turn["strategy"])
                items.append({"text": text, "prev": prev})
                labels.append(turn["strategy"])
                split.append("train" if d["multiesc_split"] == "valid" else "test")
                groups.append(d["conv_id"])
            elif turn["speaker"] == "usr":
                prev = text
    names.sort()
    return Dataset("esconv", items, [names.index(x) for x in labels], names, split, groups)


# ------------------------------------------------------------------ AnnoMI

def annomi(root: Path, who: str) -> Dataset:
    """``who`` = ``therapist`` (main behaviour) or ``client`` (talk type)."""
    path = _need(root / "annomi" / "AnnoMI-simple.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    quality = {r["transcript_id"]: r["mi_quality"] for r in rows}
    assign = _group_split(list(quality), 0.2, quality)
    col = "main_therapist_behaviour" if who == "therapist" else "client_talk_type"
    items, labels, split, groups = [], [], [], []
    prev: dict[str, str] = {}
    for r in rows:
        tid = r["transcript_id"]
        if r["interlocutor"] == who and r[col]:
            items.append({"text": r["utterance_text"], "prev": prev.get(tid, "")})
            labels.append(r[col])
            split.append(assign[tid])
            groups.append(tid)
        prev[tid] = r["utterance_text"]
    names = sorted(set(labels))
    name = "annomi_therapist" if who == "therapist" else "annomi_client"
    return Dataset(name, items, [names.index(x) for x in labels], names, split, groups)


# ------------------------------------------------------------------ EPITOME

EPITOME_FILES = {"er": "emotional-reactions-reddit.csv", "ip": "interpretations-reddit.csv",
                 "ex": "explorations-reddit.csv"}


def epitome(root: Path, mechanism: str) -> Dataset:
    path = _need(root / "epitome" / EPITOME_FILES[mechanism])
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assign = _group_split([r["sp_id"] for r in rows], 0.2)
    items = [{"text": r["response_post"], "seeker": r["seeker_post"]} for r in rows]
    return Dataset(f"epitome_{mechanism}", items, [int(r["level"]) for r in rows],
                   ["0 none", "1 weak", "2 strong"], [assign[r["sp_id"]] for r in rows],
                   [r["sp_id"] for r in rows])


# ------------------------------------------------------------------ C-SSRS Reddit

def parse_posts(raw: str) -> list[str]:
    """The ``Post`` column: a Python list literal, sometimes cut off at 32,759 chars."""
    try:
        posts = ast.literal_eval(raw)
        return [str(p) for p in posts if str(p).strip()]
    except (ValueError, SyntaxError):
        body = raw.strip().removeprefix("[").removesuffix("]")
        parts = re.split(r"""['"],\s*['"]""", body)
        parts = [p.strip().strip("'\"") for p in parts]
        return [p for p in parts if p.strip()]


def cssrs(root: Path) -> Dataset:
    path = _need(root / "cssrs_reddit" / "500_Reddit_users_posts_labels.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    items = [{"text": "\n".join(" ".join(p.split()) for p in parse_posts(r["Post"]))}
             for r in rows]
    labels = [CSSRS_LEVELS.index(r["Label"]) for r in rows]
    users = [r["User"] for r in rows]
    return Dataset("cssrs", items, labels, CSSRS_LEVELS, _folds(users, labels), users)


def load(task: str, root: Path) -> Dataset:
    if task == "goemotions":
        return goemotions(root)
    if task == "psydefconv":
        return psydefconv(root)
    if task == "esconv":
        return esconv(root)
    if task in ("annomi_therapist", "annomi_client"):
        return annomi(root, task.split("_")[1])
    if task.startswith("epitome_"):
        return epitome(root, task.split("_")[1])
    if task == "cssrs":
        return cssrs(root)
    raise TalkcureError(f"unknown task {task!r}")
