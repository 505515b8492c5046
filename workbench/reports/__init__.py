"""Reports: PDFs (reportlab), spreadsheets (xlsxwriter) and figures (Graphviz). No Qt."""
