"""The details panel: the facts about whatever is selected — a lot, vendor, customer,
machine, operator, order, receipt, shipment or return.

``DetailsPanel`` (the dock's content) loads the facts in the background with
``workbench.lots.details`` and shows them with the panel class named after the thing:
``LotPanel``, ``PartyPanel``, ``ResourcePanel``, ``OrderPanel``, ``DocumentPanel``. Each
is a sheet of headed sections: facts as selectable label/value pairs, and small tables
whose lot rows open that lot on double-click.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.facts import LotQuantity, LotRef, OperationFacts
from workbench.format import clock as fmt_clock
from workbench.format import day as fmt_date
from workbench.format import quantity as fmt_quantity
from workbench.format import when as fmt_time
from workbench.lots.details import (
    DocumentDetails,
    LotDetails,
    OrderDetails,
    PartyDetails,
    ResourceDetails,
    lot_details,
    node_details,
)
from workbench.plant import Plant
from workbench.ui.ops import plant_op, run_op
from workbench.ui.style import STATUS_COLOURS, kind_colours

#: Rows a small table shows before it scrolls.
VISIBLE_ROWS = 8
ROW_HEIGHT = 22
#: Width of the fact labels' column, so values line up from section to section.
KEY_WIDTH = 104

_SELECTABLE = Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard


class Sheet(QWidget):
    """A column of headed sections; the panels below fill one."""

    def __init__(self, kind: str, title: str, subtitle: str = "", badge: tuple[str, str] | None = None):
        super().__init__()
        self.setObjectName("detailsBody")
        self.lot_tables: list[tuple[QTableWidget, list[LotRef | None]]] = []
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(14, 12, 14, 14)
        self.layout_.setSpacing(6)
        fill, line = kind_colours(kind)
        kind_label = QLabel(kind.upper())
        kind_label.setStyleSheet(
            f"background:{fill.name()}; color:{line.name()}; border:1px solid {line.name()};"
            "border-radius:3px; padding:1px 6px; font-size:8pt; font-weight:700;")
        kind_label.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        top = QHBoxLayout()
        top.setSpacing(6)
        top.addWidget(kind_label)
        if badge is not None:
            text, colour = badge
            b = QLabel(text)
            b.setObjectName("badge")
            b.setStyleSheet(f"background:{colour};")
            top.addWidget(b)
        top.addStretch(1)
        self.layout_.addLayout(top)
        heading = QLabel(title)
        heading.setObjectName("panelTitle")
        heading.setTextInteractionFlags(_SELECTABLE)
        heading.setWordWrap(True)
        self.layout_.addWidget(heading)
        if subtitle:
            sub = QLabel(subtitle)
            sub.setObjectName("panelSubtitle")
            sub.setWordWrap(True)
            sub.setTextInteractionFlags(_SELECTABLE)
            self.layout_.addWidget(sub)

    def section(self, title: str) -> None:
        label = QLabel(title.upper())
        label.setObjectName("sectionHeading")
        # A heading never widens the panel: an EPCIS order code is a 70-character event hash with no space to wrap at.
        label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        label.setToolTip(title)
        self.layout_.addWidget(label)

    def facts(self, pairs: list[tuple[str, object]]) -> None:
        """Label/value pairs; empty values are left out so the sheet stays short."""
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(3)
        grid.setColumnMinimumWidth(0, KEY_WIDTH)  # keys line up across sections
        grid.setColumnStretch(1, 1)
        row = 0
        for key, value in pairs:
            if value is None or value == "":
                continue
            k = QLabel(key)
            k.setObjectName("factKey")
            k.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            v = QLabel(str(value))
            v.setWordWrap(True)
            v.setTextInteractionFlags(_SELECTABLE)
            grid.addWidget(k, row, 0)
            grid.addWidget(v, row, 1)
            row += 1
        self.layout_.addLayout(grid)

    def note(self, text: str) -> None:
        label = QLabel(text)
        label.setObjectName("hint")
        label.setWordWrap(True)
        self.layout_.addWidget(label)

    def table(self, headers: list[str], rows: Sequence[Sequence[object]], lots: list[LotRef | None] | None = None,
              numeric: tuple[int, ...] = (), stretch: int = -1) -> QTableWidget:
        """A small read-only table; ``lots`` (one per row) makes rows open their lot on double-click.

        Columns fit their contents except ``stretch`` (default the last), which takes the
        remaining width and elides: the panel is narrow and never scrolls sideways.
        """
        t = QTableWidget(len(rows), len(headers))
        t.setHorizontalHeaderLabels(headers)
        t.verticalHeader().hide()
        t.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.setAlternatingRowColors(True)
        t.setWordWrap(False)
        t.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        t.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = t.horizontalHeader()
        header.setHighlightSections(False)
        header.setMinimumSectionSize(40)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(stretch % len(headers), QHeaderView.ResizeMode.Stretch)
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                item = QTableWidgetItem("" if value is None else str(value))
                if c in numeric:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                t.setItem(r, c, item)
        shown = max(1, min(len(rows), VISIBLE_ROWS))
        t.setFixedHeight(header.sizeHint().height() + ROW_HEIGHT * shown + 2 * t.frameWidth() + 2)
        t.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        if lots is not None:
            self.lot_tables.append((t, lots))
            t.setToolTip("Double-click a row to open its lot")
        self.layout_.addWidget(t)
        return t

    def finish(self) -> None:
        self.layout_.addStretch(1)


def _span(op: OperationFacts, day) -> str:
    """An operation's start and end, as 10:45–11:30 on the order's day (10-30 01:15 otherwise)."""
    return f"{fmt_clock(op.started_at, day)}–{fmt_clock(op.finished_at, day)}"


def _on_hand_text(d: LotDetails) -> str:
    text = fmt_quantity(d.on_hand, d.item.unit)
    if d.unaccounted > 0:
        text += f"  ({fmt_quantity(d.unaccounted, d.item.unit)} unaccounted for)"
    return text


class LotPanel(Sheet):
    """A lot: item, status, mass balance, origin, where it went."""

    def __init__(self, d: LotDetails):
        name = f" — {d.item.name}" if d.item.name else ""
        badge = ("on hold", STATUS_COLOURS["on hold"]) if d.on_hold else (d.status, STATUS_COLOURS.get(d.status, "#5a6577"))
        super().__init__("lot", f"{d.item.code} / {d.lot}", f"{d.item.code}{name}", badge)
        unit = d.item.unit
        if d.holds:  # first: a held lot must not be picked or shipped, whatever else it says
            self.section("On hold")
            for h in d.holds:
                self.facts([("Quarantine" if h.kind == "quarantine" else "Hold", h.reason),
                            ("Since", f"{fmt_time(h.placed_at)} by {h.placed_by}")])
        self.section("Quantities")
        self.facts([
            ("Made" if d.origin == "production" else "Received" if d.origin == "receipt" else "Opening stock",
             fmt_quantity(d.made, unit)),
            ("Consumed", fmt_quantity(d.consumed, unit)),
            ("Shipped", fmt_quantity(d.shipped, unit)),
            ("Returned", fmt_quantity(d.returned, unit) if d.returned else None),
            ("On hand", _on_hand_text(d)),
        ])
        self.section("Item")
        self.facts([("Item", d.item.code), ("Name", d.item.name), ("Kind", d.item.kind), ("Unit", unit),
                    ("GTIN", d.item.gtin)])
        self.section("Origin")
        self.facts([
            ("Origin", {"receipt": "purchased", "production": "made here", "opening": "opening stock"}.get(
                d.origin, d.origin)),
            ("Created", fmt_time(d.created_at)), ("Expires", fmt_date(d.expires_at)),
            ("Vendor", f"{d.vendor} — {d.vendor_name}" if d.vendor and d.vendor_name else d.vendor),
            ("Vendor lot", d.vendor_lot), ("Receipt", d.receipt), ("Received on", fmt_time(d.received_at)),
            ("Purchase order", d.po),
        ])
        for o in (d.made_by, *d.also_made_by) if d.made_by is not None else ():
            self.section(f"Made by order {o.code}")
            self.facts([("Started", fmt_time(o.started_at)), ("Finished", fmt_time(o.finished_at))])
            if o.operations:
                self.table(["Step", "Machine", "Operator", "Time"],
                           [[op.step, op.machine, op.operator, _span(op, o.started_at)] for op in o.operations], stretch=0)
            if o.inputs:
                self.table(["Input item", "Lot", "Quantity"],
                           [[q.item, q.lot, fmt_quantity(q.quantity, q.unit)] for q in o.inputs],
                           lots=[q.ref for q in o.inputs], numeric=(2,))
        if d.consumptions:
            self.section(f"Consumed by {len(d.consumptions)} order{'s' if len(d.consumptions) != 1 else ''}")
            rows, lots, dates = [], [], []
            for c in d.consumptions:
                outs: list[LotQuantity | None] = [*c.outputs] or [None]
                for i, out in enumerate(outs):
                    rows.append([c.order if i == 0 else "", fmt_quantity(c.quantity, unit) if i == 0 else "",
                                 f"{out.item} / {out.lot}" if out else "(nothing made yet)"])
                    lots.append(out.ref if out else None)
                    dates.append(fmt_time(c.consumed_at))
            table = self.table(["Order", "Quantity", "Made lot"], rows, lots=lots, numeric=(1,))
            for row, when in enumerate(dates):  # the dates are on the timeline; here on hover
                if (cell := table.item(row, 0)) is not None:
                    cell.setToolTip(f"Consumed {when}")
        if d.shipments:
            self.section(f"Shipped in {len(d.shipments)} shipment line{'s' if len(d.shipments) != 1 else ''}")
            table = self.table(["Shipment", "Date", "Customer", "Quantity"],
                               [[s.shipment, fmt_date(s.shipped_at), s.customer, fmt_quantity(s.quantity, unit)]
                                for s in d.shipments], numeric=(3,))
            for row, s in enumerate(d.shipments):  # the customer's name and order on hover
                if (cell := table.item(row, 2)) is not None:
                    cell.setToolTip(f"{s.customer_name or s.customer}, order {s.order_ref or '—'}")
        if d.returns:
            self.section("Returned")
            self.table(["RMA", "Date", "Customer", "Quantity", "Reason"],
                       [[r.rma, fmt_date(r.received_at), r.customer, fmt_quantity(r.quantity, unit), r.reason]
                        for r in d.returns], numeric=(3,))
        if not (d.consumptions or d.shipments or d.returns):
            self.section("Where it went")
            self.note("Nothing has left this lot yet.")
        _chain_sections(self, d, unit)
        self.finish()


class PartyPanel(Sheet):
    """A vendor (its receipts) or a customer (its shipments and returns)."""

    def __init__(self, d: PartyDetails):
        super().__init__(d.kind, d.code, d.name or "")
        self.section("Contact")
        self.facts([("Contact", d.contact), ("E-mail", d.email), ("Phone", d.phone), ("Address", d.address)])
        word = "receipt" if d.kind == "vendor" else "shipment"
        self.section("Activity")
        self.facts([(f"{word.title()} lines", f"{d.total_lines:,}"), ("Lots", f"{d.total_lots:,}"),
                    ("First", fmt_date(d.first_at)), ("Last", fmt_date(d.last_at))])
        if d.lines:
            ref = "PO" if d.kind == "vendor" else "Order ref"
            self.section(f"{'Lots received' if d.kind == 'vendor' else 'Lots shipped'} (newest first)")
            if len(d.lines) < d.total_lines:
                self.note(f"The newest {len(d.lines):,} of {d.total_lines:,} lines.")
            self.table([word.title(), "Date", ref, "Item", "Lot", "Quantity"],
                       [[p.document, fmt_date(p.at), p.reference, p.lot.item, p.lot.lot,
                         fmt_quantity(p.lot.quantity, p.lot.unit)] for p in d.lines],
                       lots=[p.lot.ref for p in d.lines], numeric=(5,))
        if d.returns:
            self.section("Returns")
            self.table(["RMA", "Date", "Quantity", "Reason"],
                       [[r.rma, fmt_date(r.received_at), fmt_quantity(r.quantity), r.reason] for r in d.returns],
                       numeric=(2,))
        self.finish()


class ResourcePanel(Sheet):
    """A machine or an operator: the operations it ran and the lots those orders made."""

    def __init__(self, d: ResourceDetails):
        super().__init__(d.kind, d.code, "Machine" if d.kind == "machine" else "Operator")
        self.section("Activity")
        self.facts([("Operations", f"{d.total_operations:,}"), ("Orders", f"{d.total_orders:,}"),
                    ("First", fmt_time(d.first_at)), ("Last", fmt_time(d.last_at))])
        other = "Operator" if d.kind == "machine" else "Machine"
        self.section("Operations (newest first)")
        if len(d.operations) < d.total_operations:
            self.note(f"The newest {len(d.operations):,} of {d.total_operations:,} operations.")
        self.table(["Order", "Item", "Step", other, "Start", "End"],
                   [[o.order, o.item, o.step, o.operator if d.kind == "machine" else o.machine,
                     fmt_time(o.started_at), fmt_time(o.finished_at)] for o in d.operations])
        if d.lots_made:
            self.section("Lots made by these orders")
            self.table(["Item", "Lot", "Quantity"],
                       [[q.item, q.lot, fmt_quantity(q.quantity, q.unit)] for q in d.lots_made],
                       lots=[q.ref for q in d.lots_made], numeric=(2,))
        self.finish()


class OrderPanel(Sheet):
    """A production order (or one of its operations): steps, inputs and outputs."""

    def __init__(self, d: OrderDetails):
        title = f"{d.code} / {d.focus_step}" if d.focus_step else d.code
        super().__init__("operation" if d.focus_step else "order", title,
                         f"Production order for {d.item}" + (f" — {d.item_name}" if d.item_name else ""))
        self.section("Order")
        self.facts([("Item", d.item), ("Started", fmt_time(d.started_at)), ("Finished", fmt_time(d.finished_at))])
        if d.operations:
            self.section("Operations")
            table = self.table(["Step", "Machine", "Operator", "Time"],
                               [[o.step, o.machine, o.operator, _span(o, d.started_at)] for o in d.operations], stretch=0)
            for row, o in enumerate(d.operations):
                if o.step == d.focus_step:
                    table.selectRow(row)
        self.section("Inputs consumed")
        if d.inputs:
            self.table(["Item", "Lot", "Quantity"], [[q.item, q.lot, fmt_quantity(q.quantity, q.unit)] for q in d.inputs],
                       lots=[q.ref for q in d.inputs], numeric=(2,))
        else:
            self.note("No consumption was recorded.")
        self.section("Lots made")
        if d.outputs:
            self.table(["Item", "Lot", "Quantity"], [[q.item, q.lot, fmt_quantity(q.quantity, q.unit)] for q in d.outputs],
                       lots=[q.ref for q in d.outputs], numeric=(2,))
        else:
            self.note("No output lot yet.")
        self.finish()


class DocumentPanel(Sheet):
    """A receipt, shipment or return (RMA) and its lot lines."""

    def __init__(self, d: DocumentDetails):
        what = {"receipt": "Receipt", "shipment": "Shipment", "return": "Return (RMA)"}[d.kind]
        super().__init__(d.kind, d.code, f"{what} — {d.party_kind} {d.party}"
                         + (f", {d.party_name}" if d.party_name else ""))
        ref = {"receipt": "Purchase order", "shipment": "Customer order", "return": "Reason"}[d.kind]
        self.section(what)
        self.facts([("Date", fmt_time(d.at)), (d.party_kind.title(), d.party), (ref, d.reference),
                    ("Lines", str(len(d.lines)))])
        self.section("Lots")
        headers = ["Item", "Lot", "Quantity"] + (["Vendor lot"] if d.kind == "receipt" else [])
        rows = [[q.item, q.lot, fmt_quantity(q.quantity, q.unit), *([q.note] if d.kind == "receipt" else [])]
                for q in d.lines]
        self.table(headers, rows, lots=[q.ref for q in d.lines], numeric=(2,))
        self.finish()


_PANELS: tuple[tuple[type, Callable[[Any], Sheet]], ...] = (
    (LotDetails, LotPanel),
    (PartyDetails, PartyPanel),
    (ResourceDetails, ResourcePanel),
    (OrderDetails, OrderPanel),
    (DocumentDetails, DocumentPanel),
)


def panel_for(details) -> Sheet:
    for kind, panel in _PANELS:
        if isinstance(details, kind):
            return panel(details)
    raise TypeError(f"no panel shows {type(details).__name__}")


class DetailsPanel(QWidget):
    """The details dock's content: loads facts in the background and shows the right sheet."""

    lotActivated = Signal(object)  # LotRef double-clicked in a table
    loaded = Signal(object)  # the details dataclass just shown

    def __init__(self, plant: Plant, parent=None):
        super().__init__(parent)
        self.plant = plant
        self.details = None
        self._last_load = None
        self.sheet: QWidget | None = None
        self._generation = 0
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll_area)
        self.clear()

    def set_plant(self, plant: Plant) -> None:
        self.plant = plant
        self._last_load = None
        self.clear()

    def clear(self, message: str = "Select a lot in the results or a box in the genealogy to see its facts here.") -> None:
        self._generation += 1
        self.details = None
        body = QWidget()
        body.setObjectName("detailsBody")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(16, 16, 16, 16)
        label = QLabel(message)
        label.setObjectName("hint")
        label.setWordWrap(True)
        layout.addWidget(label)
        layout.addStretch(1)
        self._set_sheet(body)

    def show_lot(self, lot: LotRef | int) -> None:
        lot_id = lot.id if isinstance(lot, LotRef) else int(lot)
        self._load(lambda s, _p: lot_details(s, lot_id))

    def show_node(self, node) -> None:
        """Show a genealogy ``Node`` (a lot, vendor, order, machine, shipment…)."""
        kind, code = node.kind, node.code
        lot_id = node.lot.lot_id if node.kind == "lot" else None
        self._load(lambda s, _p: node_details(s, kind, code, lot_id))

    def show_party(self, kind: str, code: str) -> None:
        """Show a customer or vendor by its code."""
        self._load(lambda s, _p: node_details(s, kind, code, None))

    def on_changes(self, changes) -> None:
        """The plant changed: the facts shown are loaded again."""
        if (changes.touches_lots() or changes.scars) and self._last_load is not None:
            self._load(self._last_load)

    def show_details(self, details) -> None:
        """Show facts already loaded (a ``workbench.lots.details`` dataclass)."""
        self.details = details
        sheet = panel_for(details)
        for table, lots in getattr(sheet, "lot_tables", []):
            table.cellDoubleClicked.connect(lambda row, _col, lots=lots: self._open_row(lots, row))
        self._set_sheet(sheet)
        self.loaded.emit(details)

    def _open_row(self, lots: list[LotRef | None], row: int) -> None:
        if 0 <= row < len(lots) and lots[row] is not None:
            self.lotActivated.emit(lots[row])

    def _load(self, fn) -> None:
        self._last_load = fn
        self._generation += 1
        generation = self._generation

        def done(details) -> None:
            if generation == self._generation:
                self.show_details(details)

        def failed(message: str, _cancelled: bool) -> None:
            if generation == self._generation:
                self.clear(message)

        run_op(self, plant_op(self.plant, fn), done, failed)

    def _set_sheet(self, sheet: QWidget) -> None:
        old = self.scroll_area.takeWidget()
        if old is not None:
            old.deleteLater()
        self.sheet = sheet
        self.scroll_area.setWidget(sheet)


def _chain_sections(sheet, d, unit: str) -> None:
    """Key data elements, stock per site, transit and the event history (retractions marked)."""
    if d.key_data:
        sheet.section("Key data elements")
        sheet.facts(list(d.key_data))
    if d.sites:
        sheet.section("Stock by site")
        sheet.table(["Site", "In", "Out", "On hand"],
                    [[x.site, fmt_quantity(x.made + x.arrived + x.returned, unit),
                      fmt_quantity(x.consumed + x.shipped + x.transferred, unit), fmt_quantity(x.on_hand, unit)]
                     for x in d.sites], numeric=(1, 2, 3))
    for t in d.in_transit:
        sheet.note(f"{fmt_quantity(t.quantity, unit)} {t.describe()} (shipment {t.shipment}).")
    if d.history:
        sheet.section("Recorded events")
        flagged = any(e.status != "valid" for e in d.history)
        headers = ["Date", "Event", *(["Status"] if flagged else []), "Event ID"]
        rows: list[list[object]] = [[fmt_date(e.occurred_at), " · ".join(
            x for x in (e.kind, (e.event_type or "").removesuffix("Event")) if x), *([e.status] if flagged else []), e.ref]
            for e in d.history]
        table = sheet.table(headers, rows)
        for c in range(1, len(headers) - 1):  # step and type (and status) elide; the eventID takes the rest
            table.horizontalHeader().setSectionResizeMode(c, QHeaderView.ResizeMode.Interactive)
            table.setColumnWidth(c, 120)
        for r, e in enumerate(d.history):  # the whole record on hover: the panel is narrow
            tip = "\n".join(f"{k}: {v}" for k, v in (
                ("eventID", e.ref), ("type", e.event_type), ("bizStep", e.kind), ("disposition", e.disposition),
                ("time", fmt_time(e.occurred_at)), ("from", e.source), ("status", e.status)) if v)
            for c in range(len(headers)):
                table.item(r, c).setToolTip(tip)
        sources = Counter(_file_name(e.source) for e in d.history if e.source)
        if sources:
            sheet.note("From " + ", ".join(f"{name} ({n} event{'s' if n != 1 else ''})" for name, n in sources.items())
                       + ".")


def _file_name(source: str | None) -> str:
    """The file an event came from, without its folders (the panel is narrow); other sources as they are."""
    return (source or "").replace("\\", "/").rsplit("/", 1)[-1]
