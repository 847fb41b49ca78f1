"""The TUI's structure: one failure funnel for workers, one CommandSpec per command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandPalette
from tui_fakes import ACME, main_screen, make_app, settle, standard_service

from invoicetui.config.accounts import AccountConfig
from invoicetui.config.keys import DEFAULT_KEYS
from invoicetui.core.model import AccountSnapshot
from invoicetui.tui.commands import COMMANDS, palette_commands
from invoicetui.tui.keymap import bound_keys


async def test_a_failing_export_worker_is_reported_and_the_app_keeps_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(rows: object) -> str:
        raise ValueError("disk on fire")

    monkeypatch.setattr("invoicetui.service.export.render_csv", broken)
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("e", "enter")
        await settle(pilot)
        assert app.is_running
        assert main_screen(app).status.message == "Export failed: ValueError: disk on fire"


async def test_a_bug_in_a_client_marks_its_account_not_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = standard_service()
    fake.install(monkeypatch)
    real = fake.load_account

    async def buggy(account: AccountConfig, *args: Any, **kwargs: Any) -> AccountSnapshot:
        if account.name == ACME.name:
            raise KeyError("page")  # not a ProviderError: a bug in the client
        return await real(account, *args, **kwargs)

    monkeypatch.setattr("invoicetui.service.loading.load_account", buggy)
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await settle(pilot)
        main = main_screen(app)
        assert app.is_running
        assert main.states[ACME.name].phase == "failed"
        assert "unexpected error: KeyError" in (main.states[ACME.name].error or "")
        assert main.states["hpc-centre"].phase == "ok"


def test_every_binding_id_has_one_command_spec() -> None:
    assert set(COMMANDS) == set(DEFAULT_KEYS)
    titles = [spec.title for spec in palette_commands()]
    assert len(titles) == len(set(titles))


async def test_the_palette_lists_what_the_screen_binds_with_its_rebound_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path, keys={"refresh": "f5"})
    async with app.run_test() as pilot:
        await settle(pilot)
        main = main_screen(app)
        assert [key for key, _ in bound_keys(main)["refresh"]] == ["f5"]
        await pilot.press("ctrl+p", *"refresh account")
        await settle(pilot)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        assert "Fetch the selected account again (F5)" in str(
            palette.query_one("CommandList").get_option_at_index(0).prompt
        )


def test_the_readme_lists_every_binding_id_and_links_only_what_exists() -> None:
    import re

    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text(encoding="utf-8")
    reference = (root / "docs" / "reference.md").read_text(encoding="utf-8")
    for binding_id in DEFAULT_KEYS:
        assert f"`{binding_id}`" in readme or f"`{binding_id[:-1]}" in readme, binding_id
        assert f"`{binding_id}`" in reference or binding_id.startswith("tab-"), binding_id
    for spec in palette_commands():  # the palette's names, as the reference lists them
        assert spec.title is not None and spec.title in reference, spec.title
    assert "CONTRACT.md" not in readme
    for target in re.findall(r"\]\(([^)#:]+\.md)(?:#[^)]*)?\)", readme):  # documents
        assert (root / target).exists(), target
