"""Build the events of a large JSON document on two processes.

Reading is the largest part of a large import, and it is Python work per event (checking every field,
resolving identifiers, the GS1 event hash) on one core, while the machine has more. So for a document of
``MIN_EVENTS`` events or more, a second Python process (``python -m workbench.interchange.epcis.parallel``)
reads the same file and builds the tail of the event list while this process builds the head. It sends back
its events, faults and warnings pickled into a file of a temporary folder of our own, and the reader merges
them in document order, so the result is the same as one process gives: the same events, every fault, each
``once`` warning once (tested).

A plain subprocess rather than ``multiprocessing``: it does not re-import the caller's ``__main__`` (the app,
with Qt) and needs no fork of a process that runs threads. Where no Python can be started (a frozen app) or the
worker fails for any reason, its share is built here: never slower than one process by more than the start.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.interchange.epcis.faults import Fault, FaultLog
from workbench.interchange.epcis.model import EpcisEvent

#: Documents with fewer events are read by one process (a second one costs about 0.3 s to start).
MIN_EVENTS = int(os.environ.get("WORKBENCH_EPCIS_PARALLEL_MIN", "40000"))
#: The worker's share: it also parses the file again and pickles its events, so it takes the smaller part.
WORKER_SHARE = 0.35


class RecordingLog(FaultLog):
    """A fault log that also keeps each warning's ``once`` key, so another log can take them over exactly."""

    def __init__(self, source: str) -> None:
        super().__init__(source)
        self.entries: list[tuple[str, str, str | None]] = []

    def warn(self, where: str, message: str, once: str | None = None) -> None:
        self.entries.append((where, message, once))


@dataclass
class Share:
    """The worker's part of the event list (from where ``start`` was told, to the end) and its folder."""

    process: subprocess.Popen[bytes] | None
    folder: tempfile.TemporaryDirectory[str]

    @property
    def out(self) -> Path:
        return Path(self.folder.name) / "events.pickle"

    def stop(self) -> None:
        """End the worker if it still runs, and remove its folder (what it wrote): safe to call more than once."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.folder.cleanup()


def worker_start(count: int) -> int | None:
    """Where the worker's part begins for a document of ``count`` events; None: read it in one process."""
    if count < MIN_EVENTS or (os.cpu_count() or 1) < 2 or getattr(sys, "frozen", False):
        return None
    return count - int(count * WORKER_SHARE)


def start(path: Path, source: str, strict_identifiers: bool, first: int) -> Share:
    """Start the worker on events ``first`` … of the document at ``path``; a share with no process if it cannot start."""
    share = Share(None, tempfile.TemporaryDirectory(prefix="workbench-epcis-"))
    # -P: the current folder is not put on the worker's path (``-m`` would put it first), so a folder that holds
    # another workbench (a source checkout, another version) cannot give the worker other code than its caller's.
    command = [sys.executable, "-P", "-m", "workbench.interchange.epcis.parallel", str(path.resolve()), str(share.out),
               source, str(first), "1" if strict_identifiers else "0"]
    # No pipes: a worker that wrote much to one would wait for this process, busy with its own part. Where no
    # Python can be started, the share has no process and the caller builds the part itself.
    with contextlib.suppress(OSError):
        share.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": _code_path()})
    return share


def finish(share: Share) -> tuple[list[EpcisEvent], list[Fault], list[tuple[str, str, str | None]]] | None:
    """The worker's events, faults and warnings, or None when it did not deliver them (its part is then built by the
    caller, who stops the share in any case)."""
    if share.process is None or share.process.wait() != 0 or not share.out.exists():
        return None
    with share.out.open("rb") as f:
        result: tuple[list[EpcisEvent], list[Fault], list[tuple[str, str, str | None]]] = pickle.load(f)
    return result


def _code_path() -> str:
    """This workbench's own folder first on the worker's path, so it runs the same code as its caller."""
    here = str(Path(__file__).resolve().parents[3])
    rest = os.environ.get("PYTHONPATH")
    return here if not rest else here + os.pathsep + rest


def _work(path: str, out: str, source: str, first: int, strict: bool) -> None:
    import gc

    from workbench.interchange.epcis.encoding import as_utf8
    from workbench.interchange.epcis.events import Builder, ReadOptions
    from workbench.interchange.epcis.read import document_text
    from workbench.interchange.epcis.read_json import JsonReader

    gc.disable()  # as in the caller: many small records, no cycles
    log = RecordingLog(source)
    document = document_text(as_utf8(Path(path).read_bytes())[0], source, log, checked=False)
    reader = JsonReader(source, log, Builder(log, ReadOptions(strict_identifiers=strict)))
    values, where = reader.prepare(document)
    if isinstance(values, list):  # the caller's part: its parsed JSON is let go, for this part's events to reuse
        values[:first] = [None] * first
    log.entries.clear()  # what the caller said about the whole document already (comments removed)
    events = reader.build(values, where, first, len(values))
    result: Any = (events, log.faults, log.entries)
    partial = Path(out + ".part")
    with partial.open("wb") as f:
        pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
    partial.rename(out)


if __name__ == "__main__":
    _path, _out, _source, _first, _strict = sys.argv[1:6]
    _work(_path, _out, _source, int(_first), _strict == "1")
    os._exit(0)  # nothing left to tidy: skip freeing a million objects one by one
