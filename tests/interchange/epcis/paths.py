"""Where the EPCIS test data lives (copies in the repository: CI runs from a clean clone)."""

from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "data"
GS1 = DATA / "gs1-epcis"
HASH_VECTORS = DATA / "event-hash"
OPENEPCIS = DATA / "openepcis"
REAL = DATA / "realdata" / "opentraceability"
DOCUMENT_SUFFIXES = (".json", ".jsonld", ".xml")


def documents(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in DOCUMENT_SUFFIXES and p.is_file()
                  and "Invalid" not in p.parts and p.name != "epcis-context.jsonld" and p.name != "EPCIS-JSON-Schema.json")
