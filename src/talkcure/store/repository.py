"""The store: one object per database, with encrypted patient text.

SQLite file by default, PostgreSQL by URL. The schema is brought up to date
with Alembic when the store opens. :meth:`Store.record_exchange` writes a whole
turn (the person's words, annotations, the plan, the reply, the session state
and any risk flag) in one transaction.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, func, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError

from talkcure.errors import TalkcureError
from talkcure.model import (
    Annotation,
    Intervention,
    PatientInfo,
    SessionInfo,
    SessionSummary,
    Speaker,
    Turn,
)
from talkcure.store import tables as t
from talkcure.store.crypto import Cipher, load_key

log = logging.getLogger(__name__)
_KEY_CHECK = "talkcure key check v1"


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _describe(url: str) -> str:
    """The URL without a password, for messages."""
    return url.split("@")[-1] if "@" in url else url


class Store:
    def __init__(self, url: str, key: bytes | None = None):
        self.url = url
        self.engine = self._connect(url)
        self._migrate()
        self._restrict_file()
        self.cipher = Cipher(key if key is not None else load_key(create=True))
        self._check_key()

    # ------------------------------------------------------------------ opening

    def _connect(self, url: str) -> Engine:
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            path = Path(url.removeprefix("sqlite:///")).expanduser()
            if path.is_dir():
                raise TalkcureError(f"{path} is a folder; point --db at a database file.")
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise TalkcureError(
                    f"Can't create the folder {path.parent} ({exc.strerror}); "
                    "choose another place with --db or TALKCURE_HOME."
                ) from None
        try:
            engine = create_engine(url, future=True)
        except (ArgumentError, NoSuchModuleError, ValueError) as exc:
            raise TalkcureError(
                f"Can't use the database URL {_describe(url)!r} ({exc.__class__.__name__}); "
                "give a URL like sqlite:///path/to/file.db or postgresql+psycopg://host/db."
            ) from None
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        return engine

    def _migrate(self) -> None:
        from alembic import command
        from alembic.config import Config

        cfg = Config(str(files("talkcure.store") / "alembic.ini"))
        cfg.set_main_option("script_location", str(files("talkcure.store") / "migrations"))
        try:
            with self.engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        except (DatabaseError, OperationalError) as exc:
            self.engine.dispose()
            raise TalkcureError(
                f"Can't open the database {_describe(self.url)} ({_short(exc)}); check the path "
                "or URL, or move a damaged file away to start a new one."
            ) from None

    def _restrict_file(self) -> None:
        """A SQLite file holds health data (encrypted, but still): owner-only access."""
        database = self.engine.url.database
        if self.engine.dialect.name == "sqlite" and database and database != ":memory:":
            for suffix in ("", "-wal", "-shm"):
                path = Path(database + suffix)
                if path.exists():
                    path.chmod(0o600)

    def _check_key(self) -> None:
        with self.engine.begin() as conn:
            blob = conn.execute(select(t.meta.c.value).where(t.meta.c.key == "key_check")).scalar()
            if blob is None:
                conn.execute(
                    insert(t.meta).values(
                        key="key_check", value=self.cipher.encrypt(_KEY_CHECK, "meta")
                    )
                )
                return
        if self.cipher.decrypt(blob, "meta") != _KEY_CHECK:
            raise TalkcureError("The encryption key does not match this database.")

    def close(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------------ patients

    def find_patient(self, name: str) -> PatientInfo | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.patients).where(t.patients.c.name_hash == self.cipher.lookup_hash(name))
            ).first()
        if row is None:
            return None
        return PatientInfo(row.id, self.cipher.decrypt(row.name_enc, "patients.name"), row.locale)

    def get_patient(self, name: str) -> PatientInfo:
        found = self.find_patient(name)
        if found is None:
            raise TalkcureError(
                f"No person called {name!r} in this database; check the spelling or start "
                "with `talkcure chat --patient NAME`."
            )
        return found

    def get_or_create_patient(self, name: str, locale: str = "US") -> PatientInfo:
        found = self.find_patient(name)
        if found:
            return found
        with self.engine.begin() as conn:
            pid = conn.execute(
                insert(t.patients).values(
                    name_hash=self.cipher.lookup_hash(name),
                    name_enc=self.cipher.encrypt(name, "patients.name"),
                    locale=locale,
                    created_at=_now(),
                )
            ).inserted_primary_key[0]
        return PatientInfo(pid, name, locale)

    # ------------------------------------------------------------------ sessions

    def start_session(self, patient_id: int, state: dict[str, Any]) -> SessionInfo:
        with self.engine.begin() as conn:
            number = (
                conn.execute(
                    select(func.max(t.sessions.c.number)).where(
                        t.sessions.c.patient_id == patient_id
                    )
                ).scalar()
                or 0
            ) + 1
            started = _now()
            sid = conn.execute(
                insert(t.sessions).values(
                    patient_id=patient_id,
                    number=number,
                    started_at=started,
                    flagged=False,
                    flag_reason="",
                    state_enc=self.cipher.encrypt_json(state, "sessions.state"),
                )
            ).inserted_primary_key[0]
        return SessionInfo(sid, patient_id, number, _iso(started))

    def _session_info(self, row) -> SessionInfo:
        summary = self.cipher.decrypt_json(row.summary_enc, "sessions.summary")
        return SessionInfo(
            id=row.id,
            patient_id=row.patient_id,
            number=row.number,
            started_at=_iso(row.started_at),
            ended_at=_iso(row.ended_at),
            flagged=row.flagged,
            flag_reason=row.flag_reason,
            summary=SessionSummary.from_dict(summary) if summary else None,
        )

    def get_session(self, session_id: int) -> SessionInfo:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.sessions).where(t.sessions.c.id == session_id)).first()
        if row is None:
            raise TalkcureError(
                f"There is no session {session_id}; list sessions with "
                "`talkcure sessions --patient NAME`."
            )
        return self._session_info(row)

    def sessions_of(self, patient_id: int) -> list[SessionInfo]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.sessions)
                .where(t.sessions.c.patient_id == patient_id)
                .order_by(t.sessions.c.number)
            ).all()
        return [self._session_info(r) for r in rows]

    def session_state(self, session_id: int) -> dict[str, Any]:
        with self.engine.connect() as conn:
            blob = conn.execute(
                select(t.sessions.c.state_enc).where(t.sessions.c.id == session_id)
            ).scalar()
        return self.cipher.decrypt_json(blob, "sessions.state") or {}

    def close_session(self, session_id: int, summary: SessionSummary) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(t.sessions)
                .where(t.sessions.c.id == session_id)
                .values(
                    ended_at=_now(),
                    summary_enc=self.cipher.encrypt_json(summary.to_dict(), "sessions.summary"),
                )
            )

    # ------------------------------------------------------------------ turns

    def record_exchange(
        self,
        session_id: int,
        patient_text: str,
        annotation: Annotation,
        plan: Intervention,
        reply: str,
        state: dict[str, Any],
        flag: dict[str, str] | None = None,
    ) -> tuple[int, int]:
        """Store one exchange atomically; returns (patient turn id, companion turn id)."""
        enc = self.cipher
        now = _now()
        plan_data = plan.to_dict()
        values: dict[str, Any] = {"state_enc": enc.encrypt_json(state, "sessions.state")}
        if flag:
            values.update(flagged=True, flag_reason=flag["reason"][:200])
        with self.engine.begin() as conn:
            # Writing the session row first locks it (PostgreSQL: row lock; SQLite: the
            # write lock) until commit, so concurrent turns of one session, even from
            # several app servers, read the next index one after the other.
            conn.execute(update(t.sessions).where(t.sessions.c.id == session_id).values(**values))
            idx = (
                conn.execute(
                    select(func.max(t.turns.c.idx)).where(t.turns.c.session_id == session_id)
                ).scalar()
                or 0
            )
            patient_id = conn.execute(
                insert(t.turns).values(
                    session_id=session_id,
                    idx=idx + 1,
                    speaker=Speaker.PATIENT.value,
                    text_enc=enc.encrypt(patient_text, "turns.text"),
                    annotation_enc=enc.encrypt_json(
                        annotation.to_dict(include_text=False), "turns.annotation"
                    ),
                    created_at=now,
                )
            ).inserted_primary_key[0]
            # evidence id 0 stands for the patient turn stored in this same exchange
            plan_data["evidence"] = [patient_id if e == 0 else e for e in plan.evidence]
            companion_id = conn.execute(
                insert(t.turns).values(
                    session_id=session_id,
                    idx=idx + 2,
                    speaker=Speaker.COMPANION.value,
                    text_enc=enc.encrypt(reply, "turns.text"),
                    plan_enc=enc.encrypt_json(plan_data, "turns.plan"),
                    created_at=now,
                )
            ).inserted_primary_key[0]
            if flag:
                insert_flag(conn, session_id, patient_id, flag, now)
        log.debug("stored exchange in session %s (turns %s, %s)", session_id, patient_id,
                  companion_id)
        return patient_id, companion_id

    def add_flag(self, session_id: int, kind: str, level: str, reason: str) -> None:
        """Flag a session for the clinician (reason: a short phrase, never patient text)."""
        with self.engine.begin() as conn:
            insert_flag(conn, session_id, None, {"kind": kind, "level": level, "reason": reason},
                        _now())
            conn.execute(
                update(t.sessions)
                .where(t.sessions.c.id == session_id)
                .values(flagged=True, flag_reason=reason[:200])
            )

    def turns_of(self, session_id: int) -> list[Turn]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.turns).where(t.turns.c.session_id == session_id).order_by(t.turns.c.idx)
            ).all()
        out = []
        for r in rows:
            text = self.cipher.decrypt(r.text_enc, "turns.text")
            ann = self.cipher.decrypt_json(r.annotation_enc, "turns.annotation")
            plan = self.cipher.decrypt_json(r.plan_enc, "turns.plan")
            out.append(
                Turn(
                    id=r.id,
                    session_id=r.session_id,
                    index=r.idx,
                    speaker=Speaker(r.speaker),
                    text=text,
                    annotation=Annotation.from_dict(ann, text) if ann else None,
                    plan=Intervention.from_dict(plan) if plan else None,
                )
            )
        return out

    def flags_of(self, session_id: int) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.flags).where(t.flags.c.session_id == session_id).order_by(t.flags.c.id)
            ).all()
        return [
            {"turn_id": r.turn_id, "kind": r.kind, "level": r.level, "reason": r.reason,
             "created_at": _iso(r.created_at)}
            for r in rows
        ]


def insert_flag(conn, session_id: int, turn_id: int | None, flag: dict[str, str],
                when: datetime) -> None:
    """One risk flag row (kind, level, reason: short phrases, never patient text)."""
    conn.execute(
        insert(t.flags).values(
            session_id=session_id,
            turn_id=turn_id,
            kind=flag["kind"][:32],
            level=flag.get("level", "")[:16],
            reason=flag["reason"][:200],
            created_at=when,
        )
    )


def _short(exc: Exception) -> str:
    orig = getattr(exc, "orig", None) or exc
    return str(orig).splitlines()[0][:120]


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")  # a stored turn survives power loss too
    cur.close()
