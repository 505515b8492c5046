"""Rows found by code, or inserted in bulk: parties, locations, items, containers, lots, customers, vendors.

Each ``resolve_*`` looks up every code it is given in one chunked query, inserts the missing rows with
reserved ids in one bulk insert, and returns code → id. Nothing here is per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.plant.bulk import BulkWriter
from workbench.plant.query import fetch_in

UNITS = {"KGM": "kg", "GRM": "g", "LTR": "L", "MLT": "mL", "EA": "ea", "H87": "ea", "C62": "ea", "TNE": "t",
         "CS": "case", "BX": "box", "PK": "pack", "CT": "carton", "PF": "pallet", "LBR": "lb"}
"""UN/CEFACT unit codes (EPCIS ``uom``) as the plant writes them; any other code is kept as given."""
UOM = {v: k for k, v in UNITS.items() if k not in ("H87", "C62")}


def epcis_unit(unit: str) -> str:
    """The UN/CEFACT code of a plant unit (``kg`` → ``KGM``); a unit with none is written in capitals if it can be."""
    if unit in UOM:
        return UOM[unit]
    upper = "".join(c for c in unit.upper() if c.isalnum())[:3]
    return upper if len(upper) >= 2 else "EA"


def plant_unit(uom: str | None) -> str:
    return UNITS.get(uom or "EA", uom or "ea")[:16]


def existing(session: Session, column: Any, id_column: Any, codes: Iterable[str]) -> dict[str, int]:
    """code → id of the rows whose ``column`` is among ``codes``."""
    return dict(fetch_in(session, select(column, id_column), column, codes))


def insert_missing(writer: BulkWriter, session: Session, model: Any, rows: Mapping[str, dict[str, Any]],
                   code_column: str = "code") -> dict[str, int]:
    """Insert the rows (code → column values, without id) that are not in the table yet; code → id of all."""
    table = model.__table__
    found = existing(session, table.c[code_column], table.c.id, rows)
    missing = [code for code in rows if code not in found]
    if missing:
        ids = writer.reserve_ids(table, len(missing))
        names = list(rows[missing[0]])
        columns: dict[str, list[Any]] = {"id": ids, code_column: missing}
        for name in names:
            if name != code_column:
                columns[name] = [rows[code][name] for code in missing]
        writer.insert(table, columns)
        found.update(zip(missing, ids, strict=True))
    return found
