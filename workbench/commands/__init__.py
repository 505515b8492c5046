"""One module per `workbench` command; shared option handling lives here."""

from __future__ import annotations

import argparse
import sys

from workbench.config import is_default_demo, resolve_url
from workbench.plant import Plant, open_plant


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="URL",
        help="plant database as a SQLAlchemy URL (sqlite:///plant.sqlite, "
        "postgresql+psycopg://user@host/db); default: $WORKBENCH_DB or the embedded demo plant",
    )


def open_for_reading(args: argparse.Namespace) -> Plant:
    """Open the plant for a read-only command; builds the embedded demo plant on first use."""
    url = resolve_url(args.db)
    if is_default_demo(url):
        from workbench.config import demo_db_path

        if not demo_db_path().exists():
            from workbench.demo import ensure_demo

            print("Building the embedded demo plant (first use)…", file=sys.stderr)
            ensure_demo(url)
    return open_plant(url)


def open_for_writing(args: argparse.Namespace) -> Plant:
    """Open (and create the schema of) the plant for import or demo."""
    return open_plant(resolve_url(args.db), create=True)
