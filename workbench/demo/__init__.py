"""The demo plant: a year of Northfield Foods, a mid-size maker of granola bars,
cookies, muesli and granola, with one planted Salmonella incident to investigate.

``build_demo(session, seed, scale)`` writes it into an empty plant database;
``ensure_demo(url)`` builds the embedded SQLite demo on first use; ``INCIDENT`` says
what was planted and ``DemoSummary.incident_reach`` where the generator itself sent
it, so the genealogy and recall engines can be checked against it.

Size: lots grow linearly with ``scale``, about ``LOTS_PER_SCALE`` (4,300) per unit;
scale 250 is about a million lots.
"""

from workbench.demo.build import (
    EVERYWHERE_ITEM,
    LOTS_PER_SCALE,
    build_demo,
    build_sqlite_file,
    demo_summary,
    ensure_demo,
    everywhere_material,
    holds_data,
    sqlite_path,
)
from workbench.demo.catalog import COMPANY, gtin_check_digit
from workbench.demo.incident import INCIDENT, DemoSummary, Incident, IncidentReach, incident_reach

__all__ = [
    "COMPANY",
    "EVERYWHERE_ITEM",
    "INCIDENT",
    "LOTS_PER_SCALE",
    "DemoSummary",
    "Incident",
    "IncidentReach",
    "build_demo",
    "build_sqlite_file",
    "demo_summary",
    "ensure_demo",
    "everywhere_material",
    "gtin_check_digit",
    "holds_data",
    "incident_reach",
    "sqlite_path",
]
