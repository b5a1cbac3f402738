"""Shared fixtures: a private data directory per test and both databases.

PostgreSQL tests use the local server (TALKCURE_TEST_POSTGRES_URL, default the
machine's trust-auth server). Without one they are skipped with the reason,
unless TALKCURE_REQUIRE_POSTGRES=1 (set by .ci/run), where that is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PG_URL = os.environ.get(
    "TALKCURE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
SHARED = Path(__file__).resolve().parents[2] / "shared"
if not SHARED.exists():  # CI clones main next to a copy of shared/
    SHARED = Path(os.environ.get("TALKCURE_SHARED", "../shared")).resolve()


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch) -> Path:
    """Every test gets its own data directory and no key from the environment."""
    home = tmp_path / "home"
    monkeypatch.setenv("TALKCURE_HOME", str(home))
    for var in ("TALKCURE_KEY", "TALKCURE_KEY_FILE", "TALKCURE_DATABASE_URL", "TALKCURE_LOCALE",
                "TALKCURE_CRISIS_RESOURCES", "TALKCURE_SEED"):
        monkeypatch.delenv(var, raising=False)
    return home


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def postgres_url() -> str:
    try:
        _reset_postgres(PG_URL)
    except Exception as exc:  # no server here
        reason = f"PostgreSQL not reachable at {PG_URL.split('@')[-1]}: {type(exc).__name__}"
        if os.environ.get("TALKCURE_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason + " (TALKCURE_REQUIRE_POSTGRES=1: CI must run these tests)")
        pytest.skip(reason)
    return PG_URL


@pytest.fixture
def sqlite_url(home) -> str:
    return f"sqlite:///{home / 'test.db'}"


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, home) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{home / 'test.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def shared() -> Path:
    if not SHARED.exists():
        pytest.skip("../shared (the project's data) is not next to this checkout")
    return SHARED
