"""`qa user add|remove|list|passwd` and `qa token create|list|revoke`: accounts from the shell.

Passwords are read from the terminal (twice) or, with --password-stdin, from one line of
standard input; they never appear in arguments, logs or the shell's history. A token is
printed once, when created.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from qa.access.accounts import ACCOUNTS_FILE, Accounts
from qa.access.roles import ROLES
from qa.errors import InputError


def register(commands: Any, common: argparse.ArgumentParser, parser_class: type) -> None:
    """Add the `user` and `token` commands to the CLI's subparsers."""
    user = commands.add_parser("user", parents=[common], help="accounts (see README: "
                               "Running it for a team)")
    user_commands = user.add_subparsers(dest="user_command", required=True,
                                        parser_class=parser_class)
    add = user_commands.add_parser("add", parents=[common], help="add an account")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, default="reader")
    add.add_argument("--library", action="append", dest="libraries", metavar="NAME",
                     help="a library the user may read (an editor also changes it); repeat "
                          "for more; * for every library (default: main; admins: all)")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from one line of standard input")
    remove = user_commands.add_parser("remove", parents=[common],
                                      help="remove an account and its tokens")
    remove.add_argument("name")
    user_commands.add_parser("list", parents=[common], help="list the accounts")
    grant = user_commands.add_parser("libraries", parents=[common],
                                     help="set the libraries a user may read (from the "
                                          "user's next request)")
    grant.add_argument("name")
    grant.add_argument("libraries", nargs="+", metavar="LIBRARY", help="names, or *")
    passwd = user_commands.add_parser("passwd", parents=[common], help="change a password")
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true")

    token = commands.add_parser("token", parents=[common],
                                help="API tokens: a user's password for scripts")
    token_commands = token.add_subparsers(dest="token_command", required=True,
                                          parser_class=parser_class)
    create = token_commands.add_parser("create", parents=[common], help="create a token")
    create.add_argument("name", help="the user the token acts as")
    create.add_argument("--label", default="", help="what it is for")
    token_commands.add_parser("list", parents=[common], help="list tokens (ids, not secrets)")
    revoke = token_commands.add_parser("revoke", parents=[common], help="revoke a token")
    revoke.add_argument("id", help="the token's id (qa token list)")


def run(index_dir: Path, args: argparse.Namespace) -> int:
    accounts = Accounts(index_dir / ACCOUNTS_FILE)
    if args.command == "user":
        return _user(accounts, args)
    return _token(accounts, args)


def _user(accounts: Accounts, args: argparse.Namespace) -> int:
    if args.user_command == "add":
        accounts.add(args.name, _password(args.password_stdin), args.role, args.libraries)
        print(f"Added {args.name} ({args.role}) to {accounts.path}.")
    elif args.user_command == "libraries":
        accounts.set_libraries(args.name, args.libraries)
        print(f"{args.name} may now read: {', '.join(sorted(set(args.libraries)))}.")
    elif args.user_command == "remove":
        accounts.remove(args.name)
        print(f"Removed {args.name} and its tokens.")
    elif args.user_command == "passwd":
        accounts.set_password(args.name, _password(args.password_stdin))
        print(f"Changed the password of {args.name}.")
    else:
        users = accounts.users()
        for name, role, libraries in users:
            print(f"{name}\t{role}\t{libraries if role != 'admin' else '*'}")
        if not users:
            print("No accounts: the app serves loopback only (qa user add NAME --role admin).")
    return 0


def _token(accounts: Accounts, args: argparse.Namespace) -> int:
    if args.token_command == "create":
        token_id, token = accounts.create_token(args.name, args.label)
        print(f"Token {token_id} for {args.name} (shown once; use it as the password):")
        print(token)
    elif args.token_command == "revoke":
        accounts.revoke_token(args.id)
        print(f"Revoked token {args.id}.")
    else:
        for token in accounts.tokens():
            print(f"{token['id']}\t{token['user']}\t{token['created']}\t{token['label']}")
    return 0


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise InputError("The two passwords differ.")
    return first
