"""``talkcure eval`` end to end on one small task (the full table runs in about two minutes
and is reproduced by hand: README, "Listening models")."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from talkcure.cli import app

pytest.importorskip("sklearn")


def test_eval_json_for_one_task():
    from talkcure.train.data import data_root

    try:
        data_root()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"shared data not found: {exc}")
    result = CliRunner().invoke(app, ["eval", "annomi_client", "--json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert row["task"] == "annomi_client" and row["model"]["n"] == row["floor"]["n"] > 100
    for block in (row["model"], row["floor"]):
        assert 0.0 <= block["macro_f1"] <= 1.0 and 0.0 <= block["accuracy"] <= 1.0
        assert set(block["per_class_f1"]) == {"change", "neutral", "sustain"}
    assert row["model"]["macro_f1"] > row["floor"]["macro_f1"]


def test_eval_unknown_task_exits_2():
    result = CliRunner().invoke(app, ["eval", "nope"])
    assert result.exit_code == 2
    assert "unknown task" in result.output
