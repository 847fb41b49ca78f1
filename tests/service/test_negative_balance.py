"""A negative DoiT balanceAmount (a credit on account) keeps its sign everywhere it is used."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

from invoicetui.core.model import Invoice, Status
from invoicetui.providers.doit import normalize as dm
from invoicetui.service import export
from invoicetui.service.summary import owed_by_currency


def doit_invoice(ident: str, balance: float, status: str = "OPEN") -> Invoice:
    record = {
        "id": ident,
        "status": status,
        "currency": "USD",
        "totalAmount": 100.0,
        "balanceAmount": balance,
        "invoiceDate": 1730332800000,  # 2024-10-31
        "dueDate": 1732924800000,
    }
    return dm.invoice(json.loads(json.dumps(record)), "doit")


def test_negative_balance_in_export_json_and_csv() -> None:
    inv = doit_invoice("A-1", -42.17)
    assert inv.amount_due == Decimal("-42.17")
    (exported,) = json.loads(export.render_json([inv]))
    assert exported["amount_due"] == "-42.17"
    (row,) = csv.DictReader(io.StringIO(export.render_csv([inv])))
    assert row["amount_due"] == "-42.17"  # a number, not neutralised as a formula


def test_negative_balance_sorts_below_zero_and_counts_in_the_summary() -> None:
    from invoicetui.tui.rows import invoice_columns

    invoices = [doit_invoice("A-1", 20.0), doit_invoice("A-2", -5.5), doit_invoice("A-3", 0.0)]
    (column,) = [c for c in invoice_columns() if c.key == "amount_due"]
    key = column.sort_key
    assert key is not None
    ordered = sorted(invoices, key=key)  # as the table sorts the Amount due column
    assert [i.id for i in ordered] == ["A-2", "A-3", "A-1"]
    (usd,) = owed_by_currency(invoices, date(2024, 11, 15))
    assert usd.outstanding == Decimal("14.50") and usd.count == 3
    assert invoices[1].status is Status.OPEN
