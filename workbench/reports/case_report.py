"""The case summary PDF for the auditor (the case, its suspect lots, its timeline, holds,
packages, SCARs, files with their hashes, signatures and audit entries) and the one-page
mock recall report (amount in question, found, % found, time, graded against BRCGS 4 h
and FSMA 24 h, and the plant's trend of mock recalls)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from workbench.cases.records import NORMS, CaseDetail, EntryRecord, MockRecall, status_word
from workbench.errors import WorkbenchError
from workbench.reports import pdfstyle as ps
from workbench.settings import Letterhead, load_letterhead

WIDTH = ps.PAGE[0] - 2 * ps.MARGIN
PASS = colors.HexColor("#2f855a")
KIND_WORDS = {"note": "Note", "hypothesis": "Hypothesis", "decision": "Decision", "commonality": "Commonality",
              "hold": "Hold", "release": "Release", "package": "Recall package", "scar": "SCAR",
              "status": "Status", "lots": "Lots", "attachment": "File", "found": "Found", "signature": "Signature",
              "views": "Views"}


def duration(td: timedelta | None) -> str:
    if td is None:
        return "not started"
    if td.total_seconds() < 60:
        return f"{td.total_seconds():.2f} s"
    seconds = int(td.total_seconds())
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h} h {m:02d} min {s:02d} s" if h else f"{m} min {s:02d} s"


def _grade_cell(m: MockRecall, norm: str, st: dict[str, ParagraphStyle]) -> Paragraph:
    g = m.grade(norm)
    colour = {"pass": "#2f855a", "fail": ps.ALERT_HEX}.get(g, "#5a6473")
    return Paragraph(f"<font color='{colour}'><b>{g.upper()}</b></font> · limit {NORMS[norm]} h", st["cell"])


def mock_story(code: str, title: str, m: MockRecall, history: Sequence[tuple[str, str, MockRecall]],
               roots: Sequence[str], details: dict[str, Any] | None) -> list[Flowable]:
    st = ps.styles()
    story = ps.new_section("mock", f"Mock recall {code}", first=True)
    story.append(Paragraph(f"Mock recall {ps.text(code)}", st["title"]))
    story.append(Paragraph(ps.text(title), st["body"]))
    pct = m.percent
    story.append(ps.key_values([
        ("Lots traced", ", ".join(roots)),
        ("Standard", f"{m.standard or '-'} (graded against BRCGS 4 h and FSMA 24 h)"),
        ("Clock started", f"{m.started_at:%Y-%m-%d %H:%M:%S} UTC" if m.started_at else "-"),
        ("Clock stopped", f"{m.stopped_at:%Y-%m-%d %H:%M:%S} UTC" if m.stopped_at else "still running"),
        ("Time to trace", duration(m.elapsed())),
    ], (45 * mm, WIDTH - 45 * mm)))
    story.append(Spacer(1, 3 * mm))
    unit = m.unit or ""
    big = Table([[Paragraph("<b>Amount in question</b>", st["small"]), Paragraph("<b>Amount found</b>", st["small"]),
                  Paragraph("<b>% found</b>", st["small"])],
                 [Paragraph(f"<font size=16><b>{ps.qty(m.in_question)} {unit}</b></font>", st["body"]),
                  Paragraph(f"<font size=16><b>{ps.qty(m.found)} {unit}</b></font>", st["body"]),
                  Paragraph(f"<font size=16 color='{'#2f855a' if m.complete else ps.ALERT_HEX}'><b>"
                            f"{pct if pct is not None else '-'} %</b></font>", st["body"])]],
                colWidths=[WIDTH / 3] * 3, hAlign="LEFT")
    big.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.6, ps.RULE), ("INNERGRID", (0, 0), (-1, -1), 0.4, ps.RULE),
                             ("BACKGROUND", (0, 0), (-1, 0), ps.HEAD_FILL), ("TOPPADDING", (0, 1), (-1, 1), 6),
                             ("BOTTOMPADDING", (0, 1), (-1, 1), 8)]))
    story.append(big)
    story.append(Spacer(1, 3 * mm))
    grades = Table([[Paragraph("<b>BRCGS (clause 3.9)</b>", st["cell"]), _grade_cell(m, "BRCGS", st)],
                    [Paragraph("<b>FDA FSMA 204</b>", st["cell"]), _grade_cell(m, "FSMA", st)]],
                   colWidths=[50 * mm, WIDTH - 50 * mm], hAlign="LEFT")
    grades.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.4, ps.RULE)]))
    story.append(grades)
    if details:
        story.append(Paragraph(
            f"The trace reached {details.get('affected_lots', '-')} lots and {details.get('customers', '-')} "
            f"customers; {details.get('lots_on_hold', '-')} lots still hold stock; "
            f"{details.get('flagged', 0)} lots flagged by the mass balance.", st["small"]))
    story.append(Paragraph("Amount in question: what the traced lots held (made or received, plus returns). "
                           "Amount found: what the records place (consumed into traced orders, shipped to named "
                           "customers, on hand) and what the team confirmed by hand. A grade passes when 100 % "
                           "was found within the norm's hours.", st["muted"]))
    if history:
        story.append(Paragraph("Mock recalls over time", st["h1"]))
        story.append(trend_chart(history))
    return story


def trend_chart(history: Sequence[tuple[str, str, MockRecall]], width: float = WIDTH,
                height: float = 60 * mm) -> Drawing:
    """Time to 100 % found of each mock recall (bars), against the BRCGS 4-hour line when
    it is on the scale; bars of mock recalls not completed in red."""
    recent = list(history)[-12:]
    d = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 14 * mm, 12 * mm, width - 20 * mm, height - 22 * mm
    seconds = [(m.elapsed() or timedelta()).total_seconds() if m.stopped_at else 0.0 for _, _, m in recent]
    in_minutes = max(seconds, default=0) >= 120
    scale, unit = (60.0, "minutes") if in_minutes else (1.0, "seconds")
    values = [round(x / scale, 2) for x in seconds]
    limit = 4 * 3600 / scale
    top = max([*values, 0.0]) * 1.25 or 1.0
    limit_shown = limit <= top * 1.6
    if limit_shown:
        top = max(top, limit * 1.1)
    chart.data = [values or [0]]
    chart.categoryAxis.categoryNames = [f"{c}\n{m.started_at:%Y-%m-%d}" if m.started_at else c for c, _, m in recent]
    chart.categoryAxis.labels.fontSize = 6.5
    chart.categoryAxis.labels.fontName = ps.FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = top
    chart.barLabelFormat = "%.2f" if not in_minutes else "%.0f"
    chart.barLabels.fontSize = 7
    chart.barLabels.fontName = ps.FONT
    chart.barLabels.nudge = 6
    chart.bars[0].fillColor = ps.ACCENT
    for i, (_, _, m) in enumerate(recent):
        if not (m.complete and m.stopped_at):
            chart.bars[(0, i)].fillColor = ps.ALERT
    d.add(chart)
    if limit_shown:
        y = chart.y + chart.height * limit / top
        d.add(Line(chart.x, y, chart.x + chart.width, y, strokeColor=ps.ALERT, strokeDashArray=[3, 2],
                   strokeWidth=0.8))
        d.add(String(chart.x + chart.width - 2, y + 2, "BRCGS 4 h", fontName=ps.FONT, fontSize=7,
                     fillColor=ps.ALERT, textAnchor="end"))
        note = ""
    else:
        note = f" · the BRCGS limit (4 h = {limit:,.0f} {unit}) and FSMA's (24 h) lie far above this scale"
    d.add(String(2, chart.y + chart.height + 6, f"{unit} to 100 % found{note}", fontName=ps.FONT, fontSize=7,
                 fillColor=ps.MUTED))
    legend = Legend()
    legend.x, legend.y = chart.x, 3
    legend.fontName, legend.fontSize, legend.alignment = ps.FONT, 7, "right"
    legend.columnMaximum = 1
    legend.colorNamePairs = [(ps.ACCENT, "100 % found"), (ps.ALERT, "not completed")]
    d.add(legend)
    return d


def _timeline_rows(detail: CaseDetail) -> list[list[Any]]:
    rows = []
    for e in detail.entries:
        what = e.text or ""
        if e.lot is not None:
            what = f"{e.lot.label}: {what}"
        if e.quantity is not None and e.kind in ("hold", "release"):
            what += f" ({ps.qty(e.quantity)} {((e.data or {}).get('unit') or '')} on hand)"
        rows.append([f"{e.at:%Y-%m-%d %H:%M}", e.by, KIND_WORDS.get(e.kind, e.kind), what])
    return rows


def case_story(detail: CaseDetail, audit_entries: Sequence[dict[str, Any]], scars: Sequence[dict[str, Any]],
               generated: datetime) -> list[Flowable]:
    st = ps.styles()
    s = detail.summary
    story = ps.new_section("case", f"Case {s.code}", first=True)
    story.append(Paragraph(f"Case {ps.text(s.code)} · {ps.text(s.title)}", st["title"]))
    story.append(Paragraph(f"Status <b>{status_word(s.status)}</b> · opened {s.opened_at:%Y-%m-%d %H:%M} by "
                           f"{ps.text(s.opened_by)} · last change {s.updated_at:%Y-%m-%d %H:%M} by "
                           f"{ps.text(s.updated_by)} · version {s.version} · report made {generated:%Y-%m-%d %H:%M} UTC",
                           st["small"]))
    story.append(ps.key_values([
        ("Started from", f"{s.origin.replace('_', ' ')}" + (f": {s.origin_ref}" if s.origin_ref else "")),
        ("Problem", detail.problem or "not stated"),
        ("Closed", f"{detail.closed_at:%Y-%m-%d %H:%M} UTC" if detail.closed_at else "open"),
    ], (35 * mm, WIDTH - 35 * mm)))
    if detail.mock:
        m = detail.mock
        story.append(Paragraph(
            f"Mock recall ({m.standard}): {ps.qty(m.found)} of {ps.qty(m.in_question)} {m.unit or ''} found "
            f"({m.percent} %) in {duration(m.elapsed())}; BRCGS {m.grade('BRCGS')}, FSMA {m.grade('FSMA')}.",
            st["body"]))
    story.append(Paragraph(f"Suspect lots ({len(detail.lots)})", st["h1"]))
    if detail.lots:
        story.append(ps.data_table(["Lot", "Role", "Why", "Added"],
                                   [[c.lot.label, c.role, c.why or "", f"{c.added_at:%Y-%m-%d} {c.added_by}"]
                                    for c in detail.lots], [55 * mm, 18 * mm, 62 * mm, 35 * mm]))
    else:
        story.append(Paragraph("None recorded.", st["muted"]))
    held = [e for e in detail.entries if e.kind in ("hold", "release")]
    if held:
        story.append(Paragraph("Holds", st["h1"]))
        story.append(ps.data_table(["When", "By", "", "Lot and quantity"], _timeline_rows_for(detail, held),
                                   [27 * mm, 22 * mm, 20 * mm, WIDTH - 69 * mm]))
    packages = detail.of_kind("package")
    if packages:
        story.append(Paragraph("Recall packages", st["h1"]))
        for p in packages:
            data = p.data or {}
            story.append(Paragraph(f"<b>{ps.text(data.get('reference', ''))}</b> · {p.at:%Y-%m-%d %H:%M} · "
                                   f"{ps.text(data.get('folder', ''))}", st["small"]))
            files = data.get("files", [])
            story.append(ps.data_table(["File", "Customer", "SHA-256"],
                                       [[f["file"], f.get("customer_name") or f.get("customer") or "",
                                         f["sha256"][:32] + "…"] for f in files],
                                       [62 * mm, 45 * mm, WIDTH - 107 * mm]))
    if scars:
        story.append(Paragraph("Supplier corrective actions", st["h1"]))
        story.append(ps.data_table(["SCAR", "Vendor", "Lot", "Stage", "Due", "Root cause (D4)"],
                                   [[x["code"], x["vendor"], f"{x['item']}/{x['lot']}", x["stage"],
                                     (x.get("due_at") or "")[:10], (x.get("answers") or {}).get("d4") or ""]
                                    for x in scars],
                                   [28 * mm, 22 * mm, 35 * mm, 25 * mm, 20 * mm, WIDTH - 130 * mm]))
    story.append(Paragraph("Timeline", st["h1"]))
    story.append(ps.data_table(["When", "By", "", "What"], _timeline_rows(detail),
                               [27 * mm, 22 * mm, 24 * mm, WIDTH - 73 * mm]))
    if detail.attachments:
        story.append(Paragraph("Files kept with the case", st["h1"]))
        story.append(ps.data_table(["File", "Bytes", "SHA-256", "Added"],
                                   [[a.name, f"{a.size:,}", a.sha256, f"{a.added_at:%Y-%m-%d} {a.added_by}"]
                                    for a in detail.attachments],
                                   [40 * mm, 16 * mm, WIDTH - 86 * mm, 30 * mm], right=(1,)))
    story.append(Paragraph("Signatures", st["h1"]))
    if detail.signatures:
        for sig in detail.signatures:
            story.append(Paragraph(ps.text(sig.line), st["body"]))
    else:
        story.append(Paragraph("Not signed: the case is not closed.", st["muted"]))
    story.append(Paragraph(f"Audit trail of the case ({len(audit_entries)} entries)", st["h1"]))
    story.append(ps.data_table(["#", "When (server, UTC)", "Who", "Action", "Hash"],
                               [[e["id"], e["at"][:19].replace("T", " "), e["actor"] + (
                                   f" / {e['db_role']}" if e.get("db_role") else ""), e["action"], e["hash"][:16] + "…"]
                                for e in audit_entries],
                               [12 * mm, 34 * mm, 38 * mm, 52 * mm, WIDTH - 136 * mm], right=(0,)))
    story.append(Paragraph("Each audit entry's hash covers its content and the previous entry's hash; "
                           "`workbench audit verify` proves the whole chain.", st["muted"]))
    return story


def _timeline_rows_for(detail: CaseDetail, entries: Sequence[EntryRecord]) -> list[list[Any]]:
    keep = {e.id for e in entries}
    rows = _timeline_rows(detail)
    return [r for r, e in zip(rows, detail.entries, strict=True) if e.id in keep]


def _write(path: Path | BytesIO, story: list[Flowable], title: str, footer: str, letterhead: Letterhead) -> None:
    try:
        doc = ps.document(path if isinstance(path, BytesIO) else Path(path), letterhead, title, footer=footer)
        ps.build(doc, story)
    except OSError as exc:
        raise WorkbenchError(f"{path}: cannot write the report ({exc.strerror}).") from exc


def write_case_summary(detail: CaseDetail, audit_entries: Sequence[dict[str, Any]], scars: Sequence[dict[str, Any]],
                       target: str | Path | BytesIO, generated: datetime,
                       letterhead: Letterhead | None = None) -> None:
    letterhead = letterhead or load_letterhead()
    _write(target if isinstance(target, BytesIO) else Path(target), case_story(detail, audit_entries, scars, generated),
           f"Case {detail.code}", f"{letterhead.name} · Case {detail.code} · Confidential", letterhead)


def write_mock_report(code: str, title: str, m: MockRecall, history: Sequence[tuple[str, str, MockRecall]],
                      roots: Sequence[str], details: dict[str, Any] | None, target: str | Path | BytesIO,
                      letterhead: Letterhead | None = None) -> None:
    letterhead = letterhead or load_letterhead()
    _write(target if isinstance(target, BytesIO) else Path(target), mock_story(code, title, m, history, roots, details),
           f"Mock recall {code}", f"{letterhead.name} · Mock recall {code}", letterhead)
