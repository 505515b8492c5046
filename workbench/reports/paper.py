"""Paper sizes: US Letter where the company writes from North America, A4 elsewhere.

The size of a printed document follows the company that sends it (its letterhead's
``paper`` setting, else the country on the last line of its address), so a US plant's
letters and reports print on the Letter paper in its customers' and its own printers.
No Qt and no reportlab here: sizes are in PostScript points (1/72 inch).
"""

from __future__ import annotations

from workbench.errors import WorkbenchError

POINTS = {
    "letter": (612.0, 792.0),
    "a4": (595.2756, 841.8898),
    "a3": (841.8898, 1190.5512),
}
#: Countries (as written on an address's last line, lower case) that use US Letter.
LETTER_COUNTRIES = frozenset({
    "united states", "united states of america", "usa", "us", "u.s.a.", "u.s.", "canada", "ca", "mexico",
    "méxico", "mx", "philippines", "ph", "chile", "cl", "colombia", "co", "venezuela", "guatemala",
    "costa rica", "panama", "puerto rico", "dominican republic", "el salvador", "nicaragua", "honduras",
})


def paper_name(paper: str = "", address: str = "") -> str:
    """``paper`` if set ("letter", "a4", "a3"), else by the address's country."""
    chosen = (paper or "").strip().lower()
    if chosen:
        if chosen not in POINTS:
            raise WorkbenchError(f"Unknown paper '{paper}'; use letter, a4 or a3.")
        return chosen
    lines = [line.strip() for line in (address or "").splitlines() if line.strip()]
    country = lines[-1].lower().rstrip(".") if len(lines) > 1 else ""
    return "letter" if country in LETTER_COUNTRIES or country + "." in LETTER_COUNTRIES else "a4"


def paper_of(letterhead: object) -> str:
    """The paper a company's documents print on (see ``paper_name``); ``letterhead`` is a
    ``Letterhead`` or anything else with ``paper`` and ``address`` (None: the default)."""
    return paper_name(getattr(letterhead, "paper", ""), getattr(letterhead, "address", ""))


def page_points(letterhead: object) -> tuple[float, float]:
    """Portrait (width, height) in points of the company's paper."""
    return POINTS[paper_of(letterhead)]
