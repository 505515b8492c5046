"""A refused import, or a dry run, writes nothing at all: not even the schema.

An empty PostgreSQL database stays without a table; a new SQLite file is not left
behind; a database holding other tables is refused before anything is created in it.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "example-bundle"


def _tables(url: str) -> set[str]:
    if make_url(url).get_backend_name() == "sqlite" and not Path(make_url(url).database).exists():
        return set()
    engine = create_engine(make_url(url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return set(inspect(conn).get_table_names())
    finally:
        engine.dispose()


def _broken_bundle(tmp_path: Path) -> Path:
    bundle = tmp_path / "broken"
    shutil.copytree(EXAMPLE, bundle)
    with (bundle / "shipments.csv").open("a", encoding="utf-8") as fh:
        fh.write("SH-99999,2026-03-05T10:00:00,NOBODY,SO-1,SB-BOX-250,SB-260303-A,1\n")
    return bundle


def test_a_refused_import_and_a_dry_run_leave_an_empty_database_empty(cli, db_factory, tmp_path):
    url = db_factory.blank_url()
    code, _, err = cli("import", "--db", url, _broken_bundle(tmp_path))
    assert code == 1 and err.splitlines()[-1] == "workbench: import refused: 1 fault; nothing was written."
    assert _tables(url) == set()
    code, out, _ = cli("import", "--dry-run", "--db", url, EXAMPLE)
    assert code == 0 and "Dry run: nothing was written." in out
    assert _tables(url) == set()
    code, _, err = cli("import", "--db", url, EXAMPLE)  # and a good one creates schema and data together
    assert code == 0, err
    assert {"items", "lots", "alembic_version"} <= _tables(url)


def test_a_database_holding_other_tables_is_refused_before_anything_is_created(cli, db_factory, tmp_path):
    url = db_factory.blank_url()
    engine = create_engine(make_url(url), poolclass=NullPool)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE invoices (number integer primary key, amount numeric)"))
        conn.execute(text("INSERT INTO invoices VALUES (1, 99.5)"))
    engine.dispose()
    for args in (("import", EXAMPLE), ("import", "--dry-run", EXAMPLE), ("demo",), ("db", "upgrade"),
                 ("trace", "X")):
        said = cli.refused(*args, "--db", url)
        assert "holds other tables" in said or "no plant" in said, said
    assert _tables(url) == {"invoices"}


def test_a_plant_without_its_version_table_gets_a_way_forward(cli, db_url):
    engine = create_engine(make_url(db_url), poolclass=NullPool)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))
    engine.dispose()
    for args in (("trace", "X"), ("import", EXAMPLE), ("db", "upgrade")):
        said = cli.refused(*args, "--db", db_url, match="no schema version")
        assert "db upgrade" not in said and "export" in said


@pytest.mark.sqlite
def test_a_sqlite_file_is_not_left_behind_by_a_refused_import(cli, tmp_path):
    target = tmp_path / "new" / "plant.sqlite"
    broken = _broken_bundle(tmp_path)
    assert cli("import", "--db", f"sqlite:///{target}", broken)[0] == 1
    assert not target.exists() and not list(target.parent.glob("plant.sqlite*"))
    empty = tmp_path / "empty.sqlite"
    sqlite3.connect(empty).close()  # a zero-byte file: a SQLite database with nothing in it
    assert cli("import", "--db", f"sqlite:///{empty}", broken)[0] == 1
    assert _tables(f"sqlite:///{empty}") == set()
