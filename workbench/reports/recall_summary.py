"""The recall summary for management: one to three pages.

Key figures, the practitioners' check (amount in question, amount found, percentage
found), the reconciliation (findings first, in red), the lots to hold, the genealogy
figure and the customers by quantity. Long lists are cut to their head with a pointer
to the full file of the package, so the summary stays short at any scale.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer

from workbench.errors import WorkbenchError
from workbench.facts import Edge, Genealogy, Node, NodeId
from workbench.format import per_unit
from workbench.reports import pdfstyle as ps
from workbench.reports.figures import genealogy_figure
from workbench.settings import Letterhead

MAX_RECONCILIATION_ROWS = 14
MAX_HOLD_ROWS = 10
MAX_CUSTOMER_ROWS = 15


def _kinds(by_kind: dict[str, int]) -> str:
    return ", ".join(f"{n:,} {kind}" for kind, n in by_kind.items())


def summary_story(recall, letterhead: Letterhead, figure: bytes | None) -> list:
    st = ps.styles()
    t = ps.text
    width = 170 * mm
    tot = recall.totals
    story = ps.new_section("summary", f"Recall summary {recall.reference}", first=True)
    story.append(Paragraph(f"Recall summary · {t(recall.reference)}", st["title"]))
    story.append(ps.key_values([
        ("Suspect lots", ", ".join(r.label for r in recall.roots)),
        ("Reason", recall.reason or "not stated"),
        ("Prepared", f"{recall.created_at:%Y-%m-%d %H:%M} UTC by {letterhead.name}"),
        ("Recall coordinator", " · ".join(x for x in (letterhead.recall_contact, letterhead.recall_phone,
                                                        letterhead.recall_email) if x) or letterhead.name),
    ], (38 * mm, width - 38 * mm)))

    story.append(Paragraph("Key figures", st["h1"]))
    figures = [
        ("Affected lots", f"{tot.affected_lots:,} ({_kinds(tot.lots_by_kind)})"),
        ("Lots to hold (stock on hand)", f"{tot.lots_on_hold:,}: {per_unit(tot.on_hold, zeros=True)}"),
        ("Customers to notify", f"{tot.customers:,}"),
        ("Shipments (lines)", f"{tot.shipments:,} ({tot.shipment_lines:,} lines): {per_unit(tot.shipped, zeros=True)}"),
        ("Production orders involved", f"{tot.transformations:,}"),
        ("Reconciliation findings", f"{tot.flagged:,} lot(s) flagged" if tot.flagged else "none: every lot balances"),
    ]
    story.append(ps.key_values(figures, (55 * mm, width - 55 * mm)))

    story.append(Paragraph("Amount in question and amount found (suspect lots)", st["h2"]))
    pct = tot.found_percent()
    rows: list[tuple] = [(unit, ps.qty(q), ps.qty(tot.found.get(unit, 0)), f"{pct.get(unit, 0)} %",
             ps.qty(tot.found.get(unit, 0) - q)) for unit, q in sorted(tot.in_question.items())]
    alert = [i for i, r in enumerate(rows) if r[4] != "0"]
    story.append(ps.data_table(("Unit", "In question", "Found", "Found %", "Found beyond held"), rows,
                               [20 * mm, 35 * mm, 35 * mm, 25 * mm, 35 * mm], right=(1, 2, 3, 4), alert_rows=alert))
    story.append(Paragraph("In question: received or made, plus returns. Found: consumed into traced orders, "
                           "shipped to named customers, or on hand.", st["muted"]))

    story.append(Paragraph("Reconciliation", st["h1"]))
    rec = recall.reconciliation
    shown = rec[:MAX_RECONCILIATION_ROWS]
    rows = [(r.item, r.lot, ps.qty(r.made), ps.qty(r.returned), ps.qty(r.consumed),
             ps.qty(r.shipped), ps.qty(r.on_hand), ps.qty(r.unaccounted), r.unit) for r in shown]
    story.append(ps.data_table(
        ("Item", "Lot", "Made/recv.", "Returned", "Consumed", "Shipped", "On hand", "Unaccounted", "Unit"),
        rows, [33 * mm, 19 * mm, 19 * mm, 16 * mm, 19 * mm, 16 * mm, 15 * mm, 22 * mm, 11 * mm],
        right=range(2, 8), alert_rows=[i for i, r in enumerate(shown) if r.flagged]))
    notes = [f"<font color='{ps.ALERT_HEX}'>{t(r.item)}/{t(r.lot)}: {t('; '.join(r.findings))}.</font>"
             for r in shown if r.flagged]
    if len(rec) > len(shown):
        more = rec[len(shown):]
        flagged_more = sum(1 for r in more if r.flagged)
        notes.append(f"{len(more):,} further lots ({flagged_more:,} flagged) are in reconciliation.csv.")
    for note in notes:
        story.append(Paragraph(note, st["small"]))

    if recall.hold:
        story.append(CondPageBreak(45 * mm))
        story.append(Paragraph("Lots to hold", st["h1"]))
        shown_hold = recall.hold[:MAX_HOLD_ROWS]
        rows = [(a.item, a.item_name or "", a.lot, a.kind, ps.qty(a.on_hand), a.unit, ps.day(a.expires_at))
                for a in shown_hold]
        story.append(ps.data_table(("Item", "Description", "Lot", "Kind", "On hand", "Unit", "Expires"), rows,
                                   [34 * mm, 52 * mm, 20 * mm, 18 * mm, 16 * mm, 11 * mm, 19 * mm], right=(4,)))
        if len(recall.hold) > len(shown_hold):
            story.append(Paragraph(f"{len(recall.hold) - len(shown_hold):,} more lots in hold-list.csv.",
                                   st["muted"]))

    if figure is not None:
        story.append(CondPageBreak(90 * mm))
        story.append(KeepTogether([Paragraph("Genealogy", st["h1"]),
                                   ps.image(figure, width, 105 * mm),
                                   Paragraph("Suspect lots framed in red. Large traces group the lots of one item "
                                             "at one depth into a single box.", st["muted"])]))

    story.append(CondPageBreak(60 * mm))
    story.append(Paragraph("Customers by quantity", st["h1"]))
    if not recall.customers:
        story.append(Paragraph("No customer received an affected lot.", st["body"]))
    else:
        shown_c = recall.customers[:MAX_CUSTOMER_ROWS]
        rows = [(c.customer, c.display_name, c.contact or "", f"{len(c.lines):,}", f"{len(c.lots()):,}",
                 per_unit(c.quantities(), zeros=True)) for c in shown_c]
        story.append(ps.data_table(("Customer", "Name", "Contact", "Lines", "Lots", "Quantity"), rows,
                                   [22 * mm, 55 * mm, 35 * mm, 14 * mm, 12 * mm, 32 * mm], right=(3, 4, 5)))
        if len(recall.customers) > len(shown_c):
            story.append(Paragraph(f"{len(recall.customers) - len(shown_c):,} more customers in contacts.xlsx; "
                                   "each has a letter in letters/.", st["muted"]))
    story.append(Spacer(1, 2 * mm))
    return story


def figure_genealogy(g: Genealogy, max_customers: int = 12) -> Genealogy:
    """The genealogy as the summary draws it: with many customers, the shipments become one
    box and the customers another (the figure shows how far the lots went; the lists say
    to whom). Lots, orders and quantities are kept."""
    customers = g.of_kind("customer")
    if len(customers) <= max_customers:
        return g
    hidden = {nid for nid, n in g.nodes.items() if n.kind in ("customer", "shipment", "return")}
    nodes = {nid: n for nid, n in g.nodes.items() if nid not in hidden}
    shipments = Node(NodeId("shipment:*"), "shipment", f"{len(g.of_kind('shipment')):,} shipments")
    everyone = Node(NodeId("customer:*"), "customer", f"{len(customers):,} customers")
    nodes[shipments.id] = shipments
    nodes[everyone.id] = everyone
    shipped: dict[tuple[NodeId, str | None], Decimal] = defaultdict(Decimal)
    edges = [e for e in g.edges if e.source not in hidden and e.target not in hidden]
    for e in g.edges:
        if e.kind == "shipped" and e.quantity is not None:
            shipped[(e.source, e.unit)] += e.quantity
    edges += [Edge(lot, shipments.id, "shipped", qty, unit) for (lot, unit), qty in shipped.items()]
    edges.append(Edge(shipments.id, everyone.id, "delivered"))
    return Genealogy(g.roots, g.direction, g.depth, nodes, edges)


def write_summary(recall, path: Path, letterhead: Letterhead) -> None:
    """Write ``summary.pdf``; without Graphviz the figure is left out with a note."""
    try:
        figure = genealogy_figure(figure_genealogy(recall.genealogy), "png", max_nodes=60, dpi=110)
    except WorkbenchError:
        figure = None
    doc = ps.document(str(path), letterhead, f"Recall summary {recall.reference}",
                      footer=f"{letterhead.name} · Recall {recall.reference} · Confidential")
    ps.build(doc, summary_story(recall, letterhead, figure))
