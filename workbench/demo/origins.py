"""Key data elements of what Northfield Foods buys: where it grew, when, and what its
certificate of analysis says.

Every purchased lot carries its country of origin (ISO 3166-1 alpha-2, the lot's own
column); crops carry a harvest date (the crop they came from); some materials carry
further key data elements from the vendor's certificate: a certification (text) and a
moisture reading (a number in percent), stored as typed key-value pairs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Origin:
    country: str
    #: Harvest month of the crop a lot comes from (the lot's crop year is the latest such
    #: month before it was received), or None for materials that are not a crop.
    harvest_month: int | None = None
    certification: str | None = None
    #: Moisture range of the certificate of analysis (percent), or None.
    moisture: tuple[float, float] | None = None


#: Per material; materials not listed come from the United States, with no further data.
ORIGINS: dict[str, Origin] = {
    "RM-OATS": Origin("CA", 8, "Gluten-Free Certification Organization (GFCO)", (9.0, 12.0)),
    "RM-FLOUR": Origin("US", 7, None, (12.5, 14.0)),
    "RM-ALMOND": Origin("US", 9, None, (4.0, 6.0)),
    "RM-HAZELNUT": Origin("TR", 8, None, (4.5, 6.5)),
    "RM-SEEDS": Origin("CN", 9, None, (5.0, 7.0)),
    "RM-RAISINS": Origin("US", 9, None, (14.0, 18.0)),
    "RM-CRANBERRY": Origin("US", 10),
    "RM-CHOC-CHIPS": Origin("CI", None, "Rainforest Alliance Certified"),
    "RM-COCOA": Origin("GH", None, "Rainforest Alliance Certified", (3.0, 5.0)),
    "RM-VANILLA": Origin("MG", None, "Fairtrade"),
    "RM-COCONUT": Origin("PH", None, None, (2.0, 3.5)),
    "RM-HONEY": Origin("US", 8, "True Source Certified", (16.5, 18.5)),
    "RM-SUGAR": Origin("US"),
    "RM-BROWN-SUGAR": Origin("US"),
}
DEFAULT = Origin("US")

#: The names of the open key data elements (as the EPCIS/GDST vocabularies spell them).
CERTIFICATION = "certification"
MOISTURE = "moisture"


def origin_of(item: str) -> Origin:
    return ORIGINS.get(item, DEFAULT)


def harvest_date(origin: Origin, received: date) -> date | None:
    """The 15th of the harvest month of the latest crop before ``received`` (a crop
    received within two months of its harvest is last year's: it had to be dried, graded
    and shipped first)."""
    if origin.harvest_month is None:
        return None
    year = received.year if received.month >= origin.harvest_month + 2 else received.year - 1
    return date(year, origin.harvest_month, 15)
