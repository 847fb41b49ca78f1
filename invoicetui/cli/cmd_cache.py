"""`invoicetui cache info | clear`: what is cached, and removing it."""

from __future__ import annotations

import argparse
import sys

from invoicetui.cli.common import (
    EXIT_OK,
    UsageError,
    cache_location,
    configured_names,
    make_cache,
    text_table,
)


def cmd_cache(args: argparse.Namespace) -> int:
    from invoicetui.service.export import describe_age

    if args.action is None:
        raise UsageError("cache needs an action: `invoicetui cache info` or `cache clear`")
    demo = bool(getattr(args, "demo", False))
    cache = make_cache(cache_location(demo))
    label = "demo cache" if demo else "cache"
    if args.action == "clear":
        if args.account:
            _check_account(args, args.account, {e.name for e in cache.info()})
        removed = cache.clear(args.account) if args.account else cache.clear()
        if args.account and not removed:
            print(f"nothing cached for account {args.account!r} in the {label}")
        elif args.account:
            print(f"cleared the {label} of account {args.account!r}")
        else:
            print(f"cleared the {label} ({len(removed)} accounts): {cache.directory}")
        return EXIT_OK
    entries = cache.info()
    print(f"path: {cache.directory}")
    print(f"size: {_human_size(sum(e.size for e in entries))}")
    if not entries:
        print("accounts: none cached")
        return EXIT_OK
    rows = [["ACCOUNT", "PROVIDER", "INVOICES", "DETAILS", "FETCHED", "SIZE"]]
    for e in entries:
        fetched = f"unreadable: {e.error}" if e.error else describe_age(e.fetched_at)
        rows.append(
            [
                e.name,
                e.provider or "?",
                str(e.invoices),
                str(e.details),
                fetched,
                _human_size(e.size),
            ]
        )
    sys.stdout.write(text_table(rows))
    return EXIT_OK


def _check_account(args: argparse.Namespace, name: str, cached: set[str]) -> None:
    """--account names a configured account, or one still cached; else say which there are."""
    configured = configured_names(args)
    if not configured or name in configured or name in cached:
        return  # no config to check a typo against: "nothing cached for account ..."
    listed = ", ".join(configured) or "none"
    leftover = sorted(cached - set(configured))
    also = f"; also cached: {', '.join(leftover)}" if leftover else ""
    raise UsageError(f"unknown account {name!r}; configured: {listed}{also}")


def _human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover
