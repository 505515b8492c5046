"""`workbench db upgrade|status`: the schema, handled only when asked."""

from __future__ import annotations

import argparse

from workbench.commands import Subparsers, add_db_option, disposing
from workbench.config import resolve_url
from workbench.plant.session import head_revision, make_engine, redact, schema_state, upgrade_plant


def register(sub: Subparsers) -> None:
    parser = sub.add_parser("db", help="show or upgrade the database schema")
    actions = parser.add_subparsers(dest="db_action", metavar="ACTION", required=True)
    up = actions.add_parser("upgrade", help="create or upgrade the schema to this version")
    add_db_option(up)
    up.set_defaults(handler=_upgrade)
    status = actions.add_parser("status", help="say whether the schema is current")
    add_db_option(status)
    status.set_defaults(handler=_status)
    roles = actions.add_parser("roles", help="PostgreSQL: create and grant a read-only and a writing role")
    add_db_option(roles)
    roles.add_argument("--reader", default="workbench_reader", metavar="ROLE")
    roles.add_argument("--writer", default="workbench_writer", metavar="ROLE")
    roles.set_defaults(handler=_roles)


def _roles(args: argparse.Namespace) -> int:
    from workbench.plant import open_plant
    from workbench.plant.roles import grant_roles

    with disposing(open_plant(resolve_url(args.db))) as plant, plant.Session.begin() as session:
        for line in grant_roles(session, args.reader, args.writer):
            print(line)
    return 0


def _upgrade(args: argparse.Namespace) -> int:
    print(upgrade_plant(resolve_url(args.db)))
    return 0


def _status(args: argparse.Namespace) -> int:
    url = resolve_url(args.db)
    engine = make_engine(url, readonly=True)
    try:
        state = schema_state(engine)
    finally:
        engine.dispose()
    print(f"{redact(url)}: schema {state} (this program: {head_revision()})")
    return 0 if state == "current" else 1
