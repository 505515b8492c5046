"""What a lot's label says, as GS1 Application Identifiers.

GTIN (01), or the plant's item code (240) for items without a GTIN; production date (11);
expiry (17) or best before (15), as the item is set up; net weight in kg (310n) or volume
in litres (315n), or a count (30) for items counted in units; batch/lot (10); the pallet's
SSCC (00) where one was given. Fixed-length elements come first, so FNC1 separators are
needed only between the variable-length ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import quote

#: Application Identifiers of predefined length: never followed by an FNC1 separator.
FIXED_LENGTH = ("00", "01", "02", "11", "13", "15", "17", "310", "315")
WEIGHT_UNITS = {"kg": "310", "L": "315", "l": "315"}


def is_fixed(ai: str) -> bool:
    return ai in FIXED_LENGTH or ai[:3] in FIXED_LENGTH


@dataclass(frozen=True)
class LabelFacts:
    item: str
    item_name: str | None
    gtin: str | None
    lot: str
    unit: str
    quantity: Decimal | None
    produced: date | None
    expires: date | None
    #: "17" expiry (USE BY) or "15" best before.
    date_ai: str = "17"
    vendor: str | None = None
    vendor_lot: str | None = None
    location: str | None = None
    sscc: str | None = None

    @property
    def date_title(self) -> str:
        return "BEST BEFORE" if self.date_ai == "15" else "USE BY"

    def measure(self) -> tuple[str, str] | None:
        """The quantity as a GS1 element: net weight/volume with as few decimals as exact, or a count."""
        if self.quantity is None or self.quantity <= 0:
            return None
        base = WEIGHT_UNITS.get(self.unit)
        if base is not None:
            for decimals in range(6):
                scaled = self.quantity.scaleb(decimals)
                if scaled == scaled.to_integral_value() and scaled < 1_000_000:
                    return f"{base}{decimals}", f"{int(scaled):06d}"
            return None
        if self.quantity == self.quantity.to_integral_value() and self.quantity < 100_000_000:
            return "30", str(int(self.quantity))
        return None

    def elements(self) -> list[tuple[str, str]]:
        """The lot's element strings in label order (fixed-length first)."""
        out: list[tuple[str, str]] = [("01", self.gtin.zfill(14))] if self.gtin else []
        if self.produced:
            out.append(("11", f"{self.produced:%y%m%d}"))
        if self.expires:
            out.append((self.date_ai, f"{self.expires:%y%m%d}"))
        measure = self.measure()
        if measure and is_fixed(measure[0]):
            out.append(measure)
        if not self.gtin:
            out.append(("240", self.item))
        out.append(("10", self.lot))
        if measure and not is_fixed(measure[0]):
            out.append(measure)
        return out

    def hri(self, elements: list[tuple[str, str]] | None = None) -> str:
        """The human-readable interpretation: ``(01)09501101530003(17)270131(10)L1``."""
        return "".join(f"({ai}){value}" for ai, value in (elements or self.elements()))

    def digital_link(self, domain: str = "https://id.gs1.org") -> str | None:
        """The GS1 Digital Link URI (needs a GTIN)."""
        if not self.gtin:
            return None
        query = [f"{ai}={value}" for ai, value in self.elements() if ai not in ("01", "10")]
        return (f"{domain}/01/{self.gtin.zfill(14)}/10/{quote(self.lot, safe='')}"
                + ("?" + "&".join(query) if query else ""))
