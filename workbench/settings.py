"""The company's letterhead: who writes recall letters and reports, and whom to call.

Read from ``letterhead.toml`` or ``letterhead.json`` in the user's settings folder
(``workbench.config.config_dir()``), laid over the shipped defaults in
``resources/letterhead.json`` (the demo company). A relative ``logo`` path is read
relative to the file that names it. Only the keys a user sets need to be present::

    # letterhead.toml
    name = "Acme Snacks Ltd"
    address = "1 Factory Lane\\nLeeds LS1 1AA"
    recall_contact = "J. Smith, QA Manager"
    logo = "acme.png"
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from workbench.config import config_dir, resources_dir
from workbench.errors import WorkbenchError

FILE_NAMES = ("letterhead.toml", "letterhead.json")


@dataclass(frozen=True)
class Letterhead:
    """The company as its letters and reports present it."""

    name: str
    address: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    #: The person customers call about a recall (name and role).
    recall_contact: str = ""
    recall_phone: str = ""
    recall_email: str = ""
    #: GS1 Global Location Number of the plant (FSMA 204 location identifier), if any.
    gln: str = ""
    logo: Path | None = None
    #: Paper for letters and printed reports: "letter", "a4" or "a3"; empty: from the
    #: company's country (US Letter in North America, A4 elsewhere), see reports.paper.
    paper: str = ""

    @property
    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.address.splitlines() if line.strip()]

    @property
    def location(self) -> str:
        """The plant as one line: name, address (FSMA 204 location description)."""
        return ", ".join([self.name, *self.address_lines])

    @property
    def contact_line(self) -> str:
        return " · ".join(x for x in (self.phone, self.email, self.website) if x)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["logo"] = str(self.logo) if self.logo else None
        return data


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise WorkbenchError(f"{path}: cannot read the letterhead settings ({exc.strerror}).") from exc
    try:
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise WorkbenchError(f"{path}: {exc}.") from exc
    except json.JSONDecodeError as exc:
        raise WorkbenchError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg}).") from exc
    if not isinstance(data, dict):
        raise WorkbenchError(f"{path}: the letterhead settings must be a table of keys and values.")
    known = {f.name for f in fields(Letterhead)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise WorkbenchError(f"{path}: unknown letterhead setting '{unknown[0]}' "
                             f"(known: {', '.join(sorted(known))}).")
    for key, value in data.items():
        if value is not None and not isinstance(value, str):
            raise WorkbenchError(f"{path}: the letterhead setting '{key}' must be text.")
    return data


def _apply(base: Letterhead, data: dict[str, Any], folder: Path) -> Letterhead:
    changes = {k: v for k, v in data.items() if k != "logo"}
    if "logo" in data:
        logo = data["logo"]
        changes["logo"] = (folder / logo).resolve() if logo else None
    return replace(base, **changes)


def default_letterhead() -> Letterhead:
    """The shipped letterhead (the demo company, Northfield Foods)."""
    path = resources_dir() / "letterhead.json"
    return _apply(Letterhead(name=""), _read(path), path.parent)


def settings_file() -> Path | None:
    """The user's letterhead file, if one exists (TOML preferred)."""
    for name in FILE_NAMES:
        path = config_dir() / name
        if path.is_file():
            return path
    return None


def load_letterhead(path: str | Path | None = None) -> Letterhead:
    """The letterhead: ``path`` (or the user's settings file) laid over the defaults."""
    letterhead = default_letterhead()
    source = Path(path) if path is not None else settings_file()
    if source is not None:
        letterhead = _apply(letterhead, _read(source), source.parent)
    if not letterhead.name.strip():
        raise WorkbenchError(f"{source or 'letterhead.json'}: the letterhead needs a company 'name'.")
    if letterhead.logo is not None and not letterhead.logo.is_file():
        raise WorkbenchError(f"{source or 'letterhead.json'}: the logo file {letterhead.logo} does not exist.")
    return letterhead


def save_letterhead(letterhead: Letterhead, path: str | Path | None = None) -> Path:
    """Write the letterhead as JSON to ``path`` (default: the settings folder)."""
    target = Path(path) if path is not None else config_dir() / "letterhead.json"
    target.write_text(json.dumps(letterhead.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return target
