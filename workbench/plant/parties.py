"""Every vendor and customer is a party: the roles point at one ``parties`` row each.

A vendor and a customer with the same code are the same party in two roles (the same
rule migration 0003 applied to the plants it upgraded).
"""

from __future__ import annotations

from sqlalchemy import exists, false, insert, select, update
from sqlalchemy.orm import Session

from workbench.plant.chain import Party
from workbench.plant.models import Customer, Vendor


def link_parties(session: Session) -> None:
    """Give each vendor and customer without a party its party, set-wise (two statements per role)."""
    for role in (Vendor, Customer):
        unlinked = role.party_id.is_(None)
        session.execute(insert(Party).from_select(
            ["code", "name", "address", "own", "carrier"],
            select(role.code, role.name, role.address, false(), false())
            .where(unlinked, ~exists().where(Party.code == role.code)),
        ))
        session.execute(
            update(role).where(unlinked)
            .values(party_id=select(Party.id).where(Party.code == role.code).scalar_subquery())
            .execution_options(synchronize_session=False)
        )
