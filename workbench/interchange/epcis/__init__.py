"""Read and write GS1 EPCIS documents (2.0 JSON/JSON-LD and XML, 1.2 XML) as a neutral, typed model.

``read_document(path_or_bytes)`` gives an ``EpcisDocument`` (events, master data, warnings) or raises
``EpcisReadFailed`` with every fault; ``write_jsonld`` / ``write_xml`` write EPCIS 2.0. Identifiers are
resolved by ``parse_identifier``; every event carries its GS1 event hash. No database, no Qt: the
plant mapper and reports build on this.
"""

from workbench.interchange.epcis.events import ReadOptions
from workbench.interchange.epcis.faults import EpcisReadFailed, Fault
from workbench.interchange.epcis.hash import event_hash, pre_hash
from workbench.interchange.epcis.identifiers import Identifier, IdentifierError, Scheme, parse_identifier
from workbench.interchange.epcis.model import (
    Action,
    BizTransaction,
    CbvValue,
    DuplicateEventId,
    EpcisDocument,
    EpcisEvent,
    ErrorDeclaration,
    EventType,
    Ilmd,
    Location,
    MasterAttribute,
    PersistentDisposition,
    QuantityElement,
    RawElement,
    SourceDestination,
    ValueKind,
    VocabularyElement,
)
from workbench.interchange.epcis.read import read_document
from workbench.interchange.epcis.times import kde_date
from workbench.interchange.epcis.write import write_file, write_jsonld, write_xml

__all__ = [
    "Action", "BizTransaction", "CbvValue", "DuplicateEventId", "EpcisDocument", "EpcisEvent", "EpcisReadFailed",
    "ErrorDeclaration", "EventType", "Fault", "Identifier", "IdentifierError", "Ilmd", "Location", "MasterAttribute",
    "PersistentDisposition", "QuantityElement", "RawElement", "ReadOptions", "Scheme", "SourceDestination", "ValueKind",
    "VocabularyElement", "event_hash", "kde_date", "parse_identifier", "pre_hash", "read_document", "write_file",
    "write_jsonld", "write_xml",
]
