"""The supplier corrective-action request (SCAR) as a PDF, in the 8D structure.

D1-D3 are filled from the plant (``workbench.supplier.engine.scar_facts``): the team, the
problem (vendor, item, vendor lot, our lot, PO, receipt, defect found) and our
containment (on hand and to hold, consumed, downstream lots, products and customers).
D4-D8 are boxed fields for the vendor to answer by the response due date. Then the
genealogy figure of the lot's downstream reach and the vendor's quality history as a
chart (drawn with reportlab's own graphics, so reports never need Qt).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from workbench.errors import WorkbenchError
from workbench.facts import Edge, Genealogy, NodeId
from workbench.format import per_unit
from workbench.reports import pdfstyle as ps
from workbench.reports.figures import genealogy_figure
from workbench.settings import Letterhead, load_letterhead
from workbench.supplier.records import ScarFacts, VendorQuality

WIDTH = 170 * mm
MAX_DOWNSTREAM_ROWS = 12
MAX_CUSTOMER_ROWS = 10
RECEIPT_COLOUR = colors.HexColor("#7f9cb0")
IMPLICATED_COLOUR = colors.HexColor("#dd8a3e")
RETURN_COLOUR = ps.ALERT
FIGURE_DPI = 110



def _figure(png: bytes, max_width: float, max_height: float) -> Flowable:
    """The figure fitted to the box, never enlarged beyond its drawn size (a small graph
    blown up to the page width looks like a poster)."""
    from io import BytesIO

    from reportlab.lib.utils import ImageReader

    w, h = ImageReader(BytesIO(png)).getSize()
    natural = 72 / FIGURE_DPI
    return ps.image(png, min(max_width, w * natural), min(max_height, h * natural))


def reach_figure(g: Genealogy, dpi: int = FIGURE_DPI) -> bytes:
    """The lot's downstream reach as lots only (lot -> lot through each order).

    Orders, shipments and customers would swamp the page (D3 lists the customers); the
    lots of one item at one depth are grouped, so the figure shows how deep and into
    which products the material went.
    """
    made: dict[NodeId, list[NodeId]] = {}
    for e in g.edges:
        if e.kind == "produced":
            made.setdefault(e.source, []).append(e.target)
    lots_only = Genealogy(g.roots, g.direction, g.depth,
                          nodes={k: n for k, n in g.nodes.items() if n.kind == "lot"})
    seen = set()
    for e in g.edges:
        if e.kind == "consumed":
            for child in made.get(e.target, ()):
                if (e.source, child) not in seen and e.source != child:
                    seen.add((e.source, child))
                    lots_only.edges.append(Edge(e.source, child, "consumed", e.quantity, e.unit))
    return genealogy_figure(lots_only, "png", max_nodes=24, dpi=dpi)

#: The vendor's sections: heading, what we ask, height of the answer box.
VENDOR_SECTIONS = (
    ("D4 Root cause and escape point",
     ("Why did the defect occur (occurrence) and why was it not detected before shipment "
     "(escape point)? State the evidence, e.g. 5-Why or fishbone analysis and test results."), 42 * mm),
    ("D5 Chosen permanent corrective actions",
     "For each root cause, the corrective action chosen and how it was verified to remove the cause.", 32 * mm),
    ("D6 Implemented and validated corrective actions",
     "What was implemented, when, and the data showing that it works. Enclose the validation records.", 32 * mm),
    ("D7 Actions to prevent recurrence",
     ("Changes to procedures, control plans, FMEA, training or other products and plants with the "
     "same risk."), 30 * mm),
    ("D8 Closure and recognition",
     ("Vendor: confirm the actions are complete. The customer's quality representative closes the "
     "request after reviewing the evidence."), 24 * mm),
)


def answer_box(title: str, prompt: str, height: float, signature: bool = False) -> Table:
    """A boxed field for the vendor: heading, what we ask, empty lined space to answer."""
    st = ps.styles()
    rows = [[Paragraph(f"<b>{ps.text(title)}</b>", ps.styles()["h2"])],
            [Paragraph(ps.text(prompt), st["muted"])],
            [""]]
    heights = [None, None, height]
    if signature:
        rows.append([Table([[Paragraph("Name, role", st["muted"]), Paragraph("Signature", st["muted"]),
                             Paragraph("Date", st["muted"])]],
                           colWidths=[(WIDTH - 8) * f for f in (0.45, 0.35, 0.2)],
                           style=TableStyle([("LINEABOVE", (0, 0), (-1, 0), 0.5, ps.MUTED),
                                             ("LEFTPADDING", (0, 0), (-1, -1), 0)]))])
        heights.append(None)
    table = Table(rows, colWidths=[WIDTH], rowHeights=heights, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 0.9, ps.ACCENT),
        ("BACKGROUND", (0, 0), (-1, 1), ps.HEAD_FILL),
        ("LINEBELOW", (0, 1), (-1, 1), 0.5, ps.RULE),
        ("TOPPADDING", (0, 0), (-1, 0), 4),
        ("BOTTOMPADDING", (0, 0), (-1, 0), 0),
        ("TOPPADDING", (0, 1), (-1, 1), 0),
        ("BOTTOMPADDING", (0, 1), (-1, 1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table


def quality_chart(quality: VendorQuality, width: float = WIDTH, height: float = 62 * mm) -> Drawing:
    """Receipts, receipts later implicated, and returns traced to the vendor's lots, per month."""
    d = Drawing(width, height)
    months = quality.monthly[-24:]
    chart = VerticalBarChart()
    chart.x, chart.y = 28, 30
    chart.width, chart.height = width - 40, height - 56
    chart.data = [[m.receipts for m in months] or [0], [m.implicated for m in months] or [0],
                  [m.returns for m in months] or [0]]
    for i, colour in enumerate((RECEIPT_COLOUR, IMPLICATED_COLOUR, RETURN_COLOUR)):
        chart.bars[i].fillColor = colour
        chart.bars[i].strokeColor = None
    chart.groupSpacing = 4
    chart.barSpacing = 0.5
    top = max([max(s) for s in chart.data] + [1])
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = top + max(1, top // 8)
    chart.valueAxis.valueStep = max(1, (top + 4) // 5)
    chart.valueAxis.labels.fontName = ps.FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.strokeColor = ps.RULE
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#e8ecf0")
    chart.categoryAxis.categoryNames = [f"{m.month:%b %y}" for m in months] or [""]
    chart.categoryAxis.labels.fontName = ps.FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 30 if len(months) > 8 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(months) > 8 else "n"
    chart.categoryAxis.strokeColor = ps.RULE
    d.add(chart)
    legend = Legend()
    legend.x, legend.y = 30, height - 6
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.fontName = ps.FONT
    legend.fontSize = 7.5
    legend.dx = legend.dy = 7
    legend.deltax = 120
    legend.colorNamePairs = [(RECEIPT_COLOUR, "Receipt lines"), (IMPLICATED_COLOUR, "Receipts later implicated"),
                             (RETURN_COLOUR, "Returns traced to its lots, caused by the material")]
    d.add(legend)
    if not months:
        d.add(String(width / 2, height / 2, "No receipts recorded", textAnchor="middle", fontName=ps.FONT,
                     fontSize=9, fillColor=ps.MUTED))
    return d


def scar_story(facts: ScarFacts, quality: VendorQuality, code: str, problem: str, issued: datetime,
               due: datetime, letterhead: Letterhead, figure: bytes | None) -> list[Flowable]:
    st = ps.styles()
    t = ps.text
    v = facts.vendor
    story = ps.new_section("scar", f"SCAR {code}", first=True)
    story.append(Paragraph(f"Supplier Corrective Action Request · {t(code)}", st["title"]))
    story.append(Paragraph(
        f"8D report · issued {ps.long_day(issued)} · <font color='{ps.ALERT_HEX}'><b>response due "
        f"{ps.long_day(due)}</b></font>", st["body"]))

    to = [x for x in (v.name or v.code, v.contact, *(v.address or "").splitlines(), v.phone, v.email) if x]
    frm = [x for x in (letterhead.name, letterhead.recall_contact, letterhead.recall_phone or letterhead.phone,
                       letterhead.recall_email or letterhead.email) if x]
    parties = Table([[Paragraph("<b>To (supplier)</b>", st["small"]), Paragraph("<b>From (customer)</b>", st["small"])],
                     [Paragraph(ps.lines(to), st["address"]), Paragraph(ps.lines(frm), st["address"])]],
                    colWidths=[WIDTH / 2, WIDTH / 2], hAlign="LEFT")
    parties.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                 ("LINEBELOW", (0, 0), (-1, 0), 0.5, ps.RULE)]))
    story += [Spacer(1, 2 * mm), parties]

    story.append(Paragraph("D1 Team", st["h1"]))
    story.append(ps.key_values([
        ("Customer quality lead", letterhead.recall_contact or letterhead.name),
        ("Customer contact", " · ".join(x for x in (letterhead.recall_phone, letterhead.recall_email) if x)
         or letterhead.contact_line),
        ("Supplier contact", " · ".join(x for x in (v.contact, v.phone, v.email) if x) or v.code),
    ], (45 * mm, WIDTH - 45 * mm)))
    story.append(Spacer(1, 2 * mm))
    story.append(answer_box("Supplier team", "Names and roles of the supplier's team for this request "
                            "(quality, production, the process owner).", 14 * mm))

    story.append(Paragraph("D2 Problem description", st["h1"]))
    receipts = "; ".join(f"{r.receipt} on {ps.day(r.received_at)}: {ps.qty(r.quantity)} {facts.unit}"
                         for r in facts.receipts)
    pos = ", ".join(dict.fromkeys(r.po for r in facts.receipts if r.po)) or "none recorded"
    story.append(ps.key_values([
        ("Supplier", v.display),
        ("Item", f"{facts.lot.item} · {facts.item_name or ''}".rstrip(" ·")),
        ("Supplier lot", facts.vendor_lot or "not recorded"),
        ("Our lot", facts.lot.lot),
        ("Purchase order", pos),
        ("Receipt", receipts),
        ("Quantity received", f"{ps.qty(facts.received)} {facts.unit}"),
        ("Defect found", problem),
    ], (45 * mm, WIDTH - 45 * mm)))
    if facts.returns:
        story.append(Paragraph(
            f"{len(facts.returns)} customer return(s) on lots made from this lot, the first on "
            f"{ps.day(facts.returns[0].received_at)} ({t(facts.returns[0].reason or 'no reason given')}).",
            st["small"]))

    story.append(CondPageBreak(60 * mm))
    story.append(Paragraph("D3 Interim containment", st["h1"]))
    hold = facts.downstream_on_hand()
    story.append(ps.data_table(
        ("Our lot " + facts.lot.lot, "Quantity", "Unit"),
        [("Received", ps.qty(facts.received), facts.unit),
         ("Consumed in production", ps.qty(facts.consumed), facts.unit),
         ("Shipped unprocessed", ps.qty(facts.shipped), facts.unit),
         ("Returned", ps.qty(facts.returned), facts.unit),
         ("Still on hand: on hold", ps.qty(max(facts.on_hand, Decimal(0))), facts.unit)],
        [80 * mm, 35 * mm, 20 * mm], right=(1,), bold_rows=(4,)))
    story.append(Spacer(1, 2 * mm))
    kinds: dict[str, int] = {}
    for d in facts.downstream:
        kinds[d.kind] = kinds.get(d.kind, 0) + 1
    reach = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "none"
    story.append(ps.key_values([
        ("Downstream lots", f"{len(facts.downstream)} ({reach})"),
        ("Downstream on hand, on hold", per_unit(hold)),
        ("Products affected", ", ".join(f"{i} {n or ''} ({k} lots)".replace("  ", " ") for i, n, k in facts.products)
         or "none"),
        ("Customers supplied", f"{len(facts.customers)}"),
    ], (45 * mm, WIDTH - 45 * mm)))
    if facts.downstream:
        shown = [d for d in facts.downstream if d.on_hand > 0][:MAX_DOWNSTREAM_ROWS] or \
            facts.downstream[:MAX_DOWNSTREAM_ROWS]
        story.append(Paragraph("Affected lots still on hand" if shown[0].on_hand > 0 else "Affected lots",
                               st["h2"]))
        rows = [(d.item, d.item_name or "", d.lot, ps.qty(d.balance.made), ps.qty(d.on_hand), d.unit) for d in shown]
        story.append(ps.data_table(("Item", "Description", "Lot", "Made", "On hand", "Unit"), rows,
                                   [36 * mm, 58 * mm, 22 * mm, 19 * mm, 19 * mm, 16 * mm], right=(3, 4)))
        more = len(facts.downstream) - len(shown)
        if more > 0:
            story.append(Paragraph(f"{more} further downstream lots are on the customer's hold list.", st["muted"]))
    if facts.customers:
        shown_c = facts.customers[:MAX_CUSTOMER_ROWS]
        story.append(Paragraph("Customers supplied with affected lots", st["h2"]))
        story.append(ps.data_table(("Customer", "Name", "Shipments", "Lots", "Quantity"),
                                   [(c.customer, c.name or "", c.shipment_count, len(c.lots()),
                                     per_unit(c.quantities()))
                                    for c in shown_c],
                                   [25 * mm, 70 * mm, 22 * mm, 15 * mm, 38 * mm], right=(2, 3, 4)))
        if len(facts.customers) > len(shown_c):
            story.append(Paragraph(f"{len(facts.customers) - len(shown_c)} more customers.", st["muted"]))
    story.append(Spacer(1, 2 * mm))
    story.append(KeepTogether(answer_box(
        "Supplier containment",
        f"Quarantine any remaining stock of lot {facts.vendor_lot or facts.lot.lot} and of lots made with the "
        "same materials or on the same line; state quantities, locations and shipments to other customers.",
        22 * mm)))

    for i, (title, prompt, height) in enumerate(VENDOR_SECTIONS):
        story.append(CondPageBreak(height + 30 * mm))
        if i == 0:
            story.append(Paragraph("Supplier response (D4-D8)", st["h1"]))
            story.append(Paragraph(
                f"Please answer each section and return this report with evidence to "
                f"{t(letterhead.recall_email or letterhead.email or letterhead.name)} by "
                f"<b>{ps.long_day(due)}</b>, quoting {t(code)}.", st["body"]))
        story.append(KeepTogether(answer_box(title, prompt, height, signature=title.startswith("D8"))))
        story.append(Spacer(1, 3 * mm))

    if not facts.downstream:
        story.append(Paragraph("Downstream reach of our lot", st["h1"]))
        story.append(Paragraph(f"Lot {t(facts.lot.label)} has not gone into any production, shipment or "
                               "other lot: the containment is the stock on hand.", st["body"]))
    elif figure is not None:
        story.append(CondPageBreak(100 * mm))
        story.append(KeepTogether([
            Paragraph("Downstream reach of our lot", st["h1"]),
            _figure(figure, WIDTH, 95 * mm),
            Paragraph(f"Lot {t(facts.lot.label)} framed in red; each arrow is material going into a lot made "
                      "from it. Several lots of one item at one depth are grouped into one box.",
                      st["muted"])]))

    story.append(CondPageBreak(90 * mm))
    story.append(Paragraph(f"Quality history of {t(v.display)}", st["h1"]))
    story.append(ps.key_values([
        ("Receipts", f"{len(quality.receipts)} lines, {quality.lots} lots"),
        ("Lots implicated", (f"{len(quality.implicated_lots)} (returns traced to the lot whose cause is the "
                            "material, or a SCAR)")),
        ("Returns traced", f"{len(quality.returns)} caused by the material"),
        ("Not counted", _not_counted(quality)),
        ("Corrective action requests", f"{len(quality.scars)} issued, {len(quality.open_scars)} open"
         + (f" ({', '.join(s.code for s in quality.open_scars)})" if quality.open_scars else "")),
    ], (45 * mm, WIDTH - 45 * mm)))
    story.append(Spacer(1, 3 * mm))
    story.append(quality_chart(quality))
    return story


def _not_counted(quality: VendorQuality) -> str:
    """The returns (and SCARs) traced to the vendor's lots that are not the vendor's doing."""
    if not quality.excluded and not quality.cleared_scars:
        return "none: every return traced to its lots points at the material"
    by_cause: dict[str, int] = {}
    for r in quality.excluded:
        by_cause[r.cause] = by_cause.get(r.cause, 0) + 1
    parts = [f"{n} return(s) caused by {cause}" for cause, n in sorted(by_cause.items(), key=lambda x: -x[1])]
    if quality.cleared_scars:
        parts.append(f"{len(quality.cleared_scars)} SCAR(s) closed as not the vendor's cause")
    return "; ".join(parts) + " (transit damage, picking and our own process are not the vendor's)"


def write_scar(facts: ScarFacts, quality: VendorQuality, path: str | Path, code: str, problem: str,
               issued: datetime, due: datetime, letterhead: Letterhead | None = None,
               with_figure: bool = True) -> Path:
    """Write the SCAR PDF; without Graphviz the genealogy figure is left out."""
    letterhead = letterhead or load_letterhead()
    figure = None
    if with_figure:
        try:
            figure = reach_figure(facts.genealogy)
        except WorkbenchError:
            figure = None
    path = Path(path)
    try:
        doc = ps.document(str(path), letterhead, f"Supplier corrective action request {code}",
                          footer=f"{letterhead.name} · SCAR {code} · {facts.vendor.display} · Confidential",
                          subject=f"SCAR {code}: {facts.lot.label} from {facts.vendor.code}")
        ps.build(doc, scar_story(facts, quality, code, problem, issued, due, letterhead, figure))
    except OSError as exc:
        raise WorkbenchError(f"{path}: cannot write the SCAR ({exc.strerror}).") from exc
    return path
