"""Answers over invoices: what is owed, trends, where money goes, changes, flags, budgets.

Pure functions over `Sequence[Invoice]` (and `today`), no I/O, no Textual; every money figure
is per currency. Shared by the TUI's insight views and `invoicetui summary` (see API.md).
"""
