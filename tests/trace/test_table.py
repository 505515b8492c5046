"""The trace table: every lot and shipment line of the opened genealogy, indented by
level, on hand from the stock records, and the same rows in the XLSX export."""

from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import load_workbook

from workbench.demo import INCIDENT
from workbench.plant.lookup import find_lot
from workbench.reports.trace_table import write_trace_xlsx
from workbench.trace.explore import DOWNSTREAM, GraphState
from workbench.trace.jobs import Expansion, expand, open_lot
from workbench.trace.table import COLUMNS, trace_rows, with_on_hand


def test_the_incident_tree_as_rows(demo_plant, tmp_path):
    with demo_plant.Session() as s:
        ref = find_lot(s, INCIDENT.lot, item=INCIDENT.item)
        first = open_lot(s, ref, GraphState())
        state = expand(s, first.state, [Expansion((first.state.roots[0],), DOWNSTREAM, None)], {}, {}).state
        rows = with_on_hand(s, trace_rows(state))
    lots = {r.node_id for r in rows if r.kind == "lot"}
    assert lots == {nid for nid, n in state.nodes.items() if n.kind == "lot"}  # every lot of the tree
    shipments = [r for r in rows if r.kind == "shipment"]
    # One row per shipment line: every lot -> shipment edge, once.
    assert len(shipments) == sum(1 for (a, b, _) in state.edges
                                 if state.nodes[a].kind == "lot" and state.nodes[b].kind == "shipment")
    assert all(r.party.startswith("C-") for r in shipments)  # the customer who received it
    root = rows[0]
    assert (root.item, root.lot, root.level, root.parent) == (INCIDENT.item, INCIDENT.lot, 0, -1)
    for r in rows[1:]:  # a row is one level further out than the row it hangs under
        parent = rows[r.parent]
        assert r.level == parent.level + (1 if r.level > 0 else -1)
        if r.kind == "lot":
            assert r.on_hand is not None
    # The planted finding shows: chopped almonds consumed 3 kg beyond what the lot held.
    assert {r.on_hand for r in rows if r.lot == "26132A1"} == {-3}
    assert any(r.repeated for r in rows) or len(lots) == sum(1 for r in rows if r.kind == "lot")
    path = write_trace_xlsx(rows, tmp_path / "trace.xlsx", "Genealogy of the almond lot")
    sheet = load_workbook(path).active
    assert [c.value for c in sheet[2]] == list(COLUMNS)
    assert sheet.max_row == len(rows) + 2
    assert max(sheet.row_dimensions[i].outline_level for i in range(3, sheet.max_row + 1)) >= 3


def test_the_export_never_holds_a_formula_or_a_control_character(tmp_path):
    # Codes and names come from imported data: "=HYPERLINK(…)" must stay text, and a control
    # character (which openpyxl refuses) is written escaped, not a crash.
    from workbench.trace.records import TraceRow

    hostile = TraceRow("lot:1", -1, 0, "lot", "=HYPERLINK(\"http://x\")", "+1-2", "@SUM(A1)\x07bell",
                       Decimal("2.5"), "kg", None, "-Customer")
    sheet = load_workbook(write_trace_xlsx([hostile], tmp_path / "t.xlsx", "=1+1")).active
    assert sheet["A1"].data_type == "s" and sheet["A1"].value == "=1+1"
    row = list(sheet[3])
    assert all(c.data_type == "s" for c in row if isinstance(c.value, str))
    assert row[2].value == "=HYPERLINK(\"http://x\")" and row[3].value == "+1-2"
    assert "\x07" not in row[4].value and row[4].value.startswith("@SUM(A1)")
    assert row[5].value == 2.5 and row[5].data_type == "n"


def test_the_export_is_whole_or_not_at_all(tmp_path, monkeypatch):
    """A failure while writing leaves the file that was there (and no temporary file) behind."""
    from openpyxl import Workbook

    from workbench.trace.records import TraceRow

    target = tmp_path / "t.xlsx"
    target.write_bytes(b"the user's earlier sheet")
    row = TraceRow("lot:1", -1, 0, "lot", "I", "L", "lot", Decimal(1), "kg", None, "")

    def fail(self, filename):
        Path(filename).write_bytes(b"half")
        raise OSError("disk full")

    from pathlib import Path

    monkeypatch.setattr(Workbook, "save", fail)
    with pytest.raises(OSError, match="disk full"):
        write_trace_xlsx([row], target)
    assert target.read_bytes() == b"the user's earlier sheet"
    assert [p.name for p in tmp_path.iterdir()] == ["t.xlsx"]
