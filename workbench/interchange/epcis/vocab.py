"""CBV standard vocabularies: every written form of a value resolved to its short name, and back to the Web URI.

A business step arrives bare (``shipping``, the JSON-LD form), as a URN
(``urn:epcglobal:cbv:bizstep:shipping``, EPCIS 1.x), as a Web URI
(``https://ref.gs1.org/cbv/BizStep-shipping``) or as a CURIE (``cbv:BizStep-shipping``); the same holds
for dispositions, business transaction types, source/destination types and error reasons. The lists
are those of the GS1 EPCIS 2.0 JSON-LD context.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.interchange.epcis.model import CbvValue

CBV_WEB = "https://ref.gs1.org/cbv/"


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


@dataclass(frozen=True)
class Vocabulary:
    """One CBV vocabulary: its URN prefix, its Web URI prefix, and its standard short names."""

    field: str
    urn: str
    web: str
    names: frozenset[str]


BIZ_STEP = Vocabulary("bizStep", "urn:epcglobal:cbv:bizstep:", "BizStep-", _names("""
    accepting arriving assembling collecting commissioning consigning creating_class_instance cycle_counting
    decommissioning departing destroying disassembling dispensing encoding entering_exiting holding inspecting
    installing killing loading other packing picking receiving removing repackaging repairing replacing
    reserving retail_selling sampling sensor_reporting shipping staging_outbound stock_taking stocking storing
    transporting unloading unpacking void_shipping"""))
DISPOSITION = Vocabulary("disposition", "urn:epcglobal:cbv:disp:", "Disp-", _names("""
    active available completeness_verified completeness_inferred conformant container_closed container_open
    damaged destroyed dispensed disposed encoded expired in_progress in_transit inactive mismatch_instance
    mismatch_class mismatch_quantity needs_replacement no_pedigree_match non_conformant non_sellable_other
    partially_dispensed recalled reserved retail_sold returned sellable_accessible sellable_not_accessible
    stolen unavailable unknown"""))
BIZ_TRANSACTION_TYPE = Vocabulary("bizTransaction type", "urn:epcglobal:cbv:btt:", "BTT-", frozenset(
    ["bol", "cert", "desadv", "inv", "pedigree", "po", "poc", "prodorder", "recadv", "rma", "testprd", "testres", "upevt"]))
SOURCE_DESTINATION_TYPE = Vocabulary("source/destination type", "urn:epcglobal:cbv:sdt:", "SDT-", frozenset(
    ["owning_party", "possessing_party", "location"]))
ERROR_REASON = Vocabulary("error reason", "urn:epcglobal:cbv:er:", "ER-", _names("""
    did_not_occur incorrect_data"""))

VOCABULARIES = (BIZ_STEP, DISPOSITION, BIZ_TRANSACTION_TYPE, SOURCE_DESTINATION_TYPE, ERROR_REASON)


_RESOLVED: dict[tuple[str, str], CbvValue] = {}


def cbv_value(vocabulary: Vocabulary, raw: str) -> CbvValue:
    """Resolve a written value; a value that is no standard one in any form keeps its text as its name.

    A bare word that is not in the standard list is kept as given (``standard`` False); the reader
    warns about it, since JSON-LD would read it as a relative IRI. Values repeat by the million in a large
    document: each written form is resolved once (the result is immutable).
    """
    key = (vocabulary.field, raw)
    found = _RESOLVED.get(key)
    if found is None:
        found = _resolve(vocabulary, raw)
        if len(_RESOLVED) < 1 << 16:
            _RESOLVED[key] = found
    return found


def _resolve(vocabulary: Vocabulary, raw: str) -> CbvValue:
    text = raw.strip()
    short = None
    if text.startswith(vocabulary.urn):
        short = text[len(vocabulary.urn):]
    elif text.startswith(CBV_WEB + vocabulary.web):
        short = text[len(CBV_WEB) + len(vocabulary.web):]
    elif text.startswith("cbv:" + vocabulary.web):
        short = text[4 + len(vocabulary.web):]
    elif ":" not in text:
        short = text
    if short is not None and short in vocabulary.names:
        return CbvValue(name=short, raw=raw, standard=True)
    return CbvValue(name=text, raw=raw, standard=False)


def web_uri(vocabulary: Vocabulary, value: CbvValue) -> str:
    """The CBV 2.0 Web URI of a standard value (``https://ref.gs1.org/cbv/BizStep-shipping``), else the value."""
    return f"{CBV_WEB}{vocabulary.web}{value.name}" if value.standard else value.name


def urn(vocabulary: Vocabulary, value: CbvValue) -> str:
    """The EPCIS 1.x URN of a standard value (``urn:epcglobal:cbv:bizstep:shipping``), else the value."""
    return f"{vocabulary.urn}{value.name}" if value.standard else value.name


def standard(vocabulary: Vocabulary, name: str) -> CbvValue:
    """A standard value by its short name (for building events in code and tests)."""
    if name not in vocabulary.names:
        raise ValueError(f"{name!r} is not a CBV {vocabulary.field} value")
    return CbvValue(name=name, raw=name, standard=True)
