"""The DoiT fake's invoices, in the shapes DoiT's help describes (PROVIDERS.md, "Corrections").

The invoice date is the last day of the billed month and the running month has no invoice
yet; bucketing can give one platform two invoices in a month; a paid invoice can leave a
credit on account, a negative balanceAmount.
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from invoicetui.demo.data import months_back, rng

Record = dict[str, Any]
PREFIX = {"google-cloud": "GB", "amazon-web-services": "AW", "microsoft-azure": "MS"}
LABEL = {
    "google-cloud": "Google Cloud usage",
    "amazon-web-services": "AWS usage",
    "microsoft-azure": "Microsoft Azure usage",
}
UNKNOWN_STATUS = "VOIDED"  # not in the spec's enum: clients must keep it as unknown


def _ms(day: datetime) -> int:
    return int(day.timestamp() * 1000)


def invoice(
    ident: str,
    platform: str,
    currency: str,
    issued: datetime,
    status: str,
    items: list[Record],
    credit: Decimal | None = None,
) -> Record:
    total = sum((Decimal(repr(i["price"])) * Decimal(repr(i["qty"])) for i in items), Decimal(0))
    if credit is not None:
        balance = -credit  # paid, and more: a credit on account, reported as a negative balance
    elif status == "PAID" or status == UNKNOWN_STATUS:
        balance = Decimal(0)
    elif status == "PAST DUE":
        balance = (total * Decimal("0.4")).quantize(Decimal("0.01"))
    else:
        balance = total
    return {
        "id": ident,
        "invoiceDate": _ms(issued),
        "platform": platform,
        "dueDate": _ms(issued + timedelta(days=30)),
        "status": status,
        "totalAmount": float(total),
        "balanceAmount": float(balance),
        "currency": currency,
        "url": f"https://console.doit.com/customers/DemoCust0001/invoices/{platform}/{ident}",
        "lineItems": items,
    }


def _items(r: Any, platform: str, currency: str, year: int, month: int) -> list[Record]:
    label = f"{LABEL[platform]}"
    month_name = datetime(year, month, 1).strftime("%B %Y")
    items = [
        {
            "currency": currency,
            "description": label,
            "details": f"Billing account 01AB23-CD45EF-{r.randint(1000, 9999)}, {month_name}",
            "price": float(Decimal(r.randint(10_000, 2_500_000)) / 100),
            "qty": 1,
            "type": "usage",
        },
        {
            "currency": currency,
            "description": "DoiT support",
            "details": "Enhanced support plan [bold]x[/]",
            "price": float(Decimal(r.randint(5_000, 90_000)) / 100),
            "qty": 1,
            "type": "service",
        },
    ]
    if (month + len(platform)) % 3 == 0:
        items.append(
            {
                "currency": currency,
                "description": "Zürich region egress",
                "details": "Netzwerk-Übertragung [/",
                "price": float(Decimal(r.randint(1, 500)) * 2 / 100),
                "qty": 1.5,
                "type": "usage",
            }
        )
    if month % 4 == 0:
        items.append(
            {
                "currency": currency,
                "description": "Committed-use discount",
                "details": "Flexsave savings",
                "price": -float(Decimal(r.randint(100, 20_000)) / 100),
                "qty": 1,
                "type": "discount",
            }
        )
    return items


def _status(age: int, index: int) -> str:
    if age == 0:
        return "OPEN"
    if age == 1:
        return "PAST DUE" if index % 2 == 0 else "PAID"
    if age == 3 and index == 0:
        return "PAST DUE"  # over 60 days late on DEMO_TODAY: the oldest overdue age
    if age in (5, 6) and index == 2:  # Azure bills every other month: one of these exists
        return UNKNOWN_STATUS
    return "PAID"


def _last_day(year: int, month: int) -> datetime:
    return datetime(year, month, calendar.monthrange(year, month)[1], tzinfo=UTC)


def dataset(slug: str, months: int, platforms: list[tuple[str, str]]) -> list[Record]:
    """Newest first; invoices per platform per billed month, as DoiT's help describes them.

    The invoice date is the last day of the billed month, so the still-running month has no
    invoice yet; bucketing can split a month into two invoices of one platform; a paid
    invoice can leave a credit on account (a negative balanceAmount).
    """
    r = rng(f"doit-{slug}")
    pairs = months_back(months + 1)[:-1]  # the months that have ended
    out: list[Record] = []
    for n, (year, month) in enumerate(pairs):
        age = len(pairs) - n  # 1 = last month
        for index, (platform, currency) in enumerate(platforms):
            if platform == "microsoft-azure" and month % 2:
                continue
            status = _status(age - 1, index)
            issued = _last_day(year, month)
            ident = f"{PREFIX[platform]}-{year}-{month:02d}{r.randint(10000, 99999)}"
            items = _items(r, platform, currency, year, month)
            credit = Decimal("42.17") if (age, index) == (4, 1) else None
            out.append(invoice(ident, platform, currency, issued, status, items, credit))
            if index == 0 and age in (3, 9):  # a second invoice of the same month and platform
                second = f"{PREFIX[platform]}-{year}-{month:02d}{r.randint(10000, 99999)}"
                extra = _items(r, platform, currency, year, month)[:1]
                out.append(invoice(second, platform, currency, issued, status, extra))
    out.sort(key=lambda rec: (rec["invoiceDate"], rec["id"]), reverse=True)
    return out


def scale_invoice(index: int, count: int) -> Record:
    """Scale account invoice `index`, made from the index alone."""
    months = months_back(18)
    year, month = months[len(months) - 1 - index * 18 // count]
    platform, currency = [("google-cloud", "USD"), ("amazon-web-services", "EUR")][index % 2]
    price = float(Decimal(100 + (index * 7919) % 900_000) / 100)
    items = [
        {
            "currency": currency,
            "description": LABEL[platform],
            "details": f"Scale line {index}",
            "price": price,
            "qty": 1 + index % 3,
            "type": "usage",
        }
    ]
    status = "OPEN" if index * 18 // count == 0 else "PAID"
    issued = _last_day(year, month)
    return invoice(f"SC-{index:07d}", platform, currency, issued, status, items)
