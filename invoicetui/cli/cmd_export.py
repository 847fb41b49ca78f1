"""`invoicetui export`: normalized invoices as JSON or CSV on stdout or a file."""

from __future__ import annotations

import argparse
import asyncio
import sys
from contextlib import ExitStack
from pathlib import Path

from invoicetui.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    UsageError,
    err,
    fetch_mode,
    make_cache,
    resolve,
    select_accounts,
    warn,
)


def cmd_export(args: argparse.Namespace) -> int:
    from invoicetui.service import export

    try:
        since = export.parse_month(args.since) if args.since else None
        until = export.parse_month(args.until) if args.until else None
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if since and until and since > until:
        raise UsageError(f"--since {since} is after --until {until}")
    output = Path(args.output).expanduser() if args.output and args.output != "-" else None
    if output is not None and not output.parent.is_dir():
        raise UsageError(f"cannot write {output}: directory {output.parent} does not exist")
    with ExitStack() as stack:
        resolved = resolve(args, stack, auto_demo=False)
        accounts = select_accounts(resolved.accounts, args.account)
        cache = make_cache(resolved.cache_dir)
        outcomes = asyncio.run(export.load_all(accounts, cache, fetch_mode(args)))
    invoices = export.collect(outcomes, since, until)
    parts = export.render_parts(invoices, args.format, items=args.items)
    if output is not None:
        try:
            export.write_atomic(output, parts)
        except OSError as exc:
            raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None
    else:
        for part in parts:
            write_stdout(part)
    for outcome in outcomes:
        for warning in outcome.warnings:
            warn(warning)
        if outcome.error:
            err(outcome.error)
    return EXIT_FAILED if any(o.failed for o in outcomes) else EXIT_OK


def write_stdout(text: str) -> None:
    """JSON and CSV are UTF-8 whatever the locale says (a C locale must not crash on "ü")."""
    try:
        sys.stdout.write(text)
    except UnicodeEncodeError:
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.flush()


