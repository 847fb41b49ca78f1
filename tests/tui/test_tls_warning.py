"""verify_tls = false: the app says so once, as a toast and on the status line."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from tui_fakes import ACME, DOIT, HPC, SIZE, make_app, settle, standard_service

from invoicetui.tui.widgets.statusbar import StatusBar


async def test_verify_tls_false_is_warned_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    accounts = [replace(ACME, verify_tls=False), HPC, replace(DOIT, verify_tls=False)]
    app = make_app(tmp_path, accounts)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        toasts = [n for n in app._notifications if n.title == "TLS"]
        assert len(toasts) == 1
        text = str(toasts[0].message)
        assert f"'{ACME.name}', '{DOIT.name}'" in text and "verify_tls = false" in text
        (bar,) = app.screen.query(StatusBar)
        assert bar.message == text


async def test_no_warning_when_every_account_checks_tls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not [n for n in app._notifications if n.title == "TLS"]
