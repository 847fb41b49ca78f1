"""clean_json on a big provider page: the sanitizer runs over every string of every record.

A 300-item Waldur provider-items page from the demo data (about 500 KB of JSON, the page size
the server caps at), decoded with exact Decimals as the clients decode it, then cleaned.
Reported: the median time of clean_json over the page, and the share of strings it had to
rewrite (the rest take the isprintable() fast path); the reference is the same walk with the
regex passes run on every string (what clean_json did before the fast path), same output.

    python benchmarks/bench_clean.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import time
from decimal import Decimal
from typing import Any

from common import Measure, emit, median

from invoicetui.core import sanitize
from invoicetui.core.sanitize import clean_json
from invoicetui.demo.waldur import WaldurDemo, token_for


def big_page() -> tuple[bytes, Any]:
    """Three copies of the provider items (about 300 items), serialized as the server does."""
    demo = WaldurDemo()
    items = [record for record, _ in demo.tenants[token_for("hpc-provider")].items]
    page = (items * 3)[:300]
    raw = json.dumps(page, ensure_ascii=False).encode()
    return raw, json.loads(raw, parse_float=Decimal)


def regex_every_string(value: object) -> object:
    """The reference: the two regex passes over every string, as clean_json did before."""
    if isinstance(value, str):
        return sanitize._CONTROL.sub("", sanitize._ESCAPE_SEQUENCE.sub("", value))
    if isinstance(value, list):
        return [regex_every_string(v) for v in value]
    if isinstance(value, dict):
        return {regex_every_string(str(k)): regex_every_string(v) for k, v in value.items()}
    return clean_json(value)


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (str(k), *_strings(v))]
    return []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    raw, data = big_page()
    assert regex_every_string(data) == clean_json(data)  # the fast path changes nothing
    times: list[float] = []
    reference: list[float] = []
    for _ in range(args.runs):  # interleaved: load on the machine hits both alike
        started = time.perf_counter()
        clean_json(data)
        times.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        regex_every_string(data)
        reference.append((time.perf_counter() - started) * 1000)
    strings = _strings(data)
    slow = sum(1 for s in strings if not s.isprintable())
    emit(
        [
            Measure(
                "clean",
                f"clean_json over a {len(raw) // 1024} KB page of 300 items",
                median(times),
                "ms",
                reference="regexes on every string",
                reference_value=median(reference),
                runs=args.runs,
                note=f"{slow} of {len(strings)} strings not printable (slow path)",
            )
        ]
    )


if __name__ == "__main__":
    main()
