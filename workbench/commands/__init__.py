"""One module per `workbench` command; shared option handling lives here."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from typing import TypeAlias

from workbench.actions import plant as plant_actions
from workbench.errors import WorkbenchError
from workbench.plant import Plant

#: What ``register(sub)`` of each command module adds its parser to.
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="URL",
        help="plant database as a SQLAlchemy URL (sqlite:///plant.sqlite, "
        "postgresql+psycopg://user@host/db); default: $WORKBENCH_DB or the embedded demo plant",
    )


def parse_day(text: str | None, what: str) -> date | None:
    """An option's date as YYYY-MM-DD (None when not given); ``what`` names it in the refusal."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise WorkbenchError(f"The {what} '{text}' is not a date as YYYY-MM-DD.") from None


def _building() -> None:
    print("Building the embedded demo plant (first use)…", file=sys.stderr)


def open_for_reading(args: argparse.Namespace) -> Plant:
    """Open the plant for a read-only command; builds the embedded demo plant on first use."""
    return plant_actions.open_for_reading(args.db, on_first_build=_building)


def open_for_writing(args: argparse.Namespace) -> Plant:
    """Open (and create the schema of) the plant for import or demo."""
    return plant_actions.open_for_writing(args.db)


@contextmanager
def disposing(plant: Plant) -> Iterator[Plant]:
    """``plant`` for a ``with`` block, its connections closed when the block ends, however it
    ends (a refusal inside still reaches the user as its one sentence)."""
    try:
        yield plant
    finally:
        plant.dispose()


def reading(args: argparse.Namespace) -> AbstractContextManager[Plant]:
    """``with reading(args) as plant:`` the plant of a command (``open_for_reading``), disposed after."""
    return disposing(open_for_reading(args))


def writing(args: argparse.Namespace) -> AbstractContextManager[Plant]:
    """``with writing(args) as plant:`` the plant opened for import or demo (``open_for_writing``), disposed after."""
    return disposing(open_for_writing(args))
