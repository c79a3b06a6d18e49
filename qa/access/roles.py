"""Who may do what: three roles, the actions each allows, and the caller of a request.

    reader   ask questions, rate answers, in the libraries granted to them
    editor   a reader who also adds, replaces and removes documents in those libraries
    admin    an editor of every library who also manages accounts (`qa user`, `qa token`)

`require(caller, action)` is called by every handler that changes state, on the server, so a
raw HTTP client gets no more than the page would give the same user. This module knows no
passwords (`qa.access.accounts`) and no Gradio (`qa.access.gate`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from qa.errors import AccessDenied

ROLES = ("reader", "editor", "admin")
ACTIONS = {
    "ask": "reader",
    "feedback": "reader",
    "add": "editor",
    "remove": "editor",
    "admin": "admin",
}


@dataclass(frozen=True)
class Caller:
    """The user behind a request: an account's name and role, "local" (the one person at
    this computer, when the app serves loopback only) or "anonymous". `libraries` are the
    libraries they may read (and, as an editor, change); None means every library."""

    name: str
    role: str
    libraries: frozenset[str] | None = None

    def reads(self, library: str) -> bool:
        return self.libraries is None or library in self.libraries

    def writes(self, library: str) -> bool:
        return self.may("add") and self.reads(library)

    def readable(self, libraries: Iterable[str]) -> list[str]:
        """The libraries of `libraries` this caller may read, in their order."""
        return [name for name in libraries if self.reads(name)]

    def may(self, action: str) -> bool:
        needed = ACTIONS[action]
        return self.role in ROLES and ROLES.index(self.role) >= ROLES.index(needed)


def require(caller: Caller, action: str) -> None:
    """Raise AccessDenied unless the caller's role allows the action."""
    if not caller.may(action):
        article = "an" if ACTIONS[action][0] in "ae" else "a"
        raise AccessDenied(f"{caller.name} may not {action} here: that takes {article} "
                           f"{ACTIONS[action]} account.")
