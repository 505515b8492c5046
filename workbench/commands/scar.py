"""`workbench scar …`: issue a SCAR (``workbench scar LOT --out FILE.pdf``, as before, or
``scar issue LOT``) and follow it to closure: list, show, answer, due, verify, close, and
the return causes that decide what counts against a vendor."""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.commands import Subparsers, add_db_option, parse_day, reading
from workbench.commands.signing import add_sign_options, password_for
from workbench.errors import WorkbenchError
from workbench.interchange.epcisload.lookup import find_lot_named
from workbench.jsonutil import dumps
from workbench.outfile import check_file, written
from workbench.supplier.followup import ScarFollowUp

#: ``workbench scar WORD``: these words are actions; anything else is a lot to issue a SCAR for.
ACTIONS = ("issue", "list", "show", "answer", "due", "verify", "close", "cause", "file")


def route(argv: list[str]) -> list[str]:
    """``workbench scar LOT …`` (the first form) means ``workbench scar issue LOT …``."""
    if len(argv) >= 2 and argv[0] == "scar" and argv[1] not in (*ACTIONS, "-h", "--help"):
        return ["scar", "issue", *argv[1:]]
    return argv


def register(sub: Subparsers) -> None:
    top = sub.add_parser("scar", help="supplier corrective actions (8D): issue, answers D4-D8, due, verify, close",
                         description="Issue a SCAR for a purchased lot (`workbench scar LOT --out FILE.pdf`) and "
                         "follow it to closure.")
    acts = top.add_subparsers(dest="scar_action", metavar="ACTION")

    s = acts.add_parser("issue", help="record a SCAR to the vendor of a purchased lot and write its 8D PDF")
    add_db_option(s)
    s.add_argument("lot", metavar="LOT", help="our lot code (or GS1 barcode) of the purchased lot")
    s.add_argument("--item", help="item code, where the lot code exists on several items")
    s.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write the PDF")
    s.add_argument("--force", action="store_true", help="write over an existing PDF")
    s.add_argument("--problem", metavar="TEXT", help="the defect found (default: the return reasons traced to it)")
    s.add_argument("--due", metavar="YYYY-MM-DD", help="vendor's response due date (default: 14 days)")
    s.add_argument("--case", metavar="CODE", help="the case the SCAR belongs to")
    s.set_defaults(handler=run_issue)

    ls = acts.add_parser("list", help="SCARs with their stage and what is overdue")
    add_db_option(ls)
    ls.add_argument("--vendor", metavar="CODE")
    ls.add_argument("--open", action="store_true", help="only those not closed")
    ls.add_argument("--overdue", action="store_true", help="only those overdue (answer or verification)")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=run_list)

    sh = acts.add_parser("show", help="one SCAR: the vendor's answers, files, verification, closure")
    add_db_option(sh)
    sh.add_argument("code", metavar="SCAR")
    sh.add_argument("--json", action="store_true")
    sh.set_defaults(handler=run_show)

    a = acts.add_parser("answer", help="record the vendor's answers D4-D8 (text and files)")
    add_db_option(a)
    a.add_argument("code", metavar="SCAR")
    for d in ("d4", "d5", "d6", "d7", "d8"):
        a.add_argument(f"--{d}", metavar="TEXT")
    a.add_argument("--file", action="append", default=[], metavar="FILE", help="a file the vendor sent (repeat)")
    a.add_argument("--answered", metavar="YYYY-MM-DD", help="when the vendor answered (default: now)")
    a.add_argument("--verify-by", metavar="YYYY-MM-DD", help="when effectiveness is to be verified")
    a.add_argument("--version", type=int, help="the version you read (refused if changed since)")
    a.set_defaults(handler=run_answer)

    du = acts.add_parser("due", help="move the response (or verification) due date")
    add_db_option(du)
    du.add_argument("code", metavar="SCAR")
    du.add_argument("date", metavar="YYYY-MM-DD")
    du.add_argument("--why", required=True)
    du.add_argument("--verification", action="store_true", help="move the verification date instead")
    du.set_defaults(handler=run_due)

    v = acts.add_parser("verify", help="record the verification of effectiveness")
    add_db_option(v)
    v.add_argument("code", metavar="SCAR")
    group = v.add_mutually_exclusive_group(required=True)
    group.add_argument("--effective", action="store_true")
    group.add_argument("--not-effective", action="store_true")
    v.add_argument("--evidence", required=True, metavar="TEXT")
    v.add_argument("--version", type=int)
    v.set_defaults(handler=run_verify)

    c = acts.add_parser("close", help="close the SCAR with an electronic signature")
    add_db_option(c)
    c.add_argument("code", metavar="SCAR")
    cause = c.add_mutually_exclusive_group(required=True)
    cause.add_argument("--vendor-cause", action="store_true", help="the root cause was the vendor's")
    cause.add_argument("--not-vendor-cause", action="store_true",
                       help="the root cause was not the vendor's: it no longer counts against it")
    c.add_argument("--version", type=int)
    add_sign_options(c)
    c.set_defaults(handler=run_close)

    rc = acts.add_parser("cause", help="set what caused a customer return (does it count against the vendor?)")
    add_db_option(rc)
    rc.add_argument("rma", metavar="RMA")
    rc.add_argument("cause", metavar="CAUSE",
                    help="material (the vendor's), transit, picking, process, logistics, customer, unknown")
    rc.add_argument("--lot", metavar="ITEM/LOT", help="only this returned lot of the RMA")
    rc.add_argument("--note")
    rc.set_defaults(handler=run_cause)

    f = acts.add_parser("file", help="write a file the vendor sent back out")
    add_db_option(f)
    f.add_argument("id", type=int, metavar="ID")
    f.add_argument("--out", required=True, metavar="PATH", help="the file to write, or a folder to write it into "
                   "under its own name")
    f.add_argument("--force", action="store_true", help="write over an existing file")
    f.set_defaults(handler=run_file)


def run_issue(args: argparse.Namespace) -> int:
    from workbench.actions.scar import ProblemMissing, issue_scar, scar_path

    out = scar_path(args.out, args.force)
    due = parse_day(args.due, "--due date")
    with reading(args) as plant:
        with plant.Session() as session:
            lot = find_lot_named(session, args.lot, args.item)
        try:
            done = issue_scar(plant, lot, args.problem, due, out, case=args.case, force=args.force)
        except ProblemMissing:
            raise WorkbenchError("Describe the defect with --problem TEXT "
                                 "(no customer return is traced to this lot).") from None
    f = done.facts
    print(f"{done.code} issued to {f.vendor.display} for {f.lot.label} (vendor lot {f.vendor_lot or '-'}), "
          f"response due {done.due_at:%Y-%m-%d}: {done.path}")
    if done.warning:
        print(f"warning: {done.warning}")
    return 0


def _line(f: ScarFollowUp) -> str:
    r = f.record
    late = f.overdue()
    due = f"due {r.due_at:%Y-%m-%d}" if r.due_at else ""
    return (f"{r.code:<15} {r.vendor:<12} {r.lot.label:<26} {f.stage:<16} {due:<15}"
            + (f" OVERDUE: {late}" if late else "") + (f"  repeats {f.repeats}" if f.repeats else ""))


def run_list(args: argparse.Namespace) -> int:
    from workbench.actions.scar_followup import list_scars

    with reading(args) as plant:
        found = list_scars(plant, args.vendor, args.open, args.overdue)
    if args.json:
        print(dumps([f.to_json() for f in found], indent=2))
        return 0
    if not found:
        print("No SCARs.")
    for f in found:
        print(_line(f))
    return 0


def print_follow_up(f: ScarFollowUp) -> None:
    from workbench.supplier.followup import DISCIPLINES

    r = f.record
    print(f"{r.code}: {r.vendor} · {r.lot.label} · issued {r.issued_at:%Y-%m-%d} · stage {f.stage} · version {f.version}")
    if f.overdue():
        print(f"  OVERDUE: {f.overdue()}")
    if f.repeats:
        print(f"  repeats {f.repeats} (the first SCAR on this lot)")
    if f.case:
        print(f"  case {f.case}")
    print(f"  problem: {r.problem}")
    for d, title in DISCIPLINES.items():
        print(f"  {title}: {f.answers.get(d) or '(no answer)'}")
    for fid, name, size, sha in f.files:
        print(f"  file {fid}: {name} ({size:,} bytes) sha256 {sha}")
    if f.verified_at:
        print(f"  verified {f.verified_at:%Y-%m-%d} by {f.verified_by}: "
              f"{'effective' if f.effective else 'NOT effective'}: {f.verification}")
    if f.closed_at:
        print(f"  closed {f.closed_at:%Y-%m-%d} by {f.closed_by}; root cause "
              + ("the vendor's" if f.vendor_cause else "not the vendor's (not counted against it)"))
    for s in f.signatures:
        print(f"  signed: {s}")


def run_show(args: argparse.Namespace) -> int:
    from workbench.actions.scar_followup import show_scar

    with reading(args) as plant:
        f = show_scar(plant, args.code)
    if args.json:
        print(dumps(f.to_json(), indent=2))
    else:
        print_follow_up(f)
    return 0


def run_answer(args: argparse.Namespace) -> int:
    from workbench.actions.scar_followup import record_answer

    answers = {d: getattr(args, d) for d in ("d4", "d5", "d6", "d7", "d8") if getattr(args, d) is not None}
    with reading(args) as plant:
        f, _ = record_answer(plant, args.code, answers, args.file, parse_day(args.answered, "--answered date"),
                             parse_day(args.verify_by, "--verify-by date"), args.version)
    print(f"{f.code}: answer recorded ({', '.join(d.upper() for d, t in f.answers.items() if t) or 'files only'}); "
          f"stage {f.stage}.")
    return 0


def run_due(args: argparse.Namespace) -> int:
    from workbench.actions.scar_followup import set_due

    due = parse_day(args.date, "due date")
    assert due is not None
    with reading(args) as plant:
        f, _ = set_due(plant, args.code, due, args.why, args.verification)
    print(f"{f.code}: {'verification' if args.verification else 'response'} due {due:%Y-%m-%d}.")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    from workbench.actions.scar_followup import verify

    with reading(args) as plant:
        f, _ = verify(plant, args.code, bool(args.effective), args.evidence, args.version)
    print(f"{f.code}: " + ("verified effective." if f.effective else "not effective: back to the vendor for a new "
                                                                     "answer."))
    return 0


def run_close(args: argparse.Namespace) -> int:
    from workbench.actions.scar_followup import close

    with reading(args) as plant:
        f, _, proof = close(plant, args.code, bool(args.vendor_cause), args.name, args.meaning,
                            password_for(plant, args), args.version)
    print(f"{f.code} closed, signed by {args.name} ({args.meaning}); {proof}.")
    return 0


def run_cause(args: argparse.Namespace) -> int:
    from workbench.actions.scar_followup import set_return_cause

    with reading(args) as plant:
        n, _ = set_return_cause(plant, args.rma, args.cause, args.note, args.lot)
    print(f"{args.rma}: cause {args.cause} set on {n} line(s).")
    return 0


def run_file(args: argparse.Namespace) -> int:
    from workbench.actions.scar_followup import scar_file

    with reading(args) as plant:
        name, data, sha = scar_file(plant, args.id)
    out = Path(args.out) / name if Path(args.out).is_dir() else Path(args.out)
    out = check_file(out, "the vendor's file", name, args.force)
    with written(out, args.force) as work:
        work.write_bytes(data)
    print(f"{out} ({len(data):,} bytes, sha256 {sha})")
    return 0
