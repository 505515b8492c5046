"""`workbench case …`: investigations from first suspicion to closure, and mock recalls."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from workbench.cases.records import CaseDetail, CaseSummary, MockRecall
from workbench.commands import Subparsers, add_db_option, reading
from workbench.commands.signing import add_sign_options, password_for
from workbench.errors import WorkbenchError
from workbench.format import quantity
from workbench.jsonutil import dumps
from workbench.plant.audit import Entry


def _p(acts: Subparsers, name: str, help_text: str, handler: Callable[[argparse.Namespace], int],
       code: bool = True) -> argparse.ArgumentParser:
    p = acts.add_parser(name, help=help_text, description=help_text[0].upper() + help_text[1:] + ".")
    add_db_option(p)
    if code:
        p.add_argument("code", metavar="CASE", help="the case code (CASE-YYYY-NNNN or MOCK-YYYY-NNNN)")
    p.set_defaults(handler=handler)
    return p


def register(sub: Subparsers) -> None:
    top = sub.add_parser("case", help="investigations: suspect lots, notes, holds, packages, SCARs, signature",
                         description="Cases: an investigation (or a mock recall) worked for days, with its "
                         "record, status and signature.")
    acts = top.add_subparsers(dest="case_action", metavar="ACTION")

    ls = _p(acts, "list", "list cases, newest first", run_list, code=False)
    ls.add_argument("--status", default="active", help="active (default), all, or a status")
    ls.add_argument("--kind", choices=("investigation", "mock_recall"))
    ls.add_argument("--lot", metavar="ITEM/LOT", help="cases holding this lot")
    ls.add_argument("--json", action="store_true")

    o = _p(acts, "open", "open a case", run_open, code=False)
    o.add_argument("title", metavar="TITLE")
    o.add_argument("--lot", action="append", default=[], metavar="ITEM/LOT", help="a suspect lot (repeat)")
    o.add_argument("--origin", default="lot", choices=("lot", "complaint", "return", "supplier_notice"))
    o.add_argument("--ref", metavar="TEXT", help="the complaint, RMA or supplier notice it starts from")
    o.add_argument("--problem", metavar="TEXT", help="the problem statement")
    o.add_argument("--returns-reason", metavar="TEXT",
                   help="add as suspects every lot returned with a reason containing TEXT")

    sh = _p(acts, "show", "a case: lots, record, files, signatures", run_show)
    sh.add_argument("--json", action="store_true")
    sh.add_argument("--history", action="store_true", help="also its audit entries")

    for kind in ("note", "hypothesis", "decision"):
        p = _p(acts, kind, f"add a {kind} to the case's record", run_entry)
        p.add_argument("text", metavar="TEXT")
        p.set_defaults(kind=kind)

    lots = _p(acts, "lots", "add (or remove) suspect lots", run_lots)
    lots.add_argument("lots", nargs="+", metavar="ITEM/LOT")
    lots.add_argument("--why", metavar="TEXT")
    lots.add_argument("--remove", action="store_true")

    st = _p(acts, "status", "move the case: open, containment, root cause found, corrective action", run_status)
    st.add_argument("status", metavar="STATUS")
    st.add_argument("--version", type=int, help="the version you read (refused if changed since)")
    st.add_argument("--why", metavar="TEXT")

    at = _p(acts, "attach", "keep files with the case (bytes and SHA-256)", run_attach)
    at.add_argument("files", nargs="+", metavar="FILE")
    at.add_argument("--note", metavar="TEXT")

    h = _p(acts, "hold", "record lots put on hold (or released) with their stock on hand", run_hold)
    h.add_argument("lots", nargs="*", metavar="ITEM/LOT", help="default: the recall's hold list of the case")
    h.add_argument("--release", action="store_true")
    h.add_argument("--note", metavar="TEXT")

    r = _p(acts, "recall", "write the recall package of the case's lots and record it", run_recall)
    r.add_argument("--out", required=True, metavar="DIR")
    r.add_argument("--force", action="store_true")

    cm = _p(acts, "commonality", "rank what defective lots share and record the result", run_commonality)
    cm.add_argument("lots", nargs="*", metavar="ITEM/LOT")
    cm.add_argument("--returns-reason", metavar="TEXT")
    cm.add_argument("--top", type=int, default=5, metavar="N", help="factors kept in the record (default 5)")

    c = _p(acts, "close", "close the case with an electronic signature", run_close)
    c.add_argument("--version", type=int)
    c.add_argument("--why", metavar="TEXT")
    add_sign_options(c)

    ro = _p(acts, "reopen", "reopen a closed case", run_reopen)
    ro.add_argument("--why", required=True)
    ro.add_argument("--version", type=int)

    rp = _p(acts, "report", "the case summary PDF (a mock recall: its one-page report)", run_report)
    rp.add_argument("--out", required=True, metavar="FILE.pdf")
    rp.add_argument("--force", action="store_true", help="write over an existing PDF")

    ar = _p(acts, "archive", "the case as one zip for the auditor (PDF, audit entries, files, packages)",
            run_archive)
    ar.add_argument("--out", required=True, metavar="FILE.zip")
    ar.add_argument("--force", action="store_true", help="write over an existing zip")

    m = _p(acts, "mock", "run a mock recall: the clock starts, the lots are traced, %% found recorded",
           run_mock, code=False)
    m.add_argument("lots", nargs="+", metavar="ITEM/LOT")
    m.add_argument("--standard", default="BRCGS", choices=("BRCGS", "FSMA"))
    m.add_argument("--report", metavar="FILE.pdf", help="also write the one-page report")
    m.add_argument("--force", action="store_true", help="with --report: write over an existing PDF")

    mf = _p(acts, "found", "record the amount of a mock recall found so far (total)", run_found)
    mf.add_argument("amount", metavar="QUANTITY")
    mf.add_argument("--how", required=True, metavar="TEXT")

    ms = _p(acts, "stop", "stop a mock recall's clock short of 100 %%", run_stop)
    ms.add_argument("--why", required=True)

    _p(acts, "mocks", "every mock recall with its time and grades (the trend)", run_mocks, code=False)


def _print_summary(s: CaseSummary) -> None:
    print(f"{s.code:<15} {s.status_text:<18} v{s.version:<3} {s.opened_at:%Y-%m-%d} {s.opened_by:<12} "
          f"{s.lots:>3} lots  {s.title}")


def run_list(args: argparse.Namespace) -> int:
    from workbench.actions import cases

    with reading(args) as plant:
        lot = cases.parse_lots(plant, [args.lot])[0] if args.lot else None
        status = None if args.status == "all" else args.status
        found = cases.list_cases(plant, status, args.kind, lot)
    if args.json:
        print(dumps([s.to_json() for s in found], indent=2))
        return 0
    if not found:
        print("No cases." if status != "active" else "No active cases (--status all lists closed ones too).")
    for s in found:
        _print_summary(s)
    return 0


def run_open(args: argparse.Namespace) -> int:
    from workbench.actions import cases

    with reading(args) as plant:
        lots = cases.parse_lots(plant, args.lot)
        origin, ref = args.origin, args.ref
        if args.returns_reason:
            lots += [x for x in cases.lots_returned_for(plant, args.returns_reason) if x not in lots]
            if origin == "lot":
                origin, ref = "return", ref or f"returns: {args.returns_reason}"
        s, _ = cases.open_case(plant, args.title, origin, ref, args.problem, lots)
    print(f"{s.code} opened: {s.title} ({s.lots} suspect lots).")
    return 0


def _print_detail(d: CaseDetail, history: list[Entry] | None) -> None:
    s = d.summary
    print(f"{s.code}: {s.title}")
    print(f"  status {s.status_text}, version {s.version}; opened {s.opened_at:%Y-%m-%d %H:%M} by {s.opened_by}; "
          f"last change {s.updated_at:%Y-%m-%d %H:%M} by {s.updated_by}")
    print(f"  from {s.origin.replace('_', ' ')}" + (f": {s.origin_ref}" if s.origin_ref else ""))
    if d.problem:
        print(f"  problem: {d.problem}")
    if d.mock:
        m = d.mock
        took = m.elapsed()
        print(f"  mock recall ({m.standard}): {quantity(m.found or 0, m.unit or '')} of "
              f"{quantity(m.in_question or 0, m.unit or '')} found ({m.percent} %)"
              + (f" in {took}" if took is not None and m.stopped_at else ", clock running")
              + f"; BRCGS {m.grade('BRCGS')}, FSMA {m.grade('FSMA')}")
    print(f"Suspect lots ({len(d.lots)}):")
    for c in d.lots:
        print(f"  {c.lot.label:<28} {c.role:<8} {c.why or ''}")
    if d.scars:
        print(f"SCARs: {', '.join(d.scars)}")
    print(f"Record ({len(d.entries)}):")
    for e in d.entries:
        lot = f"{e.lot.label}: " if e.lot else ""
        print(f"  {e.at:%Y-%m-%d %H:%M} {e.by:<12} {e.kind:<11} {lot}{e.text or ''}")
    for a in d.attachments:
        print(f"  file {a.name} ({a.size:,} bytes) sha256 {a.sha256}")
    for sig in d.signatures:
        print(f"  signed: {sig.line}")
    if history is not None:
        print(f"Audit entries ({len(history)}):")
        for entry in history:
            print(f"  #{entry.id:<6} {entry.at:%Y-%m-%d %H:%M:%S} {entry.actor:<12} {entry.action}")


def run_show(args: argparse.Namespace) -> int:
    from workbench.actions import audit, cases

    with reading(args) as plant:
        d = cases.show_case(plant, args.code)
        history = audit.history_of(plant, "case", d.code) if args.history or args.json else None
    if args.json:
        print(dumps({**d.to_json(), "audit": [e.to_json() for e in history or []]}, indent=2))
        return 0
    _print_detail(d, history)
    return 0


def run_entry(args: argparse.Namespace) -> int:
    from workbench.actions import cases

    with reading(args) as plant:
        e, _ = cases.add_entry(plant, args.code, args.kind, args.text)
    print(f"{args.code.upper()}: {e.kind} added.")
    return 0


def run_lots(args: argparse.Namespace) -> int:
    from workbench.actions import cases

    with reading(args) as plant:
        lots = cases.parse_lots(plant, args.lots)
        if args.remove:
            if not args.why:
                raise WorkbenchError("Say why the lots are removed (--why TEXT).")
            for lot in lots:
                cases.remove_lot(plant, args.code, lot, args.why)
            print(f"{args.code.upper()}: {len(lots)} lots removed.")
        else:
            added, _ = cases.add_lots(plant, args.code, lots, args.why)
            print(f"{args.code.upper()}: {len(added)} lots added"
                  + (f" ({len(lots) - len(added)} were already on it)" if len(added) < len(lots) else "") + ".")
    return 0


def run_status(args: argparse.Namespace) -> int:
    from workbench.actions import cases
    from workbench.cases.records import parse_status

    try:
        status = parse_status(args.status)
    except ValueError as exc:
        raise WorkbenchError(str(exc)) from None
    with reading(args) as plant:
        s, _ = cases.set_status(plant, args.code, status, args.version, args.why)
    print(f"{s.code}: {s.status_text} (version {s.version}).")
    return 0


def run_attach(args: argparse.Namespace) -> int:
    from workbench.actions import cases

    with reading(args) as plant:
        for f in args.files:
            a, _ = cases.attach(plant, args.code, f, args.note)
            print(f"{args.code.upper()}: {a.name} kept ({a.size:,} bytes, sha256 {a.sha256}).")
    return 0


def run_hold(args: argparse.Namespace) -> int:
    from workbench.actions import cases

    with reading(args) as plant:
        if args.lots:
            lots = cases.parse_lots(plant, args.lots)
        else:
            r = cases.case_recall(plant, args.code)
            lots = [a.ref for a in r.hold]
            if not lots:
                raise WorkbenchError(f"Nothing of {args.code.upper()}'s lots is on hand: nothing to hold.")
        done, _ = cases.place_hold(plant, args.code, lots, args.note, args.release)
    for e in done:
        assert e.lot is not None
        print(f"  {'released' if args.release else 'held'} {e.lot.label:<28} "
              f"{quantity(e.quantity or 0, (e.data or {}).get('unit', ''))} on hand")
    print(f"{args.code.upper()}: {len(done)} lots {'released' if args.release else 'on hold'}.")
    return 0


def run_recall(args: argparse.Namespace) -> int:
    from workbench.actions import cases
    from workbench.actions.recall import write_recall_package

    with reading(args) as plant:
        r = cases.case_recall(plant, args.code)
        files = write_recall_package(r, args.out, force=args.force)
        cases.record_package(plant, args.code, r, args.out, files)
    print(f"{args.code.upper()}: recall package {r.reference} written to {args.out} ({len(files)} files, "
          f"{len(r.customers)} customers); its manifest is in the case's record.")
    return 0


def run_commonality(args: argparse.Namespace) -> int:
    from workbench.actions import cases

    with reading(args) as plant:
        lots = cases.parse_lots(plant, args.lots)
        entry, top, _ = cases.record_commonality(plant, args.code, lots, args.returns_reason, args.top)
    print(f"{args.code.upper()}: commonality recorded: {entry.text}.")
    for i, f in enumerate(top, 1):
        print(f"  {i}. {f['factor']}  defective {f['defective']}  baseline {f['baseline']}  p {f['p_value']:.2g}")
    return 0


def run_close(args: argparse.Namespace) -> int:
    from workbench.actions import cases

    with reading(args) as plant:
        s, _, proof = cases.close_case(plant, args.code, args.version, args.name, args.meaning,
                                       password_for(plant, args), args.why)
    print(f"{s.code} closed, signed by {args.name} ({args.meaning}); {proof}.")
    return 0


def run_reopen(args: argparse.Namespace) -> int:
    from workbench.actions import cases

    with reading(args) as plant:
        s, _ = cases.reopen_case(plant, args.code, args.version, args.why)
    print(f"{s.code} reopened (version {s.version}).")
    return 0


def run_report(args: argparse.Namespace) -> int:
    from workbench.actions import case_reports, cases

    with reading(args) as plant:
        d = cases.show_case(plant, args.code)
        write = case_reports.mock_report_pdf if d.mock else case_reports.case_summary_pdf
        path = write(plant, args.code, args.out, force=args.force)
    print(path)
    return 0


def run_archive(args: argparse.Namespace) -> int:
    from workbench.actions import case_reports

    with reading(args) as plant:
        result = case_reports.archive_case(plant, args.code, args.out, force=args.force)
    print(f"{result.path}: {result.files} files with their SHA-256 in manifest.json")
    for p in result.problems:
        print(f"warning: {p}")
    return 0


def _mock_line(code: str, m: MockRecall) -> str:
    took = m.elapsed()
    return (f"{code:<15} {m.standard or '-':<6} {m.started_at:%Y-%m-%d %H:%M} "
            f"{quantity(m.found or 0, m.unit or ''):>14} of {quantity(m.in_question or 0, m.unit or ''):<14} "
            f"{m.percent or 0:>6} %  "
            + (f"{took.total_seconds():>9.1f} s" if took is not None and m.stopped_at else "  running  ")
            + f"  BRCGS {m.grade('BRCGS'):<7} FSMA {m.grade('FSMA')}")


def run_mock(args: argparse.Namespace) -> int:
    from workbench.actions import case_reports, cases

    if args.report:
        case_reports.report_path(args.report, args.force)  # before the clock starts: a refusal costs nothing
    with reading(args) as plant:
        lots = cases.parse_lots(plant, args.lots)
        run = cases.run_mock_recall(plant, lots, args.standard)
        if args.report:
            case_reports.mock_report_pdf(plant, run.code, args.report, force=args.force)
    m = run.mock
    print(f"{run.code}: amount in question {quantity(m.in_question or 0, m.unit or '')}, found "
          f"{quantity(m.found or 0, m.unit or '')} ({m.percent} %)")
    took = m.elapsed()
    if m.stopped_at and took is not None:
        print(f"  100 % found in {took.total_seconds():.1f} s: BRCGS (4 h) {m.grade('BRCGS')}, "
              f"FSMA (24 h) {m.grade('FSMA')}")
    else:
        print(f"  the clock is running: record what is found by hand with `workbench case found {run.code} QTY`")
    if args.report:
        print(f"  report: {args.report}")
    return 0


def run_found(args: argparse.Namespace) -> int:
    from workbench.actions import cases

    try:
        amount = Decimal(args.amount)
    except InvalidOperation:
        raise WorkbenchError(f"'{args.amount}' is not a quantity.") from None
    with reading(args) as plant:
        m, _ = cases.mock_found(plant, args.code, amount, args.how)
    print(_mock_line(args.code.upper(), m))
    return 0


def run_stop(args: argparse.Namespace) -> int:
    from workbench.actions import cases

    with reading(args) as plant:
        m, _ = cases.stop_mock(plant, args.code, args.why)
    print(_mock_line(args.code.upper(), m))
    return 0


def run_mocks(args: argparse.Namespace) -> int:
    from workbench.actions import cases

    with reading(args) as plant:
        history = cases.mock_history(plant)
    if not history:
        print("No mock recalls yet (`workbench case mock ITEM/LOT`).")
    for code, _title, m in history:
        print(_mock_line(code, m))
    return 0
