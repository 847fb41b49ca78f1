"""End to end over a real SSH session: a private sshd on 127.0.0.1, throwaway keys, tmux.

Skips unless ssh, sshd, ssh-keygen and tmux exist and we are root (sshd's privilege
separation). Every wait polls up to a deadline; nothing sleeps for a fixed time.
"""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

SSH, SSHD, KEYGEN, TMUX = (shutil.which(t) for t in ("ssh", "sshd", "ssh-keygen", "tmux"))
SSHD = SSHD or next((p for p in ("/usr/sbin/sshd", "/sbin/sshd") if Path(p).exists()), None)
EXE = Path(sys.executable).with_name("invoicetui")
DEADLINE = 30.0  # seconds; never reached when things work
POLL = 0.05

if not (SSH and SSHD and KEYGEN and TMUX):
    pytest.skip("ssh, sshd, ssh-keygen or tmux is not installed", allow_module_level=True)
if os.geteuid() != 0:
    pytest.skip("a private sshd needs root here", allow_module_level=True)
if not EXE.exists():
    pytest.skip("the invoicetui entry point is not installed", allow_module_level=True)


def wait_until(what: str, predicate: Callable[[], bool], show: Callable[[], str]) -> None:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(POLL)
    pytest.fail(f"timed out waiting for {what}:\n{show()}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def process_gone(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


@dataclass
class Box:
    """The sshd and how to reach it; `remote(cmd)` is a shell line run on the far side."""

    dir: Path
    port: int

    def ssh_argv(self, *, tty: bool) -> list[str]:
        return [
            str(SSH),
            *(["-tt"] if tty else ["-T"]),
            "-F", os.devnull,
            "-p", str(self.port),
            "-i", str(self.dir / "id"),
            "-o", "BatchMode=yes",
            "-o", "StrictHostKeyChecking=no",
            "-o", f"UserKnownHostsFile={self.dir / 'known_hosts'}",
            "-o", "LogLevel=ERROR",
            "root@127.0.0.1",
        ]  # fmt: skip

    def app_line(self, tmp_path: Path, *args: str) -> str:
        env = f"INVOICETUI_CACHE_DIR={tmp_path / 'cache'} XDG_CONFIG_HOME={tmp_path / 'xdg'}"
        return f"cd {tmp_path} && {env} exec {EXE} {' '.join(args)}"


@pytest.fixture
def box(tmp_path: Path) -> Iterator[Box]:
    keys = tmp_path / "ssh"
    keys.mkdir(mode=0o700)
    for name in ("id", "host_key"):
        subprocess.run(
            [str(KEYGEN), "-q", "-t", "ed25519", "-N", "", "-f", str(keys / name)], check=True
        )
    shutil.copy(keys / "id.pub", keys / "authorized_keys")
    Path("/run/sshd").mkdir(exist_ok=True)  # privilege separation directory
    port = free_port()
    argv = [
        str(SSHD), "-D", "-e", "-f", os.devnull, "-p", str(port), "-h", str(keys / "host_key"),
        "-o", "ListenAddress=127.0.0.1", "-o", "PermitRootLogin=prohibit-password",
        "-o", f"AuthorizedKeysFile={keys / 'authorized_keys'}", "-o", "PasswordAuthentication=no",
        "-o", "StrictModes=no", "-o", "PidFile=none",
    ]  # fmt: skip
    log = keys / "sshd.log"
    with log.open("wb") as log_file:  # a file, not a pipe nobody drains
        sshd = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=log_file)
    try:
        wait_until("sshd to listen", lambda: listening(port) or sshd.poll() is not None, str)
        if sshd.poll() is not None:
            pytest.skip(f"sshd would not start: {log.read_text(errors='replace')}")
        yield Box(keys, port)
    finally:
        sshd.terminate()
        try:
            sshd.wait(timeout=DEADLINE)
        except subprocess.TimeoutExpired:
            sshd.kill()


def test_the_ui_without_a_pty_exits_2_at_once_and_says_use_ssh_t(box: Box, tmp_path: Path) -> None:
    result = subprocess.run(
        [*box.ssh_argv(tty=False), box.app_line(tmp_path, "--demo")],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=DEADLINE,
    )
    assert result.returncode == 2
    assert "ssh -t" in result.stderr
    assert "\x1b[" not in result.stdout + result.stderr  # no screen drawn into the pipe


def test_export_over_ssh_without_a_pty_under_the_c_locale(box: Box, tmp_path: Path) -> None:
    line = box.app_line(tmp_path, "export", "--demo", "--format", "csv")
    result = subprocess.run(
        [*box.ssh_argv(tty=False), f"LANG=C LC_ALL=C; export LANG LC_ALL; {line} | head -3"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=DEADLINE,
    )
    assert result.returncode == 0, result.stderr
    rows = result.stdout.decode("utf-8").splitlines()
    assert rows[0].startswith("account,provider,id,number,status")
    assert len(rows) == 3
    assert b"Traceback" not in result.stderr


class Tmux:
    def __init__(self, tmp_path: Path) -> None:
        self.socket = f"invoicetui-ssh-{uuid.uuid4().hex[:8]}"
        self.env = {**os.environ, "TMUX_TMPDIR": str(tmp_path), "TERM": "xterm-256color"}

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(TMUX), "-L", self.socket, "-f", os.devnull, *args],
            capture_output=True,
            text=True,
            check=check,
            env=self.env,
            timeout=DEADLINE,
        )

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "app", check=False).stdout

    def wait_for(self, *texts: str) -> None:
        wait_until(repr(texts), lambda: all(t in self.screen() for t in texts), self.screen)


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    server = Tmux(tmp_path)
    try:
        yield server
    finally:
        server.run("kill-server", check=False)


def test_the_ui_over_ssh_shows_copies_and_exits_when_the_connection_drops(
    box: Box, tmp_path: Path, tmux: Tmux
) -> None:
    pid_file = tmp_path / "app.pid"
    remote = f"echo $$ > {pid_file}; " + box.app_line(tmp_path, "--demo")
    command = shlex.join([*box.ssh_argv(tty=True), remote])
    tmux.run("new-session", "-d", "-x", "100", "-y", "30", "-s", "app", command)
    tmux.run("set-option", "-g", "set-clipboard", "on")
    # A row, not only the sidebar's account name: y before the rows arrive rightly says
    # "No invoice highlighted".
    tmux.wait_for("DEMO", "All accounts", "acme-palette", "invoice-2026-10")
    pid = int(pid_file.read_text())

    # y: the id travels back through SSH as OSC 52 and lands in tmux's buffer.
    tmux.run("send-keys", "-t", "app", "y")
    tmux.wait_for("Copied invoice id")
    wait_until(
        "the OSC 52 copy to reach tmux",
        lambda: tmux.run("show-buffer", check=False).stdout.strip() != "",
        tmux.screen,
    )

    # The client dies (the laptop's lid closes): the server side must not linger or spin.
    (client,) = tmux.run("list-panes", "-t", "app", "-F", "#{pane_pid}").stdout.split()
    os.kill(int(client), 9)
    wait_until("the app to exit on the server", lambda: process_gone(pid), lambda: "")
