"""EPCIS into and out of the plant: the import plan written set-wise into the supply-chain model, and back.

``import_documents(session, paths)`` reads EPCIS documents, plans them (``workbench.interchange.epcis``),
links them to what earlier imports wrote, and writes them in the caller's transaction, or raises
``EpcisImportFailed`` with every fault having written nothing. ``export_plant`` writes the plant (or a
trace's lots) as an EPCIS 2.0 document.
"""

from workbench.interchange.epcis.plan import EpcisImportFailed
from workbench.interchange.epcisload.importer import EpcisImportSummary, import_documents, is_epcis_file

__all__ = ["EpcisImportFailed", "EpcisImportSummary", "import_documents", "is_epcis_file"]
