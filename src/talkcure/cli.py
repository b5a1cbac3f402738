"""The ``talkcure`` command line.

Imports of the engine happen inside the commands so ``talkcure --help`` stays
fast. Errors a user can cause print one sentence (no traceback) and exit 2.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

app = typer.Typer(
    help="talkcure: a local-first psychodynamic companion for reflective conversation. "
    "It is a program for self-help and clinician support, not a clinician.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
key_app = typer.Typer(help="Manage the encryption key.", no_args_is_help=True)
app.add_typer(key_app, name="key")

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default: SQLite file in the data directory)."),
]
PatientOption = Annotated[
    str, typer.Option("--patient", "-p", help="Whose course this is; each name keeps its own.")
]


def _fail(message: str) -> None:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(2)


def _store(db: str | None):
    from talkcure.settings import database_url
    from talkcure.store import Store

    return Store(database_url(db))


@app.command()
def chat(
    patient: PatientOption = "me",
    db: DbOption = None,
    locale: Annotated[
        str | None,
        typer.Option(help="Crisis-resource locale: US, GB, IE, CA, AU or INTL (default US)."),
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Seed for choosing reply wording.")] = None,
) -> None:
    """Talk with the companion. Type /quit (or end the input) to close with a summary.

    Without a terminal it reads one message per line from standard input and
    prints each reply, so conversations can be scripted.
    """
    from talkcure.chat_loop import run_chat
    from talkcure.errors import TalkcureError

    try:
        code = run_chat(patient, _store(db), locale=locale, seed=seed,
                        interactive=sys.stdin.isatty())
    except TalkcureError as err:
        _fail(str(err))
    raise typer.Exit(code)


@app.command()
def show(
    session: Annotated[int, typer.Argument(help="Session id (see `talkcure sessions`).")],
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Print a session turn by turn: each reply's plan, its reasons and the annotations."""
    from talkcure.errors import TalkcureError
    from talkcure.show import render_session

    try:
        store = _store(db)
        render_session(store, session, as_json=as_json)
    except TalkcureError as err:
        _fail(str(err))


@app.command()
def sessions(patient: PatientOption = "me", db: DbOption = None) -> None:
    """List a person's sessions with their ids, dates and flags."""
    from talkcure.errors import TalkcureError
    from talkcure.show import render_sessions

    try:
        render_sessions(_store(db), patient)
    except TalkcureError as err:
        _fail(str(err))


@key_app.command("new")
def key_new() -> None:
    """Print a new random key (for TALKCURE_KEY); it does not change any database."""
    from talkcure.store.crypto import generate_key

    typer.echo(generate_key())


@key_app.command("path")
def key_path() -> None:
    """Print where the key file is (used when TALKCURE_KEY is not set)."""
    from talkcure.store.crypto import key_file_path

    typer.echo(str(key_file_path()))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
