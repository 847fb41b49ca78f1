"""What every screen of one run shares (setup, clock, cache, keymap), handed down explicitly.

Screens get it in their constructor instead of casting `self.app` to the app class, so no
screen imports the app and the layers stay app > screens > widgets.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from datetime import datetime, tzinfo
from pathlib import Path
from time import perf_counter

from textual.dom import DOMNode

from invoicetui.cache import Cache
from invoicetui.config import locations
from invoicetui.config.accounts import AccountConfig
from invoicetui.config.options import AppSetup, FetchMode
from invoicetui.core.model import AccountSnapshot
from invoicetui.tui.keymap import user_keymap

# Caches this small in all (file bytes) are read on the UI thread before the first frame, so
# their rows are in it: local disk, ~5 ms for 200 invoices. Past this size, or this much time
# spent reading, the rest are read in the worker batch as before (the UI never waits long).
FIRST_FRAME_BYTES = 4_000_000
FIRST_FRAME_SECONDS = 0.05


class CacheReads:
    """Cache reads of accounts asked for in one loop step run in one thread, and arrive together.

    So the rows of every account come in one go (one table rebuild, one frame) instead of one
    frame per account; the app starts them before the main screen is built. (A plain class,
    as Session: a dataclass costs ~1 ms of generated code at import, on the path to the first
    frame, for equality and a repr these never need.)
    """

    def __init__(self, cache: Cache, now: Callable[[], datetime]) -> None:
        self.cache = cache
        self.now = now
        self._batch: dict[str, tuple[AccountConfig, asyncio.Future[object]]] = {}
        self._ready: dict[str, asyncio.Future[object]] = {}

    def prefetch(self, accounts: list[AccountConfig], runner: DOMNode) -> None:
        """Small caches at once (their rows make the first frame), the rest in one batch."""
        for account in self._read_now(accounts):
            self._ready[account.name] = self.read(account, runner)

    def _read_now(self, accounts: list[AccountConfig]) -> list[AccountConfig]:
        """Read what fits FIRST_FRAME_BYTES and FIRST_FRAME_SECONDS now; return the rest."""
        from invoicetui.service import loading as service

        loop = asyncio.get_running_loop()
        now = self.now()
        start = perf_counter()
        left = FIRST_FRAME_BYTES
        for n, account in enumerate(accounts):
            left -= self._file_size(account)
            if left < 0 or perf_counter() - start > FIRST_FRAME_SECONDS:
                return accounts[n:]
            future: asyncio.Future[object] = loop.create_future()
            try:
                future.set_result(service.read_cached(account, self.cache, now=now))
            except Exception as error:  # noqa: BLE001 - that account's worker reports it
                future.set_exception(error)
            self._ready[account.name] = future
        return []

    def _file_size(self, account: AccountConfig) -> int:
        try:
            return self.cache.path_for(account.name).stat().st_size
        except OSError:  # none yet (nothing to read), or unreadable: the read reports it
            return 0

    def early(self) -> dict[str, AccountSnapshot]:
        """The snapshots already read (by prefetch), for the main screen's first frame."""
        found: dict[str, AccountSnapshot] = {}
        for name, future in self._ready.items():
            if future.done() and not future.cancelled() and future.exception() is None:
                result = future.result()
                if isinstance(result, AccountSnapshot):
                    found[name] = result
        return found

    def take(self, account: AccountConfig, runner: DOMNode) -> asyncio.Future[object]:
        """The prefetched read of `account` (once), else a new one."""
        cached = self._ready.pop(account.name, None)
        if cached is None or cached.cancelled():
            cached = self.read(account, runner)
        return cached

    def read(self, account: AccountConfig, runner: DOMNode) -> asyncio.Future[object]:
        """Join (or start) the batch of cache reads that runs once this handler returns."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[object] = loop.create_future()
        if not self._batch:
            loop.call_soon(self._run_batch, runner)
        self._batch[account.name] = (account, future)
        return future

    def _run_batch(self, runner: DOMNode) -> None:
        batch, self._batch = self._batch, {}

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

        runner.run_worker(deliver(), name="read cache", group="cache-read", exit_on_error=False)


class Session:
    """One run of the TUI: its setup, clock and zone, cache, and the user's keymap."""

    def __init__(
        self,
        setup: AppSetup,
        cache: Cache,
        now: Callable[[], datetime],
        tz: tzinfo | None = None,  # where "as of 14:02" is told; None: the local zone
        export_dir: Path | None = None,
    ) -> None:
        self.setup = setup
        self.cache = cache
        self.now = now
        self.tz = tz
        self.export_dir = export_dir
        self.reads = CacheReads(cache, now)
        self.accounts = {a.name: a for a in setup.accounts}
        self.keymap = user_keymap(setup.keys)  # the [keys] overrides, by binding id
        # Said on the status line again once the first loads have reported (verify_tls = false).
        self.start_warnings: list[str] = []

    @property
    def offline(self) -> bool:
        return self.setup.mode is FetchMode.OFFLINE

    def export_directory(self) -> Path:
        """[ui] downloads, else the app's export_dir (tests), else the downloads folder."""
        return self.setup.downloads or self.export_dir or downloads_dir()

    def demo_hint(self) -> str:
        path = self.setup.config_path or locations.config_file()
        return f"DEMO data · add a real account in {path} (see README)"


def downloads_dir() -> Path:
    """The downloads folder where one exists (a server often has none), else cwd, else home.

    Over SSH the cwd may be a directory the user cannot write (/var/log): then home.
    """
    from platformdirs import user_downloads_path

    for path in (user_downloads_path(), Path.cwd(), Path.home()):
        if path.is_dir() and os.access(path, os.W_OK):
            return path
    return Path.cwd()  # nowhere writable: the failure names the cwd
