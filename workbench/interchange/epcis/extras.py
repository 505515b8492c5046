"""The workbench's own EPCIS extension fields (``wb:``, namespace ``WORKBENCH_NAMESPACE``), built and read in one place.

EPCIS has no field for a production step's machine and operator, a return's reason or a bought lot's vendor lot
number; a plant records them, and root cause and supplier reports need them. The export writes them as extension
fields (allowed anywhere by the schema, ignored by other readers), and the import reads them back, so an export
imported into another plant loses none of it. A partner's own fields are never read as these: only this namespace.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from workbench.interchange.epcis.model import EpcisEvent, RawElement
from workbench.interchange.epcis.own import WORKBENCH_NAMESPACE
from workbench.interchange.epcis.plan import PlanOperation
from workbench.interchange.epcis.times import TimeError, parse_time, write_time


def _name(local: str) -> str:
    return f"{{{WORKBENCH_NAMESPACE}}}{local}"


OPERATION = _name("operation")
RETURN_REASON = _name("returnReason")
VENDOR_LOT = _name("vendorLot")
#: The vendor lot of one lot among several an event brings (a purchase receipt of several lots has no ILMD).
VENDOR_LOT_OF = _name("vendorLotOf")
_EPC_CLASS = _name("epcClass")
PREFIX = "wb"
_FIELDS = ("step", "machine", "operator", "startedAt", "finishedAt")


def _time(moment: datetime | None) -> str | None:
    """A plant time (naive UTC) as an ``xsd:dateTime``, as event times are written."""
    return None if moment is None else write_time(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def operation_element(step: str, machine: str | None, operator: str | None, started_at: datetime | None,
                      finished_at: datetime | None) -> RawElement:
    """One ``wb:operation`` of a TransformationEvent (times as UTC date-times; absent fields left out)."""
    values = (step, machine, operator, _time(started_at), _time(finished_at))
    return RawElement(OPERATION, None, children=tuple(RawElement(_name(n), v) for n, v in zip(_FIELDS, values,
                                                                                              strict=True) if v))


def operations(event: EpcisEvent) -> tuple[PlanOperation, ...]:
    """The event's ``wb:operation`` fields; one without a step, or with a time that does not read, is left out."""
    found = []
    for element in event.extensions:
        if element.name != OPERATION:
            continue
        values = {c.local_name: (c.value or "").strip() for c in element.children
                  if c.namespace == WORKBENCH_NAMESPACE and c.value}
        if not values.get("step"):
            continue
        try:
            times = [parse_time(values[n], n) if values.get(n) else None for n in ("startedAt", "finishedAt")]
        except TimeError:
            continue
        found.append(PlanOperation(values["step"], values.get("machine") or None, values.get("operator") or None,
                                   times[0], times[1]))
    return tuple(found)


def text(elements: Iterable[RawElement], name: str) -> str | None:
    """The text of the first field ``name`` (one of this module's names) among ``elements``, or None."""
    for element in elements:
        if element.name == name and element.value and element.value.strip():
            return element.value.strip()
    return None


def vendor_lot_element(epc_class: str, vendor_lot: str) -> RawElement:
    """``wb:vendorLotOf`` with the lot's class identifier (``wb:epcClass``) and its vendor lot (``wb:vendorLot``)."""
    return RawElement(VENDOR_LOT_OF, None, children=(RawElement(_EPC_CLASS, epc_class), RawElement(VENDOR_LOT, vendor_lot)))


def vendor_lots(event: EpcisEvent) -> list[tuple[str, str]]:
    """(lot class identifier, vendor lot) of each complete ``wb:vendorLotOf`` of the event."""
    found = []
    for element in event.extensions:
        if element.name == VENDOR_LOT_OF:
            epc_class, vendor_lot = text(element.children, _EPC_CLASS), text(element.children, VENDOR_LOT)
            if epc_class and vendor_lot:
                found.append((epc_class, vendor_lot))
    return found
