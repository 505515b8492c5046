"""The `workbench` command line. Each command lives in ``workbench.commands``; this
module parses arguments and turns a ``WorkbenchError`` into one sentence and exit 1."""

from __future__ import annotations

import argparse
import sys

from workbench import __version__
from workbench.commands import (
    audit,
    case,
    db,
    demo,
    epcis_text,
    floor,
    flows,
    gui,
    importcmd,
    recall,
    rootcause,
    scar,
    trace,
)
from workbench.commands.scar import route
from workbench.commands.terminal import escaped_output
from workbench.errors import WorkbenchError
from workbench.logs import logger, setup_logging, where_logged
from workbench.outfolder import os_error_sentence
from workbench.plant.problems import DATABASE_ERRORS

#: Command modules, each with ``register(subparsers)`` setting ``handler`` on its parser.
COMMANDS = (gui, demo, importcmd, epcis_text, trace, recall, flows, rootcause, scar, case, audit, floor, db)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="Lot-trace workbench: genealogy, recall and root cause for manufacturers.",
    )
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    argv = route(argv)
    parser = build_parser()
    try:
        args = parser.parse_args(argv or ["gui"])
    except Exception as exc:  # noqa: BLE001 - a bug in a command's arguments: one sentence, logged
        setup_logging()
        logger("cli").exception("parsing %s failed", argv)
        print(f"workbench: something went wrong inside the workbench ({type(exc).__name__}: {exc}); "
              f"please report it{where_logged()}.", file=sys.stderr)
        return 1
    if getattr(args, "handler", None) is None:
        parser.print_help()
        return 2
    setup_logging()
    with escaped_output():
        return _run(args, argv)


def database_problem(args: argparse.Namespace, exc: BaseException) -> str:
    from workbench.config import resolve_url
    from workbench.plant.problems import describe, forget_sidecars, is_damaged

    try:
        url = resolve_url(getattr(args, "db", None))
    except Exception:  # noqa: BLE001 - the sentence is said without the URL then
        url = None
    if is_damaged(exc):
        forget_sidecars(url)
    return describe(exc, url, writing=args.command in ("import", "demo", "scar", "case", "floor", "db"))


def _run(args: argparse.Namespace, argv: list[str]) -> int:
    try:
        return int(args.handler(args) or 0)
    except WorkbenchError as exc:
        print(f"workbench: {exc}", file=sys.stderr)
        return 1
    except DATABASE_ERRORS as exc:  # the database on a bad day: locked, gone, full, damaged
        print(f"workbench: {database_problem(args, exc)}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader of our output (head, less) has gone: nothing to say
        return 0
    except OSError as exc:  # a disk, a folder, a permission: one sentence, as for any other refusal
        print(f"workbench: {os_error_sentence(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("workbench: interrupted.", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - a bug: one sentence for the user, the traceback logged
        logger("cli").exception("workbench %s failed", " ".join(argv))
        print(f"workbench: something went wrong inside the workbench ({type(exc).__name__}: {exc}); "
              f"please report it{where_logged()}.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
