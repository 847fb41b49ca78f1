"""Every piece of an account's provider work ends within its deadline, not only the fetch:
`accounts --check`, the TUI's detail fetches (the cursor, the breakdown's batch), and a
provider that is slow but "correct" forever (valid pages of fresh records, never ending).

Config timeouts are fractions of a second; the account's deadline (service/bounds.py) is
made as small where a test is about it; retry waits are recorded, not slept (`waits`).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hostile_server import HostileServer

from invoicetui.cli import main as cli
from invoicetui.config.accounts import AccountConfig
from invoicetui.config.load import account_to_toml
from invoicetui.core.errors import NetworkError, ResponseFormatError
from invoicetui.core.model import Invoice
from invoicetui.demo.server import DemoServer
from invoicetui.demo.zilliz import ZillizDemo
from invoicetui.providers import make_client
from invoicetui.providers.doit.client import DoitClient
from invoicetui.providers.limits import FakeClock
from invoicetui.service import bounds
from invoicetui.service.loading import DetailClients, load_invoice_detail

Capture = pytest.CaptureFixture[str]
TOKEN = "tok-SECRET-4711-abcdef"


def evil(provider: str, url: str, **kwargs: object) -> AccountConfig:
    values: dict[str, object] = {"timeout": 0.2, "token": TOKEN, "max_rps": 1000}
    if provider == "palette":
        values["tenant_uid"] = "t1"
    values.update(kwargs)
    return AccountConfig(name="evil", provider=provider, base_url=url, **values)  # type: ignore[arg-type]


def write(tmp_path: Path, *accounts: AccountConfig) -> str:
    path = tmp_path / "config.toml"
    path.write_text("\n".join(account_to_toml(a) for a in accounts), encoding="utf-8")
    return str(path)


def deadline(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    monkeypatch.setattr(bounds, "deadline_seconds", lambda _account: seconds)


def check(config: str, capsys: Capture) -> tuple[int, str]:
    code = cli.main(["accounts", "--check", "--config", config])
    return code, capsys.readouterr().out


# ---------------------------------------------------------------- accounts --check


def test_check_of_a_stalled_server_fails_within_the_timeout_per_attempt(
    tmp_path: Path, hostile: HostileServer, capsys: Capture, waits: list[float]
) -> None:
    code, out = check(write(tmp_path, evil("doit", hostile.url("stall"))), capsys)
    assert code == 1 and "no complete answer within 0.2 s" in out
    assert hostile.hits["stall"] == 2 and len(waits) == 1  # one retry, as every GET


def test_check_ends_at_the_account_deadline(
    tmp_path: Path,
    hostile: HostileServer,
    capsys: Capture,
    waits: list[float],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each byte comes in time for the attempt's 30 s timeout; only the deadline ends it.
    deadline(monkeypatch, 0.3)
    account = evil("doit", hostile.url("trickle~0.05"), timeout=30)
    code, out = check(write(tmp_path, account), capsys)
    assert code == 1 and "did not finish within 0.3 s (the account's deadline)" in out
    assert hostile.hits["trickle"] == 1


# ---------------------------------------------------------------- detail fetches (the TUI's)


def summaries(n: int) -> list[Invoice]:
    return [Invoice("evil", "palette", f"p{i}", detailed=False) for i in range(1, n + 1)]


async def test_a_detail_fetch_ends_at_the_account_deadline(
    hostile: HostileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The cursor's path: load_invoice_detail with the kept clients (tui/loader.py).
    deadline(monkeypatch, 0.3)
    account = evil("palette", hostile.url("palette-details~trickle:0.05"), timeout=30)
    clients = DetailClients()
    try:
        with pytest.raises(NetworkError, match=r"did not finish within 0\.3 s"):
            await load_invoice_detail(account, None, summaries(1)[0], clients=clients)
    finally:
        await clients.aclose()
    assert hostile.hits["palette-details:trickle"] == 1


async def test_a_batch_of_details_stops_asking_a_stalled_account(
    hostile: HostileServer, waits: list[float]
) -> None:
    # The breakdown's batch (tui/loader.py): a stalled provider costs one failure, not five.
    account = evil("palette", hostile.url("palette-details~stall"))
    loaded: list[Invoice] = []
    clients = DetailClients()
    try:
        failed = await bounds.load_details_of(account, None, summaries(5), clients, loaded.append)
    finally:
        await clients.aclose()
    assert loaded == [] and len(failed) == 5
    assert "no complete answer within 0.2 s" in failed[0]
    assert all(line.startswith("not asked after: Palette account 'evil'") for line in failed[1:])
    assert hostile.hits["palette-details:stall"] == 2 and len(waits) == 1


async def test_a_batch_of_details_ends_at_the_account_deadline(
    hostile: HostileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    deadline(monkeypatch, 0.3)
    account = evil("palette", hostile.url("palette-details~trickle:0.05"), timeout=30)
    clients = DetailClients()
    try:
        failed = await bounds.load_details_of(account, None, summaries(3), clients, print)
    finally:
        await clients.aclose()
    assert len(failed) == 3 and "(the account's deadline)" in failed[0]
    assert hostile.hits["palette-details:trickle"] == 1


async def test_details_of_a_healthy_account_all_arrive(hostile: HostileServer) -> None:
    account = evil("palette", hostile.url("palette-details~ok"))
    loaded: list[Invoice] = []
    clients = DetailClients()
    try:
        failed = await bounds.load_details_of(account, None, summaries(3), clients, loaded.append)
    finally:
        await clients.aclose()
    assert failed == [] and [inv.id for inv in loaded] == ["p1", "p2", "p3"]
    assert all(inv.detailed for inv in loaded)


# ---------------------------------------------------------------- slow but "correct" forever


async def test_endless_fresh_pages_stop_at_the_page_limit_each_invoice_once(
    hostile: HostileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(DoitClient, "max_pages", 5)
    streamed: list[Invoice] = []
    account = evil("doit", hostile.url("doit-endless"))
    client = make_client(
        account, TOKEN, clock=FakeClock(), rng=random.Random(1), on_page=streamed.extend
    )
    async with client:
        with pytest.raises(ResponseFormatError) as info:
            await client.list_invoices()
    assert "DoiT sent more than 5 pages of invoices; stopped after 6 pages" in str(info.value)
    ids = [inv.id for inv in streamed]
    assert len(ids) == 10 and len(set(ids)) == 10  # what streamed in, each invoice once


@pytest.mark.parametrize("bound", ["page limit", "deadline"])
def test_an_endless_provider_ends_and_the_others_still_print(
    tmp_path: Path,
    demo_server: DemoServer,
    hostile: HostileServer,
    capsys: Capture,
    monkeypatch: pytest.MonkeyPatch,
    bound: str,
) -> None:
    if bound == "page limit":
        monkeypatch.setattr(DoitClient, "max_pages", 20)
    else:
        deadline(monkeypatch, 0.5)  # pages come every 0.01 s, fresh, forever
    good = ZillizDemo().accounts(demo_server.base_url("zilliz"))[0]
    config = write(tmp_path, good, evil("doit", hostile.url("doit-endless~0.01")))
    code = cli.main(["export", "--config", config, "--format", "json", "--refresh"])
    captured = capsys.readouterr()
    assert code == 1
    printed = json.loads(captured.out)
    assert {inv["account"] for inv in printed} == {good.name}
    ids = [(inv["account"], inv["id"]) for inv in printed]
    assert len(ids) == len(set(ids)) > 0
    (line,) = captured.err.strip().splitlines()
    assert line.startswith("DoiT account 'evil': ")
    if bound == "page limit":
        assert "DoiT sent more than 20 pages of invoices" in line
    else:
        assert "did not finish within 0.5 s (the account's deadline)" in line
