"""Publishing: executed notebooks to pages, tables, spreadsheets, manifest and the year's index."""
