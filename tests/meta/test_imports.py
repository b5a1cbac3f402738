"""Imports point one way (ARCHITECTURE.md): model <- listen <- formulate <- respond;
measures and store depend on model alone; only the wiring modules join layers."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "talkcure"
COMMON = {"model", "errors", "settings"}
ALLOWED = {
    "model": set(),
    "errors": set(),
    "settings": {"errors"},
    "listen": COMMON | {"listen"},
    "formulate": COMMON | {"listen", "formulate"},
    "respond": COMMON | {"listen", "formulate", "respond"},
    "measures": COMMON | {"measures"},
    "store": COMMON | {"store"},
    "train": COMMON | {"listen", "train"},
    "evals": COMMON | {"listen", "train", "evals"},
}
WIRING = {"therapy", "chat_loop", "measure_flow", "measure_entry", "show", "cli", "batch",
          "cli_web", "cli_formulate",
          "report", "web", "cli_models", "__init__"}


def _layer(path: Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0].removesuffix(".py")


def _imported_layers(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "talkcure" and len(parts) > 1:
                found.add(parts[1])
    return found


def test_imports_point_one_way():
    wrong = []
    for path in SRC.rglob("*.py"):
        layer = _layer(path)
        if layer in WIRING or layer == "data":
            continue
        assert layer in ALLOWED, f"new top-level module {layer}: add it to the layer rules"
        for target in _imported_layers(path) - ALLOWED[layer]:
            wrong.append(f"{path.relative_to(SRC)} imports talkcure.{target}")
    assert not wrong, "imports pointing the wrong way:\n" + "\n".join(wrong)


def test_the_check_catches_a_wrong_import(tmp_path):
    bad = tmp_path / "x.py"
    bad.write_text("from talkcure.therapy import Companion\nimport talkcure.store.tables\n")
    assert _imported_layers(bad) == {"therapy", "store"}
