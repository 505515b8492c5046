"""A lot's key data elements from an event's ILMD: the CBV ones by field name, the others by their local name."""

from __future__ import annotations

import json

from workbench.interchange.epcis.model import KDE_NAMES, Ilmd, RawElement
from workbench.interchange.epcis.plan import Kde


def kdes_of(ilmd: Ilmd) -> list[Kde]:
    """Every element of the ILMD as a key data element, in document order (a repeated name keeps its first)."""
    out: list[Kde] = []
    seen: set[str] = set()
    for field_name in KDE_NAMES:
        value = ilmd.kde(field_name)
        if value is not None and field_name not in seen:
            seen.add(field_name)
            out.append(Kde(field_name, value.strip()))
    for element in ilmd.extensions:
        name = element.local_name
        if name in seen:
            continue
        seen.add(name)
        if element.children:
            out.append(Kde(name, json.dumps(_tree(element.children), ensure_ascii=False, separators=(",", ":")), "json"))
        elif element.value is not None:
            out.append(Kde(name, element.value.strip(), element.kind.value))
    return out


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
