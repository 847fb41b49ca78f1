"""The Textual app: the session (setup, clock, cache), theme and keymap, terminal loss, run().

The main screen and its loader (tui/loader.py) own the invoices and the workers; the app
only starts the cache reads early, so the first frame can already show rows.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import termios
import threading
from collections.abc import Callable
from datetime import datetime, tzinfo
from pathlib import Path
from typing import ClassVar

from textual import events, on
from textual.app import App
from textual.binding import BindingType
from textual.message import Message
from textual.screen import Screen

from invoicetui.cache import Cache
from invoicetui.config.accounts import insecure_tls_warning
from invoicetui.config.options import AppSetup
from invoicetui.core.model import utcnow
from invoicetui.tui import runtime
from invoicetui.tui.invoice_actions import launch_url
from invoicetui.tui.keymap import apply_keymap, bind, key_clashes
from invoicetui.tui.palette import InvoiceCommands
from invoicetui.tui.session import Session
from invoicetui.tui.terminal import terminal_problem
from invoicetui.tui.views import open_view, view_bindings

log = logging.getLogger(__name__)

HANGUP_EXIT = 129  # 128 + SIGHUP, what a shell reports for a hung-up job
HANGUP_GRACE = 3.0  # seconds the app gets to shut down after its terminal went away
TERMINAL_CHECK = 1.0  # seconds between checks that the terminal is still there
NO_TERMINAL_EXIT = 2  # a usage error: the UI was started without a terminal


class CacheWarning(Message):
    """The cache had something to say (corrupt file skipped, disk full...)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


SIXTEEN_COLOUR_THEME = "ansi-dark"


def sixteen_colours(color_system: str | None, headless: bool) -> bool:
    """A real terminal with only the 16 ANSI colours (tests and snapshots run headless)."""
    return color_system == "standard" and not headless


class InvoiceApp(App[int]):
    """invoicetui: invoices across providers, keyboard first."""

    CSS_PATH = "app.tcss"
    TITLE = "invoicetui"
    # One provider, so the palette's order is ours: commands, journals, accounts, Textual's.
    COMMANDS: ClassVar = {InvoiceCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("quit", "quit", "Quit", show=True),
        bind("help", "help", "Keys", show=True),
        bind("command-palette", "command_palette", "Commands", priority=True),
        *view_bindings(),  # the insight views, from anywhere
    ]

    def __init__(
        self,
        setup: AppSetup,
        *,
        now: Callable[[], datetime] | None = None,
        tz: tzinfo | None = None,
        export_dir: Path | None = None,
    ) -> None:
        super().__init__()
        cache = Cache(setup.cache_dir, warn=self._cache_warn)
        self.session = Session(setup, cache, now or utcnow, tz, export_dir)
        self.setup = setup
        self.hung_up = False
        self.url_shown_instead = False  # the last open_url found no browser (see open_url)
        self.catch_hangup = False  # run() sets it; tests leave the test runner's signals alone
        if setup.demo:
            self.sub_title = "DEMO"
        self._restore_runtime: Callable[[], None] | None = None  # tui/runtime.py, while it runs

    def get_default_screen(self) -> Screen[None]:
        """The main screen is the first screen: pushed over a backdrop from on_mount, it was
        laid out and rendered once inside Textual's start-up batch for nothing (~10 ms)."""
        from invoicetui.tui.screens.main import MainScreen

        return MainScreen(self.session)

    def on_mount(self) -> None:
        if self.catch_hangup:
            self._catch_hangup()
        self._restore_runtime = runtime.tune()  # keys stay quick while threads fetch
        # Small caches are read now, before the main screen mounts, so their rows are in its
        # first frame; the rest are read in a thread while it is built (tui/session.py).
        self.session.reads.prefetch(self.setup.accounts, self)
        self._apply_theme()
        apply_keymap(self, self.setup.keys)
        for clash in key_clashes(self.setup.keys):
            self.notify(clash, title="Key clash", severity="warning", markup=False)
        insecure = insecure_tls_warning(self.setup.accounts)
        if insecure:  # once per run: a toast that stays a while, and the status line
            self.notify(insecure, title="TLS", severity="warning", markup=False, timeout=30)
            self.call_after_refresh(self._say, insecure, "error")
            self.session.start_warnings.append(insecure)  # and after the first loads' errors

    def on_unmount(self) -> None:
        if self._restore_runtime is not None:
            self._restore_runtime()

    def _apply_theme(self) -> None:
        name = self.setup.theme
        if not name and sixteen_colours(self.console.color_system, self.is_headless):
            # 16 colours (TERM=xterm): the truecolor theme's orange accent would come out
            # red, like an error; the ANSI theme's borders and words (app.tcss :ansi) do not.
            name = SIXTEEN_COLOUR_THEME
        if not name:
            return
        if name in self.available_themes:
            self.theme = name
        else:
            choices = ", ".join(sorted(self.available_themes))
            self.notify(
                f"Unknown theme {name!r}; using {self.theme}. Themes: {choices}",
                severity="warning",
                markup=False,
            )

    def action_help(self) -> None:
        from invoicetui.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen.for_screen(self.screen))

    def action_open_view(self, name: str) -> None:
        """O, T, B, C: the overview, trends, breakdown and changes views."""
        open_view(self, self.session, name)

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        """Open in a browser the user can see; else (SSH) show the URL and copy it.

        url_shown_instead tells the caller which happened (so it does not say "Opened").
        """
        if self.is_web:
            super().open_url(url, new_tab=new_tab)
            self.url_shown_instead = False
        else:
            self.url_shown_instead = not launch_url(self, url, new_tab=new_tab)

    # ------------------------------------------------------------------ export delivery
    # (the main screen hands its CSV to App.deliver_text; Textual reports the outcome here)

    @on(events.DeliveryComplete)
    def _export_delivered(self, event: events.DeliveryComplete) -> None:
        if not (event.name or "").startswith("export:"):
            return
        rows = (event.name or "").split(":", 1)[1]
        where = str(event.path) if event.path else "the browser"
        self._say(f"Exported {rows} rows to {where}", "success")

    @on(events.DeliveryFailed)
    def _export_failed(self, event: events.DeliveryFailed) -> None:
        if (event.name or "").startswith("export:"):
            self._say(f"Export failed: {event.exception}", "error")

    def _say(self, text: str, tone: str) -> None:
        from invoicetui.tui.widgets.statusbar import StatusBar

        for screen in self.screen_stack:
            for bar in screen.query(StatusBar):
                bar.say(text, "error" if tone == "error" else "success")

    # ------------------------------------------------------------------ cache warnings

    def _cache_warn(self, text: str) -> None:
        # Called from worker threads too: post_message is thread-safe.
        self.post_message(CacheWarning(text))

    @on(CacheWarning)
    def _cache_warning(self, event: CacheWarning) -> None:
        self.notify(event.text, title="Cache", severity="warning", markup=False)

    # ------------------------------------------------------------------ terminal loss

    def hang_up(self) -> None:
        """The terminal went away (SSH dropped): stop every worker and leave."""
        if self.hung_up:
            return
        self.hung_up = True
        self.workers.cancel_all()
        self.exit(HANGUP_EXIT, return_code=HANGUP_EXIT)
        _exit_after(HANGUP_GRACE, HANGUP_EXIT)

    def _catch_hangup(self) -> None:
        """Leave through hang_up when the terminal goes away, with or without a SIGHUP.

        A shell forwards SIGHUP to its jobs, but not every parent does (nohup, a shell that
        ignores it): then only the terminal tells, because a hung-up tty fails tcgetattr.
        """
        if threading.current_thread() is threading.main_thread():
            try:
                asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self.hang_up)
            except (NotImplementedError, RuntimeError, ValueError) as error:
                log.warning("SIGHUP handler not installed: %s", error)
        stdin = sys.__stdin__
        if stdin is not None and stdin.isatty():
            fd = stdin.fileno()
            self.set_interval(TERMINAL_CHECK, lambda: self._check_terminal(fd))

    def _check_terminal(self, fd: int) -> None:
        try:
            termios.tcgetattr(fd)
        except (termios.error, OSError):
            self.hang_up()


def _exit_after(seconds: float, code: int) -> None:
    """If a clean shutdown hangs on a dead terminal, leave anyway (no spinning process)."""

    def force() -> None:
        os._exit(code)

    timer = threading.Timer(seconds, force)
    timer.daemon = True
    timer.start()


def _detach_from_terminal() -> None:
    """Point stdout/stderr at /dev/null: the final flush to a dead tty would fail (exit 120)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        for fd in (1, 2):
            os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def run(setup: AppSetup) -> int:
    """Run the TUI until the user quits; the exit code for the CLI (2: no terminal here)."""
    problem = terminal_problem(sys.__stdin__, sys.__stderr__)
    if problem:
        print(f"invoicetui: error: {problem}", file=sys.stderr)
        return NO_TERMINAL_EXIT
    app = InvoiceApp(setup)
    app.catch_hangup = True
    result = app.run(mouse=setup.mouse)
    if app.hung_up:
        _detach_from_terminal()
    if app.return_code is not None:
        return app.return_code
    return result or 0
