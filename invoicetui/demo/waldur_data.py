"""The Waldur fake's records, in the shapes the real serializers produce.

What the waldur-mastermind source shows (PROVIDERS.md, "Corrections"), and the fake serves:
invoice price/tax/total with 10 decimal places and an unrounded tax (price x VAT); item price
a JSON float rounded up to cents, item tax and total rounded, so the item taxes do not add up
to the invoice's; null invoice_date and due_date while pending; credit compensations
(`"credit": true`, no billing type) beside other negative items (downtime compensations);
deleted resources and projects (null resource_*, null project_uuid, project_name "N/A");
end times with microseconds; issuer_details as the deployment's settings dict; zero-total
items in the provider view.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_UP, Decimal
from typing import Any

from invoicetui.demo.data import months_back, rng

Record = dict[str, Any]
CENT = Decimal("0.01")
TEN_PLACES = Decimal("0.0000000001")


def uuid_hex(seed: str) -> str:
    return hashlib.md5(seed.encode()).hexdigest()


def _d7(value: Decimal) -> str:
    return f"{value:.7f}"


def _d10(value: Decimal) -> str:
    """Invoice money as the serializer writes it: PRICE_DECIMAL_PLACES = 10."""
    return f"{(value.quantize(TEN_PLACES) or Decimal(0)):.10f}"


def _d2(value: Decimal) -> str:
    return f"{(value.quantize(CENT) or Decimal(0)):.2f}"  # never "-0.00"


def _round_up(value: Decimal) -> Decimal:
    """common/utils.py quantize_price: ROUND_UP to cents (away from zero, negatives too)."""
    return value.quantize(CENT, rounding=ROUND_UP)


def _month_bounds(year: int, month: int) -> tuple[date, date]:
    start = date(year, month, 1)
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return start, nxt - timedelta(days=1)


# Offerings: (offering name, component, measured unit, billing type, unit, offering type)
Offering = tuple[str, str, str, str, str, str]
OFFERINGS: tuple[Offering, ...] = (
    ("Cloud VM cluster", "cpu-k-hours", "CPU kH", "usage", "quantity", "Marketplace.Slurm"),
    ("Object storage", "Storage (limit)", "TB", "limit", "month", "Marketplace.Basic"),
    ("Õpetajate HPC", "GPU hours", "GPU h", "usage", "hour", "Marketplace.Slurm"),
    ("Zürich archive", "Tape", "TB", "fixed", "month", "Marketplace.Basic"),
    ("Support Plan [Pro]", "Plan [Pro]", "month", "fixed", "month", "Marketplace.Basic"),
    ("[bold]x[/] lab", "Notebook hours [/", "h", "usage", "hour", "Marketplace.Basic"),
)


def item(
    seed: str,
    year: int,
    month: int,
    offering: Offering,
    project: str,
    quantity: Decimal,
    unit_price: Decimal,
    vat: Decimal,
) -> Record:
    """One InvoiceItem as the API serializes it (price a float, decimals as strings)."""
    name, component, measured, billing, unit, otype = offering
    ident = uuid_hex(seed)
    resource = uuid_hex(f"res-{project}-{name}")
    price = _round_up(quantity * unit_price)
    tax = (price * vat).quantize(CENT)
    start, end = _month_bounds(year, month)
    resource_name = f"{project[:12].lower().replace(' ', '-')}-{component[:3].lower()}"
    return {
        "uuid": ident,
        "url": f"/api/invoice-items/{ident}/",
        "name": f"{name} / {component}",
        "price": float(price),
        "tax": _d2(tax),
        "total": _d2(price + tax),
        "unit_price": _d7(unit_price),
        "unit": unit,
        "factor": 1,
        "measured_unit": measured,
        "start": f"{start.isoformat()}T00:00:00Z",
        "end": f"{end.isoformat()}T23:59:59.999999Z",  # microseconds, as DRF renders them
        "article_code": "",
        "project_name": project,
        "project_uuid": uuid_hex(f"project-{project}"),
        "quantity": _d7(quantity),
        "details": {
            "resource_name": resource_name,
            "resource_uuid": resource,
            "plan_name": "Default",
            "offering_type": otype,
            "offering_name": name,
            "offering_uuid": uuid_hex(f"offering-{name}"),
            "service_provider_name": "HPC Centre",
            "offering_component_type": component.lower().replace(" ", "_"),
            "offering_component_name": component,
        },
        "resource": f"/api/marketplace-resources/{resource}/",
        "resource_uuid": resource,
        "resource_name": resource_name,
        "billing_type": billing,
        "backend_uuid": None,
        "credit": False,
    }


def credit_compensation(seed: str, year: int, month: int, project: str, amount: Decimal) -> Record:
    """Made at finalization (`credit` FK set): quantity 1, negative unit price, no plan."""
    record = item(seed, year, month, OFFERINGS[0], project, Decimal(1), -amount, Decimal(0))
    record["name"] = f"Credit compensation. {record['name']}"
    record["unit"] = "quantity"
    record["measured_unit"] = ""
    record["billing_type"] = None  # no plan component (upstream: the spec says not nullable)
    record["credit"] = True
    return record


def downtime_compensation(
    seed: str, year: int, month: int, project: str, original: Record
) -> Record:
    """POST .../create_compensation/: the original item negated; an ordinary line item."""
    record = item(seed, year, month, OFFERINGS[3], project, Decimal(1), Decimal(0), Decimal(0))
    price = (-Decimal(repr(original["price"])) / 10).quantize(CENT)
    record.update(
        name="Compensation for downtime of [bold]x[/] (Zürich)",
        price=float(_round_up(price)),
        tax="0.00",
        total=_d2(_round_up(price)),
        unit_price=_d7(price),
    )
    record["details"] = {**record["details"], "original_invoice_item_uuid": original["uuid"]}
    return record


def deleted(record: Record) -> Record:
    """The resource and project are gone: SET_NULL, and get_project_name() says "N/A"."""
    record.update(
        resource=None, resource_uuid=None, resource_name=None, project_uuid=None, project_name="N/A"
    )
    return record


def customer_details(name: str, country: str, vat: str) -> Record:
    return {
        "name": name,
        "address": "Ringstrasse 5",
        "country": country,
        "country_name": {"EE": "Estonia", "CH": "Switzerland", "NO": "Norway"}.get(country),
        "email": "billing@example.org",
        "postal": "50090",
        "phone_number": "",
        "bank_name": "Example Bank",
        "bank_account": "EE001234567890123456",
        "vat_code": vat,
    }


# WALDUR_INVOICES["ISSUER_DETAILS"] as a deployment sets it, returned as-is by the serializer.
# Upstream defect: the schema types it as CustomerDetails (country maxLength 2, no `company`).
ISSUER = {
    "company": "HPC Centre",
    "address": "Lille 4-205",
    "country": "Estonia",
    "country_code": "EE",
    "email": "billing@hpc.example.org",
    "postal": "80041",
    "phone": {"country_code": "372", "national_number": "5555555"},
    "bank": "Example Bank",
    "account": "EE001234567890123456",
    "vat_code": "EE999888777",
}


def _state(age: int) -> str:
    """Invoice state by age in months (0 = the current month)."""
    if age == 0:
        return "pending"
    if age == 1:
        return "pending_finalization"
    if age in (2, 3):
        return "created"
    if age == 7:
        return "canceled"
    return "paid"


PROJECTS = ("Plasma simulations", "Klimamodell Zürich", "Õpetajate andmed [/")


def _invoice_items(slug: str, year: int, month: int, number: int, vat: Decimal) -> list[Record]:
    r = rng(f"waldur-{slug}-{year}-{month}")
    items: list[Record] = []
    for k in range(r.randint(2, 4)):
        offering = OFFERINGS[r.randrange(len(OFFERINGS))]
        quantity = Decimal(r.randint(1, 4000)) / (10 if k % 2 else 1)
        unit_price = Decimal(r.randint(5, 2500)) / 100
        project = PROJECTS[r.randrange(len(PROJECTS))]
        record = item(f"{slug}-{year}-{month}-{k}", year, month, offering, project, quantity,
                      unit_price, vat)  # fmt: skip
        if number % 5 == 2 and k == 0:
            deleted(record)
        items.append(record)
    if number % 4 == 1:
        amount = Decimal(r.randint(500, 9000)) / 100
        items.append(credit_compensation(f"{slug}-{year}-{month}-comp", year, month,
                                         PROJECTS[0], amount))  # fmt: skip
    if number % 6 == 3:
        items.append(downtime_compensation(f"{slug}-{year}-{month}-down", year, month,
                                           PROJECTS[1], items[0]))  # fmt: skip
    return items


# Provider text that tries to reach the terminal (escape sequences, an OSC 8 hyperlink, a
# title change), to reorder what a bill payer reads (bidi controls), or to break encoders (a
# lone surrogate, sent as a JSON escape). Only on nordic-hpc's oldest invoice, low in the
# sidebar and far down the table: the screenshot scenes never show it.
HOSTILE_ITEM_NAME = (
    "Invoice \x1b]8;;https://evil.example/pay\x07click here\x1b]8;;\x07"
    " \x1b[2J\x1b]0;PWNED\x07\x1b[31mred\x1b[0m \x9b1;31m"
)
HOSTILE_PROJECT = "\u202eredro\u202c \u2066pay\u2069 \u200fnow\u061c"
HOSTILE_CUSTOMER = "Nordic \x1b[5mHPC\x1b[0m AS\u202e \ud800"


def hostile(invoice: Record) -> Record:
    """The same invoice with hostile text in an item, a project and the customer's name."""
    items = [dict(i) for i in invoice["items"]]
    items[0]["name"] = HOSTILE_ITEM_NAME
    items[0]["project_name"] = HOSTILE_PROJECT
    items[-1]["name"] = "Tape\u200b backup\udfff \u2028second line"
    details = {**invoice["customer_details"], "name": HOSTILE_CUSTOMER}
    return {**invoice, "items": items, "customer_details": details}


def customer_invoices(
    slug: str, customer: str, country: str, months: int, vat: Decimal
) -> list[Record]:
    customer_uuid = uuid_hex(f"customer-{slug}")
    out: list[Record] = []
    pairs = months_back(months)
    for number, (year, month) in enumerate(pairs):
        age = len(pairs) - 1 - number
        items = _invoice_items(slug, year, month, number, vat)
        price = sum((Decimal(repr(i["price"])) for i in items), Decimal(0))
        tax = price * vat  # Invoice.tax: price x tax_percent / 100, never rounded
        state = _state(age)
        first_next = _month_bounds(year, month)[1] + timedelta(days=1)
        invoice_date = None if age < 2 else first_next
        ident = uuid_hex(f"invoice-{slug}-{year}-{month}")

        def gross(credit: bool, items: list[Record] = items) -> float:
            return float(
                sum(
                    (Decimal(i["quantity"]) * Decimal(i["unit_price"]) for i in items
                     if i["credit"] is credit),
                    Decimal(0),
                )
            )  # fmt: skip

        out.append(
            {
                "url": f"/api/invoices/{ident}/",
                "uuid": ident,
                "number": {"hpc-centre": 100400}.get(slug, 200100) + number,
                "customer": f"/api/customers/{customer_uuid}/",
                "price": _d10(price),
                "tax": _d10(tax),
                "total": _d10(price + tax),
                "state": state,
                "year": year,
                "month": month,
                "issuer_details": ISSUER,
                "invoice_date": invoice_date.isoformat() if invoice_date else None,
                # A model property: None while invoice_date is (upstream: the spec says it
                # is not nullable).
                "due_date": (invoice_date + timedelta(days=30)).isoformat()
                if invoice_date
                else None,
                "customer_details": customer_details(customer, country, f"{country}100200300"),
                "items": items,
                "backend_id": "",
                "payment_url": f"https://pay.example.org/{ident}" if state == "created" else "",
                "reference_number": f"RF{number:04d}" if state != "pending" else "",
                "compensations": gross(True),
                "incurred_costs": gross(False),
            }
        )
    if slug == "nordic-hpc":
        out[0] = hostile(out[0])
    return out[::-1]  # newest first, like the real default ordering


CONSUMERS = (
    ("Institute of Applied Physics", ("Plasma simulations", "Genomics pipeline")),
    ("Universität Zürich", ("Klimamodell Zürich",)),
    ("Õpetajate Seminar", ("Õppetöö [bold]x[/]", "Plan [Pro] pilots")),
    ("Nordic Genomics", ("Sequencing [/",)),
)


def provider_items() -> list[tuple[Record, str]]:
    """14 months of items for several consumer customers, newest month first.

    The provider view keeps zero-total items (the invoice detail drops them) and lists the
    consumers' credit compensations, which carry the resource.
    """
    r = rng("waldur-provider")
    out: list[tuple[Record, str]] = []
    for year, month in reversed(months_back(14)):
        for c, (customer, projects) in enumerate(CONSUMERS):
            consumer = uuid_hex(f"consumer-{customer}")
            for project in projects:
                for k in range(2):
                    offering = OFFERINGS[(c + k + month) % len(OFFERINGS)]
                    quantity = Decimal(r.randint(1, 500))
                    unit_price = Decimal(r.randint(10, 3000)) / 100
                    if (month + c + k) % 7 == 0:
                        unit_price = Decimal(0)  # a free plan component: a zero-total item
                    record = item(f"prov-{year}-{month}-{project}-{k}", year, month, offering,
                                  project, quantity, unit_price, Decimal("0.22"))  # fmt: skip
                    out.append((record, consumer))
            if (month + c) % 5 == 0:
                amount = Decimal(r.randint(100, 5000)) / 100
                record = credit_compensation(f"prov-{year}-{month}-{c}-comp", year, month,
                                             projects[0], amount)  # fmt: skip
                out.append((record, consumer))
    return out


@dataclass
class ScaleItems:
    """N provider items over the last 3 months, made on demand from their index."""

    count: int
    months: tuple[tuple[int, int], ...] = field(default_factory=lambda: tuple(months_back(3)))

    def month_of(self, index: int) -> tuple[int, int]:
        return self.months[2 - index * 3 // self.count]  # newest month first

    def entry(self, index: int) -> tuple[Record, str]:
        """Item `index` and its consumer customer's uuid."""
        year, month = self.month_of(index)
        offering = OFFERINGS[index % len(OFFERINGS)]
        customer, projects = CONSUMERS[index % len(CONSUMERS)]
        project = projects[index % len(projects)]
        quantity = Decimal(1 + (index * 37) % 400)
        unit_price = Decimal(5 + (index * 7919) % 2000) / 100
        record = item(
            f"scale-{index}", year, month, offering, project, quantity, unit_price, Decimal("0.2")
        )
        if index % 97 == 0:
            record = credit_compensation(
                f"scale-{index}", year, month, project, Decimal(1 + index % 50)
            )
        return record, uuid_hex(f"consumer-{customer}")

    def month_range(self, year: int, month: int) -> range:
        """The indexes of one month's items (they are contiguous: i * 3 // N is the block)."""
        if (year, month) not in self.months:
            return range(0)
        block = 2 - self.months.index((year, month))  # 0 = newest
        start = -(-block * self.count // 3)
        stop = min(self.count, -(-(block + 1) * self.count // 3))
        return range(start, stop)
