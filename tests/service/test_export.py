"""Export rendering, month selection, atomic writes and concurrent loading (service faked)."""

from __future__ import annotations

import asyncio
import csv
import importlib
import io
import json
import sys
import types
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import invoicetui
from invoicetui.config.accounts import AccountConfig
from invoicetui.config.options import FetchMode
from invoicetui.core.errors import AuthError, OfflineNoData
from invoicetui.core.model import AccountSnapshot, Invoice, LineItem, Status, invoice_to_json
from invoicetui.service import export

FETCHED = datetime(2026, 11, 15, 9, 0, tzinfo=UTC)


def make_invoice(account: str, ident: str, month: int, *, items: int = 0, **kw: Any) -> Invoice:
    start = date(2026, month, 1)
    return Invoice(
        account=account,
        provider=kw.pop("provider", "doit"),
        id=ident,
        number=kw.pop("number", f"N-{ident}"),
        status=Status.OPEN,
        status_raw="OPEN",
        period_start=kw.pop("period_start", start),
        issued=kw.pop("issued", start),
        currency="USD",
        subtotal=Decimal("10.50"),
        total=Decimal("12.00"),
        amount_due=None,
        line_items=tuple(
            LineItem(
                description=f'item {n}, with "quotes"',
                quantity=Decimal(n + 1),
                unit_price=Decimal("1.5"),
                amount=Decimal("1.5") * (n + 1),
                start=start,
            )
            for n in range(items)
        ),
        **kw,
    )


# ---------------------------------------------------------------------- months


@pytest.mark.parametrize("text", ["2026-01", "1999-12", " 2026-10 "])
def test_parse_month_accepts(text: str) -> None:
    assert export.parse_month(text) == text.strip()


@pytest.mark.parametrize("text", ["2026-13", "2026-1", "26-01", "2026/01", "2026-00", "", "jan"])
def test_parse_month_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        export.parse_month(text)


def test_select_months_inclusive_and_by_issued_without_period() -> None:
    invs = [make_invoice("a", str(m), m) for m in range(1, 13)]
    assert [i.id for i in export.select_months(invs, "2026-03", "2026-05")] == ["3", "4", "5"]
    assert [i.id for i in export.select_months(invs, "2026-11", None)] == ["11", "12"]
    assert [i.id for i in export.select_months(invs, None, "2026-01")] == ["1"]
    assert export.select_months(invs) == invs
    # DoiT-like: no period, issued decides; undated invoices cannot match a range.
    doit = make_invoice("d", "x", 1, period_start=None, issued=date(2026, 4, 30))
    undated = make_invoice("d", "y", 1, period_start=None, issued=None)
    assert export.select_months([doit, undated], "2026-04", "2026-04") == [doit]
    assert export.select_months([doit, undated]) == [doit, undated]


# ---------------------------------------------------------------------- rendering


def test_render_json_is_contract_objects_in_order() -> None:
    invs = [make_invoice("b", "2", 2, items=2), make_invoice("a", "1", 1)]
    data = json.loads(export.render_json(invs))
    assert data == [invoice_to_json(i) for i in invs]
    assert data[0]["line_items"][1]["amount"] == "3.0"
    assert data[0]["amount_due"] is None
    assert export.render_json([]) == "[]\n"


def test_render_csv_one_row_per_invoice_with_all_scalar_fields() -> None:
    invs = [make_invoice("a", "1", 1, items=3), make_invoice("a", "2", 2)]
    rows = list(csv.reader(io.StringIO(export.render_csv(invs))))
    assert tuple(rows[0]) == export.INVOICE_COLUMNS
    scalar = [k for k, v in invoice_to_json(invs[0]).items() if not isinstance(v, list)]
    assert list(export.INVOICE_COLUMNS) == [*scalar, "problems"]  # problems joined by "; "
    assert len(rows) == 3
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["id"] == "1" and first["total"] == "12.00" and first["amount_due"] == ""
    assert first["period_start"] == "2026-01-01" and first["status"] == "open"


def test_render_csv_items_one_row_per_line_item() -> None:
    invs = [
        make_invoice("a", "1", 1, items=2),
        make_invoice("a", "2", 2),
        make_invoice("b", "3", 3, items=1),
    ]
    rows = list(csv.reader(io.StringIO(export.render(invs, "csv", items=True))))
    assert tuple(rows[0]) == export.ITEM_COLUMNS
    assert rows[0][:5] == ["account", "provider", "id", "number", "currency"]
    assert [r[2] for r in rows[1:]] == ["1", "1", "3"]
    row = dict(zip(rows[0], rows[2], strict=True))
    assert row["description"] == 'item 1, with "quotes"'
    # Money: at least two decimals, exact digits kept; quantities as given (README).
    assert row["quantity"] == "2" and row["unit_price"] == "1.50" and row["amount"] == "3.00"
    assert row["number"] == "N-1" and row["currency"] == "USD" and row["start"] == "2026-01-01"


def test_write_atomic_replaces_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")
    export.write_atomic(target, "new ✓\n")
    assert target.read_text(encoding="utf-8") == "new ✓\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_write_atomic_failure_keeps_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")

    def boom(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export.os, "replace", boom)
    with pytest.raises(OSError):
        export.write_atomic(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_describe_age() -> None:
    now = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
    assert export.describe_age(None) == "never"
    assert export.describe_age(now - timedelta(seconds=10), now) == "just now"
    assert export.describe_age(now - timedelta(minutes=5), now) == "5m ago"
    assert export.describe_age(now - timedelta(hours=3, minutes=59), now) == "3h ago"
    assert export.describe_age(now - timedelta(days=2), now) == "2d ago"


# ---------------------------------------------------------------------- loading


@pytest.fixture
def fake_service(monkeypatch: pytest.MonkeyPatch) -> Callable[[Callable[..., Any]], None]:
    """Install a load_account replacement, whether or not invoicetui.service.loading exists yet."""
    try:
        module = importlib.import_module("invoicetui.service.loading")
    except ImportError:
        module = types.ModuleType("invoicetui.service.loading")
        monkeypatch.setitem(sys.modules, "invoicetui.service.loading", module)
        monkeypatch.setattr(invoicetui, "service", module, raising=False)

    def install(func: Callable[..., Any]) -> None:
        monkeypatch.setattr(module, "load_account", func, raising=False)

    return install


def snapshot(account: AccountConfig, invoices: list[Invoice], **kw: Any) -> AccountSnapshot:
    return AccountSnapshot(
        account=account.name,
        provider=account.provider,
        invoices=tuple(invoices),
        fetched_at=FETCHED,
        **kw,
    )


ACCOUNTS = [
    AccountConfig(name="slow", provider="palette", token="t"),
    AccountConfig(name="bad", provider="doit", token="t"),
    AccountConfig(name="stale", provider="zilliz", token="t"),
    AccountConfig(name="fine", provider="waldur", base_url="https://w", token="t"),
]


def test_load_all_concurrent_keeps_configured_order(fake_service: Callable[..., None]) -> None:
    started: list[str] = []
    release = asyncio.Event()
    seen: list[tuple[str, object, FetchMode, bool]] = []

    async def load_account(
        account: AccountConfig, cache: object, mode: FetchMode, *, with_details: bool = False
    ) -> AccountSnapshot:
        seen.append((account.name, cache, mode, with_details))
        started.append(account.name)
        if len(started) == len(ACCOUNTS):
            release.set()
        await release.wait()  # every account must be in flight at once to get here
        if account.name == "bad":
            raise AuthError(
                "API key rejected", status_code=401, hint="check DOIT_API_KEY"
            ).with_account("doit", "bad")
        if account.name == "stale":
            return snapshot(
                account,
                [make_invoice("stale", "z", 1)],
                stale=True,
                from_cache=True,
                error="server error (503)",
            )
        return snapshot(
            account, [make_invoice(account.name, f"{account.name}-{n}", n) for n in (2, 1)]
        )

    fake_service(load_account)
    cache = object()
    outcomes = asyncio.run(export.load_all(ACCOUNTS, cache, FetchMode.REFRESH))
    assert [o.account.name for o in outcomes] == ["slow", "bad", "stale", "fine"]
    assert {s[1] for s in seen} == {cache} and {s[2] for s in seen} == {FetchMode.REFRESH}
    assert all(s[3] for s in seen)
    slow, bad, stale, fine = outcomes
    assert not slow.failed and not fine.failed
    assert bad.failed and bad.snapshot is None
    assert bad.error == "DoiT account 'bad': API key rejected (401); check DOIT_API_KEY"
    assert stale.failed and stale.invoices
    assert stale.error is not None and "\n" not in stale.error
    assert stale.error.startswith("Zilliz account 'stale': server error (503); showing cached data")
    collected = export.collect(outcomes, None, None)
    assert [i.id for i in collected] == ["slow-2", "slow-1", "z", "fine-2", "fine-1"]
    assert [i.id for i in export.collect(outcomes, "2026-02", None)] == ["slow-2", "fine-2"]


def test_load_one_sync_service_and_offline_error(fake_service: Callable[..., None]) -> None:
    def load_account(
        account: AccountConfig, cache: object, mode: FetchMode, *, with_details: bool = False
    ) -> AccountSnapshot:
        raise OfflineNoData(f"no cached data for account '{account.name}'; run without --offline")

    fake_service(load_account)
    outcome = asyncio.run(export.load_one(ACCOUNTS[0], None, FetchMode.OFFLINE))
    assert outcome.failed and outcome.snapshot is None
    # The message already names the account: it is not prefixed a second time.
    assert outcome.error == "no cached data for account 'slow'; run without --offline"


def test_write_atomic_writes_into_a_fifo_instead_of_replacing_it(tmp_path: Path) -> None:
    """`-o /dev/null` (or a named pipe) must not turn the device into a plain file."""
    import os
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    export.write_atomic(fifo, "through the pipe\n")
    reader.join(timeout=10)
    assert received == ["through the pipe\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
