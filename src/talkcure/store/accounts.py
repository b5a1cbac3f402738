"""Web accounts (tables of migration 0003): users, signed-in sessions, assignments.

A login name is personal data, so it is stored like a person's name: a keyed
hash to find it and AES-GCM ciphertext to show it. Passwords arrive here already
hashed (argon2id, by :mod:`talkcure.web.security`); this module never sees them.
A browser session is stored as the SHA-256 of its cookie token, so reading the
database does not let anyone sign in.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from talkcure.errors import TalkcureError
from talkcure.store import tables as t
from talkcure.store.repository import Store

ROLES = ("person", "clinician", "admin")
LOGIN_COLUMN = "users.login"


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite gives naive UTC


def clean_login(login: str) -> str:
    """The login name to store, or TalkcureError saying what is wrong with it."""
    name = " ".join(str(login or "").split())
    if not name or len(name) > 100:
        raise TalkcureError("Give a login name of 1 to 100 characters.")
    if any(unicodedata.category(c) in {"Cc", "Cf", "Cs", "Co"} for c in name):
        raise TalkcureError("A login name can't contain control characters; type it again.")
    return name


@dataclass(frozen=True)
class User:
    id: int
    login: str
    role: str
    patient_id: int | None
    active: bool
    created_at: str


class Accounts:
    """Users, browser sessions and clinician assignments of one :class:`Store`."""

    def __init__(self, store: Store):
        self.store = store
        self.cipher = store.cipher
        self.engine = store.engine

    def _hash(self, login: str) -> str:
        return self.cipher.lookup_hash("login:" + login)

    def _user(self, row) -> User:
        return User(row.id, self.cipher.decrypt(row.login_enc, LOGIN_COLUMN), row.role,
                    row.patient_id, row.active, _aware(row.created_at).isoformat("T", "seconds"))

    # ------------------------------------------------------------------ users

    def create_user(self, login: str, role: str, password_hash: str,
                    patient_id: int | None = None) -> User:
        login = clean_login(login)
        if role not in ROLES:
            raise TalkcureError(f"Unknown role {role!r}; use one of: {', '.join(ROLES)}.")
        if (role == "person") != (patient_id is not None):
            raise TalkcureError("A person account needs its person; other roles have none.")
        now = _now()
        try:
            with self.engine.begin() as conn:
                uid = conn.execute(insert(t.users).values(
                    login_hash=self._hash(login),
                    login_enc=self.cipher.encrypt(login, LOGIN_COLUMN),
                    role=role, password_hash=password_hash, patient_id=patient_id,
                    active=True, created_at=now,
                )).inserted_primary_key[0]
        except IntegrityError:
            raise TalkcureError(
                "That login name is taken, or that person already has an account; "
                "choose another name."
            ) from None
        return User(uid, login, role, patient_id, True, now.isoformat("T", "seconds"))

    def find(self, login: str) -> tuple[User, str] | None:
        """The user with this login name and their password hash, or None."""
        try:
            key = self._hash(clean_login(login))
        except TalkcureError:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(select(t.users).where(t.users.c.login_hash == key)).first()
        return None if row is None else (self._user(row), row.password_hash)

    def get(self, user_id: int) -> User | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.users).where(t.users.c.id == user_id)).first()
        return None if row is None else self._user(row)

    def by_patient(self, patient_id: int) -> User | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.users).where(t.users.c.patient_id == patient_id)
            ).first()
        return None if row is None else self._user(row)

    def users(self, role: str | None = None) -> list[User]:
        query = select(t.users).order_by(t.users.c.id)
        if role is not None:
            query = query.where(t.users.c.role == role)
        with self.engine.connect() as conn:
            return [self._user(r) for r in conn.execute(query).all()]

    def set_password(self, user_id: int, password_hash: str) -> None:
        """A new password ends every session of the user."""
        with self.engine.begin() as conn:
            conn.execute(update(t.users).where(t.users.c.id == user_id)
                         .values(password_hash=password_hash))
            conn.execute(delete(t.auth_sessions).where(t.auth_sessions.c.user_id == user_id))

    def delete_user(self, user_id: int) -> None:
        """Remove an account (its sessions and assignments go with it). A person's
        account is removed with their data by :func:`talkcure.store.people.erase_patient`."""
        with self.engine.begin() as conn:
            conn.execute(delete(t.auth_sessions).where(t.auth_sessions.c.user_id == user_id))
            conn.execute(delete(t.assignments).where(t.assignments.c.clinician_id == user_id))
            conn.execute(update(t.notes).where(t.notes.c.author_id == user_id)
                         .values(author_id=None))
            conn.execute(delete(t.users).where(t.users.c.id == user_id))

    # ------------------------------------------------------------------ sessions

    def start_session(self, user_id: int, token_hash: str, csrf: str,
                      lifetime: timedelta) -> None:
        now = _now()
        with self.engine.begin() as conn:
            conn.execute(delete(t.auth_sessions).where(t.auth_sessions.c.expires_at < now))
            conn.execute(insert(t.auth_sessions).values(
                token_hash=token_hash, user_id=user_id, csrf=csrf, created_at=now,
                expires_at=now + lifetime,
            ))

    def session_user(self, token_hash: str) -> tuple[User, str] | None:
        """The signed-in user of a session and its CSRF token, or None (unknown, expired
        or a disabled account)."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.users, t.auth_sessions.c.csrf, t.auth_sessions.c.expires_at)
                .join(t.auth_sessions, t.auth_sessions.c.user_id == t.users.c.id)
                .where(t.auth_sessions.c.token_hash == token_hash)
            ).first()
        if row is None or not row.active or _aware(row.expires_at) <= _now():
            return None
        return self._user(row), row.csrf

    def end_session(self, token_hash: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(t.auth_sessions).where(t.auth_sessions.c.token_hash == token_hash))

    # ------------------------------------------------------------------ assignments

    def assign(self, clinician_id: int, patient_id: int) -> bool:
        """Let a clinician see a person; False if it was already so."""
        clinician = self.get(clinician_id)
        if clinician is None or clinician.role != "clinician":
            raise TalkcureError("Only a clinician account can be assigned people.")
        if self.is_assigned(clinician_id, patient_id):
            return False
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(t.assignments).values(
                    clinician_id=clinician_id, patient_id=patient_id, created_at=_now()))
        except IntegrityError:
            if self.is_assigned(clinician_id, patient_id):  # assigned at the same moment
                return False
            raise TalkcureError("There is no such person; check the person's id.") from None
        return True

    def unassign(self, clinician_id: int, patient_id: int) -> bool:
        with self.engine.begin() as conn:
            gone = conn.execute(delete(t.assignments).where(
                t.assignments.c.clinician_id == clinician_id,
                t.assignments.c.patient_id == patient_id)).rowcount
        return bool(gone)

    def is_assigned(self, clinician_id: int, patient_id: int) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(select(t.assignments.c.patient_id).where(
                t.assignments.c.clinician_id == clinician_id,
                t.assignments.c.patient_id == patient_id)).first() is not None

    def patients_of(self, clinician_id: int) -> list[int]:
        with self.engine.connect() as conn:
            return list(conn.execute(
                select(t.assignments.c.patient_id)
                .where(t.assignments.c.clinician_id == clinician_id)
                .order_by(t.assignments.c.patient_id)).scalars())

    def assignments(self) -> list[tuple[int, int]]:
        """Every (clinician id, patient id) pair."""
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(
                select(t.assignments.c.clinician_id, t.assignments.c.patient_id)
                .order_by(t.assignments.c.clinician_id, t.assignments.c.patient_id)).all()]
