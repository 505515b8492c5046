"""Units of EPCIS quantities: UN/CEFACT codes (``uom``) and the conversions between codes of one dimension.

An EPCIS quantity may come in another unit than the item's (a lot made in KGM, shipped in GRM or LBR). The
standard conversions here (mass, volume, length, count) need no master data; a unit of another kind (a case,
a pallet) converts only through the item's own factors (``item_units``), which the loader reads from the plant.
"""

from __future__ import annotations

from decimal import Decimal

# UN/CEFACT Recommendation 20 codes → (dimension, factor to the dimension's base unit), exact where the unit is.
_STANDARD: dict[str, tuple[str, Decimal]] = {
    "KGM": ("mass", Decimal(1)), "GRM": ("mass", Decimal("0.001")), "MGM": ("mass", Decimal("0.000001")),
    "TNE": ("mass", Decimal(1000)), "LBR": ("mass", Decimal("0.45359237")), "ONZ": ("mass", Decimal("0.028349523125")),
    "LTR": ("volume", Decimal(1)), "MLT": ("volume", Decimal("0.001")), "CLT": ("volume", Decimal("0.01")),
    "MTQ": ("volume", Decimal(1000)), "GLL": ("volume", Decimal("3.785411784")),
    "MTR": ("length", Decimal(1)), "CMT": ("length", Decimal("0.01")), "MMT": ("length", Decimal("0.001")),
    "EA": ("count", Decimal(1)), "H87": ("count", Decimal(1)), "C62": ("count", Decimal(1)),
}


def standard_factor(from_uom: str, to_uom: str) -> Decimal | None:
    """How many ``to_uom`` one ``from_uom`` is (``GRM`` → ``KGM``: 0.001), for codes of one dimension; else None."""
    a, b = _STANDARD.get(from_uom.upper()), _STANDARD.get(to_uom.upper())
    if a is None or b is None or a[0] != b[0]:
        return None
    return a[1] / b[1]


_BASE = {"mass": "KGM", "volume": "LTR", "length": "MTR", "count": "EA"}


def in_base(quantity: Decimal, uom: str | None) -> tuple[Decimal, str]:
    """The quantity in its dimension's base unit (``12000 GRM`` → ``12 KGM``), so that one amount given in two units
    compares equal; a unit with no standard conversion (a case) is kept as given."""
    standard = _STANDARD.get(uom.upper()) if uom else None
    if standard is None:
        return quantity, uom or ""
    return quantity * standard[1], _BASE[standard[0]]
