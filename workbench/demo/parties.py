"""Who Northfield Foods deals with: vendors, customers, operators and machines.

Names come from fixed word lists through a ``random.Random`` seeded with a constant
string, so the same plant size always has the same people (independent of the
simulation seed). All e-mail domains end in ``.example`` and all phone numbers use the
fictional 555-01xx range.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from workbench.demo.catalog import PURCHASING

TOWNS = (
    ("Albany", "NY", "12207", "518"), ("Allentown", "PA", "18101", "610"),
    ("Ann Arbor", "MI", "48104", "734"), ("Asheville", "NC", "28801", "828"),
    ("Bakersfield", "CA", "93301", "661"), ("Billings", "MT", "59101", "406"),
    ("Boise", "ID", "83702", "208"), ("Bridgeport", "CT", "06604", "203"),
    ("Burlington", "VT", "05401", "802"), ("Cedar Falls", "IA", "50613", "319"),
    ("Charleston", "SC", "29401", "843"), ("Chattanooga", "TN", "37402", "423"),
    ("Cheyenne", "WY", "82001", "307"), ("Columbia", "MO", "65201", "573"),
    ("Concord", "NH", "03301", "603"), ("Dayton", "OH", "45402", "937"),
    ("Duluth", "MN", "55802", "218"), ("Eau Claire", "WI", "54701", "715"),
    ("Erie", "PA", "16501", "814"), ("Eugene", "OR", "97401", "541"),
    ("Evansville", "IN", "47708", "812"), ("Flagstaff", "AZ", "86001", "928"),
    ("Fort Collins", "CO", "80521", "970"), ("Fort Wayne", "IN", "46802", "260"),
    ("Grand Rapids", "MI", "49503", "616"), ("Green Bay", "WI", "54301", "920"),
    ("Greenville", "SC", "29601", "864"), ("Harrisburg", "PA", "17101", "717"),
    ("Hartford", "CT", "06103", "860"), ("Jackson", "MS", "39201", "601"),
    ("Knoxville", "TN", "37902", "865"), ("Lafayette", "LA", "70501", "337"),
    ("Lancaster", "PA", "17602", "717"), ("Lansing", "MI", "48933", "517"),
    ("Lexington", "KY", "40507", "859"), ("Lincoln", "NE", "68508", "402"),
    ("Little Rock", "AR", "72201", "501"), ("Madison", "WI", "53703", "608"),
    ("Manchester", "NH", "03101", "603"), ("Missoula", "MT", "59802", "406"),
    ("Mobile", "AL", "36602", "251"), ("Montpelier", "VT", "05602", "802"),
    ("Norfolk", "VA", "23510", "757"), ("Ogden", "UT", "84401", "801"),
    ("Olympia", "WA", "98501", "360"), ("Peoria", "IL", "61602", "309"),
    ("Portland", "ME", "04101", "207"), ("Providence", "RI", "02903", "401"),
    ("Provo", "UT", "84601", "801"), ("Reno", "NV", "89501", "775"),
    ("Richmond", "VA", "23219", "804"), ("Roanoke", "VA", "24011", "540"),
    ("Rochester", "MN", "55902", "507"), ("Rockford", "IL", "61101", "815"),
    ("Salem", "OR", "97301", "503"), ("Santa Fe", "NM", "87501", "505"),
    ("Savannah", "GA", "31401", "912"), ("Scranton", "PA", "18503", "570"),
    ("Sioux Falls", "SD", "57104", "605"), ("Spokane", "WA", "99201", "509"),
    ("Springfield", "IL", "62701", "217"), ("Syracuse", "NY", "13202", "315"),
    ("Tallahassee", "FL", "32301", "850"), ("Toledo", "OH", "43604", "419"),
    ("Topeka", "KS", "66603", "785"), ("Tulsa", "OK", "74103", "918"),
    ("Wichita", "KS", "67202", "316"), ("Wilmington", "DE", "19801", "302"),
    ("Worcester", "MA", "01608", "508"), ("Yakima", "WA", "98901", "509"),
)

STREETS = (
    "Commerce Drive", "Industrial Parkway", "Distribution Way", "Market Street", "Main Street",
    "Warehouse Road", "Harbor Boulevard", "Railroad Avenue", "Enterprise Court", "Logistics Lane",
    "Elm Street", "Maple Avenue", "Oak Ridge Road", "Riverside Drive", "Centennial Avenue",
    "Freight Street", "Gateway Boulevard", "Union Avenue", "Airport Road", "Depot Street",
)

FIRST = (
    "Aaron", "Abigail", "Adrian", "Aisha", "Alan", "Alicia", "Amir", "Ana", "Andrea", "Ben",
    "Bianca", "Brian", "Carla", "Carlos", "Chen", "Chloe", "Daniel", "Dana", "Deepa", "Diego",
    "Elena", "Emma", "Eric", "Fatima", "Felix", "Grace", "Hannah", "Hector", "Ian", "Irene",
    "Jamal", "Janet", "Jorge", "Julia", "Kara", "Kevin", "Laura", "Leon", "Lina", "Luis",
    "Maya", "Marcus", "Mei", "Nadia", "Nathan", "Nina", "Omar", "Olivia", "Pablo", "Priya",
    "Quinn", "Rachel", "Raj", "Rosa", "Sam", "Sara", "Tariq", "Tessa", "Victor", "Yuki",
)

LAST = (
    "Adams", "Alvarez", "Anderson", "Baker", "Bauer", "Brooks", "Campbell", "Castillo", "Chen",
    "Cohen", "Collins", "Diaz", "Dubois", "Edwards", "Evans", "Fischer", "Flores", "Foster",
    "Garcia", "Gonzalez", "Gupta", "Hansen", "Harris", "Hughes", "Ibrahim", "Jensen", "Kim",
    "Kowalski", "Larsen", "Lee", "Lopez", "Martin", "Meyer", "Murphy", "Nakamura", "Nguyen",
    "Novak", "Okafor", "Olsen", "Patel", "Perez", "Price", "Ramos", "Reed", "Rivera", "Rossi",
    "Russo", "Sanchez", "Schmidt", "Shah", "Silva", "Sullivan", "Tanaka", "Torres", "Turner",
    "Walsh", "Weber", "Williams", "Wong", "Young",
)


@dataclass(frozen=True)
class Channel:
    """A kind of customer: how much it weighs in demand and how big its lines are (cases)."""

    name: str
    patterns: tuple[str, ...]
    share: float  # relative number of customers of this channel
    weight: float  # relative ordering volume of one customer
    line_cases: tuple[int, int]


CHANNELS = (
    Channel("distributor", ("{town} Food Distributors", "{town} Wholesale Grocers",
                            "Tri-State Foods of {town}", "{town} Grocery Supply Co."),
            0.15, 6.0, (40, 160)),
    Channel("retail", ("{town} Fresh Market", "{town} Supermarkets", "FreshWay {town}",
                       "Harvest Basket {town}", "{town} Food Co-op", "ValuMart {town}"),
            0.35, 3.0, (15, 70)),
    Channel("grocer", ("{town} Corner Grocer", "Main Street Market {town}",
                       "{town} Natural Foods", "Green Leaf Grocery {town}"),
            0.25, 0.8, (3, 15)),
    Channel("food service", ("{town} School Nutrition", "{town} Catering Group",
                             "{town} Hospital Food Services", "Campus Dining {town}"),
            0.25, 1.5, (5, 30)),
)


@dataclass(frozen=True)
class PartySpec:
    code: str
    name: str
    contact: str
    email: str
    phone: str
    address: str
    channel: str = "vendor"
    weight: float = 1.0
    line_cases: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class VendorSpec(PartySpec):
    lot_prefix: str = "VL"


def _slug(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())[:24]


def _contact(rng: random.Random, domain: str, area: str) -> tuple[str, str, str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return (f"{first} {last}", f"{first}.{last}@{domain}".lower(),
            f"+1 {area} 555 {rng.randrange(100, 200):04d}")


def _address(rng: random.Random, attention: str, town) -> str:
    name, state, zipcode, _area = town
    return (f"Attn: {attention}\n{rng.randrange(10, 9900)} {rng.choice(STREETS)}\n"
            f"{name}, {state} {zipcode}\nUnited States")


#: Northfield's own suppliers: code, name, town, prefix of their lot numbers.
NAMED_VENDORS = (
    ("V-SIERRA", "Sierra Nut Company", ("Modesto", "CA", "95354", "209"), "SN"),
    ("V-NORTHERN-OAT", "Northern Oat Mills", ("Fargo", "ND", "58102", "701"), "NOM"),
    ("V-GREATPLAINS", "Great Plains Milling Co.", ("Salina", "KS", "67401", "785"), "GPM"),
    ("V-GULFSUGAR", "Gulf Coast Sugar Refining", ("Gramercy", "LA", "70052", "225"), "GCS"),
    ("V-BAYSALT", "Bay Salt Works", ("Newark", "CA", "94560", "510"), "BSW"),
    ("V-VALLEYCREAM", "Valley Creamery Cooperative", ("Tulare", "CA", "93274", "559"), "VCC"),
    ("V-HEARTLAND", "Heartland Oils & Seeds", ("Decatur", "IL", "62521", "217"), "HOS"),
    ("V-GOLDENHIVE", "Golden Hive Honey", ("Sioux City", "IA", "51101", "712"), "GHH"),
    ("V-MIDWEST-SWEET", "Midwest Sweeteners LLC", ("Cedar Rapids", "IA", "52401", "319"), "MWS"),
    ("V-ORCHARD", "Orchard Valley Dried Fruit", ("Fresno", "CA", "93721", "559"), "OVF"),
    ("V-RIDGEWAY", "Ridgeway Cocoa & Flavors", ("Reading", "PA", "19601", "610"), "RCF"),
    ("V-FAIRFIELD", "Fairfield Egg Products", ("Fairfield", "IA", "52556", "641"), "FEP"),
    ("V-SUMMITPACK", "Summit Packaging Solutions", ("Neenah", "WI", "54956", "920"), "SPS"),
)

_ALT_VENDOR_KINDS = ("Ingredients", "Commodities", "Food Ingredients", "Supply", "Trading")


def vendor_count(scale: float) -> int:
    return max(len(NAMED_VENDORS), round(len(NAMED_VENDORS) * scale ** 0.3))


def make_vendors(scale: float) -> tuple[list[VendorSpec], dict[str, tuple[str, ...]]]:
    """Vendors, and per material its vendor codes (main source first).

    At larger scale extra vendors become second sources, one material each in turn.
    """
    rng = random.Random("northfield-vendors")
    vendors = []
    for code, name, town, prefix in NAMED_VENDORS:
        contact, email, phone = _contact(rng, _slug(name) + ".example", town[3])
        vendors.append(VendorSpec(code, name, contact, email, phone,
                                  _address(rng, "Customer Service", town), lot_prefix=prefix))
    sources = {m: tuple(p.vendors) for m, p in PURCHASING.items()}
    materials = list(PURCHASING)
    for n in range(vendor_count(scale) - len(NAMED_VENDORS)):
        town = TOWNS[(n * 7) % len(TOWNS)]
        name = f"{town[0]} {_ALT_VENDOR_KINDS[n % len(_ALT_VENDOR_KINDS)]}"
        if n >= len(TOWNS):
            name += f" {n // len(TOWNS) + 1}"
        code = f"V-{n + 101:04d}"
        contact, email, phone = _contact(rng, _slug(name) + ".example", town[3])
        vendors.append(VendorSpec(code, name, contact, email, phone,
                                  _address(rng, "Sales Office", town), lot_prefix=f"A{n + 101}"))
        material = materials[n % len(materials)]
        sources[material] = sources[material] + (code,)
    return vendors, sources


def customer_count(scale: float) -> int:
    """About 60 customers at scale 1, ~600 at scale 100, ~950 at scale 250."""
    return max(12, round(60 * math.sqrt(scale)))


def make_customers(scale: float) -> list[PartySpec]:
    rng = random.Random("northfield-customers")
    n = customer_count(scale)
    names: set[str] = set()
    out: list[PartySpec] = []
    shares = [c.share for c in CHANNELS]
    while len(out) < n:
        channel = rng.choices(CHANNELS, weights=shares)[0]
        town = rng.choice(TOWNS)
        name = rng.choice(channel.patterns).format(town=town[0])
        if name in names:
            if len(names) > 0.8 * len(TOWNS) * sum(len(c.patterns) for c in CHANNELS):
                name = f"{name} #{len(out) + 1}"
            else:
                continue
        names.add(name)
        contact, email, phone = _contact(rng, _slug(name) + ".example", town[3])
        attention = "Receiving Dock" if channel.name in ("distributor", "retail") else "Purchasing"
        out.append(PartySpec(
            code=f"C-{1001 + len(out)}", name=name, contact=contact, email=email, phone=phone,
            address=_address(rng, attention, town), channel=channel.name,
            weight=channel.weight * rng.uniform(0.5, 1.5), line_cases=channel.line_cases,
        ))
    return out


#: Machines per type at scale 1; every type grows with the plant.
MACHINES = {"CHOP": 1, "OVEN": 3, "KETTLE": 1, "TEMPER": 1, "BLENDER": 2, "MIXER": 3,
            "PACK": 2, "FILL": 2}


def capacity_factor(scale: float) -> int:
    """How many times the scale-1 machine park and crew the plant has (bigger plants
    run their machines fuller, so it grows slower than the volume)."""
    return max(1, math.ceil(scale ** 0.75))


def make_machines(scale: float) -> dict[str, list[str]]:
    f = capacity_factor(scale)
    return {kind: [f"{kind}-{i:02d}" if n * f < 100 else f"{kind}-{i:03d}"
                   for i in range(1, n * f + 1)]
            for kind, n in MACHINES.items()}


def make_crews(scale: float) -> list[list[str]]:
    """Operators of shifts A (06-14), B (14-22) and C (22-06): five each at scale 1."""
    rng = random.Random("northfield-operators")
    per_shift = 5 * capacity_factor(scale)
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < 3 * per_shift:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name in seen:
            if len(seen) >= len(FIRST) * len(LAST) - 1:
                name = f"{name} {len(names)}"
            else:
                continue
        seen.add(name)
        names.append(name)
    return [names[i * per_shift:(i + 1) * per_shift] for i in range(3)]
