"""Opening an account's cache file safely: checked connections, broken files set aside.

The base of Cache (store.py). Every operation opens its own short-lived connection, so the
cache is safe to use from several threads and processes at once, and a file another process
set aside or cleared is noticed at once. A broken file never stops the app: it is set aside
with one warning naming the account and the account reads as empty, so the caller fetches
again; a write retries once into a fresh file.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple, TypeVar

from invoicetui.cache import files
from invoicetui.cache.codec import CacheFormatError
from invoicetui.config import locations
from invoicetui.core.errors import CacheError

log = logging.getLogger("invoicetui.cache")
T = TypeVar("T")

SQLITE_READONLY_DBMOVED = 8 | (4 << 8)


class _Handle(NamedTuple):
    """An open connection and the file it was opened on (not a dataclass: ~1 ms at import)."""

    con: sqlite3.Connection
    db: Path
    ident: tuple[int, int] | None


class CacheAccess:
    """Checked connections to the per-account files under `directory`."""

    def __init__(
        self, directory: Path | None = None, *, warn: Callable[[str], None] | None = None
    ) -> None:
        self.directory = Path(directory) if directory is not None else locations.cache_dir()
        self.accounts_dir = self.directory / "accounts"
        self._warn = warn
        self._warned: set[tuple[str, str]] = set()
        self._dirs_checked = False

    def path_for(self, account: str) -> Path:
        return files.account_file(self.accounts_dir, account)

    def warn(self, message: str, *, account: str = "", kind: str = "") -> None:
        """Report a problem once per (account, kind) for this Cache's lifetime."""
        key = (account, kind or message)
        if key in self._warned:
            return
        self._warned.add(key)
        if self._warn is not None:
            self._warn(message)
        else:
            log.warning("%s", message)

    def _open(self, account: str, *, create: bool) -> _Handle | None:
        """A checked connection to the account's file; broken files are set aside."""
        db = self.path_for(account)
        if not self._dirs_checked:
            self._dirs_checked = True
            for problem in files.check_dirs(self.directory, self.accounts_dir):
                self.warn(problem)
        for _attempt in range(3):
            if not db.exists():
                if not create:
                    return None
                self._create(db)
            try:
                con = files.connect(db)
            except sqlite3.OperationalError:
                if not db.exists():  # removed between the check and the open: try again
                    continue
                raise
            handle = _Handle(con, db, files.file_id(db))
            try:
                files.check_header(con)
            except files.BrokenFile as exc:
                con.close()
                self._set_aside(account, handle, exc.reason, exc)
                continue
            except sqlite3.DatabaseError as exc:
                con.close()
                if not files.is_corruption(exc):
                    raise
                self._set_aside(account, handle, str(exc), None)
                continue
            files.tighten_files(db)
            return handle
        raise CacheError(f"cache for account '{account}' keeps changing under us")

    def _create(self, db: Path) -> None:
        files.ensure_dir(self.directory, tighten=False)
        files.ensure_dir(self.accounts_dir, tighten=True)
        with files.dir_lock(self.accounts_dir):
            if not db.exists():
                files.create(db)

    def _set_aside(
        self, account: str, handle: _Handle, reason: str, error: files.BrokenFile | None
    ) -> None:
        with contextlib.suppress(sqlite3.Error):
            handle.con.close()
        with files.dir_lock(self.accounts_dir):
            if handle.ident is None or files.file_id(handle.db) != handle.ident:
                return  # another process already replaced it
            aside = files.set_aside(handle.db, files.aside_suffix(error))
        what = "has an old format" if error and error.old_version is not None else "is unreadable"
        self.warn(
            f"cache for account '{account}' {what} ({reason}); "
            f"moved aside to {aside.name}, fetching again",
            account=account,
            kind="broken",
        )

    def _read(self, account: str, func: Callable[[sqlite3.Connection], T], default: T) -> T:
        try:
            handle = self._open(account, create=False)
        except (sqlite3.Error, OSError, CacheError) as exc:
            self.warn(f"cache for account '{account}' could not be read: {exc}", account=account)
            return default
        if handle is None:
            return default
        try:
            # One read transaction: every SELECT of `func` sees the same snapshot, even while
            # another process commits a new one (WAL readers never block nor see half).
            handle.con.execute("BEGIN")
            return func(handle.con)
        except CacheFormatError as exc:
            self._set_aside(account, handle, str(exc), None)
        except sqlite3.DatabaseError as exc:
            if files.is_corruption(exc):
                self._set_aside(account, handle, str(exc), None)
            else:
                self.warn(
                    f"cache for account '{account}' could not be read: {exc}", account=account
                )
        finally:
            handle.con.close()  # ends the read transaction
        return default

    def _write(self, account: str, func: Callable[[sqlite3.Connection], None]) -> None:
        """Run a write transaction; a broken file is set aside and the write retried once."""
        last: Exception | None = None
        for _attempt in range(2):
            try:
                handle = self._open(account, create=True)
            except (sqlite3.Error, OSError) as exc:
                raise CacheError(
                    f"cache for account '{account}' could not be opened: {exc}"
                ) from exc
            assert handle is not None
            try:
                func(handle.con)
                return
            except CacheFormatError as exc:
                self._set_aside(account, handle, str(exc), None)
                last = exc
            except sqlite3.DatabaseError as exc:
                last = exc
                if files.is_corruption(exc):
                    self._set_aside(account, handle, str(exc), None)
                elif getattr(exc, "sqlite_errorcode", None) != SQLITE_READONLY_DBMOVED:
                    break
            except OSError as exc:
                last = exc
                break
            finally:
                handle.con.close()
        raise CacheError(f"cache for account '{account}' could not be written: {last}") from last
