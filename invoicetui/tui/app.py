"""The Textual app: setup, clock, workers (network and disk), and run(setup) for the CLI.

Workers only compute and post messages (tui/messages.py) to the main screen; they never
touch widgets, so a slow or failing account cannot freeze or break the others.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import signal
import sys
import termios
import threading
import webbrowser
from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from time import monotonic
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.message_pump import MessagePump
from textual.widgets import Static

from invoicetui.cache import Cache
from invoicetui.config import locations
from invoicetui.config.accounts import AccountConfig
from invoicetui.config.options import AppSetup, FetchMode
from invoicetui.core.errors import OfflineNoData, ProviderError
from invoicetui.core.model import AccountSnapshot, Invoice, utcnow
from invoicetui.tui import messages as msg
from invoicetui.tui.commands import InvoiceCommands
from invoicetui.tui.keymap import apply_keymap, bind, key_clashes
from invoicetui.tui.terminal import can_show_browser, terminal_problem
from invoicetui.tui.views import open_view, view_bindings

if TYPE_CHECKING:
    from invoicetui.service.loading import DetailClients
    from invoicetui.tui.screens.main import MainScreen

log = logging.getLogger(__name__)

HANGUP_EXIT = 129  # 128 + SIGHUP, what a shell reports for a hung-up job
HANGUP_GRACE = 3.0  # seconds the app gets to shut down after its terminal went away
TERMINAL_CHECK = 1.0  # seconds between checks that the terminal is still there
NO_TERMINAL_EXIT = 2  # a usage error: the UI was started without a terminal
# A detail fetch asked for within this many seconds of the previous one (the cursor is
# moving) waits this long first; the next move cancels it, so only where it rests loads.
DETAIL_DEBOUNCE = 0.15


class CacheWarning(Message):
    """The cache had something to say (corrupt file skipped, disk full...)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class InvoiceApp(App[int]):
    """invoicetui: invoices across providers, keyboard first."""

    CSS_PATH = "app.tcss"
    TITLE = "invoicetui"
    COMMANDS: ClassVar = App.COMMANDS | {InvoiceCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("quit", "quit", "Quit", show=True),
        bind("help", "help", "Keys", show=True),
        bind("command-palette", "command_palette", "Commands", priority=True),
        # The main screen has its own; these serve the full-screen detail.
        bind("copy-id", "copy_id", "Copy id"),
        bind("copy-url", "copy_url", "Copy URL"),
        bind("open-url", "open_url_of_invoice", "Open URL"),
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
        self.setup = setup
        self.now: Callable[[], datetime] = now or utcnow
        self.tz = tz  # where "as of 14:02" is told; None: the local zone
        self.export_dir = export_dir
        self.accounts: dict[str, AccountConfig] = {a.name: a for a in setup.accounts}
        self.cache = Cache(setup.cache_dir, warn=self._cache_warn)
        self.hung_up = False
        self.url_shown_instead = False  # the last open_url found no browser (see open_url)
        self.catch_hangup = False  # run() sets it; tests leave the test runner's signals alone
        # Cache reads of accounts starting together go in one thread, so their rows arrive
        # in one go (one table rebuild, one frame) instead of one frame per account.
        self._cache_batch: dict[str, tuple[AccountConfig, asyncio.Future[object]]] = {}
        self._prefetched: dict[str, asyncio.Future[object]] = {}
        self._detail_clients: DetailClients | None = None
        self._last_detail_request = -DETAIL_DEBOUNCE
        if setup.demo:
            self.sub_title = "DEMO"

    def demo_hint(self) -> str:
        path = self.setup.config_path or locations.config_file()
        return f"DEMO data · add a real account in {path} (see README)"

    def compose(self) -> ComposeResult:
        yield Static("")  # the default screen is only a backdrop for MainScreen

    def on_mount(self) -> None:
        from invoicetui.tui.screens.main import MainScreen
        from invoicetui.tui.screens.store import InvoiceStore

        if self.catch_hangup:
            self._catch_hangup()
        # The cache is read while the main screen is built, so rows can be in its first frame.
        self._prefetched = {
            account.name: self._batch_read(account) for account in self.setup.accounts
        }
        self._apply_theme()
        apply_keymap(self, self.setup.keys)
        for clash in key_clashes(self.setup.keys):
            self.notify(clash, title="Key clash", severity="warning", markup=False)
        offline = self.setup.mode is FetchMode.OFFLINE
        self.push_screen(MainScreen(InvoiceStore(self.setup.accounts, offline=offline)))

    def _apply_theme(self) -> None:
        name = self.setup.theme
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

    # ------------------------------------------------------------------ actions

    def action_help(self) -> None:
        from invoicetui.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen.for_screen(self.screen))

    def action_open_view(self, name: str) -> None:
        """T, B, C: the trends, breakdown and changes views."""
        open_view(self, name)

    def invoice_notes(self, invoice: Invoice) -> list[str]:
        """What the detail pane says about an invoice: its flags, and whether it changed."""
        from invoicetui.service.insight.flags import flags
        from invoicetui.tui.screens.main import MainScreen

        main = next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)
        if main is None:
            return []
        same = main.store.rows_of(invoice.account)
        lines = [f"{f.mark} {f.sentence}" for f in flags(invoice, same, self.now().date())]
        return lines + main.marks.change_sentences(invoice)

    def _detail_invoice(self) -> Invoice | None:
        from invoicetui.tui.screens.detail import DetailScreen

        screen = self.screen
        return screen.invoice if isinstance(screen, DetailScreen) else None

    def action_copy_id(self) -> None:
        invoice = self._detail_invoice()
        if invoice is not None:
            self.copy_to_clipboard(invoice.id)
            self.notify(f"Copied invoice id {invoice.id}", markup=False)

    def action_copy_url(self) -> None:
        invoice = self._detail_invoice()
        if invoice is None:
            return
        if invoice.url:
            self.copy_to_clipboard(invoice.url)
            self.notify(f"Copied URL {invoice.url}", markup=False)
        else:
            self.notify(f"Invoice {invoice.label} has no URL", markup=False)

    def action_open_url_of_invoice(self) -> None:
        invoice = self._detail_invoice()
        if invoice is None:
            return
        if not invoice.url:
            self.notify(f"Invoice {invoice.label} has no URL", markup=False)
            return
        self.open_url(invoice.url)
        if not self.url_shown_instead:
            self.notify(f"Opened {invoice.url}", markup=False)

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        """Open in a browser the user can see; else (SSH) show the URL and copy it.

        url_shown_instead tells the caller which happened (so it does not say "Opened").
        """
        self.url_shown_instead = not self.launch_url(url, new_tab=new_tab)

    def launch_url(self, url: str, *, new_tab: bool = True) -> bool:
        """True if a browser is being started; False if the URL was shown and copied instead."""
        driver = self._driver
        if driver is not None and driver.is_web:
            driver.open_url(url, new_tab)
            return True
        if not can_show_browser(os.environ, sys.platform):
            self.copy_to_clipboard(url)
            self.notify(
                f"No browser here (remote session): the URL is copied to the clipboard.\n{url}",
                title="Open URL",
                markup=False,
                timeout=15,
            )
            return False
        threading.Thread(
            target=self._browse, args=(url, new_tab), name="open-url", daemon=True
        ).start()
        return True

    def _browse(self, url: str, new_tab: bool) -> None:
        """In a thread: webbrowser waits for a console browser (w3m, lynx) to exit."""
        if webbrowser.open(url, new=2 if new_tab else 0):
            return
        try:
            self.call_from_thread(
                self.notify, f"No browser could open {url}", severity="warning", markup=False
            )
        except RuntimeError as error:  # the app has exited meanwhile
            log.warning("no browser opened %s, and the app is gone: %s", url, error)

    def open_detail_screen(self, main: MainScreen) -> None:
        """Narrow terminals: the highlighted invoice full screen, n/N stepping the table's rows."""
        from invoicetui.tui.screens.detail import DetailScreen

        table = main.table

        def back(invoice: Invoice | None) -> None:
            if invoice is not None:
                table.select_row(lambda row: (row.account, row.id) == (invoice.account, invoice.id))

        screen = DetailScreen(
            lambda: table.rows_visible,
            max(0, table.cursor_index),
            details_wanted=main.want_details,
        )
        self.push_screen(screen, back)

    # ------------------------------------------------------------------ workers

    def load_account(
        self, name: str, mode: FetchMode, target: MessagePump, generation: int
    ) -> None:
        """Paint the cache, then fetch; a newer load of the same account cancels this one."""
        account = self.accounts[name]
        cached = self._prefetched.pop(name, None)
        if cached is None or cached.cancelled():
            cached = self._batch_read(account)

        def deliver(future: asyncio.Future[object]) -> None:
            # Every account of a batch posts in the same loop step: one table rebuild.
            if not future.cancelled() and not isinstance(future.exception(), BaseException):
                snapshot = future.result()
                assert snapshot is None or isinstance(snapshot, AccountSnapshot)
                target.post_message(msg.CacheLoaded(name, snapshot, generation))

        if cached.done():
            deliver(cached)  # read before the screen asked: its rows make the first frame
        else:
            cached.add_done_callback(deliver)
        self.run_worker(
            self._load_account(account, mode, target, generation, cached),
            name=f"load {name}",
            group=f"account:{name}",
            exclusive=True,
            exit_on_error=False,
        )

    async def _load_account(
        self,
        account: AccountConfig,
        mode: FetchMode,
        target: MessagePump,
        generation: int,
        cached: asyncio.Future[object],
    ) -> None:
        from invoicetui.service import (
            loading as service,  # not before the first paint: it imports httpx
        )

        name = account.name
        try:
            await asyncio.shield(cached)  # posted by load_account; a read error lands here

            def progress(done: int, total: int | None) -> None:
                target.post_message(msg.AccountProgress(name, done, total, generation))

            def page(invoices: Sequence[Invoice]) -> None:
                target.post_message(msg.InvoicesArrived(name, tuple(invoices), generation))

            snapshot = await service.load_account(
                account,
                self.cache,
                mode,
                with_details=False,  # details load on demand, for the invoice on screen
                on_progress=progress,
                on_page=page,
                wallclock=self.now,
            )
            target.post_message(msg.InvoicesLoaded(name, snapshot, generation))
        except ProviderError as error:
            if not error.account and not isinstance(error, OfflineNoData):
                error.with_account(account.provider, name)  # the offline text names it already
            target.post_message(msg.AccountFailed(name, error, generation))
        except Exception as error:
            # A bug in one client must not take the whole app down: show it on the account.
            log.exception("loading account %s failed", name)
            wrapped = ProviderError(
                f"unexpected error: {type(error).__name__}: {error}",
                hint="please report this",
            ).with_account(account.provider, name)
            target.post_message(msg.AccountFailed(name, wrapped, generation))

    def _batch_read(self, account: AccountConfig) -> asyncio.Future[object]:
        """Join (or start) the batch of cache reads that runs once this handler returns."""
        future: asyncio.Future[object] = asyncio.get_running_loop().create_future()
        if not self._cache_batch:
            asyncio.get_running_loop().call_soon(self._read_cache_batch)
        self._cache_batch[account.name] = (account, future)
        return future

    def _read_cache_batch(self) -> None:
        batch, self._cache_batch = self._cache_batch, {}

        def read_all() -> dict[str, object]:
            from invoicetui.service import loading as service

            now = self.now()
            results: dict[str, object] = {}
            for name, (account, _) in batch.items():
                try:
                    results[name] = service.read_cached(account, self.cache, now=now)
                except Exception as error:  # noqa: BLE001 - that account's worker reports it
                    results[name] = error
            return results

        async def deliver() -> None:
            results: dict[str, object] = {}
            try:
                results = await asyncio.to_thread(read_all)
            finally:  # no waiter is left hanging, even if this worker is cancelled
                for name, (_, future) in batch.items():
                    if future.done():
                        continue
                    if name not in results:
                        future.cancel()
                        continue
                    result = results[name]
                    if isinstance(result, BaseException):
                        future.set_exception(result)
                    else:
                        future.set_result(result)

        self.run_worker(deliver(), name="read cache", group="cache-read", exit_on_error=False)

    def load_detail(self, summary: Invoice, target: MessagePump) -> None:
        """Fetch one invoice's line items, credits and payments (latest request wins)."""
        account = self.accounts.get(summary.account)
        if account is None:
            return
        # A callable, not a coroutine: a worker cancelled before it starts (the next cursor
        # move) then leaves no never-awaited coroutine behind.
        async def load() -> None:
            await self._load_detail(account, summary, target)

        self.run_worker(
            load,  # type: ignore[arg-type]  # mypy infers Never for Textual's overload here
            name=f"detail {summary.id}",
            group="detail",
            exclusive=True,
            exit_on_error=False,
        )

    async def _load_detail(
        self, account: AccountConfig, summary: Invoice, target: MessagePump
    ) -> None:
        from invoicetui.service import loading as service

        offline = self.setup.mode is FetchMode.OFFLINE
        asked, self._last_detail_request = self._last_detail_request, monotonic()
        if self._last_detail_request - asked < DETAIL_DEBOUNCE:
            await asyncio.sleep(DETAIL_DEBOUNCE)  # moving: a newer request cancels this one
        if self._detail_clients is None:
            self._detail_clients = service.DetailClients()
        try:
            invoice = await service.load_invoice_detail(
                account, self.cache, summary, offline=offline, clients=self._detail_clients
            )
            target.post_message(msg.DetailsLoaded(invoice))
        except ProviderError as error:
            error = error.with_account(account.provider, account.name)
            target.post_message(msg.DetailsFailed(summary, error))
        except Exception as error:
            log.exception("loading invoice %s failed", summary.id)
            wrapped = ProviderError(f"unexpected error: {type(error).__name__}: {error}")
            target.post_message(msg.DetailsFailed(summary, wrapped))

    def load_details(
        self, invoices: Sequence[Invoice], target: MessagePump, done: MessagePump
    ) -> None:
        """Details of many invoices, one at a time in one worker: each goes to `target` (the
        main screen keeps them), then `done` hears how it went."""
        wanted = tuple(invoices)

        async def load_all() -> None:
            from invoicetui.service import loading as service

            offline = self.setup.mode is FetchMode.OFFLINE
            if self._detail_clients is None:
                self._detail_clients = service.DetailClients()
            loaded: list[Invoice] = []
            failed: list[str] = []
            for summary in wanted:
                account = self.accounts.get(summary.account)
                if account is None:
                    continue
                try:
                    invoice = await service.load_invoice_detail(
                        account, self.cache, summary, offline=offline,
                        clients=self._detail_clients,
                    )  # fmt: skip
                except ProviderError as error:
                    failed.append(str(error.with_account(account.provider, account.name)))
                    continue
                loaded.append(invoice)
                target.post_message(msg.DetailsLoaded(invoice))
            done.post_message(msg.DetailsBatchDone(loaded, failed))

        self.run_worker(
            load_all,  # type: ignore[arg-type]  # as in load_detail
            name="details", group="details-batch", exclusive=True, exit_on_error=False,
        )  # fmt: skip

    def export_csv(self, rows: Sequence[Invoice], target: MessagePump) -> None:
        """Build the CSV off the event loop, then deliver it (see on_export_ready)."""
        from invoicetui.service.export import render_csv

        stamp = self.now().strftime("%Y%m%d-%H%M%S")
        filename = f"invoices-{stamp}.csv"
        rows = tuple(rows)

        def build() -> None:
            target.post_message(msg.ExportReady(render_csv(rows), len(rows), filename))

        self.run_worker(build, name="export", group="export", thread=True)

    def deliver_export(self, event: msg.ExportReady) -> str | None:
        directory = self.export_dir or _downloads_dir()
        return self.deliver_text(
            io.StringIO(event.text),
            save_directory=directory,
            save_filename=event.filename,
            mime_type="text/csv",
            name=f"export:{event.rows}",
        )

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

    async def on_unmount(self) -> None:
        clients, self._detail_clients = self._detail_clients, None
        if clients is not None:
            await clients.aclose()

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


def _downloads_dir() -> Path:
    """The downloads folder where one exists (a server often has none), else cwd, else home.

    Over SSH the cwd may be a directory the user cannot write (/var/log): then home.
    """
    from platformdirs import user_downloads_path

    for path in (user_downloads_path(), Path.cwd(), Path.home()):
        if path.is_dir() and os.access(path, os.W_OK):
            return path
    return Path.cwd()  # nowhere writable: the failure names the cwd


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
