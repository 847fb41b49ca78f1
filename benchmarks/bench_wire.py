"""Wire formats: pydantic models (wire_models.py) against today's normalizers, at 100k records.

Both read the same JSON text the way the clients do, `json.loads(parse_float=Decimal)` (never
`validate_json`: it reads JSON numbers as binary floats and loses exact money), page by page,
and both produce the same Invoice objects (checked on every page before timing). "pydantic"
is `TypeAdapter.validate_python` on the loaded page plus the step from models to Invoice;
"validate only" is the TypeAdapter call alone, the floor of any pydantic design that must still
build Invoices. Pages are the demo fakes' real shapes: DoiT invoices with their lineItems
(demo/doit_data.scale_invoice), Zilliz v2 invoices in cents.

    python benchmarks/bench_wire.py [--quick] [--records N] [--runs N]

Result (2026-12-03, 100k records, 3 runs, load average 13 on 2 cores): pydantic 1.27x the
normalizer for DoiT (22.1 s against 17.5 s), 1.21x for Zilliz (33.0 s against 27.2 s); the
TypeAdapter call alone 0.57x and 0.58x. Above the 1.2x bar, so the normalizers stay.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import wire_models
from common import Measure, emit, log, median, quick_mode

from invoicetui.demo.doit_data import scale_invoice
from invoicetui.providers.doit import normalize as doit
from invoicetui.providers.zilliz import normalize as zilliz

PAGE = 500


def _default(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(type(value).__name__)


def doit_pages(count: int) -> list[bytes]:
    pages = []
    for start in range(0, count, PAGE):
        records = [scale_invoice(i, count) for i in range(start, min(count, start + PAGE))]
        pages.append(json.dumps({"invoices": records, "pageToken": "t"}, default=_default).encode())
    return pages


def zilliz_record(i: int) -> dict[str, Any]:
    start = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(days=31 * (i % 70))
    end = start + timedelta(days=30)
    usage = 20_000 + (i * 7919) % 380_000
    credits = 5_000 if i % 3 == 0 else 0
    tax = (Decimal(usage - credits) * Decimal("0.0925")).quantize(Decimal("0.01"))
    iso = "%Y-%m-%dT%H:%M:%SZ"
    return {
        "id": f"inv-{i:016d}",
        "orgId": "org-ab12cd34ef56gh78",
        "periodStart": start.strftime(iso),
        "periodEnd": end.strftime(iso),
        "invoiceDate": end.strftime(iso),
        "dueDate": (end + timedelta(days=14)).strftime(iso),
        "currency": "USD",
        "status": ("paid", "unpaid", "overdue", "free")[i % 4],
        "usageAmount": usage,
        "creditsApplied": credits,
        "alreadyBilledAmount": 0,
        "subtotal": usage - credits,
        "tax": float(tax),
        "total": float(usage - credits + tax),
        "advancePayAmount": 0,
        "amountDue": float(usage - credits + tax) if i % 4 in (1, 2) else 0,
    }


def zilliz_pages(count: int) -> list[bytes]:
    pages = []
    for start in range(0, count, PAGE):
        records = [zilliz_record(i) for i in range(start, min(count, start + PAGE))]
        body = {"code": 0, "data": {"count": count, "pageSize": PAGE, "invoices": records}}
        pages.append(json.dumps(body).encode())
    return pages


Reader = Callable[[Any], list[Any]]
READERS: dict[str, dict[str, Reader]] = {
    "doit": {
        "normalizer": lambda body: doit.invoice_page(body, "acct")[0],
        "pydantic": lambda body: wire_models.doit_page(body, "acct"),
        "validate only": lambda body: wire_models.DOIT_PAGE.validate_python(body["invoices"]),
    },
    "zilliz": {
        "normalizer": lambda body: zilliz.normalize_page(body, "acct")[0],
        "pydantic": lambda body: wire_models.zilliz_page(body, "acct"),
        "validate only": lambda body: wire_models.ZILLIZ_PAGE.validate_python(
            body["data"]["invoices"]
        ),
    },
}


def timed_run(pages: list[bytes], reader: Reader) -> float:
    start = time.perf_counter()
    for page in pages:
        reader(json.loads(page, parse_float=Decimal))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=None)
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    quick = quick_mode() or args.quick
    count = args.records or (10_000 if quick else 100_000)
    runs = args.runs or (2 if quick else 5)
    measures: list[Measure] = []
    for provider, make in (("doit", doit_pages), ("zilliz", zilliz_pages)):
        pages = make(count)
        readers = READERS[provider]
        for page in pages:  # the same Invoices, or the comparison means nothing
            body = json.loads(page, parse_float=Decimal)
            assert readers["normalizer"](body) == readers["pydantic"](body), provider
        samples: dict[str, list[float]] = {name: [] for name in readers}
        for index in range(runs):  # interleaved: load drifts hit each alike
            for name, reader in readers.items():
                samples[name].append(timed_run(pages, reader))
            log(f"{provider}: run {index + 1}/{runs}")
        base = median(samples["normalizer"])
        for name in ("pydantic", "validate only"):
            value = median(samples[name])
            ratio = value / base if value and base else None
            measures.append(
                Measure(
                    f"wire {provider}",
                    f"{count:,} records, {name} ({ratio:.2f}x)" if ratio else name,
                    value,
                    "s",
                    reference="normalizer (today)",
                    reference_value=base,
                    target="<= 1.2x reference" if name == "pydantic" else None,
                    met=(ratio <= 1.2) if ratio and name == "pydantic" else None,
                    runs=runs,
                    samples=samples[name],
                )
            )
    emit(measures, title="Wire formats: pydantic models against the normalizers")


if __name__ == "__main__":
    main()
