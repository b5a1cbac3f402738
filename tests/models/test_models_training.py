"""The training path end to end on small slices of the shared data (not the full models)."""

from __future__ import annotations

import pytest

from talkcure.listen.heads import Head
from talkcure.train import data as D

pytest.importorskip("sklearn")


@pytest.fixture(scope="module")
def root():
    try:
        return D.data_root()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"shared data not found: {exc}")


@pytest.fixture
def cache(tmp_path):
    from talkcure.train.features import EmbeddingCache

    return EmbeddingCache(tmp_path / "emb.npz")


@pytest.mark.parametrize("task", ["annomi_client", "goemotions", "psydefconv"])
def test_train_a_tiny_head(task, root, cache, tmp_path):
    from talkcure.train.tasks import train_task

    head = train_task(task, root, cache, out_dir=tmp_path, log=lambda *_: None, limit=240)
    assert (tmp_path / f"{task}.npz").is_file()
    card = (tmp_path / f"{task}.md").read_text(encoding="utf-8")
    assert f"talkcure train {task}" in card and "licence" in card
    loaded = Head.load(tmp_path / f"{task}.npz")
    assert loaded.labels == head.labels and 0.0 <= loaded.mix <= 1.0
    proba = loaded.proba({"text": ["I want to change.", "Nothing is wrong."]})
    assert proba.shape == (2, len(head.labels))
    if head.multilabel:
        assert loaded.thresholds is not None and len(loaded.thresholds) == len(head.labels)
    cache.save()
    assert cache.path.is_file()


def test_splits_are_fixed_and_grouped(root):
    a, b = D.annomi(root, "client"), D.annomi(root, "client")
    assert a.split == b.split
    by_group = {}
    for g, s in zip(a.group, a.split, strict=True):
        by_group.setdefault(g, set()).add(s)
    assert all(len(s) == 1 for s in by_group.values())  # no transcript in two splits
    folds = D.psydefconv(root)
    assert sorted(set(folds.split)) == ["0", "1", "2", "3", "4"]


def test_data_folder_is_configurable(tmp_path, monkeypatch):
    from talkcure.errors import TalkcureError

    with pytest.raises(TalkcureError, match="--data"):
        D.data_root(tmp_path / "nowhere")
    monkeypatch.setenv("TALKCURE_SHARED_DATA", str(tmp_path))
    assert D.data_root() == tmp_path


def test_cssrs_posts_parse_even_when_cut_off():
    assert D.parse_posts("['one post', 'two posts']") == ["one post", "two posts"]
    assert D.parse_posts("['one post', 'a post cut o") == ["one post", "a post cut o"]
