"""`workbench floor …` from receipt to shipment, and refusals as one sentence, exit 1."""

from __future__ import annotations

from tests.factories import PlantBuilder
from workbench.cli import main


def test_floor_commands_from_receipt_to_shipment(plant, tmp_path, capsys):
    with plant.Session.begin() as s:
        b = PlantBuilder(s)
        b.item("RM-OATS", shelf_life_days=270)
        b.item("FG-BAR", kind="product", unit="case", gtin="10614141000415", shelf_life_days=180)
        b.vendor("V1")
        b.customer("C1")
    db = ["--db", plant.url]

    def run(*args):
        code = main(["floor", *args, *db])
        out = capsys.readouterr()
        return code, out.out, out.err

    assert run("location", "WH-A-01")[0] == 0
    assert run("location", "FG-01")[0] == 0
    code, out, _ = run("receive", "--item", "RM-OATS", "--quantity", "100", "--vendor", "V1", "--location", "WH-A-01",
                       "--vendor-lot", "VL-1", "--po", "PO-1", "--lot", "R1", "--out", str(tmp_path / "r1.pdf"),
                       "--by", "ann")
    assert code == 0 and "as lot RM-OATS/R1" in out and (tmp_path / "r1.pdf").stat().st_size > 1000
    code, _, err = run("receive", "--item", "RM-OATS", "--quantity", "x", "--vendor", "V1", "--location", "WH-A-01")
    assert code == 1 and err.count("\n") == 1 and "not a number" in err
    code, out, _ = run("picks", "PK-1", "--order", "MO-1", "--product", "FG-BAR", "--need", "RM-OATS=60", "--by", "bob")
    assert code == 0 and "take R1" in out and "FEFO" in out
    code, out, _ = run("scan", "PK-1", "RM-OATS/NOPE", "--by", "bob")
    assert code == 1 and out.startswith("NO  Unknown code")
    code, out, _ = run("scan", "PK-1", "(240)RM-OATS(10)R1", "--quantity", "50", "--by", "bob")
    assert code == 0 and out.startswith("OK  Right lot: R1, 50 kg")
    code, _, err = run("override", "PK-1", "--lot", "R1", "--quantity", "10", "--reason", "OTHER", "--by", "bob")
    assert code == 1 and "--note" in err
    code, out, _ = run("override", "PK-1", "--lot", "R1", "--quantity", "10", "--reason", "OPENED", "--by", "bob")
    assert code == 0 and "Override recorded" in out
    code, out, _ = run("overrides")
    assert code == 0 and "1 overrides" in out and "OPENED" in out
    code, out, _ = run("complete", "PK-1", "--quantity", "30", "--lot", "B1", "--location", "FG-01", "--by", "bob",
                       "--out", str(tmp_path / "b1"))
    assert code == 0 and "as lot FG-BAR/B1" in out and "RM-OATS/R1" in out and (tmp_path / "b1.pdf").exists()
    code, out, _ = run("label", "FG-BAR/B1", "--out", str(tmp_path / "small.pdf"), "--size", "2x1in")
    assert code == 0
    code, out, _ = run("hold", "FG-BAR/B1", "--reason", "Seal check", "--by", "qa")
    assert code == 0 and "On hold: FG-BAR/B1" in out
    code, out, _ = run("picks", "PK-2", "--customer", "C1", "--need", "FG-BAR=10", "--by", "cy")
    assert code == 0 and "SHORT" in out
    code, out, _ = run("release", "FG-BAR/B1", "--reason", "Seals fine", "--by", "qa")
    assert code == 0 and "Released FG-BAR/B1" in out
    code, out, _ = run("holds", "FG-BAR/B1")
    assert code == 0 and "Seal check" in out and "Seals fine" in out
    code, out, _ = run("picks", "PK-3", "--customer", "C1", "--need", "FG-BAR=10", "--by", "cy")
    assert code == 0 and "take B1" in out
    assert run("scan", "PK-3", "(01)10614141000415(10)B1", "--by", "cy")[0] == 0
    code, out, _ = run("ship", "PK-3", "--shipment", "SH-1", "--by", "cy")
    assert code == 0 and "Shipment SH-1 to C1" in out and "FG-BAR/B1" in out
    code, out, _ = run("ship", "PK-3", "--by", "cy")
    assert code == 1
    assert main(["trace", "R1", "--item", "RM-OATS", *db]) == 0
    assert "SH-1" in capsys.readouterr().out
