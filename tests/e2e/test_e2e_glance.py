"""End to end in tmux: what the screen says with no data at all, F retrying what failed, and
the 16-colour theme as a real TERM=xterm terminal gets it.

The app runs as installed, against the demo server on 127.0.0.1 (started by the test, with
a fault switched on and off), in a real pty; every step waits for its effect on screen.
"""

from __future__ import annotations

import re
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


# ---------------------------------------------------------------- 16 colours, detected for real

SGR = re.compile(r"\x1b\[([0-9;:]*)m")
RED = {31, 91}


def foregrounds(line: str) -> tuple[str, list[int | str | None]]:
    """A `capture-pane -e` line as its text and each character's SGR foreground:
    30-37/90-97, "extended" (256-colour or truecolor), or None (the default)."""
    fg: int | str | None = None
    text, colours = "", []
    position = 0
    for match in [*SGR.finditer(line), None]:
        chunk = line[position : match.start() if match else len(line)]
        text += chunk
        colours += [fg] * len(chunk)
        if match is None:
            break
        position = match.end()
        params = [int(p) if p.isdigit() else 0 for p in (match[1] or "0").split(";")]
        index = 0
        while index < len(params):
            code = params[index]
            if code in (0, 39):
                fg = None
            elif 30 <= code <= 37 or 90 <= code <= 97:
                fg = code
            elif code in (38, 48):
                fg = "extended" if code == 38 else fg
                index += 4 if params[index + 1 : index + 2] == [2] else 2
            index += 1
    return text, colours


def colour_of(lines: list[str], word: str) -> int | str | None:
    """The foreground of `word` where it first shows off the cursor row."""
    for line in lines:
        text, colours = foregrounds(line)
        if word in text and "▶" not in text:
            return colours[text.index(word)]
    raise AssertionError(f"{word!r} not on screen")


def test_xterm_16_colours_keep_open_apart_from_overdue_and_the_focus_not_red(
    tmux: Tmux, tmp_path: Path, server: DemoServer
) -> None:
    """TERM=xterm in tmux (default-terminal xterm), no theme given: the app detects 16
    colours itself; then OPEN is not red like OVERDUE, and the focused border is not red."""
    accounts = [a for a in demo_accounts(server) if a.name in ("doit", "edge-palette")]
    config = tmp_path / "config.toml"
    config.write_text(demo_config_text(server, accounts), encoding="utf-8")
    command = f"cd {tmp_path} && exec {EXE} --config {config}"
    tmux.env = {**tmux.env, "TERM": "xterm"}
    tmux.run("start-server", ";", "set-option", "-g", "default-terminal", "xterm", ";",
             "new-session", "-d", "-x", "120", "-y", "36", "-s", "app", command)  # fmt: skip
    tmux.run("set-option", "-s", "escape-time", "0")
    wait_for_text(tmux, "All accounts", "edge-palette")
    wait_until("every account done", lambda: loaded(tmux), tmux.screen)
    wait_for_text(tmux, "OVERDUE", "OPEN")
    lines = tmux.run("capture-pane", "-p", "-e", "-t", "app").stdout.splitlines()
    screen = "\n".join(lines)
    assert "38;5;" not in screen and "38;2;" not in screen  # 16 colours: detected, not faked
    overdue, open_ = colour_of(lines, "OVERDUE"), colour_of(lines, "OPEN")
    assert overdue in RED
    assert open_ not in RED and open_ != overdue
    # The focused pane (the table) has the border with the title "Invoices n of N".
    titled = next(line for line in lines if "Invoices " in foregrounds(line)[0])
    text, colours = foregrounds(titled)
    corner = text.index("Invoices ") - 3  # "┏━ Invoices" (or "╭─ Invoices")
    assert text[corner] in "┏╭┌", text
    assert colours[corner] not in RED and colours[text.index("Invoices ")] not in RED
    tmux.keys("q")
