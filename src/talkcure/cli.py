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


PatientArg = Annotated[str, typer.Argument(help="The person's name (as in `chat --patient`).")]


@app.command()
def measure(
    patient: PatientArg,
    instrument: Annotated[str, typer.Argument(help="phq9, gad7, rses, wsas or goals.")],
    answers: Annotated[
        str | None,
        typer.Option(help='All answers in item order, e.g. "0,1,2,1,0,0,1,2,0"; leave one '
                     "empty to skip it. Without it: asked one by one (terminal) or one per line "
                     "from standard input."),
    ] = None,
    session: Annotated[
        int | None, typer.Option(help="Session id to store the result with (and to flag).")
    ] = None,
    not_working: Annotated[
        bool, typer.Option("--not-working", help="WSAS: leave item 1 (work) out.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Enter a questionnaire's answers directly; bad answers store nothing and exit 2."""
    from talkcure.errors import TalkcureError
    from talkcure.measure_entry import enter_measure

    interactive = answers is None and sys.stdin.isatty()
    try:
        text, _risk = enter_measure(
            _store(db), patient, instrument, answers=answers, session_id=session,
            working=not not_working, stdin=sys.stdin,
            ask=(lambda: typer.prompt("answer", default="", show_default=False))
            if interactive else None,
            say=typer.echo,
        )
    except TalkcureError as err:
        _fail(str(err))
    typer.echo(text)


@app.command()
def progress(
    patient: PatientArg,
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Each measure over time with its band, change from first to latest, course and goals."""
    import json

    from talkcure.errors import TalkcureError
    from talkcure.report.progress import build_progress, progress_text

    try:
        data = build_progress(_store(db), patient)
    except TalkcureError as err:
        _fail(str(err))
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False) if as_json else progress_text(data))


@app.command()
def course(
    patient: PatientArg,
    short_term: Annotated[
        int | None, typer.Option("--short-term", help="A short-term course of N sessions.")
    ] = None,
    open_ended: Annotated[
        bool, typer.Option("--open-ended", help="An open-ended (long-term) course.")
    ] = False,
    review_every: Annotated[
        int | None, typer.Option("--review-every", help="Review every K sessions (default 4).")
    ] = None,
    focus: Annotated[
        str | None, typer.Option(help="symptom (PHQ-9, GAD-7) or personality (+ RSES, WSAS).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Set the treatment course (or, with no options, show it)."""
    from talkcure.errors import TalkcureError
    from talkcure.measure_entry import set_course

    try:
        typer.echo(set_course(_store(db), patient, short_term=short_term, open_ended=open_ended,
                              review_every=review_every, focus=focus))
    except TalkcureError as err:
        _fail(str(err))


@app.command()
def goals(
    patient: PatientArg,
    goal: Annotated[
        list[str] | None, typer.Argument(help="Up to three goals, each in quotes.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Set the person's goals (up to three), rated 0-10 at each review; alone, list them."""
    from talkcure.errors import TalkcureError
    from talkcure.measure_entry import set_goals

    try:
        typer.echo(set_goals(_store(db), patient, goal or []))
    except TalkcureError as err:
        _fail(str(err))


@app.command()
def report(
    patient: PatientArg,
    out: Annotated[
        str, typer.Option(help="Folder for report.html, report.pdf and charts/.")
    ] = "talkcure-report",
    db: DbOption = None,
) -> None:
    """Write the clinician report (HTML and PDF) with charts of each measure."""
    from pathlib import Path

    from talkcure.errors import TalkcureError
    from talkcure.report import write_report

    try:
        paths = write_report(_store(db), patient, Path(out))
    except TalkcureError as err:
        _fail(str(err))
    typer.echo(f"Wrote {paths['html']} and {paths['pdf']} ({len(paths['charts'])} chart(s), "
               f"{paths['seconds']:.1f} s). They contain health data: keep them safe.")


@app.command("export-fhir")
def export_fhir(
    patient: PatientArg,
    out: Annotated[
        str | None, typer.Option(help="Write the FHIR Bundle here (default: print it).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Export stored questionnaires as a FHIR R4 Bundle (validated with fhir.resources)."""
    import json
    from pathlib import Path

    from talkcure.errors import TalkcureError
    from talkcure.report.fhir_export import export_bundle

    try:
        bundle = export_bundle(_store(db), patient)
    except TalkcureError as err:
        _fail(str(err))
    text = json.dumps(bundle, indent=2, ensure_ascii=False)
    if out is None:
        typer.echo(text)
        return
    try:
        Path(out).write_text(text + "\n", encoding="utf-8")
        Path(out).chmod(0o600)
    except OSError as exc:
        _fail(f"Can't write {out} ({exc.strerror}); choose another --out.")
    typer.echo(f"Wrote {len(bundle['entry'])} FHIR resources to {out}.")


@app.command("import-fhir")
def import_fhir(
    patient: PatientArg,
    path: Annotated[str, typer.Argument(help="A QuestionnaireResponse or Bundle (JSON).")],
    db: DbOption = None,
) -> None:
    """Import FHIR QuestionnaireResponses (PHQ-9, GAD-7, RSES, WSAS): scored and stored."""
    from talkcure.errors import TalkcureError
    from talkcure.report.fhir_export import import_file

    try:
        typer.echo(import_file(_store(db), patient, path))
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


from talkcure.cli_models import register as _register_models  # noqa: E402

_register_models(app)
__import__("talkcure.cli_web", fromlist=["register"]).register(app)  # serve, user
__import__("talkcure.cli_formulate", fromlist=["register"]).register(app)  # formulate, fidelity


def main() -> None:
    app()


if __name__ == "__main__":
    main()
