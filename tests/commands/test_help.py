"""Every command's and subcommand's --help prints (argparse expands % in help texts)."""

from __future__ import annotations

import argparse

from workbench.cli import build_parser


def _parsers(parser: argparse.ArgumentParser, path: str = "workbench"):
    yield path, parser
    for action in parser._actions:  # argparse keeps subparsers only here
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, f"{path} {name}")


def test_every_help_text_formats():
    seen = []
    for path, parser in _parsers(build_parser()):
        assert parser.format_help(), path
        seen.append(path)
    assert {"workbench case mock", "workbench floor scan", "workbench scar answer", "workbench audit verify"} <= set(seen)
