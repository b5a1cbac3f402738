"""Fixtures of the web tests: an app on each database, accounts of every role, and
signed-in clients.

People: Ana (assigned to dr_a) and Ben (assigned to dr_b). Passwords are hashed
once per test run (argon2 is deliberately slow).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")

from fastapi.testclient import TestClient  # noqa: E402

from talkcure.store import Store  # noqa: E402
from talkcure.store.accounts import Accounts  # noqa: E402
from talkcure.web.app import create_app  # noqa: E402
from talkcure.web.security import hash_password  # noqa: E402

PASSWORD = "correct horse battery"


@cache
def password_hash() -> str:
    return hash_password(PASSWORD)


@dataclass
class People:
    store: Store
    ids: dict[str, int]  # login -> user id
    patients: dict[str, int]  # person login -> patient id


def make_people(store: Store) -> People:
    accounts = Accounts(store)
    ids, patients = {}, {}
    for login, role in (("root", "admin"), ("dr_a", "clinician"), ("dr_b", "clinician")):
        ids[login] = accounts.create_user(login, role, password_hash()).id
    for login, name, clinician in (("ana", "Ana Lima", "dr_a"), ("ben", "Ben Okafor", "dr_b")):
        patient = store.get_or_create_patient(name)
        ids[login] = accounts.create_user(login, "person", password_hash(), patient.id).id
        patients[login] = patient.id
        accounts.assign(ids[clinician], patient.id)
    return People(store, ids, patients)


@pytest.fixture(autouse=True)
def _plain_cookies(monkeypatch):
    monkeypatch.delenv("TALKCURE_COOKIE_SECURE", raising=False)


@pytest.fixture
def store(db_url) -> Store:
    store = Store(db_url)
    yield store
    store.close()


@pytest.fixture
def people(store) -> People:
    return make_people(store)


@pytest.fixture
def app(store, people):
    return create_app(store)


def sign_in(app, login: str, password: str = PASSWORD) -> TestClient:
    """A client with the session cookie and the CSRF header of ``login``."""
    client = TestClient(app)
    response = client.post("/api/session", json={"login": login, "password": password})
    assert response.status_code == 200, response.text
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return client


@pytest.fixture
def signin(app):
    """signin(login, password=PASSWORD) -> a signed-in TestClient with its CSRF header."""
    return lambda login, password=PASSWORD: sign_in(app, login, password)


@pytest.fixture
def password() -> str:
    return PASSWORD
