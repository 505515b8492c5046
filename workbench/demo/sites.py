"""Where Northfield Foods' goods are: its two sites, its partners' sites, GLNs and SSCCs.

Northfield Foods makes everything at its plant in Cedar Falls, Iowa, and runs a
distribution centre in Harrisburg, Pennsylvania, that serves the customers of the East
and the South-East; the plant ships to every other customer itself. Finished pallets go
from the plant to the distribution centre by truck every working morning (a *transfer*:
the same lots move, nothing is made); the distribution centre picks customer orders onto
its own pallets.

Every party has a GLN-identified location: our two sites, one site per vendor (where it
ships from) and one per customer (where it receives). GLNs and SSCCs are built with the
GS1 mod-10 check digit under Northfield's company prefix for our own identifiers, and
under made-up prefixes (``086``/``087`` ranges) for our partners.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.demo.catalog import COMPANY, COMPANY_PREFIX, gtin_check_digit

#: Our own company as a party, and the carrier that runs the trucks between our sites.
OWN_PARTY = "NORTHFIELD"
CARRIER_PARTY = "PRAIRIE-FREIGHT"
CARRIER_NAME = "Prairie Freight Lines"
CARRIER_ADDRESS = "4400 Terminal Drive\nDes Moines, IA 50321\nUnited States"


def gln(prefix: str, reference: int) -> str:
    """A 13-digit GLN: company prefix, location reference, GS1 check digit."""
    payload = f"{prefix}{reference:0{12 - len(prefix)}d}"
    if len(payload) != 12:
        raise ValueError(f"no room for location reference {reference} under prefix {prefix}")
    return payload + gtin_check_digit(payload)


def sscc(extension: int, serial: int, prefix: str = COMPANY_PREFIX) -> str:
    """An 18-digit SSCC: extension digit, company prefix, serial reference, check digit."""
    payload = f"{extension}{prefix}{serial:0{16 - len(prefix)}d}"
    if len(payload) != 17:
        raise ValueError(f"serial {serial} does not fit an SSCC under prefix {prefix}")
    return payload + gtin_check_digit(payload)


@dataclass(frozen=True)
class Site:
    """One of our own sites."""

    key: str  # "plant" or "dc"
    gln: str
    name: str
    address: str
    timezone: str
    latitude: float
    longitude: float


PLANT = Site(
    "plant", gln(COMPANY_PREFIX, 1), "Northfield Foods plant, Cedar Falls",
    "Northfield Foods, Inc.\n2100 Prairie Parkway\nCedar Falls, IA 50613\nUnited States",
    "America/Chicago", 42.5349, -92.4453,
)
DC = Site(
    "dc", gln(COMPANY_PREFIX, 2), "Northfield Foods distribution centre, Harrisburg",
    "Northfield Foods, Inc. - Distribution Centre\n800 Logistics Lane\nHarrisburg, PA 17111\nUnited States",
    "America/New_York", 40.2732, -76.8867,
)
SITES = (PLANT, DC)
COMPANY_ADDRESS = PLANT.address
COMPANY_NAME = COMPANY

#: States whose customers the distribution centre serves (the East and South-East).
DC_STATES = frozenset({
    "AL", "CT", "DE", "FL", "GA", "KY", "MA", "ME", "MS", "NC", "NH", "NY", "OH", "PA", "RI",
    "SC", "TN", "VA", "VT",
})

#: Time zones of the states our partners are in (for the locations' local dates).
_EASTERN = frozenset({"CT", "DE", "FL", "GA", "MA", "ME", "MI", "NC", "NH", "NY", "OH", "PA",
                      "RI", "SC", "VA", "VT", "IN"})
_MOUNTAIN = {"AZ": "America/Phoenix", "CO": "America/Denver", "ID": "America/Boise",
             "MT": "America/Denver", "NM": "America/Denver", "UT": "America/Denver",
             "WY": "America/Denver"}
_PACIFIC = frozenset({"CA", "NV", "OR", "WA"})


def timezone_of(state: str) -> str:
    if state in _EASTERN:
        return "America/New_York"
    if state in _PACIFIC:
        return "America/Los_Angeles"
    return _MOUNTAIN.get(state, "America/Chicago")


def state_of(address: str) -> str:
    """The state of a demo address (its third line is ``Town, ST 12345``)."""
    return address.splitlines()[2].rsplit(",", 1)[1].split()[0]


def vendor_site_gln(n: int) -> str:
    """The GLN of the site vendor number ``n`` (1-based) ships from."""
    return gln("086", n)


def customer_site_gln(n: int) -> str:
    """The GLN of the site customer number ``n`` (1-based) receives at."""
    return gln("087", n)
