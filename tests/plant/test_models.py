"""The schema: migrations on both databases, the schema check, exact quantities."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select, text

from tests.factories import PlantBuilder
from workbench.cli import main
from workbench.errors import SchemaError, WorkbenchError
from workbench.plant import Lot, open_plant
from workbench.plant.session import head_revision, schema_state


def test_fresh_database_gets_the_schema_only_when_asked(db_factory):
    url = db_factory.blank_url()
    with pytest.raises(WorkbenchError, match=r"holds no plant yet|no plant database"):
        open_plant(url)
    plant = open_plant(url, create=True)
    assert schema_state(plant.engine) == "current"
    plant.dispose()


def _stamp(plant, revision):
    with plant.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})


def test_newer_schema_is_refused(plant):
    _stamp(plant, "ffff_future")
    with pytest.raises(SchemaError, match="newer version"):
        open_plant(plant.url)


def test_a_plant_without_its_version_is_not_sent_to_db_upgrade(plant, capsys):
    with plant.engine.begin() as conn:
        conn.execute(text("DELETE FROM alembic_version"))
    with pytest.raises(SchemaError, match="no schema version") as caught:
        open_plant(plant.url)
    assert "db upgrade" not in str(caught.value)  # which could not help: it would fail
    assert main(["db", "upgrade", "--db", plant.url]) == 1
    assert "no schema version" in capsys.readouterr().err
    assert main(["db", "status", "--db", plant.url]) == 1
    capsys.readouterr()
    # A database whose schema exists but carries no version cannot be re-created in place:
    # re-stamp it the way an old release would have left it, then upgrade.
    with plant.engine.begin() as conn:
        conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:head)"), {"head": head_revision()})
    assert main(["db", "upgrade", "--db", plant.url]) == 0
    assert "already at schema" in capsys.readouterr().out
    open_plant(plant.url).dispose()


def test_quantities_are_exact(session):
    b = PlantBuilder(session)
    b.receive("SALT", "S", "0.1")
    b.receive("SALT", "T", "1000000.000001")
    session.flush()
    got = dict(session.execute(select(Lot.code, Lot.quantity)).all())
    assert got == {"S": Decimal("0.1"), "T": Decimal("1000000.000001")}
    assert str(got["S"] + Decimal("0.2")) == "0.3"


def test_bad_url_is_one_sentence(capsys):
    assert main(["trace", "--db", "not a url", "X"]) == 1
    assert "is not a database URL" in capsys.readouterr().err
