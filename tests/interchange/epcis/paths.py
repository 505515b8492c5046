"""Where the EPCIS test data lives (copies in the repository: CI runs from a clean clone)."""

from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "data"
GS1 = DATA / "gs1-epcis"
HASH_VECTORS = DATA / "event-hash"
OPENEPCIS = DATA / "openepcis"
REAL = DATA / "realdata" / "opentraceability"
DOCUMENT_SUFFIXES = (".json", ".jsonld", ".xml")
#: Folders of real files that are refused: invalid documents, query definitions, capture jobs.
REFUSED_FOLDERS = {"Invalid", "Queries", "CaptureJob"}


def documents(root: Path) -> list[Path]:
    """The documents under ``root`` that hold events (not the refused ones: invalid, queries, capture jobs)."""
    return sorted(p for p in root.rglob("*") if p.suffix in DOCUMENT_SUFFIXES and p.is_file()
                  and not REFUSED_FOLDERS.intersection(p.parts)
                  and p.name != "epcis-context.jsonld" and p.name != "EPCIS-JSON-Schema.json")
