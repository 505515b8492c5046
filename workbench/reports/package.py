"""The recall package: every file a recall team sends out, written from a ``Recall``.

``recall.json``, ``hold-list.csv``, ``reconciliation.csv``, the contact list (CSV and
Excel), the FDA FSMA 204 sortable spreadsheet, a PDF summary and one letter per customer.
Written into a temporary folder beside the target and renamed into place at the end,
so a cancel or an error leaves nothing half-written.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from workbench import outfolder
from workbench.facts import Genealogy
from workbench.format import csv_text, escaped, plain
from workbench.jsonutil import jsonable
from workbench.progress import report
from workbench.recall.records import RECONCILIATION_FIELDS, Recall
from workbench.reports import letters
from workbench.reports.contacts import write_contacts_csv, write_contacts_xlsx
from workbench.reports.fsma204 import write_fsma204
from workbench.reports.recall_summary import write_summary
from workbench.settings import load_letterhead


def _csv(path: Path, header: Sequence[str], rows: Iterable[Sequence]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else _cell(v) for v in row])


def _cell(value) -> str:
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, (int, float)):
        return str(value)
    return csv_text(value)  # text: escaped, and never a formula (OWASP CSV injection)


def write_reconciliation_csv(r: Recall, path: Path) -> None:
    """One row per affected lot: the mass balance and its findings."""
    header = [*RECONCILIATION_FIELDS, "flagged", "findings"]
    _csv(path, header, ([*(getattr(row, f) for f in RECONCILIATION_FIELDS), "yes" if row.flagged else "no",
                         "; ".join(row.findings)] for row in r.reconciliation))


def write_hold_list_csv(r: Recall, path: Path) -> None:
    """The lots to put on hold: everything affected with stock on hand."""
    _csv(path, ["item", "item_name", "lot", "kind", "on_hand", "unit", "made", "created_at", "expires_at"],
         ([a.item, a.item_name, a.lot, a.kind, a.on_hand, a.unit, a.balance.made, a.created_at, a.expires_at]
          for a in r.hold))


def _plain(value: Any) -> Any:
    """What the JSON encoder cannot write itself, as ``jsonable`` writes it."""
    if isinstance(value, (set, frozenset)):
        return list(value)
    converted = jsonable(value)
    if converted is value:
        raise TypeError(f"{type(value).__name__} is not JSON")
    return converted


_JSON = json.JSONEncoder(ensure_ascii=False, default=_plain)


def recall_json(r: Recall) -> str:
    """``recall.json``: one top-level key per line and each record of a list (lot, customer,
    row) on a line of its own. Written by the JSON module's C encoder a record at a time
    (an indented dump runs in pure Python, five times slower at a recall's size); unsafe
    characters escaped as ``jsonutil.dumps`` does, so the same JSON reads back."""
    data = r.to_json()
    out = ["{"]
    last = len(data) - 1
    for i, (key, value) in enumerate(data.items()):
        end = "," if i < last else ""
        name = _JSON.encode(key)
        if isinstance(value, list) and value:
            out.append(f" {name}: [")
            out.append(",\n".join(f"  {escaped(_JSON.encode(item))}" for item in value))
            out.append(f" ]{end}")
        elif isinstance(value, dict) and value:
            out.append(f" {name}: {{")
            out.append(",\n".join(f"  {escaped(_JSON.encode(k))}: {escaped(_JSON.encode(v))}" for k, v in value.items()))
            out.append(f" }}{end}")
        else:
            out.append(f" {name}: {escaped(_JSON.encode(value))}{end}")
    out.append("}")
    return "\n".join(out) + "\n"


def write_file(name: str, r: Recall, path: Path, letterhead) -> None:
    """Write one file of the package by its name (module-level: worker processes call it)."""
    writers: dict[str, Callable[[], Any]] = {
        "recall.json": lambda: path.write_text(recall_json(r), encoding="utf-8"),
        "hold-list.csv": lambda: write_hold_list_csv(r, path),
        "reconciliation.csv": lambda: write_reconciliation_csv(r, path),
        "contacts.csv": lambda: write_contacts_csv(r, path),
        "contacts.xlsx": lambda: write_contacts_xlsx(r, path),
        "fsma204.xlsx": lambda: write_fsma204(r, path, letterhead),
        "summary.pdf": lambda: write_summary(r, path, letterhead),
    }
    writers[name]()


def write_files(names: Sequence[str], r: Recall, folder: Path, letterhead) -> None:
    """Write several files of the package (one job for a worker process)."""
    for name in names:
        write_file(name, r, folder / name, letterhead)


def for_spreadsheets(r: Recall) -> Recall:
    """The recall as the spreadsheets read it, without what they never read (the genealogy,
    the lots' balances and reconciliation): a third of the data to send to a worker."""
    g = r.genealogy
    return replace(r, genealogy=Genealogy(g.roots, g.direction, g.depth), affected=[], reconciliation=[], hold=[],
                   sites=[], in_transit=[])


#: The kind of package in its manifest: how ``--force`` recognises a folder it may replace.
KIND = "lot-trace-workbench recall package"

#: Files written beside the letters; the spreadsheets go to worker processes when letters do.
FILES = ("recall.json", "hold-list.csv", "reconciliation.csv", "contacts.csv", "summary.pdf")
SPREADSHEETS = ("fsma204.xlsx", "contacts.xlsx")


def check_target(out_dir: str | Path, force: bool = False) -> Path:
    """The folder a recall package may be written to, or a one-sentence ``WorkbenchError``
    (checked again when the package is put in place)."""
    return outfolder.check_target(out_dir, KIND, "the recall package", force=force)


def write_recall_package(r: Recall, out_dir: str | Path, letterhead=None, progress=None,
                         force: bool = False, parallel: bool | None = None) -> list[Path]:
    """Write the recall package into ``out_dir``; returns the files written.

    Everything is written into a temporary folder beside ``out_dir`` and renamed into
    place at the end, so a cancel or an error leaves nothing half-written
    (``workbench.outfolder``). ``out_dir`` must be new or empty; with ``force`` it may also
    be a previous recall package, which is replaced. Anything else is refused.

    With many customers (or ``parallel=True``) the letters and the two spreadsheets are
    made on worker processes, one per core, while this process writes the rest.
    """
    letterhead = letterhead or load_letterhead()
    if parallel is None:
        parallel = len(r.customers) >= letters.PARALLEL_FROM and letters.workers() > 1
    names = letters.letter_files(c.customer for c in r.customers)

    def index(_work: Path) -> dict:
        return {"recall": r.reference, "letters": {code: f"letters/{name}" for code, name in names.items()}}

    pool = None
    with outfolder.building(out_dir, KIND, "the recall package", force=force, extra=index) as tmp:
        pool = letters.process_pool() if parallel else None
        try:
            pending = [pool.apply_async(write_files, (SPREADSHEETS, for_spreadsheets(r), tmp, letterhead))] \
                if pool else []
            local = FILES if pool else (*FILES, *SPREADSHEETS)
            for i, name in enumerate(local):
                report(progress, 0.1 * i / len(local), f"Writing {name}")
                write_file(name, r, tmp / name, letterhead)

            def letters_progress(fraction: float, message: str | None = None) -> None:
                report(progress, 0.1 + 0.85 * fraction, message)

            letters.write_letters(r, letterhead, tmp, progress=letters_progress if progress else None, pool=pool,
                                  names=names)
            for job in pending:
                report(progress, 0.97, "Finishing the spreadsheets")
                job.get()
            report(progress, 1.0, "Finishing")
        finally:
            if pool is not None:
                pool.terminate()
    out = Path(out_dir).resolve()
    return sorted(p for p in out.rglob("*") if p.is_file())
