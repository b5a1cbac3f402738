"""``talkcure train``, ``talkcure eval`` and ``talkcure analyze`` (the listening models).

Registered on the main Typer app by :func:`register`; heavy imports happen
inside the commands so ``talkcure --help`` stays fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

TASK_NAMES = ("goemotions, psydefconv, esconv, annomi_therapist, annomi_client, "
              "epitome_er, epitome_ip, epitome_ex, cssrs")

DataOption = Annotated[
    str | None,
    typer.Option("--data", help="The shared data folder (default: TALKCURE_SHARED_DATA, "
                 "else ../shared/data next to the repository)."),
]
TaskArgument = Annotated[
    str | None, typer.Argument(help=f"One task ({TASK_NAMES}); all when left out.")
]


def _fail(message: str) -> None:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(2)


def _tasks(task: str | None) -> list[str]:
    from talkcure.evals.harness import ALL

    if task is None:
        return list(ALL)
    if task not in ALL:
        _fail(f"unknown task {task!r}; choose one of: {', '.join(ALL)}")
    return [task]


def _need_training_extra() -> None:
    try:
        import sklearn  # noqa: F401
    except ImportError:
        _fail("training and evaluation need the train extra: pip install 'talkcure[train]'")


def train(task: TaskArgument = None, data: DataOption = None) -> None:
    """Train listening heads on the shared data (written to listen/weights/ with model cards)."""
    from talkcure.errors import TalkcureError

    names = _tasks(task)
    _need_training_extra()
    from talkcure.train.data import data_root
    from talkcure.train.tasks import train as run

    try:
        heads = run(names, data_root(data), log=lambda m: typer.echo(m, err=True))
    except TalkcureError as err:
        _fail(str(err))
    for head in heads:
        typer.echo(f"{head.name}: C={head.meta.get('C')} "
                   f"({head.meta.get('trained_on')}, {head.meta.get('seconds')} s)")


def evaluate(
    task: TaskArgument = None,
    data: DataOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON instead of the table.")
    ] = False,
) -> None:
    """Score the shipped heads on held-out data beside a TF-IDF floor, a lexicon peer and
    the published figure.

    Needs the train extra (pip install 'talkcure[train]') for the floor and the
    cross-validated tasks.
    """
    from talkcure.errors import TalkcureError
    from talkcure.listen.heads import HeadMissing

    names = _tasks(task)
    _need_training_extra()
    from talkcure.evals.harness import evaluate as run
    from talkcure.evals.report import render
    from talkcure.train.data import data_root

    try:
        rows = run(names, data_root(data), log=lambda m: typer.echo(m, err=True))
    except (TalkcureError, HeadMissing) as err:
        _fail(str(err))
    typer.echo(json.dumps(rows, indent=2) if as_json else render(rows))


def analyze(
    file: Annotated[Path, typer.Argument(help="Transcript: .csv or .jsonl with speaker and "
                                              "text (one utterance a row).")],
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write JSONL here (one object per utterance, then a "
                     "summary) instead of a table."),
    ] = None,
) -> None:
    """Annotate a transcript (CSV or JSONL with speaker and text) with the listening models.

    The person's turns get the listening pipeline (risk, feelings, people, defense
    level, change/sustain talk); helper turns their behaviour, strategy and empathy.
    """
    from talkcure.batch.analyze import analyze_file, render_table
    from talkcure.errors import TalkcureError

    try:
        rows, summary = analyze_file(file)
    except TalkcureError as err:
        _fail(str(err))
    if out is not None:
        with out.open("w", encoding="utf-8") as fh:
            for row in [*rows, summary]:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        typer.echo(f"{len(rows)} utterances annotated -> {out}")
    else:
        typer.echo(render_table(rows, summary))


def register(app: typer.Typer) -> None:
    app.command("train")(train)
    app.command("eval")(evaluate)
    app.command("analyze")(analyze)
