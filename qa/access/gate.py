"""The gate between a request and the library: who is calling, may they, within what quota.

    gate = Gate.for_app(settings, host="0.0.0.0", open_access=False)  # refuses: no accounts
    caller = gate.caller(request.username)     # AccessDenied if not logged in / expired
    gate.check(caller, "remove")               # AccessDenied unless an editor or admin
    gate.audit(caller, "remove", "notes.md", "removed")

Three ways to run: with accounts (anyone beyond loopback must log in; Gradio's login page calls
`login`), on loopback without accounts (one person at this computer, who may do everything),
or beyond loopback without accounts only when told `open_access` — then everyone is an
anonymous reader who can ask but change nothing. Sessions expire `SESSION_HOURS` after the
login. Quotas bound what one caller can make the server do per hour.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path

from qa.access import audit
from qa.access.accounts import ACCOUNTS_FILE, TOKEN_PREFIX, Accounts
from qa.access.roles import Caller, require
from qa.errors import AccessDenied

SESSION_HOURS = 12.0
UPLOADS_PER_HOUR = 20
UPLOAD_BYTES_PER_HOUR = 100 * 1024 * 1024
FEEDBACK_PER_HOUR = 120
MAX_SESSIONS = 100_000  # session owners remembered
LOCAL = Caller("local", "admin")
ANONYMOUS = Caller("anonymous", "reader")


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost: only this computer can connect."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Quota:
    """At most `limit` units per caller in any `window_s` seconds."""

    def __init__(self, limit: int, window_s: float = 3600.0) -> None:
        self.limit, self.window_s = limit, window_s
        self._spent: dict[str, deque[tuple[float, int]]] = defaultdict(deque)
        self._lock = threading.Lock()

    def take(self, key: str, amount: int = 1, what: str = "requests") -> None:
        now = time.monotonic()
        with self._lock:
            spent = self._spent[key]
            while spent and now - spent[0][0] > self.window_s:
                spent.popleft()
            if sum(a for _, a in spent) + amount > self.limit:
                raise AccessDenied(f"Too many {what} from {key} in the last hour; try later.")
            spent.append((now, amount))


@dataclass
class Gate:
    accounts: Accounts | None  # None: no accounts, everyone is LOCAL or ANONYMOUS
    anonymous: Caller = LOCAL
    audit_path: Path | None = None
    uploads: Quota = field(default_factory=lambda: Quota(UPLOADS_PER_HOUR))
    upload_bytes: Quota = field(default_factory=lambda: Quota(UPLOAD_BYTES_PER_HOUR))
    feedback: Quota = field(default_factory=lambda: Quota(FEEDBACK_PER_HOUR))
    _logins: dict[str, float] = field(default_factory=dict)
    _tokens: dict[str, set[str]] = field(default_factory=dict)  # tokens used to log in
    _owners: dict[str, str] = field(default_factory=dict)

    @classmethod
    def for_app(cls, index_dir: Path, host: str, open_access: bool = False) -> Gate:
        """The gate for an app served on `host`; refuses a non-loopback host without accounts
        unless `open_access` (then callers are anonymous readers)."""
        accounts = Accounts(index_dir / ACCOUNTS_FILE)
        audit_path = index_dir / audit.AUDIT_FILE
        if accounts.exists():
            return cls(accounts, audit_path=audit_path)
        if is_loopback(host):
            return cls(None, LOCAL, audit_path)
        if open_access:
            return cls(None, ANONYMOUS, audit_path)
        raise AccessDenied(
            f"Serving on {host} without accounts would let anyone on the network use the "
            f"app. Add an account first (qa user add NAME --role admin), or pass "
            f"--open-access to serve everyone as an anonymous reader.")

    @property
    def login_required(self) -> bool:
        return self.accounts is not None

    def login(self, name: str, secret: str) -> bool:
        """Gradio's `auth` callback: a password or an API token of that user."""
        if self.accounts is None or self.accounts.verify(name, secret) is None:
            return False
        self._logins[name] = time.time()
        if secret.startswith(TOKEN_PREFIX):  # revoking it ends the user's sessions (fail closed:
            self._tokens.setdefault(name, set()).add(secret)  # Gradio names no session's login)
        return True

    def caller(self, username: str | None) -> Caller:
        """Who sent the request (`gr.Request.username`), checked against the accounts now."""
        if self.accounts is None:
            return self.anonymous
        if not username:
            raise AccessDenied("Log in first.")
        logged_in = self._logins.get(username)
        if logged_in is None or time.time() - logged_in > SESSION_HOURS * 3600:
            raise AccessDenied("Your session has expired: reload the page and log in again.")
        tokens = self._tokens.get(username, set())
        if tokens and not all(self.accounts.token_valid(t) for t in tokens):
            del self._logins[username], self._tokens[username]
            raise AccessDenied("An API token of this account was revoked: log in again.")
        caller = self.accounts.caller(username)
        if caller is None:
            raise AccessDenied(f"The account {username!r} no longer exists.")
        return caller

    def claim(self, session: str | None, caller: Caller) -> None:
        """The first caller to use a browser session owns it (its conversation, its votes);
        anyone else who sends that session's id is refused."""
        if not session:
            return
        owner = self._owners.setdefault(session, caller.name)
        if owner != caller.name:
            raise AccessDenied("This conversation belongs to another user.")
        if len(self._owners) > MAX_SESSIONS:  # forget the oldest claims (dicts keep order)
            for old in list(self._owners)[:len(self._owners) - MAX_SESSIONS]:
                del self._owners[old]

    def check(self, caller: Caller, action: str) -> None:
        require(caller, action)

    def audit(self, caller: Caller, action: str, target: str, outcome: str) -> None:
        if self.audit_path is not None:
            audit.record(self.audit_path, caller.name, action, target, outcome)
