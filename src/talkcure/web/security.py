"""Passwords, session tokens, cookies and CSRF for the web app.

- Passwords are hashed with argon2id (argon2-cffi's RFC 9106 defaults); a login
  for an unknown name still costs one verification, so timing does not tell
  which names exist. Five failed sign-ins within 15 minutes lock a login for
  the rest of that window.
- A browser session is a random 256-bit token in an HttpOnly, SameSite=Lax
  cookie (``Secure`` over HTTPS, or always with TALKCURE_COOKIE_SECURE=1); the
  database keeps only its SHA-256. Sessions end after 12 hours, at sign-out, and
  when the password changes.
- Every state-changing request (POST, PUT, PATCH, DELETE) must carry the
  session's CSRF token, in the ``X-CSRF-Token`` header (JSON API) or the
  ``csrf_token`` form field (pages), and must not come from another origin. The
  sign-in form uses a double-submit cookie; JSON sign-in needs a JSON body,
  which another site cannot send without CORS.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import unicodedata
from datetime import timedelta
from functools import cache

from talkcure.errors import TalkcureError

SESSION_COOKIE = "talkcure_session"
PRELOGIN_COOKIE = "talkcure_prelogin"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SESSION_LIFETIME = timedelta(hours=12)
LOCKOUT_WINDOW = timedelta(minutes=15)
LOCKOUT_FAILURES = 5
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
COOKIE_SECURE_ENV = "TALKCURE_COOKIE_SECURE"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@cache
def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


@cache
def _dummy_hash() -> str:
    return _hasher().hash("talkcure: no such user")


def plain_text(value: str, what: str, limit: int) -> str:
    """``value`` if it is printable text of at most ``limit`` characters."""
    if len(value) > limit:
        raise TalkcureError(f"The {what} is too long (at most {limit:,} characters).")
    if any(unicodedata.category(c) in {"Cc", "Cs"} and c not in "\n\t\r" for c in value):
        raise TalkcureError(f"The {what} contains control characters; type it again as plain "
                            "text.")
    return value


def check_new_password(password: str) -> str:
    plain_text(password, "password", MAX_PASSWORD)
    if len(password) < MIN_PASSWORD:
        raise TalkcureError(f"Choose a password of at least {MIN_PASSWORD} characters.")
    return password


def hash_password(password: str) -> str:
    return _hasher().hash(check_new_password(password))


def verify_password(password_hash: str | None, password: str) -> bool:
    """True if ``password`` matches; an unknown user (None) costs the same time."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        plain_text(password, "password", MAX_PASSWORD)
    except TalkcureError:
        return False
    try:
        ok = _hasher().verify(password_hash or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return ok and password_hash is not None


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def same_token(expected: str | None, given: str | None) -> bool:
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode("utf-8", "replace"),
                               given.encode("utf-8", "replace"))


def cookie_secure(scheme: str) -> bool:
    """Cookies are Secure over HTTPS, or always when TALKCURE_COOKIE_SECURE=1."""
    setting = os.environ.get(COOKIE_SECURE_ENV, "auto").strip().lower()
    if setting in {"1", "true", "yes"}:
        return True
    if setting in {"0", "false", "no"}:
        return False
    return scheme == "https"


def same_origin(request) -> bool:
    """False for a request a browser marks as coming from another site: its
    ``Sec-Fetch-Site`` header says cross-site, or its ``Origin`` names another server. A
    request without them (a same-origin navigation, a non-browser client) passes."""
    headers = request.headers
    if headers.get("sec-fetch-site", "same-origin") not in {"same-origin", "none"}:
        return False
    origin = headers.get("origin")
    if not origin:
        return True
    host = headers.get("host")
    if origin == "null" or not host:
        return False
    return origin.rstrip("/").lower() in {f"http://{host}".lower(), f"https://{host}".lower()}
