"""The TUI's paperwork against the demo server: `d` saves a Palette invoice's PDFs in a worker
and says where (on the server, over SSH); elsewhere it says where the document lives and
copies the URL; the palette exports the visible rows as ledger and beancount journals.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandPalette
from tui_fakes import NOW, main_screen, settle

from invoicetui.config.options import AppSetup, FetchMode
from invoicetui.demo.server import DemoServer, build_providers, demo_accounts
from invoicetui.tui.app import InvoiceApp

SIZE = (120, 36)


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with DemoServer(providers=build_providers(), rate_limits=False) as srv:
        yield srv


def make_app(server: DemoServer, tmp_path: Path, **setup: Any) -> InvoiceApp:
    accounts = [
        replace(a, max_rps=1000.0)
        for a in demo_accounts(server)
        if a.name in ("acme-palette", "doit", "vector-db")
    ]
    app_setup = AppSetup(
        accounts=accounts, cache_dir=tmp_path / "cache", downloads=tmp_path / "dl", **setup
    )
    (tmp_path / "dl").mkdir()
    return InvoiceApp(app_setup, now=lambda: NOW, tz=UTC, export_dir=tmp_path / "exports")


async def wait_for(pilot: Any, main: Any, prefix: str) -> str:
    """The status message once it starts with prefix (the worker posts it; bounded wait)."""
    for _ in range(500):
        message: str = main.status.message
        if message.startswith(prefix):
            return message
        await pilot.pause(0.02)
    raise AssertionError(f"status is {main.status.message!r}, not {prefix!r}…")


async def pick(pilot: Any, text: str) -> Any:
    await settle(pilot)
    main = main_screen(pilot.app)
    await pilot.press("slash", *text, "enter")
    await settle(pilot)
    return main


async def test_d_saves_the_palette_invoices_pdfs_and_says_where(
    server: DemoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"):
        monkeypatch.delenv(name, raising=False)
    app = make_app(server, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        main = await pick(pilot, "acme-palette")
        invoice = main.shown_invoice()
        assert invoice is not None and invoice.provider == "palette"
        await pilot.press("d")
        folder = tmp_path / "dl" / "acme-palette"
        message = await wait_for(pilot, main, f"Invoice {invoice.label}:")
        assert message == f"Invoice {invoice.label}: saved 3 PDFs in {folder}"
        files = sorted(p.name for p in folder.glob("*.pdf"))
        assert files == [f"{invoice.id}-{kind}.pdf" for kind in ("invoice", "report", "usage")]
        assert all((folder / f).read_bytes().startswith(b"%PDF-") for f in files)
        if shutil.which("pdftotext"):
            text = subprocess.run(
                ["pdftotext", str(folder / files[0]), "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            assert invoice.label in text

        # Again, over SSH: nothing new to fetch, and the files are on the server.
        monkeypatch.setenv("SSH_CONNECTION", "10.0.0.2 50000 10.0.0.1 22")
        await pilot.press("d")
        message = await wait_for(pilot, main, f"Invoice {invoice.label}: 3 already")
        assert message.endswith(f"in {folder} on the server (SSH session)")


async def test_d_elsewhere_says_where_the_document_lives_and_copies_the_url(
    server: DemoServer, tmp_path: Path
) -> None:
    app = make_app(server, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        main = await pick(pilot, "doit")
        invoice = main.shown_invoice()
        assert invoice is not None and invoice.provider == "doit" and invoice.url
        await pilot.press("d")
        assert main.status.message == (
            "DoiT has no PDF API (the PDF is on the invoice's page in the DoiT console);"
            f" copied its URL {invoice.url}"
        )
        assert app.clipboard == invoice.url
        assert not list((tmp_path / "dl").rglob("*"))

        main = await pick(pilot, "vector-db")
        zilliz = main.shown_invoice()
        assert zilliz is not None and zilliz.provider == "zilliz"
        await pilot.press("d")
        assert main.status.message.startswith("Zilliz has no PDF API (download it in the")
        assert f"(invoice {zilliz.label} has no URL)" in main.status.message


async def test_d_offline_downloads_nothing(server: DemoServer, tmp_path: Path) -> None:
    async with make_app(server, tmp_path).run_test(size=SIZE) as pilot:
        await settle(pilot)  # fills the cache
    shutil.rmtree(tmp_path / "dl")
    app = make_app(server, tmp_path, mode=FetchMode.OFFLINE)
    async with app.run_test(size=SIZE) as pilot:
        main = await pick(pilot, "acme-palette")
        assert main.shown_invoice() is not None
        await pilot.press("d")
        assert main.status.message == (
            "Offline: documents are not downloaded (start without --offline)"
        )
        assert not list((tmp_path / "dl").rglob("*.pdf"))


@pytest.mark.parametrize(("style", "suffix"), [("ledger", "journal"), ("beancount", "beancount")])
async def test_palette_exports_the_visible_rows_as_a_journal(
    server: DemoServer, tmp_path: Path, style: str, suffix: str
) -> None:
    app = make_app(server, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        main = await pick(pilot, "acme-palette")
        rows = len(main.visible_rows())
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*f"{style} journal")
        await pilot.pause(0.3)
        await pilot.press("enter")
        path = tmp_path / "dl" / f"invoices-20261115-120000.{suffix}"
        message = await wait_for(pilot, main, "Exported")
        assert message == f"Exported {rows} rows to {path}"
        text = path.read_text(encoding="utf-8")
        assert text.count("Liabilities:AccountsPayable:Palette:Acme-palette") == rows
        if style == "ledger" and shutil.which("hledger"):
            subprocess.run(["hledger", "-f", str(path), "check"], check=True)


async def test_d_in_the_full_screen_detail_saves_and_notifies(
    server: DemoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from invoicetui.tui.screens.detail import DetailScreen

    for name in ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"):
        monkeypatch.delenv(name, raising=False)
    app = make_app(server, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        main = await pick(pilot, "acme-palette")
        invoice = main.shown_invoice()
        assert invoice is not None
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("d")
        folder = tmp_path / "dl" / "acme-palette"
        expected = f"Invoice {invoice.label}: saved 3 PDFs in {folder}"
        for _ in range(500):
            if any(n.message == expected for n in app._notifications):
                break
            await pilot.pause(0.02)
        assert [n.message for n in app._notifications][-1] == expected
        assert len(list(folder.glob(f"{invoice.id}-*.pdf"))) == 3
