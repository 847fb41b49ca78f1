"""The last change set of each account, with its times, kept beside the invoices.

Stored in the account file's meta table (one JSON value, versioned), so it goes with the
account's cache: cleared with it, set aside with it. Read tolerantly: changes of another
version or damaged ones read as "none" with one warning, and never cost the cached invoices.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from invoicetui.cache.access import CacheAccess

if TYPE_CHECKING:  # imported on first use: the TUI's first frame needs no change set
    from invoicetui.core.changeset import ChangeSet, SavedChanges

KEY = "changes"


class ChangeStore(CacheAccess):
    """save_changes / load_changes; Cache inherits them."""

    def save_changes(
        self, account: str, changes: ChangeSet, at: datetime, *, since: datetime | None = None
    ) -> None:
        """Replace the account's stored change set (computed at `at`, against `since`)."""
        from invoicetui.core.changeset import changes_to_json

        record = {
            "at": at.astimezone(UTC).isoformat(),
            "since": since.astimezone(UTC).isoformat() if since is not None else None,
            "changes": changes_to_json(changes),
        }
        text = json.dumps(record, ensure_ascii=True, separators=(",", ":"))

        def write(con: sqlite3.Connection) -> None:
            con.execute("BEGIN IMMEDIATE")
            con.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (KEY, text))
            con.execute("COMMIT")

        self._write(account, write)

    def load_changes(self, account: str) -> SavedChanges | None:
        """The stored change set, or None (none stored, or unreadable: then one warning)."""

        def read(con: sqlite3.Connection) -> str | None:
            row = con.execute("SELECT value FROM meta WHERE key = ?", (KEY,)).fetchone()
            return None if row is None else str(row[0])

        text = self._read(account, read, None)
        if text is None:
            return None
        from invoicetui.core.changeset import ChangesFormatError, SavedChanges, changes_from_json

        try:
            record = json.loads(text)
            if not isinstance(record, dict):
                raise ChangesFormatError("stored changes are not an object")
            at = _time(record.get("at"))
            if at is None:
                raise ChangesFormatError("stored changes have no time")
            since = _time(record.get("since"))
            return SavedChanges(changes_from_json(record.get("changes")), at, since)
        except (ValueError, TypeError) as exc:  # ChangesFormatError and JSON errors included
            self.warn(
                f"changes stored for account '{account}' are unreadable ({exc}); ignored",
                account=account,
                kind="changes",
            )
            return None


def _time(value: object) -> datetime | None:
    from invoicetui.core.changeset import ChangesFormatError

    if value is None:
        return None
    if not isinstance(value, str):
        raise ChangesFormatError("a stored time is not text")
    stamp = datetime.fromisoformat(value)
    if stamp.tzinfo is None:
        raise ChangesFormatError("a stored time has no time zone")
    return stamp.astimezone(UTC)
