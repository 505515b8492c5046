"""A lot's key data elements from an event's ILMD: the CBV ones by field name, the others by their local name."""

from __future__ import annotations

import json

from workbench.interchange.epcis.model import KDE_NAMES, MDA_NAMESPACES, Ilmd, RawElement, ValueKind
from workbench.interchange.epcis.plan import Kde

_FIELDS = {local: field_name for field_name, local in KDE_NAMES.items()}


def kdes_of(ilmd: Ilmd) -> list[Kde]:
    """Every element of the ILMD as a key data element, in document order (a repeated name keeps its first).

    One pass over the elements (the same rule as ``Ilmd.kde``: a CBV master-data element with plain text is a
    standard KDE under its field name; anything else keeps its local name).
    """
    standard: list[Kde] = []
    others: list[Kde] = []
    seen: set[str] = set()
    for element in ilmd.elements:
        local = element.local_name
        field_name = _FIELDS.get(local)
        if field_name is not None and element.namespace in MDA_NAMESPACES and element.value is not None \
                and not element.children and element.kind is ValueKind.STRING:
            if field_name not in seen:
                seen.add(field_name)
                standard.append(Kde(field_name, element.value.strip()))
            continue
        if local in seen:
            continue
        seen.add(local)
        if element.children:
            others.append(Kde(local, json.dumps(_tree(element.children), ensure_ascii=False, separators=(",", ":")), "json"))
        elif element.value is not None:
            others.append(Kde(local, element.value.strip(), element.kind.value))
    order = list(KDE_NAMES)
    return sorted(standard, key=lambda k: order.index(k.name)) + others


def _tree(children: tuple[RawElement, ...]) -> dict[str, object]:
    out: dict[str, object] = {}
    for child in children:
        value: object = _tree(child.children) if child.children else child.value
        if child.local_name in out:
            before = out[child.local_name]
            out[child.local_name] = [*before, value] if isinstance(before, list) else [before, value]
        else:
            out[child.local_name] = value
    return out
