"""The demo's floor: pick lists, an override with its reason, a held lot (issue #14, item 10)."""

from __future__ import annotations

from workbench.floor.examples import seed_floor_examples
from workbench.floor.holds import holds_now
from workbench.floor.overrides import overrides
from workbench.floor.picking import load_pick_list
from workbench.lots.details import lot_details
from workbench.plant.lookup import find_lot


def test_the_demo_floor_has_pick_lists_an_override_and_a_held_lot(demo_plant):
    with demo_plant.Session() as session:  # never committed: the shared demo stays as it is
        try:
            made = seed_floor_examples(session)
            assert len(made.pick_lists) == 2 and made.overrides == 1 and len(made.held) == 1
            shipment, production = (load_pick_list(session, code) for code in made.pick_lists)
            assert shipment.purpose == "shipment" and production.purpose == "production"
            assert all(line.proposals for line in shipment.lines + production.lines)
            [ov] = overrides(session)
            assert ov.reason == "NOT-FOUND" and ov.lot.id not in {p.lot.id for p in shipment.lines[0].proposals}
            [hold] = holds_now(session)
            assert f"{hold.lot.item}/{hold.lot.lot}" == made.held[0]
            item, lot = made.held[0].split("/")
            held = find_lot(session, lot, item)
            assert lot_details(session, held.id).on_hold
            assert held.id not in {p.lot.id for line in production.lines for p in line.proposals}
        finally:
            session.rollback()
