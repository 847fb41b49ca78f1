"""`invoicetui documents`: a period's paperwork, every account's invoices and their PDFs.

Per account: the invoice list (cache or network, as export), details for the period's
invoices only, then each document the provider serves (Palette's three reports) saved as
DIR/<account>/<id>-<kind>.pdf by docsave.Saver. No Textual here.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from invoicetui.config.accounts import AccountConfig
from invoicetui.config.options import FetchMode
from invoicetui.core.errors import ProviderError
from invoicetui.core.model import Invoice
from invoicetui.service.docfiles import MAX_DOCUMENT_BYTES, file_sha256
from invoicetui.service.docsave import (
    DIFFERS,
    FAILED,
    OFFLINE,
    SKIPPED,
    DocumentResult,
    Saver,
    _one_line,
    account_folder,
    document_kinds,
    document_name,
)
from invoicetui.service.periods import Period

if TYPE_CHECKING:
    from invoicetui.cache import Cache
    from invoicetui.service.loading import DetailClients


@dataclass
class AccountReport:
    """What one account contributed: its invoices of the period, documents, failure lines."""

    account: AccountConfig
    invoices: list[Invoice] = field(default_factory=list)
    documents: dict[str, list[DocumentResult]] = field(default_factory=dict)
    serves_documents: bool = False
    errors: list[str] = field(default_factory=list)

    def counts(self) -> Counter[str]:
        return Counter(d.status for docs in self.documents.values() for d in docs)

    @property
    def failed(self) -> bool:
        counts = self.counts()
        return bool(self.errors) or bool(counts[FAILED] or counts[DIFFERS] or counts[SKIPPED])


class Progress(Protocol):
    """How a run reports as it goes (the CLI draws a bar per account; tests record)."""

    def stage(self, account: str, text: str) -> None: ...

    def planned(self, account: str, total: int) -> None: ...

    def advanced(self, account: str, status: str) -> None: ...


# ---------------------------------------------------------------------- one account


async def _account(
    account: AccountConfig,
    cache: Cache | None,
    mode: FetchMode,
    period: Period,
    directory: Path,
    clients: DetailClients,
    *,
    force: bool,
    progress: Progress | None,
    max_bytes: int,
) -> AccountReport:
    """One account's run, within its deadline (list, details and downloads, all in one)."""
    from invoicetui.service.bounds import account_deadline

    report = AccountReport(account)
    try:
        async with account_deadline(account):
            await _fill(
                report, cache, mode, period, directory, clients,
                force=force, progress=progress, max_bytes=max_bytes,
            )  # fmt: skip
    except ProviderError as exc:  # the deadline: what was done so far stays reported
        report.errors.append(_one_line(exc.with_account(account.provider, account.name)))
        if progress is not None:
            progress.stage(account.name, "failed")
    return report


async def _fill(
    report: AccountReport,
    cache: Cache | None,
    mode: FetchMode,
    period: Period,
    directory: Path,
    clients: DetailClients,
    *,
    force: bool,
    progress: Progress | None,
    max_bytes: int,
) -> None:
    from invoicetui.service import export, loading

    account = report.account
    say = progress.stage if progress is not None else (lambda _a, _t: None)
    say(account.name, "loading invoices")
    outcome = await export.load_one(account, cache, mode, with_details=False)
    if outcome.error:
        report.errors.append(outcome.error)
    chosen = [inv for inv in outcome.invoices if period.contains(inv.month)]
    offline = mode is FetchMode.OFFLINE
    if outcome.snapshot is None:
        say(account.name, "failed")
        return
    if any(not inv.detailed for inv in chosen):
        say(account.name, "loading invoice details")
    detail_errors: list[str] = []

    async def detail(inv: Invoice) -> Invoice:
        try:
            return await loading.load_invoice_detail(
                account, cache, inv, offline=offline, clients=clients
            )
        except ProviderError as exc:
            detail_errors.append(_one_line(exc))
            return inv

    semaphore = asyncio.Semaphore(4)

    async def bounded(inv: Invoice) -> Invoice:
        async with semaphore:
            return await detail(inv)

    report.invoices = list(await asyncio.gather(*(bounded(inv) for inv in chosen)))
    if detail_errors:
        report.errors.append(
            f"details of {len(detail_errors)} of {len(chosen)} invoices could not be loaded:"
            f" {detail_errors[0]}"
        )
    kinds = document_kinds(account.provider)
    report.serves_documents = bool(kinds)
    if not kinds or not report.invoices:
        if progress is not None:
            progress.planned(account.name, 0)
        say(account.name, "no PDF API" if not kinds else "no invoices")
        return
    jobs = [(inv, kind) for inv in report.invoices for kind in kinds]
    if progress is not None:
        progress.planned(account.name, len(jobs))
    if offline:
        _offline_results(report, jobs, directory, account, progress)
        return
    try:
        client = await clients.get(account)
    except ProviderError as exc:
        report.errors.append(_one_line(exc.with_account(account.provider, account.name)))
        return
    saver = Saver(
        client,
        account_folder(directory, account),
        directory,
        force=force,
        recheck=mode is FetchMode.REFRESH,
        max_bytes=max_bytes,
    )
    say(account.name, "downloading documents")
    done: dict[int, DocumentResult] = {}

    async def one(index: int) -> None:
        done[index] = result = await saver.save(*jobs[index])
        if progress is not None:
            progress.advanced(account.name, result.status)

    try:
        await client.gather_limited(range(len(jobs)), one)
    finally:
        await asyncio.to_thread(saver.close)
        # Also when the deadline ends the downloads: each job is reported, done or not.
        for index, (inv, kind) in enumerate(jobs):
            result = done.get(index) or _not_reached(saver, inv, kind)
            report.documents.setdefault(inv.id, []).append(result)
    _document_errors(report, saver)
    say(account.name, "failed" if report.failed else "done")
    return


def _not_reached(saver: Saver, invoice: Invoice, kind: str) -> DocumentResult:
    """A document the account's deadline left undone (SKIPPED: counted as not downloaded)."""
    target = saver.folder / document_name(invoice, kind)
    reason = "not downloaded: the account's deadline passed first"
    return DocumentResult(kind, saver._relative(target), SKIPPED, error=reason)


def _offline_results(
    report: AccountReport,
    jobs: Sequence[tuple[Invoice, str]],
    directory: Path,
    account: AccountConfig,
    progress: Progress | None,
) -> None:
    """--offline: list what is already saved; download nothing."""
    folder = account_folder(directory, account)
    missing = 0
    for inv, kind in jobs:
        target = folder / document_name(inv, kind)
        sha = file_sha256(target) if target.exists() else None
        missing += sha is None
        rel = target.relative_to(directory).as_posix()
        report.documents.setdefault(inv.id, []).append(
            DocumentResult(kind, rel, OFFLINE, None, sha)
        )
        if progress is not None:
            progress.advanced(account.name, OFFLINE)
    if missing:
        report.errors.append(
            f"{_prefix(account)}: {missing} documents not downloaded (--offline);"
            " run without --offline"
        )


def _document_errors(report: AccountReport, saver: Saver) -> None:
    counts = report.counts()
    failures = [d for docs in report.documents.values() for d in docs if d.status == FAILED]
    if saver.fatal is not None:
        undone = counts[FAILED] + counts[SKIPPED]
        report.errors.append(
            f"{_one_line(saver.fatal)}; {undone} of {sum(counts.values())} documents not downloaded"
        )
    elif failures:
        report.errors.append(
            f"{_prefix(report.account)}: {len(failures)} documents failed:"
            f" {failures[0].file}: {failures[0].error}"
        )
    if counts[DIFFERS]:
        report.errors.append(
            f"{_prefix(report.account)}: {counts[DIFFERS]} saved documents differ from the"
            " server's copy and were kept; run again with --force to replace them"
        )


def _prefix(account: AccountConfig) -> str:
    from invoicetui.service.export import account_prefix

    return account_prefix(account)


# ---------------------------------------------------------------------- the run


@dataclass
class DocumentsRun:
    period: Period
    directory: Path
    reports: list[AccountReport]

    @property
    def failed(self) -> bool:
        return any(r.failed for r in self.reports)


async def collect_documents(
    accounts: Sequence[AccountConfig],
    cache: Cache | None,
    mode: FetchMode,
    period: Period,
    directory: Path,
    *,
    force: bool = False,
    progress: Progress | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> DocumentsRun:
    """Every account at once (the order stays as configured); one account's failure is its own."""
    from invoicetui.service.loading import DetailClients

    directory.mkdir(parents=True, exist_ok=True)
    clients = DetailClients()
    try:
        reports = await asyncio.gather(
            *(
                _account(
                    account,
                    cache,
                    mode,
                    period,
                    directory,
                    clients,
                    force=force,
                    progress=progress,
                    max_bytes=max_bytes,
                )
                for account in accounts
            )
        )
    finally:
        await clients.aclose()
    return DocumentsRun(period, directory, list(reports))
