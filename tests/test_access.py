"""Accounts, tokens, roles, quotas and the gate, without a server (tests/test_security.py
drives a real app over HTTP)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from qa.access import Accounts, Caller, Gate, audit, is_loopback, require
from qa.access.gate import ANONYMOUS, LOCAL, Quota
from qa.errors import AccessDenied, InputError

PASSWORD = "correct horse battery"


@pytest.fixture
def accounts(tmp_path: Path) -> Accounts:
    accounts = Accounts(tmp_path / "accounts.json")
    accounts.add("ana", PASSWORD, "editor")
    accounts.add("rui", PASSWORD + "!", "reader")
    return accounts


def test_passwords_are_stored_hashed_in_a_private_file(accounts: Accounts) -> None:
    text = accounts.path.read_text()
    assert PASSWORD not in text and "$argon2id$" in text
    assert stat.S_IMODE(accounts.path.stat().st_mode) == 0o600
    assert accounts.verify("ana", PASSWORD) == Caller("ana", "editor", frozenset({"main"}))
    assert accounts.verify("ana", PASSWORD + "!") is None
    assert accounts.verify("nobody", PASSWORD) is None


def test_a_token_is_a_password_that_can_be_revoked_alone(accounts: Accounts) -> None:
    token_id, token = accounts.create_token("ana", "nightly script")
    assert token not in accounts.path.read_text()
    assert accounts.verify("ana", token) == Caller("ana", "editor", frozenset({"main"}))
    assert accounts.verify("rui", token) is None  # another user's token proves nothing
    accounts.revoke_token(token_id)
    assert accounts.verify("ana", token) is None
    assert accounts.verify("ana", PASSWORD) is not None


def test_removing_a_user_removes_their_tokens(accounts: Accounts) -> None:
    _, token = accounts.create_token("rui")
    accounts.remove("rui")
    assert accounts.verify("rui", token) is None and accounts.tokens() == []
    assert accounts.users() == [("ana", "editor", "main")]


@pytest.mark.parametrize(("name", "password", "role", "message"), [
    ("Ana Maria", PASSWORD, "reader", "User names"),
    ("bo", "short", "reader", "at least 10"),
    ("bo", PASSWORD, "owner", "Unknown role"),
    ("ana", PASSWORD, "reader", "exists already"),
])
def test_bad_accounts_are_refused_with_a_reason(accounts: Accounts, name: str, password: str,
                                                role: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        accounts.add(name, password, role)


def test_roles_allow_what_they_say() -> None:
    reader, editor, admin = Caller("r", "reader"), Caller("e", "editor"), Caller("a", "admin")
    assert reader.may("ask") and reader.may("feedback") and not reader.may("add")
    assert editor.may("remove") and not editor.may("admin") and admin.may("admin")
    with pytest.raises(AccessDenied, match="takes an editor account"):
        require(reader, "remove")
    assert not Caller("x", "").may("ask")  # an unknown role may do nothing


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.0.0.2", True), ("localhost", True), ("::1", True),
    ("0.0.0.0", False), ("192.168.1.4", False), ("example.org", False)])
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_beyond_loopback_needs_accounts_or_open_access(tmp_path: Path) -> None:
    with pytest.raises(AccessDenied, match="qa user add"):
        Gate.for_app(tmp_path, "0.0.0.0")
    assert Gate.for_app(tmp_path, "0.0.0.0", open_access=True).caller(None) == ANONYMOUS
    assert Gate.for_app(tmp_path, "127.0.0.1").caller(None) == LOCAL


def test_with_accounts_the_gate_asks_for_a_live_login(tmp_path: Path) -> None:
    Accounts(tmp_path / "accounts.json").add("ana", PASSWORD, "editor")
    gate = Gate.for_app(tmp_path, "127.0.0.1")  # accounts apply on loopback too
    assert gate.login_required
    with pytest.raises(AccessDenied, match="Log in"):
        gate.caller(None)
    with pytest.raises(AccessDenied, match="expired"):
        gate.caller("ana")  # a cookie from before a restart: no login known
    assert not gate.login("ana", "wrong password")
    assert gate.login("ana", PASSWORD)
    assert gate.caller("ana") == Caller("ana", "editor", frozenset({"main"}))
    Accounts(tmp_path / "accounts.json").remove("ana")
    with pytest.raises(AccessDenied, match="no longer exists"):
        gate.caller("ana")  # withdrawn at the next request, not the next login


def test_libraries_granted_and_a_revoked_token_hold_from_the_next_request(
        tmp_path: Path) -> None:
    accounts = Accounts(tmp_path / "accounts.json")
    accounts.add("ana", PASSWORD, "reader", ["main", "finance"])
    accounts.add("ada", PASSWORD, "admin")
    gate = Gate.for_app(tmp_path, "127.0.0.1")
    token_id, token = accounts.create_token("ana")
    assert gate.login("ana", token)
    assert gate.caller("ana").libraries == {"main", "finance"}
    assert gate.login("ada", PASSWORD) and gate.caller("ada").libraries is None  # every one
    accounts.set_libraries("ana", ["finance"])
    assert gate.caller("ana").libraries == {"finance"}
    assert gate.login("ana", PASSWORD)  # a password login does not excuse the token
    accounts.revoke_token(token_id)
    with pytest.raises(AccessDenied, match="revoked"):
        gate.caller("ana")
    with pytest.raises(AccessDenied, match="expired"):
        gate.caller("ana")  # and stays out until a new login
    assert gate.login("ana", PASSWORD) and gate.caller("ana").name == "ana"
    with pytest.raises(InputError, match="Library names"):
        accounts.set_libraries("ana", ["Finance Team"])
    accounts.set_libraries("ana", ["*"])
    assert gate.caller("ana").libraries is None
    assert accounts.users()[1] == ("ana", "reader", "*")


def test_a_session_belongs_to_its_first_caller(tmp_path: Path) -> None:
    gate = Gate(None)
    gate.claim("s1", Caller("ana", "reader"))
    gate.claim("s1", Caller("ana", "reader"))
    with pytest.raises(AccessDenied, match="another user"):
        gate.claim("s1", Caller("rui", "reader"))


def test_a_quota_refuses_past_its_limit_and_counts_amounts() -> None:
    quota = Quota(3)
    quota.take("ana", 2)
    quota.take("ana")
    with pytest.raises(AccessDenied, match="Too many uploads"):
        quota.take("ana", what="uploads")
    quota.take("rui", 3)  # each caller has their own


def test_the_audit_log_only_grows(tmp_path: Path) -> None:
    path = tmp_path / "audit.log"
    audit.record(path, "ana", "add", "notes.md", "added")
    audit.record(path, "rui", "remove", "notes.md", "refused: rui may not remove here")
    lines = audit.read(path)
    assert [(x["user"], x["action"]) for x in lines] == [("ana", "add"), ("rui", "remove")]
    assert all(x["at"] for x in lines)
