"""`workbench audit verify | show | anchor`: the audit trail."""

from __future__ import annotations

import argparse
from datetime import datetime, time, timedelta

from workbench.commands import Subparsers, add_db_option, parse_day, reading
from workbench.errors import WorkbenchError
from workbench.jsonutil import dumps


def register(sub: Subparsers) -> None:
    top = sub.add_parser("audit", help="the audit trail: verify its hash chain, show entries, anchor its head")
    acts = top.add_subparsers(dest="audit_action", metavar="ACTION")
    v = acts.add_parser("verify", help="prove the hash chain; an edited, deleted or inserted entry is named")
    add_db_option(v)
    v.add_argument("--anchor", metavar="FILE", help="a head kept outside the database (`audit anchor`)")
    v.set_defaults(handler=run_verify)
    s = acts.add_parser("show", help="entries by object, user and period")
    add_db_option(s)
    s.add_argument("--object", metavar="TYPE[:KEY]", help="case:CASE-2026-0001, lot:ITEM/LOT, scar:CODE, plant")
    s.add_argument("--user", metavar="LOGIN")
    s.add_argument("--since", metavar="YYYY-MM-DD")
    s.add_argument("--until", metavar="YYYY-MM-DD", help="up to and including this day")
    s.add_argument("--limit", type=int, metavar="N")
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=run_show)
    a = acts.add_parser("anchor", help="write the chain's head (id and hash) to a file kept elsewhere")
    add_db_option(a)
    a.add_argument("file", metavar="FILE")
    a.add_argument("--force", action="store_true", help="write over a file that is not a previous anchor")
    a.set_defaults(handler=run_anchor)


def run_verify(args: argparse.Namespace) -> int:
    from workbench.actions import audit

    with reading(args) as plant:
        v = audit.verify(plant, args.anchor)
    if v.ok:
        print(f"The audit trail verifies: {v.entries} entries, chain head #{v.head_id} {v.head_hash}.")
        return 0
    for p in v.problems:
        print(f"  {p}")
    raise WorkbenchError(f"the audit trail does not verify: {len(v.problems)} problem(s) in {v.entries} entries.")


def run_show(args: argparse.Namespace) -> int:
    from workbench.actions import audit

    kind = key = None
    if args.object:
        kind, _, key = args.object.partition(":")
        key = key or None
    since, until = parse_day(args.since, "--since date"), parse_day(args.until, "--until date")
    with reading(args) as plant:
        found = audit.show(plant, kind, key, args.user,
                           datetime.combine(since, time()) if since else None,
                           datetime.combine(until + timedelta(days=1), time()) if until else None, args.limit)
    if args.json:
        print(dumps([e.to_json() for e in found], indent=2))
        return 0
    for e in found:
        who = e.actor + (f"/{e.db_role}" if e.db_role else "")
        change = ""
        if e.after is not None:
            change = dumps(e.after)
            change = change if len(change) <= 90 else change[:89] + "…"
        print(f"#{e.id:<6} {e.at:%Y-%m-%d %H:%M:%S} {who:<20} {e.action:<26} {e.object:<32} {change}")
    if not found:
        print("No audit entries match.")
    return 0


def run_anchor(args: argparse.Namespace) -> int:
    from workbench.actions import audit

    with reading(args) as plant:
        head = audit.write_anchor(plant, args.file, args.force)
    print(f"{args.file}: entry #{head[0]} {head[1]} (keep it outside the database; "
          f"`workbench audit verify --anchor {args.file}` checks it)")
    return 0
