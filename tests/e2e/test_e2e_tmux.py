"""End to end: the installed `invoicetui` in tmux (a real pty, as over SSH), driven by keys.

Every wait polls the screen (capture-pane) or the process up to a deadline; nothing sleeps
for a fixed time. Escape reaches the app late in tmux, so each step waits for its effect.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

TMUX = shutil.which("tmux")
EXE = Path(sys.executable).with_name("invoicetui")
DEADLINE = 30.0  # seconds; generous for a loaded CI box, never reached when things work
POLL = 0.05

if TMUX is None:
    pytest.skip("tmux is not installed", allow_module_level=True)
if not EXE.exists():
    pytest.skip("the invoicetui entry point is not installed", allow_module_level=True)


class Tmux:
    """One private tmux server with one session running the app."""

    def __init__(self, socket: str, env: dict[str, str]) -> None:
        self.socket = socket
        self.env = env

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(TMUX), "-L", self.socket, "-f", os.devnull, *args],
            capture_output=True,
            text=True,
            check=check,
            env=self.env,
            timeout=DEADLINE,
        )

    def start(self, command: str, width: int = 100, height: int = 30) -> int:
        self.run("new-session", "-d", "-x", str(width), "-y", str(height), "-s", "app", command)
        self.run("set-option", "-s", "escape-time", "0")
        return int(self.run("display-message", "-p", "-t", "app", "#{pane_pid}").stdout)

    def screen(self) -> str:
        result = self.run("capture-pane", "-p", "-t", "app", check=False)
        return result.stdout

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "app", *keys)

    def type(self, text: str) -> None:
        self.run("send-keys", "-t", "app", "-l", text)

    def alive(self) -> bool:
        return self.run("has-session", "-t", "app", check=False).returncode == 0

    def kill(self) -> None:
        self.run("kill-server", check=False)


def wait_until(what: str, predicate: Callable[[], bool], screen: Callable[[], str]) -> None:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(POLL)
    pytest.fail(f"timed out waiting for {what}; screen was:\n{screen()}")


def wait_for_text(tmux: Tmux, *texts: str) -> None:
    wait_until(f"{texts!r} on screen", lambda: all(t in tmux.screen() for t in texts), tmux.screen)


def wait_gone(tmux: Tmux, text: str) -> None:
    wait_until(f"{text!r} to disappear", lambda: text not in tmux.screen(), tmux.screen)


def process_gone(pid: int) -> bool:
    """Exited (or a zombie nobody reaped yet: it no longer runs)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    env = {
        "PATH": f"{EXE.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(tmp_path / "home"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "INVOICETUI_CACHE_DIR": str(tmp_path / "cache"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_CACHE_HOME": str(tmp_path / "xdg-cache"),
        "TMUX_TMPDIR": str(tmp_path),
    }
    (tmp_path / "home").mkdir()
    server = Tmux(f"invoicetui-{uuid.uuid4().hex[:8]}", env)
    try:
        yield server
    finally:
        server.kill()


def test_drive_the_app_with_keys_and_quit(tmux: Tmux, tmp_path: Path) -> None:
    command = f"cd {tmp_path} && exec {EXE} --demo"
    pid = tmux.start(command)
    # Demo mode: marker, hint, accounts listed, data loaded.
    wait_for_text(tmux, "DEMO", "add a real account", "All accounts", "acme-palette")
    wait_until("every account loaded", lambda: "loading" not in tmux.screen(), tmux.screen)
    wait_for_text(tmux, "ok ")

    # Filter on an account name; the border title says so.
    tmux.keys("/")
    # The box has focus (its prompt and hints show) before we type into it.
    wait_for_text(tmux, "/ id, account", "Enter keeps · Esc clears")
    tmux.type("vector-db")
    tmux.keys("Enter")
    wait_for_text(tmux, "filter: vector-db")
    # Escape in the table clears the filter (and arrives late in tmux: wait for it).
    tmux.keys("Escape")
    wait_gone(tmux, "filter: vector-db")

    # Copy the highlighted invoice's id: the status bar says what was copied.
    tmux.keys("g", "j", "y")  # the cursor stayed on the filtered row: go to the top first
    wait_for_text(tmux, "Copied invoice id")

    # Keys for the focused pane, grouped by purpose, then back out with Escape (never quits).
    tmux.keys("?")
    wait_for_text(tmux, "Keys · Invoices pane", "Find and sort")
    tmux.keys("Escape")
    wait_gone(tmux, "Find and sort")

    # Drill in (full screen at 100 columns), step, and back out.
    tmux.keys("Enter")
    wait_for_text(tmux, "(2 of ")
    tmux.keys("n")
    wait_for_text(tmux, "(3 of ")
    tmux.keys("Escape")
    wait_for_text(tmux, "All accounts")
    assert tmux.alive()

    tmux.keys("q")
    wait_until("the app to exit", lambda: process_gone(pid), tmux.screen)
    wait_until("the session to end", lambda: not tmux.alive(), tmux.screen)


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_exits_when_the_terminal_goes_away(tmux: Tmux, tmp_path: Path) -> None:
    pid = tmux.start(f"cd {tmp_path} && exec {EXE} --demo")
    wait_for_text(tmux, "All accounts", "acme-palette")
    # A dropped SSH session: the pty closes under the app (SIGHUP).
    tmux.kill()
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline and not process_gone(pid):
        time.sleep(POLL)
    assert process_gone(pid), "invoicetui kept running after its terminal went away"


def test_exits_when_the_terminal_goes_away_without_a_sighup(tmux: Tmux, tmp_path: Path) -> None:
    # The shell in the pane ignores SIGHUP and so never passes one on (as with some
    # wrappers): the app must notice the dead terminal itself instead of spinning on it.
    code = tmp_path / "code"
    shell = tmux.start(f"trap '' HUP; cd {tmp_path} && {EXE} --demo; echo $? > {code}")
    wait_for_text(tmux, "All accounts", "acme-palette")
    (pid,) = children(shell)
    tmux.kill()
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline and not process_gone(pid):
        time.sleep(POLL)
    assert process_gone(pid), "invoicetui kept running after its terminal went away"
    wait_until("the exit code", code.exists, lambda: "")
    assert code.read_text().strip() == "129"  # 128 + SIGHUP, as a shell reports a hang-up


def test_overview_overdue_figure_to_its_invoices_to_detail_and_back(
    tmux: Tmux, tmp_path: Path
) -> None:
    """Overview → an overdue figure → exactly the invoices behind it → detail → back home."""
    command = f"cd {tmp_path} && exec {EXE} --demo"
    tmux.start(command)
    wait_until("every account loaded", lambda: "loading" not in tmux.screen(), tmux.screen)
    wait_for_text(tmux, "ok ")
    tmux.keys("O")
    wait_for_text(tmux, "Owed, per currency", "Overdue 1–30 d", "Accounts")
    tmux.keys("j")  # from "Outstanding" to "Overdue 1–30 d", first currency
    tmux.keys("Enter")
    wait_for_text(tmux, "overdue 1–30 days ·", "invoices")
    wait_for_text(tmux, "Amount due")  # the invoice table's columns
    tmux.keys("Enter")
    wait_for_text(tmux, "(1 of ")
    tmux.keys("Escape")
    wait_for_text(tmux, "overdue 1–30 days ·")
    tmux.keys("Escape")
    wait_for_text(tmux, "Owed, per currency")
    tmux.keys("Escape")
    wait_for_text(tmux, "All accounts")
    assert tmux.alive()
