"""``talkcure formulate`` and ``talkcure fidelity``: the case formulation and the CPPS check.

Registered on the main Typer app by :func:`register`; heavy imports happen
inside the commands so ``talkcure --help`` stays fast.
"""

from __future__ import annotations

from typing import Annotated

import typer

PatientArg = Annotated[str, typer.Argument(help="The person's name (as in `chat --patient`).")]
DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default: SQLite file in the data directory)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def _fail(message: str) -> None:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(2)


def course_turns(store, name: str):
    """[(session info, turns)] of a person's course, in order."""
    patient = store.get_patient(name)
    return [(info, store.turns_of(info.id)) for info in store.sessions_of(patient.id)]


def formulate(patient: PatientArg, db: DbOption = None, as_json: JsonOption = False) -> None:
    """The case formulation: relationship episodes and the core theme (CCRT), patterns,
    past-present links, defenses (ODF), people, avoided feelings, recurring themes and the
    relationship with the companion, each finding with the utterances it rests on."""
    import json

    from talkcure.cli import _store
    from talkcure.errors import TalkcureError
    from talkcure.formulate.formulation import build_formulation
    from talkcure.formulate.render import formulation_text

    try:
        course = course_turns(_store(db), patient)
    except TalkcureError as err:
        _fail(str(err))
    formulation = build_formulation({info.number: turns for info, turns in course})
    if as_json:
        typer.echo(json.dumps(formulation.to_dict(), indent=2, ensure_ascii=False))
    else:
        typer.echo(formulation_text(formulation, patient))


def fidelity(patient: PatientArg, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Which of the 10 psychodynamic-interpersonal and 10 cognitive-behavioural CPPS items
    the companion's turns enact, per session, with the expressive/supportive balance."""
    import json

    from talkcure.cli import _store
    from talkcure.errors import TalkcureError
    from talkcure.respond.fidelity import course_fidelity, fidelity_text

    try:
        store = _store(db)
        course = course_turns(store, patient)
        states = {info.id: store.session_state(info.id) for info, _ in course}
    except TalkcureError as err:
        _fail(str(err))
    report = course_fidelity([(info.number, turns, states[info.id]) for info, turns in course])
    if as_json:
        typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        typer.echo(fidelity_text(report, patient))


def register(app: typer.Typer) -> None:
    app.command("formulate")(formulate)
    app.command("fidelity")(fidelity)
