"""The loader: every worker of the main screen, and the one place their failures become messages.

Workers run with exit_on_error=False and only post messages (tui/messages.py) to the
screen; a worker that raises reaches `_worker_failed` (one Worker.StateChanged funnel, as
harlequin does), which turns the error into the message its pane shows. So a slow or
failing account, a broken client or a failing export never freezes or exits the app.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from time import monotonic
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.message import Message
from textual.message_pump import MessagePump
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from invoicetui.config.accounts import AccountConfig
from invoicetui.config.options import FetchMode
from invoicetui.core.errors import OfflineNoData, ProviderError
from invoicetui.core.model import AccountSnapshot, Invoice
from invoicetui.tui import messages as msg
from invoicetui.tui.session import Session

if TYPE_CHECKING:
    from invoicetui.service.loading import DetailClients

log = logging.getLogger(__name__)

# A detail fetch asked for within this many seconds of the previous one (the cursor is
# moving) waits this long first; the next move cancels it, so only where it rests loads.
DETAIL_DEBOUNCE = 0.15

Failure = Callable[[BaseException], Message]


def account_error(error: BaseException, account: AccountConfig) -> ProviderError:
    """A load's error as the account shows it; a bug in a client is reported, not raised."""
    if isinstance(error, ProviderError):
        if not error.account and not isinstance(error, OfflineNoData):
            error.with_account(account.provider, account.name)  # offline names it already
        return error
    return ProviderError(
        f"unexpected error: {type(error).__name__}: {error}", hint="please report this"
    ).with_account(account.provider, account.name)


def detail_error(error: BaseException, account: AccountConfig) -> ProviderError:
    if isinstance(error, ProviderError):
        return error.with_account(account.provider, account.name)
    return ProviderError(f"unexpected error: {type(error).__name__}: {error}")


class Loader(Widget):
    """Invisible: owns the workers; their messages go to the screen it is mounted in."""

    DEFAULT_CSS = "Loader { display: none; }"

    def __init__(self, session: Session) -> None:
        super().__init__(id="loader")
        self.session = session
        self._failures: dict[Worker[Any], Failure] = {}
        self._detail_clients: DetailClients | None = None
        self._last_detail_request = -DETAIL_DEBOUNCE

    def _post(self, message: Message) -> None:
        """To the screen itself (thread-safe), as the workers did before the loader existed.

        Bubbling through this hidden widget adds a hop which, measured, could leave the
        summary strip's relayout behind its new lines (test_summary_strip_stays_compact).
        """
        self.screen.post_message(message)

    def _track(self, worker: Worker[Any], failure: Failure) -> None:
        self._failures[worker] = failure

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """The one failure funnel: an error in any worker becomes its pane's message."""
        if event.state not in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            return
        failure = self._failures.pop(event.worker, None)
        error = event.worker.error
        if event.state is not WorkerState.ERROR or error is None:
            return
        if not isinstance(error, ProviderError):
            log.error("worker %s failed", event.worker.name, exc_info=error)
        if failure is not None:
            self._post(failure(error))

    # ------------------------------------------------------------------ accounts

    def load_account(self, name: str, mode: FetchMode, generation: int) -> None:
        """Paint the cache, then fetch; a newer load of the same account cancels this one."""
        account = self.session.accounts[name]
        cached = self.session.reads.take(account, self.app)

        def deliver(future: asyncio.Future[object]) -> None:
            # Every account of a batch posts in the same loop step: one table rebuild.
            if not future.cancelled() and not isinstance(future.exception(), BaseException):
                snapshot = future.result()
                assert snapshot is None or isinstance(snapshot, AccountSnapshot)
                self._post(msg.CacheLoaded(name, snapshot, generation))

        if cached.done():
            deliver(cached)  # read before the screen asked: its rows make the first frame
        else:
            cached.add_done_callback(deliver)
        worker = self.run_worker(
            self._fetch_account(account, mode, generation, cached),
            name=f"load {name}",
            group=f"account:{name}",
            exclusive=True,
            exit_on_error=False,
        )
        self._track(
            worker, lambda error: msg.AccountFailed(name, account_error(error, account), generation)
        )

    async def _fetch_account(
        self,
        account: AccountConfig,
        mode: FetchMode,
        generation: int,
        cached: asyncio.Future[object],
    ) -> None:
        from invoicetui.service import loading as service  # not before the first paint: httpx

        name = account.name
        await asyncio.shield(cached)  # a cache read error lands here, and so in the funnel
        # The fetch runs in the fetch thread (background=True): its callbacks only post, to
        # the screen looked up here, on the UI's thread (post_message is thread-safe).
        screen = self.screen

        def progress(done: int, total: int | None) -> None:
            screen.post_message(msg.AccountProgress(name, done, total, generation))

        def page(invoices: Sequence[Invoice]) -> None:
            screen.post_message(msg.InvoicesArrived(name, tuple(invoices), generation))

        snapshot = await service.load_account(
            account,
            self.session.cache,
            mode,
            with_details=False,  # details load on demand, for the invoice on screen
            on_progress=progress,
            on_page=page,
            wallclock=self.session.now,
            background=True,
        )
        self._post(msg.InvoicesLoaded(name, snapshot, generation))

    # ------------------------------------------------------------------ details

    def load_detail(self, summary: Invoice) -> None:
        """Fetch one invoice's line items, credits and payments (latest request wins)."""
        account = self.session.accounts.get(summary.account)
        if account is None:
            return
        worker = self._fetch_detail(account, summary)
        self._track(worker, lambda error: msg.DetailsFailed(summary, detail_error(error, account)))

    @work(name="detail", group="detail", exclusive=True, exit_on_error=False)
    async def _fetch_detail(self, account: AccountConfig, summary: Invoice) -> None:
        from invoicetui.service import loading as service

        asked, self._last_detail_request = self._last_detail_request, monotonic()
        if self._last_detail_request - asked < DETAIL_DEBOUNCE:
            await asyncio.sleep(DETAIL_DEBOUNCE)  # moving: a newer request cancels this one
        invoice = await service.load_invoice_detail(
            account,
            self.session.cache,
            summary,
            offline=self.session.offline,
            clients=self.detail_clients(),
        )
        self._post(msg.DetailsLoaded(invoice))

    def detail_clients(self) -> DetailClients:
        """One open client per account, for details and document downloads (tui/paperwork)."""
        if self._detail_clients is None:
            from invoicetui.service.loading import DetailClients

            self._detail_clients = DetailClients()
        return self._detail_clients

    def load_details(self, invoices: Sequence[Invoice], done: MessagePump) -> None:
        """Details of many invoices (the breakdown's line items), one at a time: each goes to
        the screen (which keeps them), then `done` hears how it went."""
        self._fetch_details(tuple(invoices), done)

    @work(name="details", group="details-batch", exclusive=True, exit_on_error=False)
    async def _fetch_details(self, invoices: tuple[Invoice, ...], done: MessagePump) -> None:
        from invoicetui.service.bounds import load_details_of

        clients = self.detail_clients()
        loaded: list[Invoice] = []
        failed: list[str] = []
        by_account: dict[str, list[Invoice]] = {}
        for summary in invoices:
            by_account.setdefault(summary.account, []).append(summary)

        def arrived(invoice: Invoice) -> None:
            loaded.append(invoice)
            self._post(msg.DetailsLoaded(invoice))

        # Account by account, each within its deadline; one account's failure is its own.
        for name, summaries in by_account.items():
            account = self.session.accounts.get(name)
            if account is not None:
                failed += await load_details_of(
                    account, self.session.cache, summaries, clients, arrived,
                    offline=self.session.offline,
                )  # fmt: skip
        done.post_message(msg.DetailsBatchDone(loaded, failed))

    # ------------------------------------------------------------------ export

    def export_csv(self, rows: Sequence[Invoice], path: Path) -> None:
        """Build the CSV off the event loop, then post it (ExportReady) for delivery to path."""
        worker = self._build_csv(tuple(rows), path)
        self._track(worker, lambda error: msg.ExportFailed(f"{type(error).__name__}: {error}"))

    @work(name="export", group="export", thread=True, exit_on_error=False)
    def _build_csv(self, rows: tuple[Invoice, ...], path: Path) -> None:
        from invoicetui.service.export import render_csv

        self._post(msg.ExportReady(render_csv(rows), len(rows), path))

    async def on_unmount(self) -> None:
        clients, self._detail_clients = self._detail_clients, None
        if clients is not None:
            await clients.aclose()
