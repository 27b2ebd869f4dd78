"""Importing an existing ledger (台账) kept in Excel/WPS (.xlsx) or CSV.

reader    the cells of one sheet (xlsx via openpyxl read-only, CSV in UTF-8/BOM/GBK/GB18030)
headers   which column is which: header row below title rows, two-row and merged headers
values    dates, types, amounts, names, results... as a clerk writes them
mapping   a small TOML file for columns the recogniser does not know
importer  the use case: plan (read + understand, for the preview and --dry-run), run (insert
          through the services), and the companion ``…_未导入.xlsx`` of rows left out

Nothing here imports textual; the terminal dialog lives in mediator.tui.screens.ledger_import.
"""
