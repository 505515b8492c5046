"""Options and the password prompt shared by the commands that sign (case close, scar close)."""

from __future__ import annotations

import argparse
import getpass
import sys

from workbench.plant import Plant


def add_sign_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", required=True, metavar="FULL NAME", help="the signer's full name")
    parser.add_argument("--meaning", required=True, metavar="MEANING",
                        help="what the signature means: reviewed, approved, verified…")
    parser.add_argument("--password-stdin", action="store_true",
                        help="read the database password for re-authentication from standard input")


def password_for(plant: Plant, args: argparse.Namespace) -> str | None:
    """The signer's database password: from stdin, or asked at the terminal (PostgreSQL only;
    a server that trusts the connection needs none and the signature says so)."""
    if plant.dialect != "postgresql":
        return None
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if sys.stdin.isatty():
        return getpass.getpass("Database password (to sign; empty if the server trusts you): ") or None
    return None
