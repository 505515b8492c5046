"""What Northfield Foods buys, makes and sells: items, recipes and purchasing rules.

Quantities in this module are whole *milli-units* (grams for kg, millilitres for L,
thousandths of an each or a case), so the simulation does exact integer arithmetic
and the plant tables receive exact decimals.
"""

from __future__ import annotations

from dataclasses import dataclass

#: One unit in milli-units.
U = 1000

COMPANY = "Northfield Foods, Inc."
#: GS1 company prefix of Northfield Foods (the prefix GS1 uses in its own examples).
COMPANY_PREFIX = "0614141"


def gtin_check_digit(payload: str) -> str:
    """GS1 mod-10 check digit: weights 3, 1, 3, ... from the rightmost payload digit."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(payload)))
    return str((10 - total % 10) % 10)


def gtin14(indicator: str, company_prefix: str, item_reference: str) -> str:
    """A GTIN-14: indicator digit + company prefix + item reference + check digit."""
    payload = indicator + company_prefix + item_reference
    if len(payload) != 13 or not payload.isdigit():
        raise ValueError(f"a GTIN-14 payload has 13 digits, not {payload!r}")
    return payload + gtin_check_digit(payload)


@dataclass(frozen=True)
class ItemSpec:
    code: str
    name: str
    kind: str  # material | intermediate | product
    unit: str  # kg | L | ea | case
    shelf_life_days: int | None
    gtin: str | None = None


@dataclass(frozen=True)
class Step:
    name: str
    machine_type: str
    minutes: int


@dataclass(frozen=True)
class Recipe:
    """One batch: ``inputs`` (item code, milli-units) make ``batch`` milli-units."""

    batch: int
    inputs: tuple[tuple[str, int], ...]
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Purchasing:
    """How a material is bought.

    ``cover_days`` of expected use per delivery, at least ``min_delivery``; one
    delivery is split into vendor lots of at most ``lot_size`` (a truck of flour is
    one lot, almonds come in pallets of 1,800 kg, each its own vendor lot).
    """

    vendors: tuple[str, ...]
    lot_size: int
    cover_days: int
    min_delivery: int
    pack: int  # deliveries are whole multiples of this


def _m(code, name, unit, shelf, gtin=None) -> ItemSpec:
    return ItemSpec(code, name, "material", unit, shelf, gtin)


def _i(code, name, shelf) -> ItemSpec:
    return ItemSpec(code, name, "intermediate", "kg", shelf)


def _p(code, name, ref, shelf) -> ItemSpec:
    return ItemSpec(code, name, "product", "case", shelf, gtin14("1", COMPANY_PREFIX, ref))


ITEMS: tuple[ItemSpec, ...] = (
    # Materials (kg, L, ea); some carry their vendor's GTIN.
    _m("RM-OATS", "Rolled oats, whole grain", "kg", 270),
    _m("RM-FLOUR", "Wheat flour, soft, type 550", "kg", 240),
    _m("RM-SUGAR", "Cane sugar, granulated", "kg", 730),
    _m("RM-BROWN-SUGAR", "Brown sugar, light", "kg", 540),
    _m("RM-SALT", "Sea salt, fine", "kg", 1095),
    _m("RM-BUTTER", "Butter, unsalted 82% fat", "kg", 120),
    _m("RM-OIL", "Sunflower oil, high oleic", "L", 365),
    _m("RM-HONEY", "Honey, clover", "kg", 730),
    _m("RM-GLUCOSE", "Glucose syrup DE42", "kg", 365),
    _m("RM-ALMOND", "Almonds, natural whole", "kg", 365),
    _m("RM-HAZELNUT", "Hazelnuts, blanched", "kg", 300),
    _m("RM-SEEDS", "Pumpkin seeds, shelled", "kg", 300),
    _m("RM-RAISINS", "Raisins, Thompson seedless", "kg", 365),
    _m("RM-CRANBERRY", "Cranberries, sweetened dried", "kg", 365),
    _m("RM-CHOC-CHIPS", "Dark chocolate chips 55%", "kg", 365, gtin14("1", "0850047", "10027")),
    _m("RM-COCOA", "Cocoa powder, alkalized 10/12", "kg", 730, gtin14("1", "0850047", "10041")),
    _m("RM-MILK-POWDER", "Skimmed milk powder", "kg", 540, gtin14("1", "0737114", "20015")),
    _m("RM-EGG", "Liquid whole egg, pasteurised", "L", 28),
    _m("RM-SODA", "Sodium bicarbonate (baking soda)", "kg", 730),
    _m("RM-VANILLA", "Vanilla extract, pure", "L", 730, gtin14("1", "0850047", "10058")),
    _m("RM-COCONUT", "Coconut, desiccated fine", "kg", 365),
    _m("PK-FILM", "Flow-wrap film roll, printed", "ea", None, gtin14("1", "0761028", "30012")),
    _m("PK-POUCH", "Stand-up pouch, printed, resealable", "ea", None,
       gtin14("1", "0761028", "30029")),
    _m("PK-CASE-BAR", "Shipping case, bars (12 boxes)", "ea", None),
    _m("PK-CASE-COOKIE", "Shipping case, cookies (12 packs)", "ea", None),
    _m("PK-CASE-POUCH", "Shipping case, pouches (6)", "ea", None),
    # Intermediates (kg).
    _i("IM-ALMOND-CHOP", "Almonds, sorted and chopped", 45),
    _i("IM-OATS-TOAST", "Toasted oats", 60),
    _i("IM-SYRUP", "Honey binder syrup", 30),
    _i("IM-CHOC-COAT", "Chocolate coating, tempered", 60),
    _i("IM-NUT-MIX", "Nut and seed mix", 45),
    _i("IM-DOUGH-CHOC", "Chocolate chip cookie dough", 5),
    _i("IM-DOUGH-OAT", "Oat raisin cookie dough", 5),
    _i("IM-DOUGH-ALMOND", "Almond butter cookie dough", 5),
    _i("IM-MUESLI-BASE", "Muesli base mix", 90),
    _i("IM-GRANOLA", "Granola clusters, baked", 60),
    # Finished products (cases), GTIN-14 with indicator digit 1 (the shipping case).
    _p("FG-BAR-ALMOND", "Almond & Honey Granola Bars, 12 x (6 x 35 g)", "00041", 270),
    _p("FG-BAR-CHOC", "Dark Chocolate Almond Bars, 12 x (6 x 35 g)", "00058", 270),
    _p("FG-BAR-CRAN", "Cranberry Nut Bars, 12 x (6 x 35 g)", "00065", 270),
    _p("FG-COOKIE-CHOC", "Chocolate Chip Cookies, 12 x 200 g", "00102", 180),
    _p("FG-COOKIE-OAT", "Oat Raisin Cookies, 12 x 200 g", "00119", 180),
    _p("FG-COOKIE-ALMOND", "Almond Butter Cookies, 12 x 200 g", "00126", 180),
    _p("FG-COOKIE-DOUBLE", "Double Chocolate Cookies, 12 x 200 g", "00133", 180),
    _p("FG-MUESLI-NUT", "Nut Muesli, 6 x 750 g", "00201", 365),
    _p("FG-MUESLI-FRUIT", "Fruit Muesli, 6 x 750 g", "00218", 365),
    _p("FG-GRANOLA-HONEY", "Honey Almond Granola, 6 x 500 g", "00300", 300),
    _p("FG-GRANOLA-CHOC", "Chocolate Granola, 6 x 500 g", "00317", 300),
    _p("FG-GRANOLA-COCO", "Coconut Granola, 6 x 500 g", "00324", 300),
)


def _r(batch, inputs, *steps) -> Recipe:
    """A recipe in kilograms (or litres, eaches, cases)."""
    return Recipe(
        batch=round(batch * U),
        inputs=tuple((code, round(qty * U)) for code, qty in inputs),
        steps=tuple(Step(*s) for s in steps),
    )


_BAR_PACK = ("Flow-wrap and case", "PACK", 110)
_COOKIE_PACK = ("Flow-wrap and case", "PACK", 80)
_POUCH_FILL = ("Fill and seal pouches", "FILL", 100)

#: Recipes per batch. Step minutes must fit the shift plan (see ``Simulation._levels``).
RECIPES: dict[str, Recipe] = {
    "IM-ALMOND-CHOP": _r(250, [("RM-ALMOND", 255)], ("Sort and chop", "CHOP", 50)),
    "IM-OATS-TOAST": _r(900, [("RM-OATS", 877.5), ("RM-OIL", 36), ("RM-SALT", 4.5)],
                        ("Toast", "OVEN", 55)),
    "IM-SYRUP": _r(600, [("RM-HONEY", 247.5), ("RM-GLUCOSE", 270), ("RM-SUGAR", 90),
                         ("RM-SALT", 3), ("RM-OIL", 15)], ("Cook", "KETTLE", 50)),
    "IM-CHOC-COAT": _r(450, [("RM-CHOC-CHIPS", 277.5), ("RM-SUGAR", 82.5),
                             ("RM-MILK-POWDER", 60), ("RM-COCOA", 22.5), ("RM-OIL", 12),
                             ("RM-VANILLA", 0.75)],
                       ("Melt and temper", "TEMPER", 45)),
    "IM-NUT-MIX": _r(450, [("IM-ALMOND-CHOP", 225), ("RM-HAZELNUT", 135), ("RM-SEEDS", 90)],
                     ("Blend", "BLENDER", 30)),
    "IM-DOUGH-CHOC": _r(820, [("RM-FLOUR", 285), ("RM-BUTTER", 165), ("RM-SUGAR", 105),
                              ("RM-BROWN-SUGAR", 90), ("RM-EGG", 52.5), ("RM-CHOC-CHIPS", 120),
                              ("RM-SALT", 3.75), ("RM-SODA", 2.25), ("RM-VANILLA", 1.2)],
                        ("Mix", "MIXER", 35)),
    "IM-DOUGH-OAT": _r(800, [("RM-FLOUR", 225), ("RM-OATS", 150), ("RM-BUTTER", 150),
                             ("RM-BROWN-SUGAR", 120), ("RM-RAISINS", 105), ("RM-EGG", 45),
                             ("RM-SALT", 3.75), ("RM-SODA", 2.25)],
                        ("Mix", "MIXER", 35)),
    "IM-DOUGH-ALMOND": _r(750, [("RM-FLOUR", 300), ("RM-BUTTER", 180), ("RM-SUGAR", 135),
                                ("IM-ALMOND-CHOP", 90), ("RM-EGG", 45), ("RM-SALT", 3),
                                ("RM-VANILLA", 0.75)], ("Mix", "MIXER", 35)),
    "IM-MUESLI-BASE": _r(1200, [("RM-OATS", 840), ("IM-OATS-TOAST", 300), ("RM-SEEDS", 60),
                               ("RM-SALT", 1.5)], ("Blend", "BLENDER", 30)),
    "IM-GRANOLA": _r(720, [("IM-OATS-TOAST", 375), ("IM-SYRUP", 180), ("IM-NUT-MIX", 150),
                           ("RM-OIL", 30), ("RM-SALT", 2.25)],
                     ("Mix", "MIXER", 20), ("Bake", "OVEN", 70)),
    "FG-BAR-ALMOND": _r(400, [("IM-OATS-TOAST", 480), ("IM-SYRUP", 340), ("IM-ALMOND-CHOP", 190),
                              ("PK-FILM", 3), ("PK-CASE-BAR", 400)],
                        ("Mix and sheet", "MIXER", 30), _BAR_PACK),
    "FG-BAR-CHOC": _r(400, [("IM-OATS-TOAST", 470), ("IM-SYRUP", 330), ("IM-ALMOND-CHOP", 170),
                            ("IM-CHOC-COAT", 150), ("PK-FILM", 3), ("PK-CASE-BAR", 400)],
                      ("Mix and sheet", "MIXER", 30), ("Enrobe", "TEMPER", 25), _BAR_PACK),
    "FG-BAR-CRAN": _r(400, [("IM-OATS-TOAST", 450), ("IM-SYRUP", 330), ("IM-NUT-MIX", 160),
                            ("RM-CRANBERRY", 90), ("PK-FILM", 3), ("PK-CASE-BAR", 400)],
                      ("Mix and sheet", "MIXER", 30), _BAR_PACK),
    "FG-COOKIE-CHOC": _r(300, [("IM-DOUGH-CHOC", 740), ("PK-FILM", 2), ("PK-CASE-COOKIE", 300)],
                         ("Deposit and bake", "OVEN", 60), _COOKIE_PACK),
    "FG-COOKIE-OAT": _r(300, [("IM-DOUGH-OAT", 740), ("PK-FILM", 2), ("PK-CASE-COOKIE", 300)],
                        ("Deposit and bake", "OVEN", 60), _COOKIE_PACK),
    "FG-COOKIE-ALMOND": _r(300, [("IM-DOUGH-ALMOND", 740), ("PK-FILM", 2),
                                 ("PK-CASE-COOKIE", 300)],
                           ("Deposit and bake", "OVEN", 60), _COOKIE_PACK),
    "FG-COOKIE-DOUBLE": _r(300, [("IM-DOUGH-CHOC", 690), ("IM-CHOC-COAT", 60), ("PK-FILM", 2),
                                 ("PK-CASE-COOKIE", 300)],
                           ("Deposit and bake", "OVEN", 60), ("Drizzle", "TEMPER", 15),
                           _COOKIE_PACK),
    "FG-MUESLI-NUT": _r(250, [("IM-MUESLI-BASE", 950), ("IM-NUT-MIX", 180), ("PK-POUCH", 1500),
                              ("PK-CASE-POUCH", 250)], ("Blend", "BLENDER", 25), _POUCH_FILL),
    "FG-MUESLI-FRUIT": _r(250, [("IM-MUESLI-BASE", 900), ("RM-RAISINS", 120),
                                ("RM-CRANBERRY", 100), ("PK-POUCH", 1500),
                                ("PK-CASE-POUCH", 250)], ("Blend", "BLENDER", 25), _POUCH_FILL),
    "FG-GRANOLA-HONEY": _r(250, [("IM-GRANOLA", 760), ("PK-POUCH", 1500), ("PK-CASE-POUCH", 250)],
                           _POUCH_FILL),
    "FG-GRANOLA-CHOC": _r(250, [("IM-GRANOLA", 640), ("RM-CHOC-CHIPS", 110), ("PK-POUCH", 1500),
                                ("PK-CASE-POUCH", 250)], ("Blend", "BLENDER", 20), _POUCH_FILL),
    "FG-GRANOLA-COCO": _r(250, [("IM-GRANOLA", 650), ("RM-COCONUT", 100), ("PK-POUCH", 1500),
                                ("PK-CASE-POUCH", 250)], ("Blend", "BLENDER", 20), _POUCH_FILL),
}

#: A reworked return is repacked: the returned cases plus one new shipping case each.
REWORK_STEP = Step("Inspect and repack", "PACK", 45)
REWORK_CASES = {
    "FG-BAR": "PK-CASE-BAR",
    "FG-COOKIE": "PK-CASE-COOKIE",
    "FG-MUESLI": "PK-CASE-POUCH",
    "FG-GRANOLA": "PK-CASE-POUCH",
}

#: Mean cases ordered per working day at scale 1.
DEMAND: dict[str, int] = {
    "FG-BAR-ALMOND": 150, "FG-BAR-CHOC": 110, "FG-BAR-CRAN": 90,
    "FG-COOKIE-CHOC": 130, "FG-COOKIE-OAT": 90, "FG-COOKIE-ALMOND": 80, "FG-COOKIE-DOUBLE": 70,
    "FG-MUESLI-NUT": 80, "FG-MUESLI-FRUIT": 70,
    "FG-GRANOLA-HONEY": 100, "FG-GRANOLA-CHOC": 70, "FG-GRANOLA-COCO": 60,
}


def _buy(vendors, lot_size, cover_days, min_delivery, pack) -> Purchasing:
    return Purchasing(tuple(vendors), round(lot_size * U), cover_days, round(min_delivery * U),
                      round(pack * U))


#: Purchasing per material: vendor codes (first is the main source), lot size, cover.
PURCHASING: dict[str, Purchasing] = {
    "RM-OATS": _buy(["V-NORTHERN-OAT", "V-GREATPLAINS"], 20000, 10, 2000, 25),
    "RM-FLOUR": _buy(["V-GREATPLAINS"], 22000, 10, 2000, 25),
    "RM-SUGAR": _buy(["V-GULFSUGAR"], 12000, 14, 1000, 25),
    "RM-BROWN-SUGAR": _buy(["V-GULFSUGAR"], 5000, 21, 500, 25),
    # Salt arrives in 1-tonne bulk bags or, at large volumes, 90-tonne rail hopper cars
    # into the silo: one lot lasts weeks and goes into nearly everything (the "used
    # everywhere" material: tens of thousands of lots downstream at scale 250).
    "RM-SALT": _buy(["V-BAYSALT"], 90000, 45, 1000, 1000),
    "RM-BUTTER": _buy(["V-VALLEYCREAM"], 2000, 10, 500, 25),
    "RM-OIL": _buy(["V-HEARTLAND"], 20000, 21, 1000, 1000),
    "RM-HONEY": _buy(["V-GOLDENHIVE"], 1200, 21, 300, 300),
    "RM-GLUCOSE": _buy(["V-MIDWEST-SWEET"], 20000, 21, 1000, 1000),
    "RM-ALMOND": _buy(["V-SIERRA"], 1800, 14, 900, 900),
    "RM-HAZELNUT": _buy(["V-SIERRA", "V-ORCHARD"], 1000, 21, 500, 500),
    "RM-SEEDS": _buy(["V-HEARTLAND"], 1000, 21, 250, 250),
    "RM-RAISINS": _buy(["V-ORCHARD"], 1000, 21, 250, 250),
    "RM-CRANBERRY": _buy(["V-ORCHARD"], 1000, 21, 250, 250),
    "RM-CHOC-CHIPS": _buy(["V-RIDGEWAY"], 1000, 21, 250, 25),
    "RM-COCOA": _buy(["V-RIDGEWAY"], 500, 45, 100, 25),
    "RM-MILK-POWDER": _buy(["V-VALLEYCREAM"], 1000, 30, 250, 25),
    "RM-EGG": _buy(["V-FAIRFIELD"], 1000, 7, 200, 20),
    "RM-SODA": _buy(["V-BAYSALT"], 500, 90, 50, 25),
    "RM-VANILLA": _buy(["V-RIDGEWAY"], 100, 90, 10, 5),
    "RM-COCONUT": _buy(["V-ORCHARD"], 1000, 30, 250, 25),
    "PK-FILM": _buy(["V-SUMMITPACK"], 60, 30, 10, 1),
    "PK-POUCH": _buy(["V-SUMMITPACK"], 50000, 30, 5000, 1000),
    "PK-CASE-BAR": _buy(["V-SUMMITPACK"], 5000, 21, 1000, 250),
    "PK-CASE-COOKIE": _buy(["V-SUMMITPACK"], 5000, 21, 1000, 250),
    "PK-CASE-POUCH": _buy(["V-SUMMITPACK"], 5000, 21, 1000, 250),
}
