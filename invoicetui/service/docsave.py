"""Saving one invoice's documents into a folder: shared by `invoicetui documents` and the
TUI's `d`. A file saved before for an unchanged invoice is not asked for again; a changed
one is downloaded, compared, and replaced only with force. No Textual here.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from invoicetui.config.accounts import AccountConfig
from invoicetui.core.errors import ProviderError
from invoicetui.core.model import Invoice, format_day, format_decimal
from invoicetui.service.bounds import ACCOUNT_WIDE
from invoicetui.service.docfiles import (
    MAX_DOCUMENT_BYTES,
    PdfFile,
    Saved,
    SavedIndex,
    file_sha256,
    remove_stale_parts,
    safe_name,
)

if TYPE_CHECKING:
    from invoicetui.providers.base import ProviderClient
    from invoicetui.service.loading import DetailClients

DOWNLOADED, UNCHANGED, REPLACED = "downloaded", "unchanged", "replaced"
DIFFERS, FAILED, SKIPPED, OFFLINE = "differs", "failed", "skipped", "offline"
# Where the document of a provider without a PDF API lives (the CLI's line, the TUI's `d`).
DOCUMENT_HOMES = {
    "waldur": "Waldur has no PDF API (print the invoice from HomePort)",
    "doit": "DoiT has no PDF API (the PDF is on the invoice's page in the DoiT console)",
    "zilliz": "Zilliz has no PDF API (download it in the Zilliz Cloud console: Billing > Invoices)",
}


@dataclass
class DocumentResult:
    """One document of one invoice: where it is (relative to DIR) and what this run did."""

    kind: str
    file: str
    status: str
    size: int | None = None
    sha256: str | None = None
    error: str | None = None

    @property
    def present(self) -> bool:
        return self.status in (DOWNLOADED, UNCHANGED, REPLACED, DIFFERS) or (
            self.status in (OFFLINE, SKIPPED, FAILED) and self.sha256 is not None
        )


def document_home(provider: str) -> str:
    return DOCUMENT_HOMES.get(provider, f"{provider} has no PDF API")


def invoice_key(invoice: Invoice) -> str:
    """The invoice state its documents reflect: when it changes, they may have changed too."""
    parts = (
        invoice.number,
        invoice.status.value,
        invoice.status_raw,
        format_day(invoice.issued),
        invoice.currency,
        format_decimal(invoice.total),
        format_decimal(invoice.amount_due),
    )
    text = "\x1f".join("" if p is None else p for p in parts)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=10).hexdigest()


def account_folder(directory: Path, account: AccountConfig) -> Path:
    return directory / safe_name(account.name)


def document_name(invoice: Invoice, kind: str) -> str:
    """<id>-<kind>.pdf (CONTRACT.md), the id made safe for a file name."""
    return f"{safe_name(invoice.id)}-{kind}.pdf"


# ---------------------------------------------------------------------- one document


@dataclass
class Saver:
    """Saves one account's documents into its folder; shared by the command and the TUI."""

    client: ProviderClient
    folder: Path
    root: Path  # DIR: manifest paths are relative to it
    force: bool = False
    recheck: bool = False  # --refresh: ask the server even for documents already saved
    max_bytes: int = MAX_DOCUMENT_BYTES
    index: SavedIndex = field(init=False)
    fatal: ProviderError | None = None

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        remove_stale_parts(self.folder)
        self.index = SavedIndex(self.folder)

    def _relative(self, target: Path) -> str:
        try:
            return target.relative_to(self.root).as_posix()
        except ValueError:
            return str(target)

    async def save(self, invoice: Invoice, kind: str) -> DocumentResult:
        name = document_name(invoice, kind)
        target = self.folder / name
        rel = self._relative(target)
        key = invoice_key(invoice)
        existing = await asyncio.to_thread(file_sha256, target) if target.exists() else None
        saved = self.index.entries.get(name)
        if (
            not self.recheck
            and existing is not None
            and saved is not None
            and saved.sha256 == existing
            and saved.invoice_key == key
        ):
            return DocumentResult(kind, rel, UNCHANGED, saved.size, existing)
        if self.fatal is not None:
            return DocumentResult(kind, rel, SKIPPED, None, existing, str(self.fatal))
        part = PdfFile(target, provider=self.client.provider, account=self.client.account.name)
        try:
            try:
                await self.client.download_document(invoice, kind, part, max_bytes=self.max_bytes)
                sha = await asyncio.to_thread(part.finish)
            except ProviderError as exc:
                exc.with_account(self.client.provider, self.client.account.name)
                if isinstance(exc, ACCOUNT_WIDE) and self.fatal is None:
                    self.fatal = exc
                return DocumentResult(kind, rel, FAILED, None, existing, _one_line(exc))
            return await self._place(part, name, rel, kind, Saved(sha, part.size, key), existing)
        except OSError as exc:
            return DocumentResult(kind, rel, FAILED, None, existing, f"cannot write {rel}: {exc}")
        finally:
            part.discard()  # a no-op once committed (the temp name is gone)

    async def _place(
        self, part: PdfFile, name: str, rel: str, kind: str, record: Saved, existing: str | None
    ) -> DocumentResult:
        """The downloaded copy against what is on disk: keep, add, or (with force) replace."""
        if existing == record.sha256:
            self.index.entries[name] = record
            return DocumentResult(kind, rel, UNCHANGED, record.size, record.sha256)
        if existing is not None and not self.force:
            message = f"{rel} differs from the server's copy; --force replaces it"
            return DocumentResult(kind, rel, DIFFERS, record.size, existing, message)
        await asyncio.to_thread(part.commit)
        self.index.entries[name] = record
        status = REPLACED if existing else DOWNLOADED
        return DocumentResult(kind, rel, status, record.size, record.sha256)

    def close(self) -> None:
        """Record what was saved (also after an interruption: the next run trusts it)."""
        self.index.save()


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def document_kinds(provider: str) -> tuple[str, ...]:
    """The documents a provider's API serves per invoice (empty: only its console has them)."""
    from invoicetui.providers import client_class

    return client_class(provider).document_kinds


async def save_invoice_documents(
    account: AccountConfig,
    invoice: Invoice,
    directory: Path,
    clients: DetailClients,
    *,
    force: bool = False,
) -> list[DocumentResult]:
    """Every document of one invoice into directory/<account>/ (the TUI's `d`), within the
    account's deadline."""
    from invoicetui.service.bounds import account_deadline

    async with account_deadline(account):
        client = await clients.get(account)
        saver = Saver(client, account_folder(directory, account), directory, force=force)
        try:
            return [await saver.save(invoice, kind) for kind in client.document_kinds]
        finally:
            await asyncio.to_thread(saver.close)
