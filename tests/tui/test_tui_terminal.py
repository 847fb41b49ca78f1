"""Running remotely: no terminal is a clear error; with no display the URL is shown, not opened."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from tui_fakes import NARROW, SIZE, main_screen, make_app, settle, standard_service

from invoicetui.config.options import AppSetup
from invoicetui.tui import app as app_module
from invoicetui.tui import session as session_module
from invoicetui.tui.terminal import can_show_browser, terminal_problem

URL = "https://billing.example/inv/acme-palette/1"  # the first row's URL in tui_fakes


class Stream:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_a_terminal_on_stdin_and_stderr_is_enough() -> None:
    assert terminal_problem(Stream(True), Stream(True)) is None


@pytest.mark.parametrize(
    ("keys", "screen", "says"),
    [
        (Stream(False), Stream(True), "ssh -t"),
        (None, Stream(True), "stdin is not one"),
        (Stream(True), Stream(False), "stderr"),
        (Stream(True), None, "stderr"),
    ],
)
def test_no_terminal_is_named_with_the_way_out(
    keys: Stream | None, screen: Stream | None, says: str
) -> None:
    problem = terminal_problem(keys, screen)
    assert problem is not None
    assert says in problem
    assert "invoicetui export" in problem


@pytest.mark.parametrize(
    ("env", "platform", "expected"),
    [
        ({"SSH_CONNECTION": "10.0.0.1 5 10.0.0.2 22"}, "linux", False),
        ({"SSH_TTY": "/dev/pts/3"}, "darwin", False),  # a Mac's browser is not the user's
        ({"SSH_CLIENT": "1 2 3", "DISPLAY": "localhost:10.0"}, "linux", True),  # ssh -X
        ({}, "linux", False),  # a text console
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
        ({}, "darwin", True),
        ({}, "win32", True),
    ],
)
def test_a_browser_is_started_only_where_the_user_sees_it(
    env: dict[str, str], platform: str, expected: bool
) -> None:
    assert can_show_browser(env, platform) is expected


def test_run_without_a_terminal_exits_2_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def must_not_run(self: app_module.InvoiceApp, **kwargs: Any) -> int:
        raise AssertionError("the UI started without a terminal")

    monkeypatch.setattr(app_module.InvoiceApp, "run", must_not_run)
    monkeypatch.setattr(app_module.sys, "__stdin__", Stream(False))
    assert app_module.run(AppSetup(accounts=[], cache_dir=tmp_path)) == 2
    assert "needs a terminal" in capsys.readouterr().err


def isolate_env(monkeypatch: pytest.MonkeyPatch, **env: str) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)


async def test_o_over_ssh_copies_and_shows_the_url_without_a_browser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolate_env(monkeypatch, SSH_CONNECTION="127.0.0.1 50000 127.0.0.1 22")
    browsed: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, **_: browsed.append(url))
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert main_screen(app).current is not None
        await pilot.press("o")
        await pilot.pause()
        assert browsed == []
        assert copied == [URL]
        assert any(URL in str(n.message) for n in app._notifications)


async def test_o_with_a_display_starts_the_browser_off_the_event_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolate_env(monkeypatch, DISPLAY=":0")
    browsed: list[str] = []
    done = threading.Event()

    def browser(url: str, **_: Any) -> bool:
        browsed.append(url)
        browsed.append(threading.current_thread().name)
        done.set()
        return True

    monkeypatch.setattr("webbrowser.open", browser)
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        assert done.wait(10)
        assert browsed == [URL, "open-url"]


async def test_o_in_the_full_screen_detail_over_ssh_does_not_claim_it_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolate_env(monkeypatch, SSH_TTY="/dev/pts/9")
    monkeypatch.setattr("webbrowser.open", lambda url, **_: pytest.fail(url))
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("o")
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
        assert app.clipboard == URL
        assert any(URL in m and "No browser here" in m for m in messages)
        assert not any(m.startswith("Opened") for m in messages)


def test_export_goes_home_when_the_cwd_is_not_writable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, cwd = tmp_path / "home", tmp_path / "var-log"
    home.mkdir()
    cwd.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DOWNLOAD_DIR", str(tmp_path / "no-downloads"))
    monkeypatch.chdir(cwd)
    writable = {str(home)}
    monkeypatch.setattr(session_module.os, "access", lambda path, mode: str(path) in writable)
    assert session_module.downloads_dir() == home
    writable.add(str(cwd))
    assert session_module.downloads_dir() == cwd
