"""Saving downloaded documents safely: names that stay in their folder, temp file + fsync +
rename (a killed run never leaves a truncated PDF), the PDF checks, and a per-folder record
of what was saved (so a second run knows, without asking the server, what it already has).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from invoicetui.core.errors import ResponseFormatError

try:  # POSIX; elsewhere two runs into one folder are simply not prevented
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

MAX_DOCUMENT_BYTES = (
    50 * 1024 * 1024
)  # no invoice PDF is this big; a server that sends more is broken
PDF_SIGNATURE = b"%PDF-"
EOF_MARKER = b"%%EOF"
_TAIL = 2048  # %%EOF must be near the end (a few generators add trailing bytes)
PART_SUFFIX = ".part"
INDEX_NAME = ".invoicetui-documents.json"
LOCK_NAME = ".invoicetui-documents.lock"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(text: str, *, limit: int = 80) -> str:
    """A file name part from untrusted text: [A-Za-z0-9._-] only, never hidden, never "..".

    A changed name gets a short digest of the original, so two ids that clean to the same
    text still get two files.
    """
    cleaned = _UNSAFE.sub("_", text).lstrip(".-")[:limit] or "_"
    if cleaned == text:
        return cleaned
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=4).hexdigest()
    return f"{cleaned}-{digest}"


class NotADocument(ResponseFormatError):
    """The answer arrived whole but is not the PDF it should be (an HTML login page, a cut)."""

    short = "not a PDF"


def _preview(head: bytes) -> str:
    text = head[:16].decode("ascii", "replace")
    return "".join(ch if ch.isprintable() else "?" for ch in text)


class PdfFile:
    """A temp file in the target's folder that becomes the target only when complete and valid.

    Use as a ByteSink; then finish() (fsync, checks) and commit() or discard().
    """

    def __init__(self, target: Path, *, provider: str = "", account: str = "") -> None:
        self.target = target
        self.provider, self.account = provider, account
        fd, name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=PART_SUFFIX, dir=target.parent
        )
        self.path = Path(name)
        self._handle: IO[bytes] = os.fdopen(fd, "wb")
        self._hash = hashlib.sha256()
        self._head = b""
        self._tail = b""
        self.size = 0

    # ByteSink
    def restart(self) -> None:
        self._handle.seek(0)
        self._handle.truncate()
        self._hash = hashlib.sha256()
        self._head = self._tail = b""
        self.size = 0

    def write(self, chunk: bytes) -> None:
        if len(self._head) < len(PDF_SIGNATURE):
            self._head = (self._head + chunk)[:64]
            if len(self._head) >= len(PDF_SIGNATURE) and not self._head.startswith(PDF_SIGNATURE):
                raise self._bad(
                    f"the answer is not a PDF (it starts with {_preview(self._head)!r})"
                )
        self._handle.write(chunk)
        self._handle.flush()  # to the OS at once: progress on disk is visible, memory stays flat
        self._hash.update(chunk)
        self._tail = (self._tail + chunk)[-_TAIL:]
        self.size += len(chunk)

    def finish(self) -> str:
        """Flush to disk and check it is a whole PDF; the SHA-256 of the content."""
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        if not self._head.startswith(PDF_SIGNATURE):
            raise self._bad("the answer is empty or too short to be a PDF")
        if EOF_MARKER not in self._tail:
            raise self._bad("the PDF is incomplete (no %%EOF at its end)")
        return self._hash.hexdigest()

    def commit(self) -> None:
        """Rename over the target, then fsync the folder so the rename itself survives a crash."""
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(self.path, 0o666 & ~mask)
        os.replace(self.path, self.target)
        fsync_dir(self.target.parent)

    def discard(self) -> None:
        if not self._handle.closed:
            self._handle.close()
        self.path.unlink(missing_ok=True)

    def _bad(self, message: str) -> NotADocument:
        return NotADocument(message, provider=self.provider, account=self.account)


def fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # not possible everywhere (Windows); the rename is still atomic
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def file_sha256(path: Path) -> str | None:
    """The SHA-256 of a file, None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 16), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def remove_stale_parts(directory: Path) -> int:
    """Temp files a killed run left behind (only ever ours: hidden, ending in .part)."""
    removed = 0
    for part in directory.glob(f".*.pdf.*{PART_SUFFIX}"):
        with contextlib.suppress(OSError):
            part.unlink()
            removed += 1
    return removed


@dataclass(frozen=True)
class Saved:
    """What a previous run saved under one file name."""

    sha256: str
    size: int
    invoice_key: str  # the invoice's state then; a change means the document may have changed


class SavedIndex:
    """DIR/<account>/.invoicetui-documents.json: file name -> Saved."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / INDEX_NAME
        self.entries: dict[str, Saved] = {}
        try:
            data: Any = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}  # missing or damaged: every file is checked against the server again
        files = data.get("files") if isinstance(data, dict) else None
        for name, entry in (files or {}).items() if isinstance(files, dict) else ():
            try:
                self.entries[str(name)] = Saved(
                    str(entry["sha256"]), int(entry["size"]), str(entry["invoice"])
                )
            except (KeyError, TypeError, ValueError):
                continue

    def save(self) -> None:
        data = {
            "version": 1,
            "files": {
                name: {"sha256": s.sha256, "size": s.size, "invoice": s.invoice_key}
                for name, s in sorted(self.entries.items())
            },
        }
        from invoicetui.service.export import write_atomic

        write_atomic(self.path, json.dumps(data, indent=1) + "\n")


class FolderBusy(Exception):
    """Another `invoicetui documents` is writing into the same folder."""


@contextlib.contextmanager
def folder_lock(directory: Path) -> Iterator[None]:
    """One run per output folder (released by the OS even on kill -9)."""
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    with (directory / LOCK_NAME).open("a") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FolderBusy(f"another `invoicetui documents` is writing to {directory}") from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
