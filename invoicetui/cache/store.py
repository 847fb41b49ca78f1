"""The disk cache: per account, the invoice list and each invoice's details, with fetch times.

See files.py for why SQLite (one WAL file per account), access.py for how a file is opened
and what happens to a broken one, codec.py for how invoices are stored. This module holds
the operations; every read is one transaction and every write one transaction.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from invoicetui.cache import files
from invoicetui.cache.changes import ChangeStore
from invoicetui.cache.codec import (
    SEP,
    CacheFormatError,
    check_text,
    clean_key,
    decode_detail,
    encode_detail,
    fingerprint,
    fingerprint_packed,
    gc_paused,
    summary_fields,
)
from invoicetui.cache.columns import (
    LIST_FORMAT,
    PROBLEMS,
    encode_columns,
    encode_problems,
    put_problems,
    summaries_from_columns,
)
from invoicetui.core.model import AccountSnapshot, Invoice, utcnow


@dataclass(frozen=True, slots=True)
class AccountCacheInfo:
    """What `invoicetui cache info` prints for one account."""

    name: str
    provider: str | None
    invoices: int
    details: int  # invoices whose details are cached
    fetched_at: datetime | None
    size: int  # bytes, the database and its WAL/shm files
    path: Path
    error: str | None = None  # the file could not be read (it is set aside on next use)


class Cache(ChangeStore):
    """The on-disk cache under `directory` (default: locations.cache_dir())."""

    def load(self, account: str, *, details: bool = False) -> AccountSnapshot | None:
        """The cached snapshot in saved order, or None; details=False gives summaries only."""

        def read(con: sqlite3.Connection) -> AccountSnapshot | None:
            meta = _meta(con)
            if "fetched_at" not in meta or meta.get("account") != account:
                return None
            provider = check_text(meta.get("provider"), "provider")
            fetched_at = _parse_time(meta["fetched_at"])
            row = con.execute("SELECT count FROM list WHERE k = 0").fetchone()
            if row is None:
                raise CacheFormatError("the invoice list is missing")
            columns = {
                str(name): (bool(dictionary), text, indices)
                for name, dictionary, text, indices in con.execute(
                    "SELECT field, dictionary, text, indices FROM list_columns"
                )
            }
            invoices = summaries_from_columns(row[0], columns, account, provider)
            put_problems(invoices, columns.get(PROBLEMS))  # list format 1: none stored
            if details:
                blobs = dict(con.execute("SELECT id, data FROM details"))
                for index, inv in enumerate(invoices):
                    blob = blobs.get(inv.id)
                    if blob is not None:
                        invoices[index] = decode_detail(blob)
            return AccountSnapshot(
                account=account,
                provider=provider,
                invoices=tuple(invoices),
                fetched_at=fetched_at,
                from_cache=True,
            )

        with gc_paused():
            return self._read(account, read, None)

    def load_invoice(self, account: str, invoice_id: str) -> Invoice | None:
        """The full invoice if its details are cached, else None."""

        def read(con: sqlite3.Connection) -> Invoice | None:
            row = con.execute(
                "SELECT data FROM details WHERE id = ?", (clean_key(invoice_id),)
            ).fetchone()
            return None if row is None else decode_detail(row[0])

        return self._read(account, read, None)

    def load_details(self, account: str, ids: Collection[str]) -> dict[str, Invoice]:
        """Cached full invoices for these ids (those without cached details are absent)."""
        wanted = {clean_key(i) for i in ids}

        def read(con: sqlite3.Connection) -> dict[str, Invoice]:
            found: dict[str, Invoice] = {}
            for ident, blob in con.execute("SELECT id, data FROM details"):
                if ident in wanted:
                    found[ident] = decode_detail(blob)
            return found

        return self._read(account, read, {}) if wanted else {}

    def detail_fingerprints(self, account: str) -> dict[str, str]:
        """invoice id -> fingerprint of the list summary its cached details belong to."""

        def read(con: sqlite3.Connection) -> dict[str, str]:
            return {str(i): str(fp) for i, fp in con.execute("SELECT id, fp FROM details")}

        return self._read(account, read, {})

    def save(
        self, snapshot: AccountSnapshot, *, list_fingerprints: Mapping[str, str] | None = None
    ) -> None:
        """Replace the account's list in one transaction; store details of detailed invoices.

        Cached details are kept for invoices that arrive as summaries with an unchanged
        fingerprint. list_fingerprints (id -> fingerprint of the summary the list call gave)
        lets a caller that fetched details tie them to the list summary rather than to the
        detailed invoice, so an unchanged list next time does not look like a change.
        """
        fetched = _format_time(snapshot.fetched_at or utcnow())
        fps = list_fingerprints or {}
        rows = []
        detail_rows = []
        summaries = []
        fields = []
        for pos, inv in enumerate(snapshot.invoices):
            values = summary_fields(inv)
            fields.append(values)
            fp = fps.get(inv.id) or fingerprint_packed(SEP.join(values))
            key = clean_key(inv.id)
            rows.append((pos, key, fp))
            if inv.detailed:
                detail_rows.append((key, fp, fetched, encode_detail(inv)))
            else:
                summaries.append((key, fp))

        columns = encode_columns(fields)
        problems = encode_problems(snapshot.invoices)
        if problems is not None:
            columns[PROBLEMS] = problems

        def write(con: sqlite3.Connection) -> None:
            con.execute("BEGIN IMMEDIATE")
            con.execute("DELETE FROM invoices")
            con.executemany("INSERT INTO invoices (pos, id, fp) VALUES (?, ?, ?)", rows)
            con.execute("INSERT OR REPLACE INTO list (k, count) VALUES (0, ?)", (len(rows),))
            con.execute("DELETE FROM list_columns")
            con.executemany(
                "INSERT INTO list_columns (field, dictionary, text, indices) VALUES (?, ?, ?, ?)",
                [(name, int(d), text, idx) for name, (d, text, idx) in columns.items()],
            )
            con.executemany("DELETE FROM details WHERE id = ? AND fp <> ?", summaries)
            con.executemany(
                "INSERT OR REPLACE INTO details (id, fp, fetched_at, data) VALUES (?, ?, ?, ?)",
                detail_rows,
            )
            con.execute("DELETE FROM details WHERE id NOT IN (SELECT id FROM invoices)")
            _set_meta(
                con,
                {
                    "account": snapshot.account,
                    "provider": snapshot.provider,
                    "fetched_at": fetched,
                    "list_format": str(LIST_FORMAT),
                },
            )
            con.execute("COMMIT")

        self._write(snapshot.account, write)

    def save_invoice(
        self, account: str, invoice: Invoice, *, fetched_at: datetime | None = None
    ) -> None:
        """Store one invoice's details."""
        self.save_invoices(account, [invoice], fetched_at=fetched_at)

    def save_invoices(
        self, account: str, invoices: Sequence[Invoice], *, fetched_at: datetime | None = None
    ) -> None:
        """Store several invoices' details in one transaction.

        Each is tied to its list row's fingerprint, so the next unchanged list keeps it; an
        invoice not in the cached list is stored under its own fingerprint. The list itself
        keeps the summaries the list call gave (rewriting it per invoice would cost more
        than it shows).
        """
        if not invoices:
            return
        fetched = _format_time(fetched_at or utcnow())
        prepared = [(inv, clean_key(inv.id), encode_detail(inv)) for inv in invoices]

        def write(con: sqlite3.Connection) -> None:
            con.execute("BEGIN IMMEDIATE")
            for inv, key, blob in prepared:
                row = con.execute("SELECT fp FROM invoices WHERE id = ? LIMIT 1", (key,)).fetchone()
                fp = str(row[0]) if row is not None else fingerprint(inv)
                con.execute(
                    "INSERT OR REPLACE INTO details (id, fp, fetched_at, data) VALUES (?, ?, ?, ?)",
                    (key, fp, fetched, blob),
                )
            con.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('account', ?), ('provider', ?)",
                (account, invoices[0].provider),
            )
            con.execute("COMMIT")

        self._write(account, write)

    def stamp(self, account: str) -> tuple[str, datetime] | None:
        """(provider, fetched_at) of the cached list, read without loading it; None if none."""

        def read(con: sqlite3.Connection) -> tuple[str, datetime] | None:
            meta = _meta(con)
            if "fetched_at" not in meta or meta.get("account") != account:
                return None
            return check_text(meta.get("provider"), "provider"), _parse_time(meta["fetched_at"])

        return self._read(account, read, None)

    def info(self) -> list[AccountCacheInfo]:
        """Every cached account, sorted by name; unreadable files are listed with the error."""
        result = [self._info_one(db) for db in self._databases()]
        return sorted(result, key=lambda i: i.name)

    def size(self) -> int:
        """Bytes used by every file under the cache directory."""
        total = 0
        for root, _dirs, names in os.walk(self.directory):
            for name in names:
                with contextlib.suppress(OSError):
                    total += os.lstat(os.path.join(root, name)).st_size
        return total

    def clear(self, account: str | None = None) -> list[str]:
        """Remove one account's cache (or all); returns the names of removed accounts."""
        if not self.accounts_dir.is_dir():
            return []
        removed: list[str] = []
        with files.dir_lock(self.accounts_dir):
            if account is not None:
                if files.remove(self.path_for(account)):
                    removed.append(account)
                return removed
            for db in self._databases():
                name = self._info_one(db).name
                if files.remove(db):
                    removed.append(name)
            for leftover in self.accounts_dir.iterdir():  # set-aside files of removed dbs
                if leftover.name != ".lock" and leftover.is_file():
                    with contextlib.suppress(FileNotFoundError):
                        leftover.unlink()
        return sorted(removed)

    # ------------------------------------------------------------------ internals

    def _databases(self) -> list[Path]:
        if not self.accounts_dir.is_dir():
            return []
        return sorted(p for p in self.accounts_dir.glob(f"*{files.SUFFIX}") if p.is_file())

    def _info_one(self, db: Path) -> AccountCacheInfo:
        size = sum(
            p.stat().st_size
            for p in (db, *(Path(f"{db}{s}") for s in files.SIDE_FILES))
            if p.exists()
        )
        name = db.name.removesuffix(files.SUFFIX)
        try:
            con = files.connect(db)
            try:
                files.check_header(con)
                con.execute("BEGIN")  # one consistent snapshot
                meta = _meta(con)
                name = check_text(meta.get("account"), "account name")
                fetched = meta.get("fetched_at")
                return AccountCacheInfo(
                    name=name,
                    provider=meta.get("provider"),
                    invoices=int(con.execute("SELECT count(*) FROM invoices").fetchone()[0]),
                    details=int(con.execute("SELECT count(*) FROM details").fetchone()[0]),
                    fetched_at=_parse_time(fetched) if fetched else None,
                    size=size,
                    path=db,
                )
            finally:
                con.close()
        except (sqlite3.Error, files.BrokenFile, CacheFormatError) as exc:
            return AccountCacheInfo(name, None, 0, 0, None, size, db, error=str(exc))


def _meta(con: sqlite3.Connection) -> dict[str, str]:
    return {str(k): str(v) for k, v in con.execute("SELECT key, value FROM meta")}


def _set_meta(con: sqlite3.Connection, values: Mapping[str, str]) -> None:
    con.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", list(values.items()))


def _format_time(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def _parse_time(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except (TypeError, ValueError) as exc:
        raise CacheFormatError("fetch time is unreadable") from exc
    if value.tzinfo is None:
        raise CacheFormatError("fetch time has no time zone")
    return value.astimezone(UTC)
