"""Field encryption for patient text (AES-256-GCM, authenticated).

The key never lives in the database: it comes from ``TALKCURE_KEY`` (base64 of
32 bytes) or from a key file with 0600 permissions (``TALKCURE_KEY_FILE``, by
default ``talkcure.key`` in the data directory), created on first use. Every
ciphertext is bound to its column (associated data), so values can't be
swapped between columns unnoticed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import stat
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from talkcure.errors import TalkcureError
from talkcure.settings import data_dir

_VERSION = b"\x01"
_NONCE = 12
KEY_ENV = "TALKCURE_KEY"
KEY_FILE_ENV = "TALKCURE_KEY_FILE"


class WrongKeyError(TalkcureError):
    pass


def key_file_path() -> Path:
    return Path(os.environ.get(KEY_FILE_ENV) or data_dir() / "talkcure.key")


def generate_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")


def _decode_key(text: str, where: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        key = b""
    if len(key) != 32:
        raise TalkcureError(
            f"The encryption key in {where} is not valid; it must be 32 bytes in base64 "
            "(make one with `talkcure key new`)."
        )
    return key


def load_key(create: bool = True) -> bytes:
    """Return the master key from the environment or the key file."""
    env = os.environ.get(KEY_ENV)
    if env:
        return _decode_key(env, KEY_ENV)
    path = key_file_path()
    if path.exists():
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise TalkcureError(
                f"The key file {path} can be read by other users; run `chmod 600 {path}` "
                "and try again."
            )
        try:
            return _decode_key(path.read_text(), str(path))
        except OSError as exc:
            raise TalkcureError(f"Can't read the key file {path} ({exc.strerror}); "
                                "check its permissions.") from None
    if not create:
        raise TalkcureError(
            f"No encryption key found: set {KEY_ENV} or restore the key file {path}."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(generate_key() + "\n")
    return _decode_key(path.read_text(), str(path))


class Cipher:
    """Encrypts and decrypts values bound to a column name."""

    def __init__(self, key: bytes):
        self._aead = AESGCM(hashlib.sha256(b"talkcure-enc" + key).digest())
        self._mac_key = hashlib.sha256(b"talkcure-mac" + key).digest()

    def encrypt(self, plaintext: str, column: str) -> bytes:
        nonce = os.urandom(_NONCE)
        ct = self._aead.encrypt(nonce, plaintext.encode("utf-8"), column.encode())
        return _VERSION + nonce + ct

    def decrypt(self, blob: bytes, column: str) -> str:
        if not blob or blob[:1] != _VERSION:
            raise WrongKeyError("A stored value is damaged; restore the database from a backup.")
        try:
            pt = self._aead.decrypt(blob[1 : 1 + _NONCE], blob[1 + _NONCE :], column.encode())
        except InvalidTag:
            raise WrongKeyError(
                "The encryption key does not match this database; use the key it was created "
                f"with ({KEY_ENV} or the key file)."
            ) from None
        return pt.decode("utf-8")

    def encrypt_json(self, value: Any, column: str) -> bytes:
        return self.encrypt(json.dumps(value, separators=(",", ":")), column)

    def decrypt_json(self, blob: bytes | None, column: str) -> Any:
        return None if blob is None else json.loads(self.decrypt(blob, column))

    def lookup_hash(self, value: str) -> str:
        """A keyed hash for finding a row by a secret value (a person's name)."""
        norm = " ".join(value.split()).casefold()
        return hmac.new(self._mac_key, norm.encode("utf-8"), hashlib.sha256).hexdigest()
