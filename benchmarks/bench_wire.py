"""Wire formats: the providers' pydantic wire models against the normalizers they replaced.

"normalizer (today)" is the hand-written normalizer as it was before the models (kept in
before_*.py); "pydantic" is the adopted path (providers/<name>/wire.py + normalize.py).
Both read the same JSON text the way the clients do, `json.loads(parse_float=Decimal)`, page
by page, and both produce the same Invoices (checked on every page before timing). Never
`validate_json`: it reads JSON numbers as binary floats (0.1000000000000000055511151231257827
becomes Decimal('0.1')), and at 10k DoiT records it saved only json.loads' 0.02 s of 0.16 s.
"validate only" is the TypeAdapter call alone, the floor of any design that must still build
Invoices. Pages are the demo fakes' real shapes (wire_pages.py). Wall and CPU time are both
reported; on a shared machine the CPU time is the figure (wall measures the neighbours).

    python benchmarks/bench_wire.py [--quick] [--records N] [--runs N] [--only palette,...]

Result (2026-12-03 10:50-11:03 UTC, 100k records, 3 runs, load average 3-6.5 on 2 cores), CPU
time: DoiT 1.11x, Zilliz 1.04x, Palette 1.09x, Waldur invoices 1.10x, Waldur provider items
1.03x, all within 1.2x, so the models are adopted (figures: invoicetui/providers/__init__.py).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import before_doit
import before_palette
import before_waldur
import before_waldur_statements
import before_zilliz
import wire_pages
from common import Measure, emit, log, median, quick_mode

from invoicetui.providers.doit import normalize as doit
from invoicetui.providers.doit import wire as doit_wire
from invoicetui.providers.palette import normalize as palette
from invoicetui.providers.palette import wire as palette_wire
from invoicetui.providers.waldur import normalize as waldur
from invoicetui.providers.waldur import wire as waldur_wire
from invoicetui.providers.waldur.statements import StatementBuilder
from invoicetui.providers.zilliz import normalize as zilliz
from invoicetui.providers.zilliz import wire as zilliz_wire

NOW = datetime(2026, 12, 3, tzinfo=UTC)
Run = Callable[[Iterable[Any]], object]  # the loaded pages, one by one -> what the client keeps


def paged(reader: Callable[[Any], list[Any]]) -> Run:
    """A reader of one page at a time; each page's Invoices are handed on, not kept."""

    def run(bodies: Iterable[Any]) -> object:
        last: list[Any] = []
        for body in bodies:
            last = reader(body)
        return last

    return run


def statements(
    builder: type[StatementBuilder] | type[before_waldur_statements.StatementBuilder],
) -> Run:
    """Provider items page by page into one builder, then the monthly statements."""

    def run(bodies: Iterable[Any]) -> object:
        made = builder("acct", "EUR")
        offset = 0
        for body in bodies:
            made.add(body, offset)
            offset += len(body)
        return made.finish(NOW)

    return run


def _waldur_validate(body: list[Any]) -> object:
    wires = waldur_wire.read_invoices(body)
    return wires, [waldur_wire.read_items(r["items"]) for r in body]


READERS: dict[str, dict[str, Run]] = {
    "doit": {
        "normalizer": paged(lambda body: before_doit.invoice_page(body, "acct")[0]),
        "pydantic": paged(lambda body: doit.invoice_page(body, "acct")[0]),
        "validate only": paged(lambda body: doit_wire.read_invoices(body["invoices"])),
    },
    "zilliz": {
        "normalizer": paged(lambda body: before_zilliz.normalize_page(body, "acct")[0]),
        "pydantic": paged(lambda body: zilliz.normalize_page(body, "acct")[0]),
        "validate only": paged(lambda body: zilliz_wire.read_invoices(body["data"]["invoices"])),
    },
    "palette": {
        "normalizer": paged(lambda body: before_palette.normalize_list(body, "acct")[0]),
        "pydantic": paged(lambda body: palette.normalize_list(body, "acct")[0]),
        "validate only": paged(lambda body: palette_wire.read_invoices(body["invoices"])),
    },
    "waldur invoices": {
        "normalizer": paged(lambda body: before_waldur.invoice_list(body, "acct", "EUR")),
        "pydantic": paged(lambda body: waldur.invoice_list(body, "acct", "EUR")),
        "validate only": paged(_waldur_validate),
    },
    "waldur items": {
        "normalizer": statements(before_waldur_statements.StatementBuilder),
        "pydantic": statements(StatementBuilder),
        "validate only": paged(waldur_wire.read_items),
    },
}
PAGES: dict[str, Callable[[int], list[bytes]]] = {
    "doit": wire_pages.doit_pages,
    "zilliz": wire_pages.zilliz_pages,
    "palette": wire_pages.palette_pages,
    "waldur invoices": wire_pages.waldur_invoice_pages,
    "waldur items": wire_pages.waldur_item_pages,
}


def loaded(pages: list[bytes]) -> Iterator[Any]:
    """Each page as the clients load it: exact numbers (providers/base.py)."""
    for page in pages:
        yield json.loads(page, parse_float=Decimal)


def timed_run(pages: list[bytes], run: Run) -> tuple[float, float]:
    """(wall, CPU) seconds of json.loads + the reader over every page."""
    wall, cpu = time.perf_counter(), time.process_time()
    run(loaded(pages))
    return time.perf_counter() - wall, time.process_time() - cpu


def same_output(provider: str, pages: list[bytes]) -> None:
    """The models make the normalizer's Invoices, or the comparison means nothing."""
    readers = READERS[provider]
    if provider == "waldur items":  # statements span pages: the whole run
        assert readers["normalizer"](loaded(pages)) == readers["pydantic"](loaded(pages))
        return
    for body in loaded(pages):
        assert readers["normalizer"]([body]) == readers["pydantic"]([body]), provider


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=None)
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--only", default="", help="comma-separated: " + ", ".join(READERS))
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    quick = quick_mode() or args.quick
    count = args.records or (10_000 if quick else 100_000)
    runs = args.runs or (2 if quick else 5)
    only = [p.strip() for p in args.only.split(",") if p.strip()] or list(READERS)
    measures: list[Measure] = []
    for provider in only:
        pages = PAGES[provider](count)
        readers = READERS[provider]
        same_output(provider, pages)
        samples: dict[str, list[float]] = {name: [] for name in readers}
        cpu: dict[str, list[float]] = {name: [] for name in readers}
        for index in range(runs):  # interleaved: load drifts hit each alike
            for name, run in readers.items():
                wall, used = timed_run(pages, run)
                samples[name].append(wall)
                cpu[name].append(used)
            log(f"{provider}: run {index + 1}/{runs}")
        base, base_cpu = median(samples["normalizer"]), median(cpu["normalizer"])
        for name in ("pydantic", "validate only"):
            value, used = median(samples[name]), median(cpu[name])
            ratio = value / base if value and base else None
            cpu_ratio = used / base_cpu if used and base_cpu else None
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
                    note=f"CPU {used:.2f} s against {base_cpu:.2f} s ({cpu_ratio:.2f}x)"
                    if cpu_ratio and used and base_cpu
                    else "",
                    samples=samples[name],
                )
            )
    emit(measures, title="Wire formats: pydantic models against the normalizers")


if __name__ == "__main__":
    main()
