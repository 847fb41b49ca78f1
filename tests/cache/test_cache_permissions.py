"""An existing cache directory with loose permissions: tightened, or named in a warning."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from cache_writer import make_snapshot

from invoicetui.cache import Cache


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _cache(directory: Path) -> tuple[Cache, list[str]]:
    warnings: list[str] = []
    return Cache(directory, warn=warnings.append), warnings


def test_loose_accounts_dir_is_tightened(tmp_path: Path) -> None:
    first, _ = _cache(tmp_path / "cache")
    first.save(make_snapshot("acct", "A"))
    accounts = tmp_path / "cache" / "accounts"
    os.chmod(accounts, 0o755)
    cache, warnings = _cache(tmp_path / "cache")
    loaded = cache.load("acct")  # a read alone tightens it
    assert loaded is not None and _mode(accounts) == 0o700
    assert warnings == []


def test_world_writable_cache_dir_is_named(tmp_path: Path) -> None:
    top = tmp_path / "shared"
    top.mkdir()
    os.chmod(top, 0o777)
    cache, warnings = _cache(top)
    cache.save(make_snapshot("acct", "A"))
    cache.load("acct")
    assert len(warnings) == 1, warnings
    assert str(top) in warnings[0] and "writable by others" in warnings[0]
    assert _mode(top) == 0o777  # a directory the user chose is not changed behind their back
    assert _mode(top / "accounts") == 0o700


def test_sticky_shared_dir_and_private_dir_are_quiet(tmp_path: Path) -> None:
    sticky = tmp_path / "sticky"
    sticky.mkdir()
    os.chmod(sticky, 0o1777)
    for directory in (sticky, tmp_path / "private"):
        cache, warnings = _cache(directory)
        cache.save(make_snapshot("acct", "A"))
        assert warnings == []
