"""Where a shipment line stands: received, in transit, or delivered.

- **received**: a receipt line names it (a transfer between our sites, or a chain partner's
  receipt we hold): the lot moved, it did not leave the chain;
- **in transit**: it goes to one of our own sites and no receipt line names it yet;
- **delivered**: any other line (to a customer).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, case, exists, literal_column, select
from sqlalchemy.sql.elements import Case, ColumnClause


def shipment_status(shipment: Any, receipt: Any, ship_to: Any, per_line: bool = False) -> Case[str]:
    """The SQL expression of a shipment line's status; ``ship_to`` is the ship-to location
    (outer-joined by the caller), ``shipment`` and ``receipt`` the tables or aliases.

    ``per_line`` looks the receipt up line by line (LIMIT 1), for queries over a few lines:
    PostgreSQL would otherwise hash every receipt of the plant for the EXISTS."""
    shipment, receipt, ship_to = (getattr(t, "c", t) for t in (shipment, receipt, ship_to))  # tables or entities
    received: ColumnElement[bool] = exists().where(receipt.shipment_id == shipment.id)
    if per_line:
        received = (select(literal_column("1")).where(receipt.shipment_id == shipment.id).limit(1)
                    .scalar_subquery().is_not(None))
    # Constants as SQL text, so the expression can be grouped by on PostgreSQL (bound
    # parameters would make GROUP BY and SELECT differ).
    def text(value: str) -> ColumnClause[Any]:
        return literal_column(f"'{value}'")

    return case((received, text("received")), (ship_to.kind == text("own_site"), text("in transit")),
                else_=text("delivered"))
