"""Accounts and API tokens, kept in one JSON file beside the index (`accounts.json`).

    accounts = Accounts(path)
    accounts.add("ana", "a long password", "editor", libraries=["finance"])
    accounts.verify("ana", "a long password")      -> Caller("ana", "editor", {"finance"}) or None
    token = accounts.create_token("ana")           -> "qat_…" (shown once, stored hashed)

Passwords are hashed with Argon2id (argon2-cffi); a token is a random 32-byte secret whose
SHA-256 alone is stored, so neither can be read back from the file, and neither is ever
logged. A token works wherever a password does (the page's login, `gradio_client`'s
`auth=(user, token)`), so scripts need no password and a token can be revoked alone. The
file is written atomically with mode 0600. This module does not decide who may do what
(`qa.access.roles`) nor talk to Gradio.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import secrets
import threading
import time
from pathlib import Path
from typing import Any

from qa.access.libraries import DEFAULT_LIBRARY, check_library_name
from qa.access.roles import ROLES, Caller
from qa.errors import InputError

ACCOUNTS_FILE = "accounts.json"
MIN_PASSWORD_CHARS = 10
TOKEN_PREFIX = "qat_"
EVERY_LIBRARY = "*"
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,31}$")


def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher()


class Accounts:
    """The users (name → Argon2 hash, role) and their API tokens, in one file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._cache: tuple[tuple[int, int, int], dict[str, Any]] | None = None

    def exists(self) -> bool:
        """True once any account was added: the app then asks everyone to log in."""
        return bool(self._read()["users"])

    def users(self) -> list[tuple[str, str, str]]:
        """(name, role, libraries) of every account, by name ("*": every library)."""
        return sorted((n, u["role"], ",".join(u.get("libraries", [DEFAULT_LIBRARY])))
                      for n, u in self._read()["users"].items())

    def add(self, name: str, password: str, role: str,
            libraries: list[str] | None = None) -> None:
        """A new account reading (and, as an editor, changing) `libraries` (default: the
        default library; an admin always has every library)."""
        _check_name(name)
        _check_password(password)
        if role not in ROLES:
            raise InputError(f"Unknown role {role!r}: use one of {', '.join(ROLES)}.")
        granted = _granted(libraries)
        with self._lock:
            data = self._read_for_change()
            if name in data["users"]:
                raise InputError(f"User {name!r} exists already (qa user passwd changes the "
                                 f"password).")
            data["users"][name] = {"hash": _hasher().hash(password), "role": role,
                                   "libraries": granted, "created": _now()}
            self._write(data)

    def set_libraries(self, name: str, libraries: list[str]) -> None:
        """Replace the libraries an account may read; it holds from the user's next request."""
        granted = _granted(libraries)
        with self._lock:
            data = self._read_for_change()
            if name not in data["users"]:
                raise InputError(f"No user named {name!r}.")
            data["users"][name]["libraries"] = granted
            self._write(data)

    def remove(self, name: str) -> None:
        """Delete the account and every token it holds."""
        with self._lock:
            data = self._read_for_change()
            if data["users"].pop(name, None) is None:
                raise InputError(f"No user named {name!r}.")
            data["tokens"] = {k: t for k, t in data["tokens"].items() if t["user"] != name}
            self._write(data)

    def set_password(self, name: str, password: str) -> None:
        _check_password(password)
        with self._lock:
            data = self._read_for_change()
            if name not in data["users"]:
                raise InputError(f"No user named {name!r}.")
            data["users"][name]["hash"] = _hasher().hash(password)
            self._write(data)

    def verify(self, name: str, secret: str) -> Caller | None:
        """The caller these credentials prove, or None: a password, or one of the user's
        unrevoked API tokens. A wrong name costs a hash too, so it is not told apart by time."""
        from argon2.exceptions import InvalidHashError, VerificationError

        data = self._read()  # one read: users and tokens from the same version of the file
        user = data["users"].get(name)
        if secret.startswith(TOKEN_PREFIX):
            token = data["tokens"].get(_digest(secret))
            if user is not None and token is not None and token["user"] == name:
                return _caller(name, user)
            return None
        try:
            if user is None:
                _hasher().hash(secret)  # as slow as a real check
                return None
            _hasher().verify(user["hash"], secret)
        except (VerificationError, InvalidHashError):
            return None
        return _caller(name, user)

    def caller(self, name: str) -> Caller | None:
        """The account as it is now (None once removed): checked at every request, so a role
        or a library taken away holds from the next click, not the next login."""
        user = self._read()["users"].get(name)
        return _caller(name, user) if user else None

    def role_of(self, name: str) -> str | None:
        caller = self.caller(name)
        return caller.role if caller else None

    def token_valid(self, secret: str) -> bool:
        """True while the token exists (a session it opened ends when it is revoked)."""
        return _digest(secret) in self._read()["tokens"]

    def create_token(self, name: str, label: str = "") -> tuple[str, str]:
        """(token id, token): the token is shown once; the file keeps only its SHA-256."""
        with self._lock:
            data = self._read_for_change()
            if name not in data["users"]:
                raise InputError(f"No user named {name!r}.")
            token = TOKEN_PREFIX + secrets.token_urlsafe(32)
            token_id = _digest(token)[:12]
            data["tokens"][_digest(token)] = {"id": token_id, "user": name, "label": label,
                                              "created": _now()}
            self._write(data)
        return token_id, token

    def tokens(self) -> list[dict[str, str]]:
        return sorted(self._read()["tokens"].values(), key=lambda t: (t["user"], t["id"]))

    def revoke_token(self, token_id: str) -> None:
        with self._lock:
            data = self._read_for_change()
            kept = {k: t for k, t in data["tokens"].items() if t["id"] != token_id}
            if len(kept) == len(data["tokens"]):
                raise InputError(f"No token with id {token_id!r} (qa token list shows them).")
            data["tokens"] = kept
            self._write(data)

    def _read(self) -> dict[str, Any]:
        """The file's content, parsed again only when it changed (every request reads it)."""
        try:
            stat = self.path.stat()
            seen = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
            if self._cache is not None and self._cache[0] == seen:
                return self._cache[1]
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"users": {}, "tokens": {}}
        except (OSError, ValueError) as error:
            raise InputError(f"The accounts file {self.path} cannot be read ({error}).") \
                from error
        parsed = {"users": data.get("users", {}), "tokens": data.get("tokens", {})}
        self._cache = (seen, parsed)
        return parsed

    def _read_for_change(self) -> dict[str, Any]:
        """A copy of the content to change and write back (`_read`'s is shared: read only)."""
        return copy.deepcopy(self._read())

    def _write(self, data: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=1)
        tmp.replace(self.path)


def _caller(name: str, user: dict[str, Any]) -> Caller:
    granted = user.get("libraries", [DEFAULT_LIBRARY])
    every = user["role"] == "admin" or EVERY_LIBRARY in granted
    return Caller(name, user["role"], None if every else frozenset(granted))


def _granted(libraries: list[str] | None) -> list[str]:
    """Checked, deduplicated library names ("*": every library)."""
    names = [n.strip() for n in (libraries or [DEFAULT_LIBRARY]) if n.strip()]
    if not names:
        raise InputError("Give at least one library (or * for every library).")
    return sorted({n if n == EVERY_LIBRARY else check_library_name(n) for n in names})


def _check_name(name: str) -> None:
    if not _NAME.match(name):
        raise InputError(f"User names are 1-32 of a-z, 0-9, '.', '_' and '-': {name!r}.")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise InputError(f"A password needs at least {MIN_PASSWORD_CHARS} characters.")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")
