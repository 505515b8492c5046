"""Import a CSV bundle into the plant, whole or not at all.

``import_bundle(session, directory)`` reads every file of the bundle, checks every
row against the bundle and the plant, and only when there is no fault writes the new
rows in bulk in the caller's transaction. The format is in ``docs/import-format.md``;
``workbench.interchange.bundle.export.export_bundle`` writes the same format.
"""

from workbench.interchange.bundle.faults import Fault, ImportFailed
from workbench.interchange.bundle.importer import FileCounts, ImportSummary, import_bundle

__all__ = ["Fault", "FileCounts", "ImportFailed", "ImportSummary", "import_bundle"]
