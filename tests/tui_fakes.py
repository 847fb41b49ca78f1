"""A fake service layer and fixed data for the TUI's Pilot tests (no network, no clock)."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.worker import WorkerCancelled, WorkerFailed

from invoicetui.config.accounts import AccountConfig
from invoicetui.config.options import AppSetup, FetchMode
from invoicetui.core.errors import AuthError, OfflineNoData, ProviderError
from invoicetui.core.model import AccountSnapshot, Credit, Invoice, LineItem, Payment, Status
from invoicetui.service import loading as service
from invoicetui.tui.app import InvoiceApp

NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
SIZE = (120, 36)
NARROW = (80, 24)


def invoice(
    account: str,
    provider: str,
    n: int,
    *,
    status: Status = Status.OPEN,
    total: str = "100.00",
    currency: str = "USD",
    detailed: bool = True,
    url: str | None = "https://billing.example/inv",
    **extra: Any,
) -> Invoice:
    month = 11 - (n % 10)
    return Invoice(
        account=account,
        provider=provider,
        id=f"{account}-inv-{n:03d}",
        number=f"N{n:03d}",
        status=status,
        status_raw=status.value,
        issued=date(2026, month, 1),
        due=date(2026, month, 28),
        period_start=date(2026, month - 1, 1),
        period_end=date(2026, month - 1, 28),
        currency=currency,
        total=Decimal(total),
        amount_due=Decimal(total) if status is Status.OPEN else Decimal(0),
        url=f"{url}/{account}/{n}" if url else None,
        line_items=(
            LineItem(f"compute {n}", amount=Decimal(total), quantity=Decimal(1)),
            LineItem(f"storage {n}", amount=Decimal(0), quantity=Decimal(2)),
        )
        if detailed
        else (),
        credits_detail=(Credit("Welcome credit", amount=Decimal(5)),) if detailed else (),
        payments=(Payment(Status.PAID, "Paid", NOW - timedelta(days=3), "ok"),) if detailed else (),
        customer="Acme Corp",
        raw={"id": n},
        detailed=detailed,
        **extra,
    )


def snapshot(account: AccountConfig, invoices: Sequence[Invoice], **kw: Any) -> AccountSnapshot:
    return AccountSnapshot(
        account=account.name,
        provider=account.provider,
        invoices=tuple(invoices),
        fetched_at=kw.pop("fetched_at", NOW),
        **kw,
    )


ACME = AccountConfig(name="acme-palette", provider="palette")
HPC = AccountConfig(name="hpc-centre", provider="waldur")
DOIT = AccountConfig(name="doit-prod", provider="doit", token_env="DOIT_API_KEY")
VECTOR = AccountConfig(name="vector-db", provider="zilliz")


@dataclass
class FakeService:
    """Stands in for invoicetui.service.loading: canned snapshots, errors, gates, call records."""

    results: dict[str, AccountSnapshot | ProviderError] = field(default_factory=dict)
    cached: dict[str, AccountSnapshot] = field(default_factory=dict)
    gates: dict[str, asyncio.Event] = field(default_factory=dict)
    pages: dict[str, list[list[Invoice]]] = field(default_factory=dict)
    details: dict[str, Invoice | ProviderError] = field(default_factory=dict)
    calls: list[tuple[str, FetchMode]] = field(default_factory=list)
    detail_calls: list[str] = field(default_factory=list)

    def read_cached(
        self, account: AccountConfig, cache: object, **_: Any
    ) -> AccountSnapshot | None:
        return self.cached.get(account.name)

    async def load_account(
        self,
        account: AccountConfig,
        cache: object,
        mode: FetchMode = FetchMode.AUTO,
        *,
        with_details: bool = True,
        on_progress: Callable[[int, int | None], None] | None = None,
        on_page: Callable[[Sequence[Invoice]], None] | None = None,
        **_: Any,
    ) -> AccountSnapshot:
        self.calls.append((account.name, mode))
        pages = self.pages.get(account.name, [])
        for n, page in enumerate(pages, 1):
            if on_page:
                on_page(page)
            if on_progress:
                on_progress(n, len(pages) + 1)
        gate = self.gates.get(account.name)
        if gate is not None:
            await gate.wait()
        if mode is FetchMode.OFFLINE:
            cached = self.cached.get(account.name)
            if cached is None:
                raise OfflineNoData(
                    f"no cached data for account '{account.name}'; run without --offline",
                    provider=account.provider,
                )
            return replace(cached, from_cache=True)
        result = self.results.get(account.name)
        if result is None:
            return snapshot(account, [])
        if isinstance(result, ProviderError):
            cached = self.cached.get(account.name)
            if cached is not None:
                return replace(
                    cached,
                    stale=True,
                    error=str(result.with_account(account.provider, account.name)),
                )
            raise result
        return result

    async def load_invoice_detail(
        self,
        account: AccountConfig,
        cache: object,
        summary: Invoice,
        *,
        offline: bool = False,
        **_: Any,
    ) -> Invoice:
        self.detail_calls.append(summary.id)
        found = self.details.get(summary.id)
        if isinstance(found, ProviderError):
            raise found
        if found is None:
            return replace(summary, detailed=True, line_items=(LineItem("fetched item"),))
        return found

    def install(self, monkeypatch: pytest.MonkeyPatch) -> FakeService:
        monkeypatch.setattr(service, "read_cached", self.read_cached)
        monkeypatch.setattr(service, "load_account", self.load_account)
        monkeypatch.setattr(service, "load_invoice_detail", self.load_invoice_detail)
        return self


def standard_service() -> FakeService:
    """Four accounts: two fine, one failing (DoiT token rejected), one empty."""
    fake = FakeService()
    fake.results[ACME.name] = snapshot(
        ACME, [invoice(ACME.name, "palette", n) for n in range(1, 6)]
    )
    fake.results[HPC.name] = snapshot(
        HPC,
        [invoice(HPC.name, "waldur", n, currency="EUR", status=Status.PAID) for n in range(1, 4)],
    )
    fake.results[DOIT.name] = AuthError(
        "API key rejected", status_code=401, hint="check DOIT_API_KEY"
    )
    fake.results[VECTOR.name] = snapshot(VECTOR, [])
    return fake


def make_app(
    tmp_path: Path,
    accounts: Sequence[AccountConfig] = (ACME, HPC, DOIT, VECTOR),
    **setup: Any,
) -> InvoiceApp:
    app_setup = AppSetup(accounts=list(accounts), cache_dir=tmp_path / "cache", **setup)
    return InvoiceApp(app_setup, now=lambda: NOW, tz=UTC, export_dir=tmp_path)


async def wait_for_workers(app: Any) -> None:
    """Until every worker ended: one that failed was reported by the app's failure funnel.

    (Worker.wait raises what the worker raised, as harlequin's wait_for_workers knows.)
    """
    for worker in list(app.workers):
        with suppress(WorkerFailed, WorkerCancelled):
            await worker.wait()


async def settle(pilot: Any) -> None:
    """Let workers finish and every posted message (and refresh callback) be handled."""
    for _ in range(200):  # the first loads begin once the first frame is on screen (bounded)
        if not any(getattr(s, "starting", False) for s in pilot.app.screen_stack):
            break
        await pilot.pause(0.01)
    await wait_for_workers(pilot.app)
    await pilot.pause()
    for _ in range(200):  # a throttled table rebuild may still be scheduled (bounded)
        if not any(getattr(s, "rows_pending", False) for s in pilot.app.screen_stack):
            break
        await pilot.pause(0.01)
    await pilot.pause()


def main_screen(app: InvoiceApp) -> Any:
    from invoicetui.tui.screens.main import MainScreen

    for screen in app.screen_stack:
        if isinstance(screen, MainScreen):
            return screen
    raise AssertionError("no MainScreen on the stack")


def screen_text(app: InvoiceApp) -> str:
    """Everything visible, as plain text (for "is it on screen" assertions)."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        record=True,
        force_terminal=True,
        color_system="truecolor",
        legacy_windows=False,
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text()
