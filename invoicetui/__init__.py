"""invoicetui: cloud invoices from four billing APIs in one terminal app."""

__version__ = "0.1.0"
