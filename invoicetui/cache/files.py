"""The cache's files: naming, permissions, creation, setting broken files aside.

Why SQLite, one file per account, WAL and synchronous=FULL:
- SQLite commits are atomic and, with synchronous=FULL, durable: a crash or kill -9 at any
  moment leaves the previous or the new snapshot, never a half-written one (a hand-rolled
  JSON file + rename would give that too, but not cheap partial reads).
- WAL lets readers (another invoicetui showing the list) proceed while one process writes;
  writers of one account queue on SQLite's own lock (busy_timeout), writers of different
  accounts never meet because each account has its own file.
- One file per account also means a corrupt file names and costs exactly one account.
- Partial reads: the list view reads the 16 list columns (columns.py, a few MB for 100k
  invoices) and never the details (a record per invoice, read when one is opened).
Caveat: WAL needs shared memory, so one cache directory must not be shared by processes on
different hosts (e.g. over NFS); user_cache_dir is per-host in practice.

Creation and setting aside are the only operations that change which file sits at a path;
they happen under a directory lock (flock) so two processes cannot race there. A database is
built under a temporary name and renamed into place fully formed, so an empty or schema-less
file at the final path is always damage, never a file still being created.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sqlite3
import stat
import time
from collections.abc import Iterator
from pathlib import Path

try:  # POSIX; elsewhere creation is rare enough to run unlocked
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

FORMAT_VERSION = 3  # 1 and 2: development formats, never released
APPLICATION_ID = 0x49564354  # "IVCT": tells our files from any other SQLite file
BUSY_TIMEOUT_MS = 30_000
SUFFIX = ".sqlite"
SIDE_FILES = ("-wal", "-shm", "-journal")
KEEP_ASIDE = 3  # set-aside copies kept per account, for a look after the fact

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE list (k INTEGER PRIMARY KEY CHECK (k = 0), count INTEGER NOT NULL);
CREATE TABLE list_columns (  -- columns.py: one record per summary field
    field TEXT PRIMARY KEY,
    dictionary INTEGER NOT NULL,
    text TEXT NOT NULL,
    indices BLOB
);
CREATE TABLE invoices (
    pos INTEGER PRIMARY KEY,  -- the saved order
    id TEXT NOT NULL,
    fp TEXT NOT NULL  -- fingerprint of the summary the list call gave
);
CREATE INDEX invoices_id ON invoices (id);
CREATE TABLE details (
    id TEXT PRIMARY KEY,
    fp TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    data BLOB NOT NULL
);
"""


class BrokenFile(Exception):
    """The file at a path is not a usable cache of this version; reason says why."""

    def __init__(self, reason: str, *, old_version: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.old_version = old_version


def account_file(accounts_dir: Path, account: str) -> Path:
    """accounts/<safe-name>-<hash>.sqlite: readable, and distinct for names that clean alike."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", account).strip("._")[:40] or "account"
    digest = hashlib.sha256(account.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return accounts_dir / f"{safe}-{digest}{SUFFIX}"


def ensure_dir(path: Path, *, tighten: bool) -> None:
    """Create a directory 0700; tighten an existing one only where it is ours alone."""
    created = not path.exists()
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if created or tighten:
        os.chmod(path, 0o700)


def check_dirs(directory: Path, accounts_dir: Path) -> list[str]:
    """Tighten an existing accounts/ that others can reach; name a cache directory they can write.

    accounts/ is ours alone, so it is made 0700 again. The directory above it may be one the
    user chose (INVOICETUI_CACHE_DIR=~ would be a bad place to chmod), so it is only named: if
    others can write to it, they can swap accounts/ for their own.
    """
    problems: list[str] = []
    uid = os.getuid() if hasattr(os, "getuid") else None
    with contextlib.suppress(OSError):  # absent or unreadable: the open says why
        st = accounts_dir.stat()
        if uid is not None and st.st_uid != uid:
            problems.append(
                f"cache directory {accounts_dir} belongs to another user (uid {st.st_uid}); "
                "its data cannot be trusted: remove it or set INVOICETUI_CACHE_DIR"
            )
        elif stat.S_IMODE(st.st_mode) & 0o077:
            os.chmod(accounts_dir, 0o700)
    with contextlib.suppress(OSError):  # absent or unreadable: the open says why
        st = directory.stat()
        mode = stat.S_IMODE(st.st_mode)
        if uid is not None and st.st_uid != uid:
            problems.append(
                f"cache directory {directory} belongs to another user (uid {st.st_uid}); "
                "set INVOICETUI_CACHE_DIR to a directory of your own"
            )
        elif mode & 0o022 and not mode & stat.S_ISVTX:
            problems.append(
                f"cache directory {directory} is writable by others (mode {mode:o}): they could "
                f"replace the cached invoices; run: chmod 700 {directory}"
            )
    return problems


def tighten_files(db: Path) -> None:
    """0600 for the database and its WAL/shm files (SQLite copies the db's mode, but be sure)."""
    for candidate in (db, *(Path(f"{db}{side}") for side in SIDE_FILES)):
        with contextlib.suppress(FileNotFoundError):
            if stat.S_IMODE(candidate.stat().st_mode) != 0o600:
                os.chmod(candidate, 0o600)


@contextlib.contextmanager
def dir_lock(accounts_dir: Path) -> Iterator[None]:
    """Exclusive lock over file creation/removal in the accounts directory."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    fd = os.open(accounts_dir / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def connect(db: Path) -> sqlite3.Connection:
    """Open an existing database read-write (never create: creation goes through create())."""
    con = sqlite3.connect(
        f"{db.resolve().as_uri()}?mode=rw",
        uri=True,
        isolation_level=None,  # we issue BEGIN IMMEDIATE / COMMIT ourselves
        timeout=BUSY_TIMEOUT_MS / 1000,
        check_same_thread=False,
    )
    return con


def check_header(con: sqlite3.Connection) -> None:
    """Configure the connection; raise BrokenFile unless this is our format and version."""
    con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    con.execute("PRAGMA synchronous = FULL")
    app_id = con.execute("PRAGMA application_id").fetchone()[0]
    version = con.execute("PRAGMA user_version").fetchone()[0]
    if app_id == 0 and version == 0:
        raise BrokenFile("the file is empty or not an invoicetui cache")
    if app_id != APPLICATION_ID:
        raise BrokenFile("the file is not an invoicetui cache")
    if version != FORMAT_VERSION:
        raise BrokenFile(
            f"format version {version}, expected {FORMAT_VERSION}", old_version=version
        )
    mode = con.execute("PRAGMA journal_mode").fetchone()[0]
    if str(mode).lower() != "wal":
        con.execute("PRAGMA journal_mode = WAL")


def create(db: Path) -> None:
    """Build an empty database under a temporary name and link it into place (under lock)."""
    parent = db.parent
    for stale in parent.glob(f".{db.name}.tmp-*"):  # left by a crashed creator
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()
    for side in SIDE_FILES:  # a WAL without its database must not be replayed into a new one
        with contextlib.suppress(FileNotFoundError):
            Path(f"{db}{side}").unlink()
    tmp = parent / f".{db.name}.tmp-{os.getpid()}"
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    try:
        os.chmod(tmp, 0o600)
        con = sqlite3.connect(str(tmp), isolation_level=None)
        try:
            con.execute("PRAGMA journal_mode = WAL")
            con.execute("PRAGMA synchronous = FULL")
            con.execute("BEGIN IMMEDIATE")
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    con.execute(statement)
            con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            con.execute(f"PRAGMA user_version = {FORMAT_VERSION}")
            con.execute("COMMIT")
        finally:
            con.close()  # the last close checkpoints: everything is in the main file
        for side in SIDE_FILES:
            with contextlib.suppress(FileNotFoundError):
                Path(f"{tmp}{side}").unlink()
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.rename(tmp, db)
        fsync_dir(parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def set_aside(db: Path, suffix: str) -> Path:
    """Rename the database and its side files out of the way; returns the new name."""
    aside = db.with_name(f"{db.name}.{suffix}")
    n = 1
    while aside.exists():
        n += 1
        aside = db.with_name(f"{db.name}.{suffix}-{n}")
    with contextlib.suppress(FileNotFoundError):
        os.rename(db, aside)
    for side in SIDE_FILES:
        with contextlib.suppress(FileNotFoundError):
            os.rename(f"{db}{side}", f"{aside}{side}")
    fsync_dir(db.parent)
    _prune_aside(db)
    return aside


def _prune_aside(db: Path) -> None:
    """Keep the KEEP_ASIDE newest set-aside copies of a database (with their side files)."""
    copies = [p for p in db.parent.glob(f"{db.name}.*") if not p.name.endswith(SIDE_FILES)]
    copies.sort(key=lambda p: p.stat().st_mtime_ns if p.exists() else 0, reverse=True)
    for old in copies[KEEP_ASIDE:]:
        for candidate in (old, *(Path(f"{old}{side}") for side in SIDE_FILES)):
            with contextlib.suppress(FileNotFoundError):
                candidate.unlink()


def remove(db: Path) -> bool:
    """Delete the database, its side files and what was set aside from it."""
    removed = False
    for candidate in (db, *(Path(f"{db}{side}") for side in SIDE_FILES)):
        with contextlib.suppress(FileNotFoundError):
            candidate.unlink()
            removed = removed or candidate == db
    for aside in db.parent.glob(f"{db.name}.*"):
        with contextlib.suppress(FileNotFoundError):
            aside.unlink()
            removed = True
    return removed


def aside_suffix(error: BrokenFile | None) -> str:
    if error is not None and error.old_version is not None:
        return f"old-v{error.old_version}"
    return "corrupt-" + time.strftime("%Y%m%dT%H%M%S", time.gmtime())


def file_id(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino)


def fsync_dir(path: Path) -> None:
    """Make a rename durable (no-op where directories cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some filesystems refuse
        pass
    finally:
        os.close(fd)


def is_corruption(exc: sqlite3.Error) -> bool:
    """True for errors that mean the file's content is bad (not busy, full or read-only)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        # SQLITE_ERROR (schema not ours), CORRUPT, FORMAT, NOTADB
        return code & 0xFF in (1, 11, 24, 26)
    return isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError)
