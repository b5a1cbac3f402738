"""Settings read from the environment; every one is documented in README.md.

| variable | meaning | default |
|---|---|---|
| TALKCURE_HOME | data directory (database, key file) | the user data dir |
| TALKCURE_DATABASE_URL | SQLAlchemy URL of the store | sqlite file in TALKCURE_HOME |
| TALKCURE_KEY | base64 32-byte encryption key | read from the key file |
| TALKCURE_KEY_FILE | path of the key file | TALKCURE_HOME/talkcure.key |
| TALKCURE_LOCALE | crisis-resource locale (US, GB, IE, CA, AU, INTL) | US |
| TALKCURE_CRISIS_RESOURCES | YAML file overriding crisis resources | none |
| TALKCURE_SEED | seed for choosing reply wording | 0 |
| TALKCURE_COOKIE_SECURE | web app: 1 always marks cookies Secure, 0 never | auto (over HTTPS) |
"""

from __future__ import annotations

import os
from pathlib import Path

SETTINGS = (
    "TALKCURE_HOME",
    "TALKCURE_DATABASE_URL",
    "TALKCURE_KEY",
    "TALKCURE_KEY_FILE",
    "TALKCURE_LOCALE",
    "TALKCURE_CRISIS_RESOURCES",
    "TALKCURE_SEED",
    "TALKCURE_COOKIE_SECURE",
)

MAX_MESSAGE_CHARS = 4000


def data_dir() -> Path:
    home = os.environ.get("TALKCURE_HOME")
    if home:
        return Path(home).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("talkcure", appauthor=False))


def database_url(explicit: str | None = None) -> str:
    if explicit:
        return explicit
    env = os.environ.get("TALKCURE_DATABASE_URL")
    if env:
        return env
    return f"sqlite:///{data_dir() / 'talkcure.db'}"


def locale() -> str:
    return os.environ.get("TALKCURE_LOCALE", "US")


def seed() -> int:
    raw = os.environ.get("TALKCURE_SEED", "0")
    try:
        return int(raw)
    except ValueError:
        from talkcure.errors import TalkcureError

        raise TalkcureError(f"TALKCURE_SEED must be a whole number, not {raw!r}.") from None
