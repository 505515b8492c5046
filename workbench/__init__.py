"""Lot-trace workbench: lot genealogy, recall and root cause for manufacturers.

The core (this package, ``models`` and ``reports``) never imports Qt; only
``workbench.ui`` does.
"""

__version__ = "0.1.0"
