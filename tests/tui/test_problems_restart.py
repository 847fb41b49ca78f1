"""The table's "!" mark of a record kept with problems survives a restart from the cache."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from tui_fakes import NOW, SIZE, main_screen, make_app, screen_text, settle

from invoicetui.config.accounts import AccountConfig
from invoicetui.config.options import FetchMode
from invoicetui.core.model import Invoice, Status
from invoicetui.providers.base import ProviderClient
from invoicetui.service import loading

ACCOUNT = AccountConfig(name="hpc", provider="waldur", token="t", base_url="http://127.0.0.1:9")
MARKED = Invoice(
    "hpc", "waldur", "2026-10", number="STMT-MARKED", status=Status.PAID, currency="EUR",
    total=Decimal("12.50"), issued=NOW.date(), detailed=True,
    problems=("total: not a finite decimal (NaN)",),
)  # fmt: skip
CLEAN = replace(MARKED, id="2026-09", number="STMT-CLEAN", problems=())


class Served(ProviderClient):
    """A provider that serves one marked and one clean record (no network)."""

    provider = "waldur"

    def auth_headers(self) -> dict[str, str]:
        return {}

    async def list_invoices(self) -> list[Invoice]:
        return [MARKED, CLEAN]

    async def check(self) -> None:
        return None


def statuses(app: object) -> dict[str, str]:
    """Invoice number -> its status cell as on screen."""
    lines = screen_text(app).splitlines()  # type: ignore[arg-type]
    found: dict[str, str] = {}
    for number in (MARKED.number, CLEAN.number):
        assert number is not None
        (line,) = [line for line in lines if number in line]
        found[number] = "PAID !" if "PAID !" in line else "PAID" if "PAID" in line else line
    return found


async def test_the_problems_mark_is_still_shown_after_a_restart_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loading, "make_client", lambda acc, tok, **kw: Served(acc, tok, **kw))
    expected = {MARKED.number: "PAID !", CLEAN.number: "PAID"}
    fetching = make_app(tmp_path, accounts=[ACCOUNT], mode=FetchMode.REFRESH)
    async with fetching.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert main_screen(fetching).states[ACCOUNT.name].phase == "ok"
        assert statuses(fetching) == expected  # fetched: marked

    def no_network(*_: object, **__: object) -> ProviderClient:
        raise AssertionError("the restart must paint from the cache")

    monkeypatch.setattr(loading, "make_client", no_network)
    restarted = make_app(tmp_path, accounts=[ACCOUNT], mode=FetchMode.OFFLINE)
    async with restarted.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert statuses(restarted) == expected  # from the cache's list: still marked
