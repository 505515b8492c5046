"""A dump of every table of a plant (and PostgreSQL's id sequences): equal dumps mean
the plant was not changed at all."""

from __future__ import annotations

from sqlalchemy import select, text

from workbench.plant import Base


def dump(plant) -> dict[str, list[tuple]]:
    out: dict[str, list[tuple]] = {}
    with plant.Session() as s:
        for table in Base.metadata.sorted_tables:
            out[table.name] = [tuple(r) for r in s.execute(select(table).order_by(*table.c))]
        if s.get_bind().dialect.name == "postgresql":
            out["sequences"] = [tuple(r) for r in s.execute(text(
                "SELECT sequencename, last_value FROM pg_sequences ORDER BY sequencename"))]
    return out
