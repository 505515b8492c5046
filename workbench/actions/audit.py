"""The audit trail for the command line and the app: show, verify, anchor, and what a
colleague's committed write (a NOTIFY) means for the open views."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from workbench.actions.changes import EVERYTHING, NOTHING, Changes
from workbench.errors import WorkbenchError
from workbench.outfile import check_file, written
from workbench.plant import Plant, audit
from workbench.plant.notify import Notice


def show(plant: Plant, object_type: str | None = None, object_key: str | None = None, actor: str | None = None,
         since: datetime | None = None, until: datetime | None = None, limit: int | None = None) -> list[audit.Entry]:
    with plant.Session() as session:
        return audit.entries(session, object_type=object_type, object_key=object_key, actor_name=actor,
                             since=since, until=until, limit=limit)


def read_anchor(path: str | Path) -> tuple[int, str]:
    """An anchor file as ``audit anchor`` writes it: ``ID HASH`` on its first line."""
    p = Path(path)
    try:
        first = p.read_text(encoding="utf-8").split("\n", 1)[0].split()
        return int(first[0]), first[1]
    except FileNotFoundError:
        raise WorkbenchError(f"{p}: no such anchor file.") from None
    except (IndexError, ValueError, UnicodeDecodeError):
        raise WorkbenchError(f"{p}:1: not an audit anchor (expected the entry id and its hash).") from None


def verify(plant: Plant, anchor_file: str | Path | None = None) -> audit.Verification:
    kept = read_anchor(anchor_file) if anchor_file else None
    with plant.Session() as session:
        return audit.verify(session, kept)


def _is_anchor(path: Path) -> bool:
    try:
        read_anchor(path)
    except WorkbenchError:
        return False
    return True


def write_anchor(plant: Plant, path: str | Path, force: bool = False) -> tuple[int, str]:
    """Write the chain's head to ``path``. A previous anchor there is replaced (keeping it up to date is the point);
    any other file only with ``force``."""
    given = Path(path).expanduser()
    target = check_file(path, "the anchor", "audit.anchor", force or (given.is_file() and _is_anchor(given)))
    with plant.Session() as session:
        head = audit.anchor(session)
    with written(target, True) as work:
        work.write_text(f"{head[0]} {head[1]}\n{plant.display_url}\n", encoding="utf-8")
    return head


def history_of(plant: Plant, object_type: str, object_key: str) -> list[audit.Entry]:
    """A lot's (``lot``, ``ITEM/LOT``) or a case's (``case``, code) history, oldest first."""
    return show(plant, object_type=object_type, object_key=object_key)


def changes_of(notice: Notice) -> Changes:
    """What a committed write announced by another app means for the views."""
    kind, action = notice.object_type, notice.action
    if kind == "case":
        return Changes(cases=True)
    if kind == "scar":
        return Changes(scars=True, cases=True)
    if kind == "lot" and "hold" in action:
        return Changes(holds=True, cases=True)
    if kind == "lot" and action == "added to case":
        return Changes(cases=True)
    if kind == "return":
        return Changes(scars=True)
    if kind in ("lot", "pick_list", "plant"):
        return EVERYTHING  # receipts, picks, completions, shipments, imports: lots and stock moved
    return NOTHING
