"""Changing the letterhead (the sender of every recall letter and SCAR): saved to the
settings folder and recorded in the plant's audit trail with the values before and after."""

from __future__ import annotations

from pathlib import Path

from workbench.plant import Plant, audit
from workbench.plant.who import require_write
from workbench.settings import Letterhead, load_letterhead, save_letterhead


def change_letterhead(plant: Plant, letterhead: Letterhead, path: str | Path | None = None) -> Path:
    before = load_letterhead().to_json()
    with plant.Session.begin() as session:
        require_write(session)
        written = save_letterhead(letterhead, path)
        audit.record(session, "letterhead changed", "letterhead", str(written)[-200:], before, letterhead.to_json())
    return written
