"""One module per `workbench` command; shared option handling lives here."""

from __future__ import annotations

import argparse
import sys

from workbench.actions import plant as plant_actions
from workbench.plant import Plant


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="URL",
        help="plant database as a SQLAlchemy URL (sqlite:///plant.sqlite, "
        "postgresql+psycopg://user@host/db); default: $WORKBENCH_DB or the embedded demo plant",
    )


def _building() -> None:
    print("Building the embedded demo plant (first use)…", file=sys.stderr)


def open_for_reading(args: argparse.Namespace) -> Plant:
    """Open the plant for a read-only command; builds the embedded demo plant on first use."""
    return plant_actions.open_for_reading(args.db, on_first_build=_building)


def open_for_writing(args: argparse.Namespace) -> Plant:
    """Open (and create the schema of) the plant for import or demo."""
    return plant_actions.open_for_writing(args.db)
