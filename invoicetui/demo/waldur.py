"""Fake Waldur API: customer invoices, provider invoice items, DRF paging and errors.

Deterministic (seeded from demo/data.py, anchored on DEMO_NOW) and stateless per request.
URLs inside records are stored relative ("/api/...") and made absolute per request, so the
same data serves any host and port. The scale account's items are generated from their index.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from invoicetui.config.accounts import AccountConfig
from invoicetui.demo.data import months_back, rng
from invoicetui.demo.server import DemoRequest, DemoResponse

Record = dict[str, Any]
CENT = Decimal("0.01")
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 300


def token_for(name: str) -> str:
    """A stable 40-hex token per demo account, shaped like real Waldur tokens."""
    return hashlib.sha1(f"waldur-demo-{name}".encode()).hexdigest()


def uuid_hex(seed: str) -> str:
    return hashlib.md5(seed.encode()).hexdigest()


EXPIRED_TOKEN = token_for("expired")  # answers 401 "Token has expired."


def _d7(value: Decimal) -> str:
    return f"{value:.7f}"


def _d2(value: Decimal) -> str:
    return f"{(value.quantize(CENT) or Decimal(0)):.2f}"  # never "-0.00"


def _month_bounds(year: int, month: int) -> tuple[date, date]:
    start = date(year, month, 1)
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return start, nxt - timedelta(days=1)


# Offerings: (offering name, component, measured unit, billing type, unit, offering type)
OFFERINGS = (
    ("Cloud VM cluster", "cpu-k-hours", "CPU kH", "usage", "quantity", "Marketplace.Slurm"),
    ("Object storage", "Storage (limit)", "TB", "limit", "month", "Marketplace.Basic"),
    ("Õpetajate HPC", "GPU hours", "GPU h", "usage", "hour", "Marketplace.Slurm"),
    ("Zürich archive", "Tape", "TB", "fixed", "month", "Marketplace.Basic"),
    ("Support Plan [Pro]", "Plan [Pro]", "month", "fixed", "month", "Marketplace.Basic"),
    ("[bold]x[/] lab", "Notebook hours [/", "h", "usage", "hour", "Marketplace.Basic"),
)


def _item(
    seed: str,
    year: int,
    month: int,
    offering: tuple[str, str, str, str, str, str],
    project: str,
    quantity: Decimal,
    unit_price: Decimal,
    vat: Decimal,
) -> Record:
    """One InvoiceItem as the API serializes it (price a float, decimals as strings)."""
    name, component, measured, billing, unit, otype = offering
    ident = uuid_hex(seed)
    resource = uuid_hex(f"res-{project}-{name}")
    price = (quantity * unit_price).quantize(CENT)
    tax = (price * vat).quantize(CENT)
    start, end = _month_bounds(year, month)
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
        "end": f"{end.isoformat()}T23:59:59Z",
        "article_code": "",
        "project_name": project,
        "project_uuid": uuid_hex(f"project-{project}"),
        "quantity": _d7(quantity),
        "details": {
            "resource_name": f"{project[:12].lower().replace(' ', '-')}-{component[:3].lower()}",
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
        "resource_name": f"{project[:12].lower().replace(' ', '-')}-{component[:3].lower()}",
        "billing_type": billing,
        "backend_uuid": None,
        "credit": False,
    }


def _compensation(seed: str, year: int, month: int, project: str, amount: Decimal) -> Record:
    record = _item(seed, year, month, OFFERINGS[0], project, Decimal(1), -amount, Decimal(0))
    record["name"] = "Compensation for downtime of [bold]x[/] (Zürich)"
    record["measured_unit"] = ""
    record["billing_type"] = "fixed"
    record["credit"] = True
    return record


def _details(name: str, country: str, vat: str) -> Record:
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


ISSUER = _details("HPC Centre", "EE", "EE999888777")


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


def _customer_invoices(
    slug: str, customer: str, country: str, months: int, vat: Decimal
) -> list[Record]:
    r = rng(f"waldur-{slug}")
    customer_uuid = uuid_hex(f"customer-{slug}")
    projects = ("Plasma simulations", "Klimamodell Zürich", "Õpetajate andmed [/")
    out: list[Record] = []
    pairs = months_back(months)
    for number, (year, month) in enumerate(pairs):
        age = len(pairs) - 1 - number
        items: list[Record] = []
        for k in range(r.randint(2, 4)):
            offering = OFFERINGS[r.randrange(len(OFFERINGS))]
            quantity = Decimal(r.randint(1, 4000)) / (10 if k % 2 else 1)
            unit_price = Decimal(r.randint(5, 2500)) / 100
            project = projects[r.randrange(len(projects))]
            items.append(
                _item(
                    f"{slug}-{year}-{month}-{k}",
                    year,
                    month,
                    offering,
                    project,
                    quantity,
                    unit_price,
                    vat,
                )
            )
        if number % 4 == 1:
            items.append(
                _compensation(
                    f"{slug}-{year}-{month}-comp",
                    year,
                    month,
                    projects[0],
                    Decimal(r.randint(500, 9000)) / 100,
                )
            )
        price = sum((Decimal(repr(i["price"])) for i in items), Decimal(0))
        tax = sum((Decimal(i["tax"]) for i in items), Decimal(0))
        state = _state(age)
        first_next = _month_bounds(year, month)[1] + timedelta(days=1)
        ident = uuid_hex(f"invoice-{slug}-{year}-{month}")
        out.append(
            {
                "url": f"/api/invoices/{ident}/",
                "uuid": ident,
                "number": {"hpc-centre": 100400}.get(slug, 200100) + number,
                "customer": f"/api/customers/{customer_uuid}/",
                "price": _d2(price),
                "tax": _d2(tax),
                "total": _d2(price + tax),
                "state": state,
                "year": year,
                "month": month,
                "issuer_details": ISSUER,
                "invoice_date": None if age < 2 else first_next.isoformat(),
                "due_date": (first_next + timedelta(days=30)).isoformat(),
                "customer_details": _details(customer, country, f"{country}100200300"),
                "items": items,
                "backend_id": "",
                "payment_url": f"https://pay.example.org/{ident}" if state == "created" else "",
                "reference_number": f"RF{number:04d}" if state != "pending" else "",
                "compensations": float(
                    sum((Decimal(repr(i["price"])) for i in items if i["price"] < 0), Decimal(0))
                ),
                "incurred_costs": float(price),
            }
        )
    return out[::-1]  # newest first, like the real default ordering


CONSUMERS = (
    ("Institute of Applied Physics", ("Plasma simulations", "Genomics pipeline")),
    ("Universität Zürich", ("Klimamodell Zürich",)),
    ("Õpetajate Seminar", ("Õppetöö [bold]x[/]", "Plan [Pro] pilots")),
    ("Nordic Genomics", ("Sequencing [/",)),
)


def _provider_items() -> list[tuple[Record, str]]:
    """14 months of items for several consumer customers, newest month first."""
    r = rng("waldur-provider")
    out: list[tuple[Record, str]] = []
    for year, month in reversed(months_back(14)):
        for c, (customer, projects) in enumerate(CONSUMERS):
            for project in projects:
                for k in range(2):
                    offering = OFFERINGS[(c + k + month) % len(OFFERINGS)]
                    quantity = Decimal(r.randint(1, 500))
                    unit_price = Decimal(r.randint(10, 3000)) / 100
                    record = _item(
                        f"prov-{year}-{month}-{project}-{k}",
                        year,
                        month,
                        offering,
                        project,
                        quantity,
                        unit_price,
                        Decimal("0.22"),
                    )
                    out.append((record, uuid_hex(f"consumer-{customer}")))
            if (month + c) % 5 == 0:
                record = _compensation(
                    f"prov-{year}-{month}-{c}-comp",
                    year,
                    month,
                    projects[0],
                    Decimal(r.randint(100, 5000)) / 100,
                )
                out.append((record, uuid_hex(f"consumer-{customer}")))
    return out


@dataclass
class _ScaleItems:
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
        record = _item(
            f"scale-{index}", year, month, offering, project, quantity, unit_price, Decimal("0.2")
        )
        if index % 97 == 0:
            record = _compensation(f"scale-{index}", year, month, project, Decimal(1 + index % 50))
        return record, uuid_hex(f"consumer-{customer}")

    def month_range(self, year: int, month: int) -> range:
        """The indexes of one month's items (they are contiguous: i * 3 // N is the block)."""
        if (year, month) not in self.months:
            return range(0)
        block = 2 - self.months.index((year, month))  # 0 = newest
        start = -(-block * self.count // 3)
        stop = min(self.count, -(-(block + 1) * self.count // 3))
        return range(start, stop)


@dataclass
class _Tenant:
    """What one token sees."""

    invoices: list[Record] = field(default_factory=list)
    customer_uuid: str | None = None
    items: list[tuple[Record, str]] = field(default_factory=list)
    scale: _ScaleItems | None = None


UUID_RE = re.compile(r"^[0-9a-fA-F]{32}$|^[0-9a-fA-F-]{36}$")
STATES = ("pending", "pending_finalization", "created", "paid", "canceled")
URL_KEYS = ("url", "customer", "resource")
Rows = tuple[int, Callable[[int, int], list[Record]]]


def _absolute(record: Record, base: str) -> Record:
    """A copy of record with its relative /api/ URLs made absolute for this request."""
    out: Record = {}
    for key, value in record.items():
        if key in URL_KEYS and isinstance(value, str) and value.startswith("/api/"):
            out[key] = base + value
        elif key == "items" and isinstance(value, list):
            out[key] = [_absolute(item, base) for item in value]
        else:
            out[key] = value
    return out


def _error(status: int, body: Any, headers: dict[str, str] | None = None) -> DemoResponse:
    return DemoResponse(status, body, headers or {})


NOT_FOUND = {"detail": "Not found."}


def _link(req: DemoRequest, page: int | None) -> str:
    """The request's own URL with page replaced (None: removed), query sorted like Django."""
    query = {k: v for k, v in req.query.items() if k != "page"}
    if page is not None:
        query["page"] = [str(page)]
    encoded = urlencode(sorted(query.items()), doseq=True)
    return f"{req.base_url}{req.path}" + (f"?{encoded}" if encoded else "")


def _page_size(req: DemoRequest) -> int:
    """DRF: a positive int, capped at max_page_size; anything else means the default."""
    try:
        size = int(req.arg("page_size") or "")
    except ValueError:
        return DEFAULT_PAGE_SIZE
    return min(size, MAX_PAGE_SIZE) if size > 0 else DEFAULT_PAGE_SIZE


def paginate(req: DemoRequest, rows: Rows) -> DemoResponse:
    """DRF PageNumberPagination + Waldur's LinkHeaderPagination headers."""
    count, fetch = rows
    if req.method == "HEAD":
        return DemoResponse(200, None, {"X-Result-Count": str(count)})
    size = _page_size(req)
    pages = max(1, math.ceil(count / size))
    raw = req.arg("page", "1") or "1"
    try:
        page = pages if raw == "last" else int(raw)
    except ValueError:
        page = 0
    if not 1 <= page <= pages:
        return _error(404, {"detail": "Invalid page."})
    links = [f'<{_link(req, None)}>; rel="first"']
    if page > 1:
        links.append(f'<{_link(req, page - 1 if page > 2 else None)}>; rel="prev"')
    if page < pages:
        links.append(f'<{_link(req, page + 1)}>; rel="next"')
    links.append(f'<{_link(req, pages if pages > 1 else None)}>; rel="last"')
    start = (page - 1) * size
    body = [_absolute(r, req.base_url) for r in fetch(start, min(count, start + size))]
    return DemoResponse(200, body, {"X-Result-Count": str(count), "Link": ", ".join(links)})


def _validate(req: DemoRequest, ints: Sequence[str]) -> DemoResponse | None:
    """django-filter answers 400 with a field map for values it cannot read."""
    errors: dict[str, list[str]] = {}
    for name in ints:
        value = req.arg(name)
        if value not in (None, "") and not re.fullmatch(r"-?\d+", value):
            errors[name] = ["Enter a number."]
    for name in ("customer_uuid", "project_uuid", "offering_uuid"):
        value = req.arg(name)
        if value not in (None, "") and not UUID_RE.match(value):
            errors[name] = [f"“{value}” is not a valid UUID."]
    for value in req.query.get("state", []):
        if value not in STATES:
            errors["state"] = [
                f"Select a valid choice. {value} is not one of the available choices."
            ]
    return _error(400, errors) if errors else None


def _same_uuid(a: str | None, b: str) -> bool:
    return a in (None, "") or str(a).replace("-", "").lower() == b


class WaldurDemo:
    """The fake; one instance serves every thread (read-only after construction)."""

    name = "waldur"

    def __init__(self, scale: int = 0) -> None:
        self.scale = scale
        centre = _customer_invoices(
            "hpc-centre", "Institute of Applied Physics", "EE", 18, Decimal("0.22")
        )
        nordic = _customer_invoices("nordic-hpc", "Nordic HPC AS", "NO", 8, Decimal("0.25"))
        self.tenants: dict[str, _Tenant] = {
            token_for("hpc-centre"): _Tenant(invoices=centre),
            token_for("hpc-provider"): _Tenant(items=_provider_items()),
            token_for("nordic-hpc"): _Tenant(invoices=nordic),
        }
        if scale > 0:
            self.tenants[token_for("waldur-scale")] = _Tenant(scale=_ScaleItems(scale))

    def accounts(self, base_url: str) -> list[AccountConfig]:
        specs = [
            ("hpc-centre", "customer", "EUR"),
            ("hpc-provider", "provider", "EUR"),
            ("nordic-hpc", "customer", "NOK"),
        ]
        if self.scale > 0:
            specs.append(("waldur-scale", "provider", "EUR"))
        return [
            AccountConfig(
                name=name,
                provider="waldur",
                base_url=base_url,
                token=token_for(name),
                role=role,
                currency=currency,
            )
            for name, role, currency in specs
        ]

    # ------------------------------------------------------------------ dispatch

    def _tenant(self, req: DemoRequest) -> _Tenant | DemoResponse:
        header = req.header("authorization") or ""
        keyword, _, token = header.strip().partition(" ")
        if keyword.lower() != "token":
            token = req.arg("x-auth-token") or ""
        challenge = {"WWW-Authenticate": "Token"}
        if not token.strip():
            body = {"detail": "Authentication credentials were not provided."}
            return _error(401, body, challenge)
        if token.strip() == EXPIRED_TOKEN:
            return _error(401, {"detail": "Token has expired."}, challenge)
        tenant = self.tenants.get(token.strip())
        if tenant is None:
            return _error(401, {"detail": "Invalid token."}, challenge)
        return tenant

    def handle(self, request: DemoRequest) -> DemoResponse:
        tenant = self._tenant(request)
        if isinstance(tenant, DemoResponse):
            return tenant
        path = request.path
        if path == "/api/invoices/":
            return self._invoices(request, tenant)
        if path == "/api/provider-invoice-items/":
            return self._provider_items(request, tenant)
        match = re.fullmatch(r"/api/invoices/([0-9a-fA-F-]+)/(items/)?", path)
        if match:
            wanted = match.group(1).replace("-", "").lower()
            found = next((i for i in tenant.invoices if i["uuid"] == wanted), None)
            if found is None:
                return _error(404, NOT_FOUND)
            record = _absolute(found, request.base_url)
            if match.group(2):
                items = record["items"]
                if (request.arg("conceal_compensation_items") or "").lower() == "true":
                    items = [i for i in items if i["price"] >= 0]
                return DemoResponse(200, items)
            return DemoResponse(200, _fields(request, record))
        match = re.fullmatch(r"/api/provider-invoice-items/(\d+)/", path)
        if match:
            index = int(match.group(1)) - 1
            count = tenant.scale.count if tenant.scale else len(tenant.items)
            if not 0 <= index < count:
                return _error(404, NOT_FOUND)
            record = tenant.scale.entry(index)[0] if tenant.scale else tenant.items[index][0]
            return DemoResponse(200, _absolute(record, request.base_url))
        return _error(404, NOT_FOUND)

    def _invoices(self, req: DemoRequest, tenant: _Tenant) -> DemoResponse:
        invalid = _validate(req, ("year", "month"))
        if invalid:
            return invalid
        states = req.query.get("state") or STATES
        rows = [
            _fields(req, r)
            for r in tenant.invoices
            if _same_uuid(req.arg("customer_uuid"), r["customer"].rstrip("/").rsplit("/", 1)[1])
            and r["state"] in states
            and req.arg("year") in (None, "", str(r["year"]))
            and req.arg("month") in (None, "", str(r["month"]))
        ]
        return paginate(req, (len(rows), lambda a, b: rows[a:b]))

    def _provider_items(self, req: DemoRequest, tenant: _Tenant) -> DemoResponse:
        invalid = _validate(req, ("invoice_year", "invoice_month"))
        if invalid:
            return invalid
        year, month = req.arg("invoice_year") or "", req.arg("invoice_month") or ""
        others = any(req.arg(k) for k in ("customer_uuid", "project_uuid", "offering_uuid"))
        scale = tenant.scale
        if scale is not None and not others and not (bool(year) ^ bool(month)):
            span = scale.month_range(int(year), int(month)) if year else range(scale.count)
            return paginate(req, (len(span), lambda a, b: [scale.entry(i)[0] for i in span[a:b]]))
        entries = [scale.entry(i) for i in range(scale.count)] if scale else tenant.items
        rows = [record for record, consumer in entries if _item_matches(req, record, consumer)]
        return paginate(req, (len(rows), lambda a, b: rows[a:b]))


def _item_matches(req: DemoRequest, record: Record, consumer: str) -> bool:
    start = str(record["start"])
    return (
        _same_uuid(req.arg("customer_uuid"), consumer)
        and _same_uuid(req.arg("project_uuid"), str(record["project_uuid"]))
        and _same_uuid(req.arg("offering_uuid"), str(record["details"]["offering_uuid"]))
        and (req.arg("invoice_year") or "") in ("", str(int(start[:4])))
        and (req.arg("invoice_month") or "") in ("", str(int(start[5:7])))
    )


def _fields(req: DemoRequest, record: Record) -> Record:
    """The `field=` sparse fieldset (every field when none is asked for)."""
    wanted = req.query.get("field")
    return {k: v for k, v in record.items() if k in wanted} if wanted else record
