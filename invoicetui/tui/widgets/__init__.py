"""Reusable widgets of the invoicetui UI."""
