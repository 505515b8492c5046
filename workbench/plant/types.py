"""Column types shared by the plant tables."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect
from sqlalchemy.types import TypeDecorator

#: Quantities are stored as whole millionths of a unit, so sums are exact on both
#: databases (SQLite has no true decimal type, and floats drift in a mass balance).
QUANTITY_SCALE = 1_000_000


def tidy(d: Decimal) -> Decimal:
    """Drop trailing zeros without turning 100 into 1E+2."""
    if d == d.to_integral_value():
        return d.quantize(Decimal(1))
    return d.normalize()


def to_quantity(value: Decimal | int | float | str) -> Decimal:
    """A quantity as an exact Decimal with at most six decimals."""
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    return tidy(d.quantize(Decimal("0.000001")))


class Quantity(TypeDecorator[Decimal]):
    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | int | float | str | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        d = value if isinstance(value, Decimal) else Decimal(str(value))
        return int((d * QUANTITY_SCALE).to_integral_value())

    def process_result_value(self, value: Any | None, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        # Hot path (every quantity of a big trace): whole units skip Decimal division.
        value = int(value)
        whole, fraction = divmod(value, QUANTITY_SCALE)
        if fraction == 0:
            return Decimal(whole)
        return Decimal(value).scaleb(-6).normalize()

    @property
    def python_type(self) -> type[Decimal]:
        return Decimal


class UTCDateTime(TypeDecorator[datetime]):
    """Naive UTC date-times in the database; aware inputs are converted to UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any | None, dialect: Dialect) -> datetime | None:
        if isinstance(value, str):  # SQLite aggregates (min/max) hand back text
            value = datetime.fromisoformat(value)
        return value

    @property
    def python_type(self) -> type[datetime]:
        return datetime
