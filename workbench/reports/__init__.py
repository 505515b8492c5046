"""Reports: PDFs (reportlab), spreadsheets (openpyxl) and figures (Graphviz). No Qt."""
