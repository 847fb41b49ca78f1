"""End to end in tmux: what the screen says with no data at all, and F retrying what failed.

The app runs as installed, against the demo server on 127.0.0.1 (started by the test, with
a fault switched on and off), in a real pty; every step waits for its effect on screen.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import test_e2e_tmux
from test_e2e_tmux import EXE, Tmux, wait_for_text, wait_gone, wait_until

from invoicetui.demo.runtime import demo_config_text
from invoicetui.demo.server import DemoServer, Fault, demo_accounts

tmux = test_e2e_tmux.tmux  # the fixture: one private tmux server per test

pytestmark = pytest.mark.e2e

if shutil.which("tmux") is None:
    pytest.skip("tmux is not installed", allow_module_level=True)

ACCOUNTS = ("doit", "vector-db")  # one DoiT and one Zilliz account: quick to load


@pytest.fixture
def server() -> Iterator[DemoServer]:
    with DemoServer(rate_limits=False) as demo:
        yield demo


def write_config(server: DemoServer, path: Path) -> Path:
    accounts = [a for a in demo_accounts(server) if a.name in ACCOUNTS]
    path.write_text(demo_config_text(server, accounts), encoding="utf-8")
    return path


def loaded(tmux: Tmux) -> bool:
    screen = tmux.screen()
    return "loading" not in screen and "Loading" not in screen


def test_no_data_anywhere_is_never_nothing_owed(
    tmux: Tmux, tmp_path: Path, server: DemoServer
) -> None:
    config = write_config(server, tmp_path / "config.toml")
    tmux.start(f"cd {tmp_path} && exec {EXE} --config {config} --offline", width=120, height=30)
    wait_for_text(tmux, "All accounts", "vector-db")
    wait_until("every account done", lambda: loaded(tmux), tmux.screen)
    wait_for_text(tmux, "no cached data")
    screen = tmux.screen()
    assert "Nothing owed" not in screen  # nothing is known: nothing may be claimed
    assert "No invoices here" in screen or "no cached data" in screen
    assert sum(server.stats.requests.values()) == 0  # --offline: not one request
    tmux.keys("q")


def test_f_retries_the_failed_account_and_says_what_came_of_it(
    tmux: Tmux, tmp_path: Path, server: DemoServer
) -> None:
    config = write_config(server, tmp_path / "config.toml")
    server.add_fault(Fault("wrong_token", provider="zilliz"))
    tmux.start(f"cd {tmp_path} && exec {EXE} --config {config}", width=120, height=30)
    wait_for_text(tmux, "All accounts", "vector-db")
    wait_until("every account done", lambda: loaded(tmux), tmux.screen)
    wait_for_text(tmux, "(F retries failed accounts)", "failed")
    server.clear_faults()  # the provider is back
    tmux.keys("F")
    wait_for_text(tmux, "vector-db: 20 invoices, 20 changed")
    wait_gone(tmux, "retries failed accounts")
    assert "failed" not in tmux.screen()
    tmux.keys("q")
