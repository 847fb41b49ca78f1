"""The bodies of the commands: the TUI, export, accounts, cache and demo-server."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import threading
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from types import FrameType

from invoicetui.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    UsageError,
    cache_location,
    err,
    fetch_mode,
    make_cache,
    resolve,
    strip_prefix,
)
from invoicetui.cli.parser import PROG
from invoicetui.config.accounts import AccountConfig
from invoicetui.config.load import DEFAULT_BASE_URLS
from invoicetui.config.options import AppSetup
from invoicetui.core.errors import InvoiceTuiError, ProviderError

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def cmd_tui(args: argparse.Namespace) -> int:
    with ExitStack() as stack:
        resolved = resolve(args, stack, auto_demo=True, ui=True)
        config = resolved.config
        setup = AppSetup(
            accounts=resolved.accounts,
            cache_dir=resolved.cache_dir,
            mode=fetch_mode(args),
            demo=resolved.demo,
            theme=args.theme or (config.theme if config else None),
            keys=dict(config.keys) if config else {},
            mouse=not args.no_mouse,
            config_path=resolved.config_path,
        )
        from invoicetui.tui.app import run

        return int(run(setup))
    raise AssertionError("unreachable")  # pragma: no cover


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
        accounts = _select(resolved.accounts, args.account)
        cache = make_cache(resolved.cache_dir)
        outcomes = asyncio.run(export.load_all(accounts, cache, fetch_mode(args)))
    invoices = export.collect(outcomes, since, until)
    text = export.render(invoices, args.format, items=args.items)
    if output is not None:
        try:
            export.write_atomic(output, text)
        except OSError as exc:
            raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None
    else:
        write_stdout(text)
    for outcome in outcomes:
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


def _select(accounts: list[AccountConfig], names: Sequence[str]) -> list[AccountConfig]:
    if not names:
        return accounts
    known = {a.name for a in accounts}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UsageError(
            f"unknown account {unknown[0]!r}; configured: {', '.join(a.name for a in accounts)}"
        )
    wanted = set(names)
    return [a for a in accounts if a.name in wanted]


def token_source(account: AccountConfig) -> str:
    """Where the token comes from, never the token."""
    if account.token_env:
        return f"env {account.token_env}"
    if account.token_command:
        return "token_command"
    return "inline token"


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines) + "\n"


def cmd_accounts(args: argparse.Namespace) -> int:
    with ExitStack() as stack:
        resolved = resolve(args, stack, auto_demo=False)
        accounts = resolved.accounts
        if not args.check:
            rows = [["NAME", "PROVIDER", "BASE URL", "TOKEN"]]
            for a in accounts:
                url = a.base_url or f"{DEFAULT_BASE_URLS.get(a.provider, '?')} (default)"
                rows.append([a.name, a.provider, url, token_source(a)])
            sys.stdout.write(_table(rows))
            return EXIT_OK
        results = asyncio.run(_check_all(accounts))
    rows = [["NAME", "PROVIDER", "RESULT"]]
    for account, error in zip(accounts, results, strict=True):
        rows.append([account.name, account.provider, "ok" if error is None else error])
    sys.stdout.write(_table(rows))
    return EXIT_FAILED if any(e is not None for e in results) else EXIT_OK


async def _check_all(accounts: Sequence[AccountConfig]) -> list[str | None]:
    from invoicetui.service import loading as service
    from invoicetui.service.export import _call

    async def one(account: AccountConfig) -> str | None:
        try:
            await _call(service.check_account, account)
        except ProviderError as exc:
            return strip_prefix(account, str(exc))
        except InvoiceTuiError as exc:
            return str(exc)
        except (ValueError, TypeError, KeyError, AttributeError, ArithmeticError) as exc:
            # A client bug fails this account's line, not the whole table.
            return " ".join(f"internal error ({type(exc).__name__}: {exc})".split())[:300]
        return None

    return list(await asyncio.gather(*(one(a) for a in accounts)))


def cmd_cache(args: argparse.Namespace) -> int:
    from invoicetui.service.export import describe_age

    if args.action is None:
        raise UsageError("cache needs an action: `invoicetui cache info` or `cache clear`")
    demo = bool(getattr(args, "demo", False))
    cache = make_cache(cache_location(demo))
    label = "demo cache" if demo else "cache"
    if args.action == "clear":
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
    sys.stdout.write(_table(rows))
    return EXIT_OK


def _human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover


def cmd_demo_server(args: argparse.Namespace) -> int:
    from invoicetui.demo.runtime import serve_demo
    from invoicetui.demo.server import DemoServer

    if args.host not in LOOPBACK and not args.allow_remote:
        raise UsageError(
            f"refusing to serve demo data on {args.host}: the demo tokens are public; "
            "add --allow-remote if you mean it"
        )
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port} is not a port number (0-65535)")
    if args.scale < 0:
        raise UsageError("--scale must be 0 or more")
    try:
        server = DemoServer(args.host, args.port, scale=args.scale)
    except OSError as exc:
        err(f"{PROG}: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
        return EXIT_FAILED
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, on_signal)
    try:
        serve_demo(server, sys.stdout, stop)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    err(f"{PROG}: demo server stopped")
    return EXIT_OK
