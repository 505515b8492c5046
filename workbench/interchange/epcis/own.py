"""The workbench's own identifiers in EPCIS, written and read back in one place.

A plant code with no GS1 identifier (a location, party, order, document or pallet code) is written as
``urn:x-workbench:KIND:CODE`` (the code percent-encoded) and read back as the code, so that an export imported
into an empty plant gets the plant's own codes again. Master data carries a party's or location's code under
``CODE_ATTRIBUTE``; the workbench's extension fields live in the namespace ``WORKBENCH_NAMESPACE``.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

OWN_PREFIX = "urn:x-workbench:"
CODE_ATTRIBUTE = f"{OWN_PREFIX}code"
"""Master-data attribute with the plant's own code of a product, party or location (written by the export)."""
WORKBENCH_NAMESPACE = f"{OWN_PREFIX}epcis:"
"""The workbench's own extension fields (prefix ``wb``): what EPCIS has no field for but a plant records, so that an
export imported into another plant keeps it: a production order's operations (``wb:operation`` with step,
machine, operator, startedAt, finishedAt), a customer return's reason (``wb:returnReason``) and, in ILMD, the
vendor's own lot number of a bought lot (``wb:vendorLot``)."""
#: The longest code the plant holds.
CODE_LENGTH = 255


def own_identifier(kind: str, code: str) -> str:
    """``code`` as an identifier of ``kind`` (``location``, ``po``, ``shipment``, ...); a code that is a URI already
    is its own identifier."""
    return code if ":" in code and code.split(":", 1)[0].isalpha() else f"{OWN_PREFIX}{kind}:{quote(code, safe='')}"


def own_prefix(kind: str) -> str:
    """How every identifier ``own_identifier`` makes of ``kind`` begins."""
    return f"{OWN_PREFIX}{kind}:"


def own_code(identifier: str) -> str:
    """A plant code as ``own_identifier`` wrote it, back as the code; any other identifier as given (cut to a code's
    length)."""
    own = identifier.removeprefix(OWN_PREFIX)
    if own != identifier and ":" in own:
        return unquote(own.split(":", 1)[1])[:CODE_LENGTH]
    return identifier[:CODE_LENGTH]
