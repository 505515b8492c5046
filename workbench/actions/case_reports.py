"""The documents of a case: the summary PDF, the one-page mock recall report and the
archive for the auditor. Gathers the plain data in one read and hands it to the renderers."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from workbench.cases import store
from workbench.cases.records import CaseDetail
from workbench.errors import WorkbenchError
from workbench.jsonutil import jsonable
from workbench.outfile import check_file, written
from workbench.plant import Plant, audit
from workbench.reports.case_archive import ArchiveContents, ArchiveResult, write_case_archive
from workbench.reports.case_report import write_case_summary, write_mock_report
from workbench.settings import Letterhead
from workbench.supplier.followup import follow_up, scar_file


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _gather(plant: Plant, code: str) -> tuple[CaseDetail, list[dict[str, Any]], list[dict[str, Any]]]:
    with plant.Session() as session:
        d = store.case_detail(session, code)
        entries = [e.to_json() for e in audit.entries(session, object_type="case", object_key=d.code)]
        scars = [jsonable(follow_up(session, s).to_json()) for s in d.scars]
    return d, entries, scars


def report_path(out: str | Path, force: bool = False) -> Path:
    """Where a case report goes: a name without a suffix gets ``.pdf`` (``outfile.check_file``)."""
    return check_file(out, "the report", "case.pdf", force, (".pdf",), ".pdf")


def case_summary_pdf(plant: Plant, code: str, out: str | Path, letterhead: Letterhead | None = None,
                     force: bool = False) -> Path:
    path = report_path(out, force)
    d, entries, scars = _gather(plant, code)
    with written(path, force) as work:
        write_case_summary(d, entries, scars, work, _now(), letterhead)
    return path


def mock_report_pdf(plant: Plant, code: str, out: str | Path, letterhead: Letterhead | None = None,
                    force: bool = False) -> Path:
    path = report_path(out, force)
    with plant.Session() as session:
        d = store.case_detail(session, code)
        if d.mock is None:
            raise WorkbenchError(f"{d.code} is not a mock recall.")
        history = store.mock_history(session)
    found = [e for e in d.of_kind("found") if e.data and "affected_lots" in e.data]
    with written(path, force) as work:
        write_mock_report(d.code, d.summary.title, d.mock, history, [x.label for x in d.suspect_lots],
                          found[-1].data if found else None, work, letterhead)
    return path


def archive_case(plant: Plant, code: str, out: str | Path, letterhead: Letterhead | None = None,
                 force: bool = False) -> ArchiveResult:
    """The case as one zip for the auditor (see ``workbench.reports.case_archive``)."""
    path = check_file(out, "the archive", "case.zip", force, (".zip",), ".zip")
    d, entries, scars = _gather(plant, code)
    pdf = BytesIO()
    write_case_summary(d, entries, scars, pdf, _now(), letterhead)
    with plant.Session() as session:
        files = [store.attachment_content(session, a.id) for a in d.attachments]
        scar_files = []
        for s in scars:
            for f in s["files"]:
                name, data, sha = scar_file(session, f["id"])
                scar_files.append((f"{s['code']}-{name}", data, sha))
    packages = [((e.data or {}).get("reference", f"package-{e.id}"), (e.data or {}).get("folder", ""),
                 (e.data or {}).get("files", [])) for e in d.of_kind("package")]
    extra = []
    if d.mock is not None:
        with plant.Session() as session:
            history = store.mock_history(session)
        mock = BytesIO()
        found = [e for e in d.of_kind("found") if e.data and "affected_lots" in e.data]
        write_mock_report(d.code, d.summary.title, d.mock, history, [x.label for x in d.suspect_lots],
                          found[-1].data if found else None, mock, letterhead)
        extra.append(("mock-recall.pdf", mock.getvalue()))
    contents = ArchiveContents(d.code, pdf.getvalue(), {**d.to_json(), "scars": scars}, entries,
                               files + scar_files, packages, extra)
    with written(path, force) as work:
        result = write_case_archive(contents, work, _now())
    return replace(result, path=path)
