"""Commonality: what several defective lots share that the other lots do not.

Every upstream factor (material lot, vendor lot, vendor, machine, operator, shift, order)
ranked by how much more often the defective lots share it than the other lots of the same
items made in the same period (the baseline). The significance is the one-sided Fisher
exact test on the 2x2 table (exposed / not exposed x defective / baseline). Shifts come
from an operation's start time (``workbench.facts.shift_of``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from scipy.stats import hypergeom
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.errors import WorkbenchError
from workbench.facts import LotRef, NodeId, shift_of
from workbench.plant import Item, Lot, Operation, Output, ProductionOrder, Receipt, Return, Vendor
from workbench.plant.lookup import find_lot_label, lot_refs
from workbench.plant.query import among, chunks
from workbench.progress import ProgressFn, report
from workbench.rootcause.closure import closure
from workbench.rootcause.records import Commonality, Factor
from workbench.trace.genealogy import walk

#: Default padding of the baseline period around the defective lots' creation dates.
DEFAULT_PERIOD_PAD = timedelta(days=7)
FACTOR_KINDS = ("lot", "vendor_lot", "vendor", "machine", "operator", "shift", "order")
#: Tie-break between factors with the same statistics: the most upstream, most
#: specific cause first (a vendor lot explains more than the machine that used it).
_KIND_RANK = {kind: rank for rank, kind in enumerate(FACTOR_KINDS)}


@dataclass
class _Exposure:
    """Who is exposed to a factor, and how to describe it."""

    kind: str
    code: str
    item: str | None = None
    lot: str | None = None
    vendor: str | None = None
    vendor_lot: str | None = None
    depth: int = 0
    nodes: set[str] = field(default_factory=set)
    roots: set[int] = field(default_factory=set)


def _exposures(session: Session, roots: set[int]) -> dict[tuple[str, str], _Exposure]:
    """Every upstream factor of each root lot, set-wise: (kind, code) -> exposure."""
    ancestors = closure(session, roots, False)
    all_lots = set(roots).union(*ancestors.values()) if ancestors else set(roots)
    refs = lot_refs(session, all_lots)
    factors: dict[tuple[str, str], _Exposure] = {}

    def expose(kind: str, code: str, exposed: set[int], node: str, *, item: str | None = None,
               lot: str | None = None, vendor: str | None = None, vendor_lot: str | None = None) -> None:
        f = factors.get((kind, code))
        if f is None:
            f = factors[(kind, code)] = _Exposure(kind, code, item=item, lot=lot, vendor=vendor,
                                                  vendor_lot=vendor_lot)
        f.roots |= exposed
        f.nodes.add(node)

    # Receipts: vendor and vendor lot of every purchased lot in reach.
    receipts: dict[int, list[tuple[str, str | None]]] = defaultdict(list)
    for chunk in chunks(all_lots):
        for lot_id, vendor, vendor_lot, lot_vendor_lot in session.execute(
            select(Receipt.lot_id, Vendor.code, Receipt.vendor_lot, Lot.vendor_lot)
            .join(Vendor, Vendor.id == Receipt.vendor_id).join(Lot, Lot.id == Receipt.lot_id)
            .where(among(Receipt.lot_id, chunk, session))
        ):
            receipts[lot_id].append((vendor, vendor_lot or lot_vendor_lot))
    # Orders that made each lot in reach, and their operations.
    made_by: dict[int, list[tuple[str, int]]] = defaultdict(list)
    order_ids: set[int] = set()
    for chunk in chunks(all_lots):
        for lot_id, order_id, code in session.execute(
            select(Output.lot_id, Output.order_id, ProductionOrder.code)
            .join(ProductionOrder, ProductionOrder.id == Output.order_id).where(among(Output.lot_id, chunk, session))
        ):
            made_by[lot_id].append((code, order_id))
            order_ids.add(order_id)
    ops: dict[int, list[tuple[str, str | None, str | None, datetime | None]]] = defaultdict(list)
    for chunk in chunks(order_ids):
        for order_id, code, step, machine, operator, started in session.execute(
            select(Operation.order_id, ProductionOrder.code, Operation.step, Operation.machine,
                   Operation.operator, Operation.started_at)
            .join(ProductionOrder, ProductionOrder.id == Operation.order_id).where(among(Operation.order_id, chunk, session))
        ):
            ops[order_id].append((NodeId.operation(code, step), machine, operator, started))

    # Invert once: which roots each lot lies upstream of. Then each factor is the union
    # of those sets over its lots — a few set unions per lot instead of a call per pair.
    below: dict[int, set[int]] = defaultdict(set)
    for root, reach in ancestors.items():
        for lot_id in reach:
            below[lot_id].add(root)
    for lot_id, exposed in below.items():
        ref = refs[lot_id]
        node = NodeId.lot(ref.item, ref.lot)
        vendors = receipts.get(lot_id, [])
        expose("lot", ref.label, exposed, node, item=ref.item, lot=ref.lot,
               vendor=vendors[0][0] if vendors else None, vendor_lot=vendors[0][1] if vendors else None)
        for vendor, vendor_lot in vendors:
            expose("vendor", vendor, exposed, NodeId.of("vendor", vendor))
            if vendor_lot:
                expose("vendor_lot", f"{vendor}/{ref.item}/{vendor_lot}", exposed, node, item=ref.item,
                       vendor=vendor, vendor_lot=vendor_lot)
    # Orders (and their machines, operators, shifts) that made a root or anything upstream.
    for lot_id in set(below) | set(roots):
        exposed = below.get(lot_id, set()) | ({lot_id} if lot_id in roots else set())
        for order_code, order_id in made_by.get(lot_id, ()):
            expose("order", order_code, exposed, NodeId.of("order", order_code))
            for op_node, machine, operator, started in ops.get(order_id, ()):
                if machine:
                    expose("machine", machine, exposed, NodeId.of("machine", machine))
                if operator:
                    expose("operator", operator, exposed, NodeId.of("operator", operator))
                shift = shift_of(started)
                if shift:
                    expose("shift", shift, exposed, op_node)
    return factors


def _default_period(created: Sequence[datetime | None]) -> tuple[datetime, datetime] | None:
    known = [c for c in created if c is not None]
    if not known:
        return None
    return min(known) - DEFAULT_PERIOD_PAD, max(known) + DEFAULT_PERIOD_PAD


def commonality(session: Session, defective: Sequence[LotRef | int],
                period: tuple[datetime, datetime] | None = None, progress: ProgressFn | None = None) -> Commonality:
    """Rank every upstream factor of the defective lots against the baseline lots.

    Baseline: the other lots of the defective lots' items created within ``period``
    (default: the defective lots' creation dates ± 7 days). For each factor, defective
    share = defective lots exposed / defective lots, baseline share likewise over the
    baseline lots, lift = their ratio, and p_value = P(at least this many exposed
    defective lots | exposure independent of defect), the one-sided Fisher exact test
    (the hypergeometric upper tail, identical to ``scipy.stats.fisher_exact(...,
    alternative="greater")``). Best first: smallest p, then highest lift, then share.
    """
    ids = list(dict.fromkeys(r.id if isinstance(r, LotRef) else int(r) for r in defective))
    if not ids:
        raise WorkbenchError("Name at least one defective lot.")
    refs = lot_refs(session, ids)
    missing = [i for i in ids if i not in refs]
    if missing:
        raise WorkbenchError(f"No lot has the id {missing[0]}.")
    report(progress, 0.05, "Finding the baseline lots")
    rows = session.execute(select(Lot.id, Lot.item_id, Lot.created_at).where(among(Lot.id, ids, session))).all()
    item_ids = sorted({r.item_id for r in rows})
    if period is None:
        period = _default_period([r.created_at for r in rows])
    baseline_ids: set[int] = set()
    if period is not None:
        baseline_ids = set(session.execute(
            select(Lot.id).where(Lot.item_id.in_(item_ids), Lot.created_at >= period[0],
                                 Lot.created_at <= period[1])
        ).scalars()) - set(ids)
    items = sorted(session.execute(select(Item.code).where(Item.id.in_(item_ids))).scalars())
    report(progress, 0.2, f"Walking upstream of {len(ids)} defective and {len(baseline_ids)} baseline lots")
    exposures = _exposures(session, set(ids) | baseline_ids)
    report(progress, 0.8, "Ranking factors")
    defective_set = set(ids)
    n1, n2 = len(ids), len(baseline_ids)
    chosen = [f for f in exposures.values() if f.roots & defective_set]
    a = np.array([len(f.roots & defective_set) for f in chosen], dtype=int)
    c = np.array([len(f.roots) for f in chosen], dtype=int) - a
    # One-sided Fisher exact: the chance of >= a exposed among the n1 defective lots when
    # a + c of the n1 + n2 lots are exposed, drawn without replacement.
    p = hypergeom.sf(a - 1, n1 + n2, a + c, n1) if len(chosen) else np.array([])
    depth = _upstream_depths(session, ids)
    factors = [
        Factor(f.kind, f.code, f.item, f.lot, f.vendor, f.vendor_lot, int(a[i]), n1, int(c[i]), n2,
               float(min(1.0, max(0.0, p[i]))), tuple(sorted(f.nodes)),
               depth.get((f.item, f.lot), 0) if f.kind == "lot" and f.item is not None and f.lot is not None
               else 0)
        for i, f in enumerate(chosen)
    ]
    factors = _without_echoes(factors)
    factors.sort(key=lambda f: (f.p_value, -f.lift, -f.defective_share, _KIND_RANK[f.kind], -f.depth, f.code))
    all_refs = lot_refs(session, baseline_ids)
    report(progress, 1.0, "Done")
    return Commonality([refs[i] for i in ids], items, period,
                       sorted(all_refs.values(), key=lambda r: r.label), factors)


def _upstream_depths(session: Session, ids: list[int]) -> dict[tuple[str, str], int]:
    """Fewest hops from the defective lots up to each upstream lot, keyed (item, lot)."""
    hops = walk(session, ids, False)
    refs = lot_refs(session, hops)
    return {(refs[i].item, refs[i].lot): d for i, d in hops.items()}


def _without_echoes(factors: list[Factor]) -> list[Factor]:
    """Drop a vendor-lot factor that only repeats one lot factor (one receipt, one lot).

    A vendor lot is worth its own row only when it came in as several of our lots;
    otherwise the lot row already carries the vendor lot.
    """
    lots = {f.node_ids for f in factors if f.kind == "lot"}
    return [f for f in factors if not (f.kind == "vendor_lot" and f.node_ids in lots)]


def defective_from_returns(session: Session, reason_contains: str) -> list[LotRef]:
    """The lots named in customer returns whose reason contains the text (any case)."""
    text = reason_contains.strip().lower()
    if not text:
        raise WorkbenchError("Give some text of the return reason to look for.")
    ids = session.execute(
        select(Return.lot_id).where(func.lower(Return.reason).contains(text, autoescape=True)).distinct()
    ).scalars().all()
    return sorted(lot_refs(session, ids).values(), key=lambda r: r.label)


def defective_from_reasons(session: Session, reasons: list[str]) -> list[LotRef]:
    """The lots named in returns whose reason is one of ``reasons`` (exact texts, as
    ``return_reasons`` lists them): several reasons chosen at once."""
    if not reasons:
        raise WorkbenchError("Choose at least one return reason.")
    ids = session.execute(select(Return.lot_id).where(Return.reason.in_(list(reasons))).distinct()).scalars().all()
    return sorted(lot_refs(session, ids).values(), key=lambda r: r.label)


def lots_from_list(session: Session, text: str) -> list[LotRef]:
    """The lots of a list pasted from a complaint system: one per line (or separated by
    commas, semicolons or tabs), as ``ITEM/LOT``, a lot code or a scanned barcode.
    A line that names no lot, or a lot code on several items, is one sentence naming
    its line; nothing is returned then."""
    found: dict[int, LotRef] = {}
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        for part in (p.strip() for p in line.replace("\t", ",").replace(";", ",").split(",")):
            if not part:
                continue
            try:
                ref = find_lot_label(session, part)
            except WorkbenchError as exc:
                problems.append(f"line {number}: {exc}")
                continue
            found.setdefault(ref.id, ref)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise WorkbenchError(problems[0] + more)
    if not found:
        raise WorkbenchError("The list names no lot.")
    return sorted(found.values(), key=lambda r: r.label)


def return_reasons(session: Session) -> list[tuple[str, int]]:
    """Return reasons with the number of lots returned for each, most frequent first."""
    rows = session.execute(
        select(Return.reason, func.count(func.distinct(Return.lot_id)))
        .where(Return.reason.is_not(None)).group_by(Return.reason)
    ).all()
    return sorted(((r, n) for r, n in rows if r is not None), key=lambda x: (-x[1], x[0]))
