"""`invoicetui documents`: the paperwork of a period, a manifest plus the PDFs, into a folder.

Progress goes to stderr as one Rich bar per account when stderr is a terminal, and nowhere
otherwise (cron mails stay short); the result is one line per account on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from invoicetui.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    UsageError,
    err,
    fetch_mode,
    make_cache,
    resolve,
    select_accounts,
)

if TYPE_CHECKING:
    from invoicetui.service.documents import AccountReport, DocumentsRun, Progress


def cmd_documents(args: argparse.Namespace) -> int:
    from invoicetui.service.docfiles import FolderBusy, folder_lock
    from invoicetui.service.documents import collect_documents
    from invoicetui.service.manifest import write_manifest
    from invoicetui.service.periods import parse_period

    try:
        period = parse_period(args.period)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    directory = Path(args.output or f"invoices-{period.label}").expanduser()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create {directory}: {exc.strerror or exc}") from None
    with ExitStack() as stack:
        resolved = resolve(args, stack, auto_demo=False)
        accounts = select_accounts(resolved.accounts, args.account)
        cache = make_cache(resolved.cache_dir)
        try:
            stack.enter_context(folder_lock(directory))
        except FolderBusy as exc:
            raise UsageError(str(exc)) from None
        with progress_display([a.name for a in accounts]) as progress:
            run = asyncio.run(
                collect_documents(
                    accounts,
                    cache,
                    fetch_mode(args),
                    period,
                    directory,
                    force=args.force,
                    progress=progress,
                )
            )
        try:
            csv_path, json_path = write_manifest(run)
        except OSError as exc:
            raise UsageError(f"cannot write the manifest: {exc.strerror or exc}") from None
    print_summary(run, csv_path, json_path)
    return EXIT_FAILED if run.failed else EXIT_OK


def account_line(report: AccountReport) -> str:
    """What one account contributed, in one line."""
    from invoicetui.service.docsave import (
        DIFFERS,
        DOWNLOADED,
        OFFLINE,
        REPLACED,
        UNCHANGED,
        document_home,
    )

    name = report.account.name
    invoices = f"{len(report.invoices)} invoice{'s' if len(report.invoices) != 1 else ''}"
    if not report.serves_documents:
        urls = sum(1 for inv in report.invoices if inv.url)
        where = f"; {urls} URLs in the manifest" if urls else ""
        return f"{name}: {invoices}; {document_home(report.account.provider)}{where}"
    counts = report.counts()
    total = sum(counts.values())
    parts = [
        f"{counts[status]} {word}"
        for status, word in (
            (DOWNLOADED, "downloaded"),
            (REPLACED, "replaced"),
            (UNCHANGED, "already saved"),
            (DIFFERS, "differ (kept)"),
            (OFFLINE, "not downloaded (offline)"),
        )
        if counts[status]
    ]
    failed = total - sum(counts[s] for s in (DOWNLOADED, REPLACED, UNCHANGED, DIFFERS, OFFLINE))
    if failed:
        parts.append(f"{failed} failed")
    return f"{name}: {invoices}, {total} PDFs: {', '.join(parts) or 'none'}"


def print_summary(run: DocumentsRun, csv_path: Path, json_path: Path) -> None:
    for report in run.reports:
        print(account_line(report))
    print(f"manifest: {csv_path} and {json_path}", flush=True)
    for report in run.reports:
        for line in report.errors:
            err(line)


@contextmanager
def progress_display(accounts: list[str]) -> Iterator[Progress | None]:
    """A Rich bar per account on stderr when it is a terminal; None (quiet) otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    from invoicetui.cli.documents_progress import RichProgress

    with RichProgress(accounts) as progress:
        yield progress
