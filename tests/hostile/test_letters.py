"""Every customer gets exactly one recall letter, whatever the customer codes.

Codes that become the same file name (``A/B`` and ``A_B``), that differ only by case
(one file on Windows and macOS), Unicode look-alikes, reserved Windows device names and
long codes: each customer has its own file, and the package's manifest says which.
"""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from tests.factories import PlantBuilder
from tests.reports.test_recall_package import pdf_text
from workbench.plant.lookup import find_lot
from workbench.recall.engine import recall
from workbench.reports.letters import letter_files
from workbench.reports.package import write_recall_package
from workbench.settings import default_letterhead

HOSTILE_CODES = [
    "A/B", "A_B", "A:B", "a_b", "ab", "AB", "Ab",
    "CU-1", "\u0421U-1", "\uff23\uff35-1",  # Latin C, Cyrillic Es, full-width C U
    "CON", "con", "NUL.txt", "COM1", "LPT9", "aux",
    "..", ".", "...hidden", "trailing.", " spaced ",
    "K" * 180, "K" * 179 + "L", "\u00c5ngstr\u00f6m", "A\u030angstro\u0308m",  # composed and decomposed
    "\u30c6\u30b9\u30c8", "\U0001f95c-nuts",
]


def _plant(session) -> None:
    b = PlantBuilder(session)
    b.receive("ALM", "ALM-A1", 10_000)
    b.produce("WO-1", "BAR", [("ALM", "ALM-A1", 5_000)], [("BAR-B1", 5_000)])
    for i, code in enumerate(HOSTILE_CODES):
        b.ship(f"SH-{i:03d}", code, "BAR", "BAR-B1", 1)
    b.done()


def test_every_customer_gets_its_own_letter_file(session, tmp_path):
    _plant(session)
    r = recall(session, [find_lot(session, "ALM-A1")])
    assert {c.customer for c in r.customers} == set(HOSTILE_CODES)
    out = tmp_path / "package"
    write_recall_package(r, out, default_letterhead())
    files = sorted((out / "letters").iterdir())
    assert len(files) == len(HOSTILE_CODES)
    assert len({p.name.casefold() for p in files}) == len(files)  # distinct even ignoring case
    index = json.loads((out / "manifest.json").read_text())["letters"]
    assert set(index) == set(HOSTILE_CODES)
    assert {out / f for f in index.values()} == set(files)
    for c in r.customers:
        text = pdf_text(out / index[c.customer])
        assert c.lines[0].shipment in text  # this customer's letter, not another's
    for p in files:
        stem = p.name.removesuffix(".pdf")
        assert p.name.isascii() and len(p.name) <= 80
        assert stem.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT9"}
        assert not stem.startswith(".") and not stem.endswith((".", " "))


def test_a_plain_code_keeps_its_name_and_names_do_not_depend_on_the_other_customers():
    assert letter_files(["CU-0042"]) == {"CU-0042": "CU-0042.pdf"}
    alone = letter_files(["A/B"])["A/B"]
    assert letter_files(["A/B", "A_B", "a/b"])["A/B"] == alone


@given(st.lists(st.text(min_size=1, max_size=70), min_size=1, max_size=30, unique=True))
def test_letter_file_names_are_distinct_for_any_codes(codes):
    names = letter_files(codes)
    assert set(names) == set(codes)
    assert len({n.casefold() for n in names.values()}) == len(codes)
    for n in names.values():
        assert n.isascii() and n.endswith(".pdf") and "/" not in n and "\\" not in n and len(n) <= 80
