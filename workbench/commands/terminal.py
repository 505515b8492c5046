"""What the command line prints is safe for a terminal: codes and names from the plant
may hold escape sequences, bidi overrides or lone surrogates (a database written by
another program), which would recolour, hide or reorder the output, or crash the
encoder. Every write to stdout and stderr goes through ``format.escaped`` (JSON stays
JSON: the escapes are JSON's own)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from workbench.format import escaped


class EscapingStream:
    """A text stream that escapes unsafe characters, except those in ``keep``."""

    def __init__(self, stream: TextIO, keep: str):
        self._stream = stream
        self._keep = keep

    def write(self, text: str) -> int:
        self._stream.write(escaped(text, keep=self._keep))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def escaped_output() -> Iterator[None]:
    """Escape what the command prints while the block runs (progress may rewrite its line)."""
    out, err = sys.stdout, sys.stderr
    sys.stdout = EscapingStream(out, keep="\n\t")
    sys.stderr = EscapingStream(err, keep="\n\t\r")
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err
