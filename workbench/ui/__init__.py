"""The desktop workbench (PySide6). The only package that imports Qt."""
