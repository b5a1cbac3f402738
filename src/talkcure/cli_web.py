"""``talkcure serve`` (the web app) and ``talkcure user`` (accounts).

FastAPI, uvicorn and argon2 are imported inside the commands, so ``talkcure
--help`` stays fast and the CLI works without the ``web`` extra.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

user_app = typer.Typer(help="Manage web accounts: add, list, assign, password.",
                       no_args_is_help=True)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default: SQLite file in the data directory)."),
]


def _fail(message: str) -> None:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(2)


def _store(db: str | None):
    from talkcure.settings import database_url
    from talkcure.store import Store

    return Store(database_url(db))


def _need_web() -> None:
    try:
        import argon2  # noqa: F401
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        _fail(f"The web app needs the web extra ({exc.name} is missing): "
              "pip install 'talkcure[web]'.")


def _read_password(confirm: bool = True) -> str:
    """From the terminal (asked twice, hidden) or the first line of standard input."""
    if sys.stdin.isatty():
        return typer.prompt("Password", hide_input=True, confirmation_prompt=confirm)
    return sys.stdin.readline().rstrip("\r\n")


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (127.0.0.1: this machine "
                                           "only; put a TLS proxy in front for others).")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    db: DbOption = None,
    workers: Annotated[int, typer.Option(help="Worker processes (each with its own "
                                              "connections; use PostgreSQL for several).")]
    = 1,
) -> None:
    """Run the web app: chat, questionnaires, clinician views and the JSON API."""
    _need_web()
    import uvicorn

    from talkcure.errors import TalkcureError
    from talkcure.settings import database_url

    url = database_url(db)
    try:
        _store(url).close()  # migrate once, and fail here with a clear message
    except TalkcureError as err:
        _fail(str(err))
    os.environ["TALKCURE_DATABASE_URL"] = url  # for the worker processes
    if host not in {"127.0.0.1", "localhost", "::1"}:
        typer.echo("Note: serving beyond this machine; use HTTPS (a TLS proxy) so passwords "
                   "and conversations are not sent in clear.", err=True)
    typer.echo(f"talkcure web app on http://{host}:{port}/ (Ctrl-C stops it)", err=True)
    uvicorn.run("talkcure.web.app:app_from_env", factory=True, host=host, port=port,
                workers=max(1, workers), proxy_headers=True, log_level="info",
                server_header=False)


@user_app.command("add")
def user_add(
    login: Annotated[str, typer.Argument(help="Login name (for a person, also the name of "
                                              "their record unless --patient is given).")],
    role: Annotated[str, typer.Option(help="person, clinician or admin.")] = "person",
    patient: Annotated[str | None, typer.Option(
        "--patient", help="person only: the name of their record (as in `chat --patient`).")]
    = None,
    db: DbOption = None,
) -> None:
    """Add an account; the password is asked (hidden) or read from standard input."""
    _need_web()
    from talkcure.errors import TalkcureError
    from talkcure.web.admin import add_user
    from talkcure.web.security import check_new_password

    try:
        store = _store(db)
        password = check_new_password(_read_password())
        user = add_user(store, login, password, role, patient)
    except TalkcureError as err:
        _fail(str(err))
    typer.echo(f"Added {user.role} account {user.login} (id {user.id}).")


@user_app.command("list")
def user_list(db: DbOption = None) -> None:
    """List the accounts with their roles and the people assigned to clinicians."""
    from talkcure.errors import TalkcureError
    from talkcure.store.accounts import Accounts
    from talkcure.store.people import all_patients

    try:
        store = _store(db)
        accounts = Accounts(store)
        names = {p.id: p.name for p in all_patients(store)}
        pairs = accounts.assignments()
        users = accounts.users()
    except TalkcureError as err:
        _fail(str(err))
    if not users:
        typer.echo("No accounts yet; add one with `talkcure user add NAME --role admin`.")
    for u in users:
        extra = ""
        if u.role == "person":
            extra = f" record: {names.get(u.patient_id, '?')}"
        elif u.role == "clinician":
            people = [names.get(pid, str(pid)) for cid, pid in pairs if cid == u.id]
            extra = f" people: {', '.join(people) or 'none'}"
        typer.echo(f"{u.id}\t{u.role}\t{u.login}{extra}")


@user_app.command("assign")
def user_assign(
    clinician: Annotated[str, typer.Argument(help="The clinician's login name.")],
    person: Annotated[str, typer.Argument(help="The person's record name (or their login).")],
    remove: Annotated[bool, typer.Option("--remove", help="Unassign instead.")] = False,
    db: DbOption = None,
) -> None:
    """Let a clinician see a person's record (or stop it with --remove)."""
    from talkcure.errors import TalkcureError
    from talkcure.store.accounts import Accounts
    from talkcure.store.audit import AuditLog
    from talkcure.web.admin import user_by_login

    try:
        store = _store(db)
        accounts = Accounts(store)
        doc = user_by_login(store, clinician, "clinician")
        record = store.find_patient(person)
        if record is None:
            found = accounts.find(person)
            if found is None or found[0].patient_id is None:
                raise TalkcureError(f"No person called {person!r}; check the name with "
                                    "`talkcure user list`.")
            pid = found[0].patient_id
        else:
            pid = record.id
        action = "assignment.remove" if remove else "assignment.add"
        AuditLog(store).append(None, "cli", action, pid, f"clinician {doc.id}")
        changed = accounts.unassign(doc.id, pid) if remove else accounts.assign(doc.id, pid)
    except TalkcureError as err:
        _fail(str(err))
    verb = ("no longer sees" if changed else "did not see") if remove else \
        ("now sees" if changed else "already sees")
    typer.echo(f"{doc.login} {verb} {person}.")


@user_app.command("password")
def user_password(
    login: Annotated[str, typer.Argument(help="The account's login name.")],
    db: DbOption = None,
) -> None:
    """Set a new password (asked, or read from standard input); signs the account out."""
    _need_web()
    from talkcure.errors import TalkcureError
    from talkcure.store.accounts import Accounts
    from talkcure.web.admin import user_by_login
    from talkcure.web.security import hash_password

    try:
        store = _store(db)
        user = user_by_login(store, login)
        Accounts(store).set_password(user.id, hash_password(_read_password()))
    except TalkcureError as err:
        _fail(str(err))
    typer.echo(f"New password set for {user.login}; their sessions were signed out.")


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.add_typer(user_app, name="user")
