"""Migration 0008: a lot may be made by several orders (EPCIS runs). Upgrading takes the unique constraint on
``outputs.lot_id`` off and indexes the column; downgrading puts the constraint back. Both databases."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect
from sqlalchemy.pool import NullPool

from workbench.plant.session import alembic_config


def _outputs(engine) -> tuple[set[str], dict[str, bool]]:
    with engine.connect() as conn:
        found = inspect(conn)
        return ({u["name"] for u in found.get_unique_constraints("outputs")},
                {i["name"]: bool(i["unique"]) for i in found.get_indexes("outputs")})


def test_upgrade_lets_a_lot_be_made_twice_and_downgrade_puts_the_rule_back(db_factory):
    engine = create_engine(db_factory.empty_url(), poolclass=NullPool)  # a plant at the head revision
    try:
        unique, indexes = _outputs(engine)
        assert "uq_outputs_lot_id" not in unique and indexes.get("ix_outputs_lot_id") is False
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0007")
        unique, indexes = _outputs(engine)
        assert "ix_outputs_lot_id" not in indexes
        assert "uq_outputs_lot_id" in unique or indexes.get("uq_outputs_lot_id") is True
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
        assert _outputs(engine)[1].get("ix_outputs_lot_id") is False
    finally:
        engine.dispose()
