"""Every CLI command, option and setting is documented in README.md."""

from __future__ import annotations

from pathlib import Path

import typer.main

from talkcure.cli import app
from talkcure.settings import SETTINGS

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _commands(group, prefix=""):
    click_group = typer.main.get_command(group)
    for name, cmd in click_group.commands.items():
        full = f"{prefix}{name}"
        if hasattr(cmd, "commands"):
            for sub, subcmd in cmd.commands.items():
                yield f"{full} {sub}", subcmd
        else:
            yield full, cmd


def test_every_command_and_option_is_documented():
    missing = []
    for name, cmd in _commands(app):
        if f"talkcure {name}" not in README:
            missing.append(f"command: talkcure {name}")
        for param in cmd.params:
            for opt in param.opts:
                if opt.startswith("--") and opt not in README:
                    missing.append(f"option: {name} {opt}")
    assert not missing, missing


def test_every_setting_is_documented():
    assert [s for s in SETTINGS if f"`{s}`" not in README] == []


def test_readme_has_the_two_setup_commands():
    assert "make chat" in README and "make test" in README
    ci = (Path(__file__).resolve().parents[2] / ".ci" / "run").read_text()
    assert "make test" in ci
