"""The on-disk cache (SQLite, one WAL file per account); see cache/files.py for why."""

from invoicetui.cache.codec import fingerprint
from invoicetui.cache.store import AccountCacheInfo, Cache

__all__ = ["AccountCacheInfo", "Cache", "fingerprint"]
