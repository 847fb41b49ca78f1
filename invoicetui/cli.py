"""The command line: the TUI, export, accounts, cache and demo-server (see CONTRACT.md)."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import threading
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from invoicetui import __version__, locations
from invoicetui.accounts import AccountConfig
from invoicetui.config import DEFAULT_BASE_URLS, Config, load_config
from invoicetui.errors import ConfigError, InvoiceTuiError, ProviderError
from invoicetui.model import PROVIDER_LABELS
from invoicetui.options import AppSetup, FetchMode

if TYPE_CHECKING:
    from invoicetui.cache import Cache

PROG = "invoicetui"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class UsageError(Exception):
    """A command-line mistake (exit 2); the message says what to do instead."""


# ---------------------------------------------------------------------- parser

MAIN_HELP = """\
Browse invoices from Spectro Cloud Palette, Waldur, DoiT and Zilliz Cloud.

Without a command, starts the terminal UI. With no config file it shows demo data.
"""
MAIN_EPILOG = """\
examples:
  invoicetui                         start the UI (demo data if there is no config yet)
  invoicetui --demo                  the UI with the built-in demo accounts
  invoicetui export --format csv     all invoices as CSV on stdout
  invoicetui accounts --check        verify every account's credentials
  invoicetui demo-server             fake provider APIs plus a config to try them

files:
  config  {config}  (or INVOICETUI_CONFIG, or --config)
  cache   {cache}  (or INVOICETUI_CACHE_DIR)

exit codes: 0 ok, 1 at least one account failed, 2 usage or config error
"""
EXPORT_EPILOG = """\
examples:
  invoicetui export > invoices.json
  invoicetui export --format csv --since 2026-01 --until 2026-06 -o h1.csv
  invoicetui export --account acme-palette --account doit --items --format csv
  invoicetui export --offline            only what is cached, no network
  invoicetui export --demo | jq '.[].total'

Cached data younger than each account's cache_ttl is used unless --refresh.
--since/--until select by the month of period_start (or issued), inclusive.
"""
ACCOUNTS_EPILOG = """\
examples:
  invoicetui accounts
  invoicetui accounts --check            call each provider once: auth and reach
"""
CACHE_EPILOG = """\
examples:
  invoicetui cache info
  invoicetui cache clear                 forget everything cached
  invoicetui cache clear --account doit
"""
DEMO_EPILOG = """\
examples:
  invoicetui demo-server > demo.toml     then, in another terminal:
  invoicetui --config demo.toml
  invoicetui demo-server --port 9000 --scale 2
"""


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32)


def _add_config(parser: argparse.ArgumentParser, *, sub: bool) -> None:
    default = argparse.SUPPRESS if sub else None
    parser.add_argument(
        "--config",
        metavar="PATH",
        default=default,
        help="config file (default: INVOICETUI_CONFIG or the platform config dir)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS if sub else False,
        help="use the built-in demo accounts (an in-process fake API server)",
    )


def _add_demo(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--demo", action="store_true", default=argparse.SUPPRESS, help="the demo data's cache"
    )


def _add_mode(parser: argparse.ArgumentParser, *, sub: bool) -> None:
    group = parser.add_mutually_exclusive_group()
    default = argparse.SUPPRESS if sub else False
    group.add_argument(
        "--offline", action="store_true", default=default, help="never touch the network"
    )
    group.add_argument(
        "--refresh", action="store_true", default=default, help="ignore the cache, fetch all"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=MAIN_HELP,
        epilog=MAIN_EPILOG.format(config=locations.config_file(), cache=locations.cache_dir()),
        formatter_class=_formatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    _add_config(parser, sub=False)
    _add_mode(parser, sub=False)
    parser.add_argument("--theme", metavar="NAME", help="Textual theme (overrides [ui] theme)")
    parser.add_argument("--no-mouse", action="store_true", help="disable mouse support")
    parser.set_defaults(command=None)
    subs = parser.add_subparsers(title="commands", metavar="COMMAND")

    export = subs.add_parser(
        "export",
        help="print invoices as JSON or CSV",
        description="Fetch (or read from the cache) and print normalized invoices.",
        epilog=EXPORT_EPILOG,
        formatter_class=_formatter,
    )
    export.set_defaults(command="export")
    _add_config(export, sub=True)
    export.add_argument(
        "--account",
        metavar="NAME",
        action="append",
        default=[],
        help="only this account (repeatable; default: all)",
    )
    export.add_argument("--format", choices=("json", "csv"), default="json", help="default: json")
    export.add_argument("--items", action="store_true", help="csv: one row per line item")
    export.add_argument("--since", metavar="YYYY-MM", help="first month to include")
    export.add_argument("--until", metavar="YYYY-MM", help="last month to include")
    _add_mode(export, sub=True)
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically)")

    accounts = subs.add_parser(
        "accounts",
        help="list configured accounts; --check verifies them",
        description="List configured accounts (never their tokens).",
        epilog=ACCOUNTS_EPILOG,
        formatter_class=_formatter,
    )
    accounts.set_defaults(command="accounts")
    _add_config(accounts, sub=True)
    accounts.add_argument("--check", action="store_true", help="call each provider once")

    cache = subs.add_parser(
        "cache",
        help="show or clear the local cache",
        description="Inspect or clear the on-disk invoice cache.",
        epilog=CACHE_EPILOG,
        formatter_class=_formatter,
    )
    cache.set_defaults(command="cache", action=None)
    cache_subs = cache.add_subparsers(title="actions", metavar="ACTION")
    info = cache_subs.add_parser("info", help="path, size and age per account")
    info.set_defaults(action="info")
    _add_demo(info)
    clear = cache_subs.add_parser("clear", help="delete cached data")
    clear.set_defaults(action="clear")
    _add_demo(clear)
    clear.add_argument("--account", metavar="NAME", help="only this account")

    demo = subs.add_parser(
        "demo-server",
        help="serve the four fake provider APIs over HTTP",
        description=(
            "Serve fake Palette, Waldur, DoiT and Zilliz APIs in the foreground and print a\n"
            "ready-to-paste config.toml pointing at them. Ctrl+C stops it."
        ),
        epilog=DEMO_EPILOG,
        formatter_class=_formatter,
    )
    demo.set_defaults(command="demo-server")
    demo.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    demo.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 = any free)")
    demo.add_argument("--scale", type=int, default=0, metavar="N", help="add N big accounts' data")
    demo.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow binding a non-loopback address (the demo tokens are public)",
    )
    return parser


# ---------------------------------------------------------------------- shared plumbing


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _warn(message: str) -> None:
    _err(f"{PROG}: warning: {message}")


def _mode(args: argparse.Namespace) -> FetchMode:
    if getattr(args, "offline", False):
        return FetchMode.OFFLINE
    if getattr(args, "refresh", False):
        return FetchMode.REFRESH
    return FetchMode.AUTO


def config_location(args: argparse.Namespace) -> tuple[Path, bool]:
    """The config path and whether the user named it (--config or INVOICETUI_CONFIG)."""
    if args.config:
        return Path(args.config).expanduser(), True
    return locations.config_file(), bool(os.environ.get("INVOICETUI_CONFIG"))


def cache_location(demo: bool) -> Path:
    """Demo data lives apart from real data."""
    base = locations.cache_dir()
    return base / "demo" if demo else base


@dataclass
class Resolved:
    accounts: list[AccountConfig]
    config: Config | None
    config_path: Path
    demo: bool

    @property
    def cache_dir(self) -> Path:
        return cache_location(self.demo)


def resolve(
    args: argparse.Namespace, stack: ExitStack, *, auto_demo: bool, ui: bool = False
) -> Resolved:
    """Accounts from --demo (server started on `stack`) or from the config file.

    auto_demo: a missing default config means demo mode (the TUI) rather than an error.
    ui: in demo mode, still read an existing config for its [ui] and [keys] tables.
    """
    path, explicit = config_location(args)
    demo = bool(getattr(args, "demo", False))
    if not demo and not path.exists():
        if explicit:
            raise ConfigError("config file not found", path=str(path))
        if not auto_demo:
            raise UsageError(
                f"no config file at {path}\n"
                "  create it (`invoicetui demo-server` prints an example), point to one with\n"
                "  --config or INVOICETUI_CONFIG, or add --demo to see demo data"
            )
        demo = True
    config: Config | None = None
    if not demo:
        config = load_config(path)
        return Resolved(config.accounts, config, path, False)
    if ui and path.exists():
        try:
            config = load_config(path)  # only for [ui] and [keys]
        except ConfigError as exc:
            _warn(f"ignoring the config in demo mode: {exc}")
    from invoicetui.demo.runtime import running_demo

    _server, accounts = stack.enter_context(running_demo())
    return Resolved(accounts, config, path, True)


def _make_cache(directory: Path) -> Cache:
    from invoicetui.cache import Cache

    return Cache(directory=directory, warn=_warn)


def _strip_prefix(account: AccountConfig, message: str) -> str:
    label = PROVIDER_LABELS.get(account.provider, account.provider)
    prefix = f"{label} account '{account.name}': "
    return message[len(prefix) :] if message.startswith(prefix) else message


# ---------------------------------------------------------------------- commands


def cmd_tui(args: argparse.Namespace) -> int:
    with ExitStack() as stack:
        resolved = resolve(args, stack, auto_demo=True, ui=True)
        config = resolved.config
        setup = AppSetup(
            accounts=resolved.accounts,
            cache_dir=resolved.cache_dir,
            mode=_mode(args),
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
    from invoicetui import export

    try:
        since = export.parse_month(args.since) if args.since else None
        until = export.parse_month(args.until) if args.until else None
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if since and until and since > until:
        raise UsageError(f"--since {since} is after --until {until}")
    if args.items and args.format != "csv":
        raise UsageError("--items needs --format csv (JSON always includes line items)")
    output = Path(args.output).expanduser() if args.output and args.output != "-" else None
    if output is not None and not output.parent.is_dir():
        raise UsageError(f"cannot write {output}: directory {output.parent} does not exist")
    with ExitStack() as stack:
        resolved = resolve(args, stack, auto_demo=False)
        accounts = _select(resolved.accounts, args.account)
        cache = _make_cache(resolved.cache_dir)
        outcomes = asyncio.run(export.load_all(accounts, cache, _mode(args)))
    invoices = export.collect(outcomes, since, until)
    text = export.render(invoices, args.format, items=args.items)
    if output is not None:
        try:
            export.write_atomic(output, text)
        except OSError as exc:
            raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    for outcome in outcomes:
        if outcome.error:
            _err(outcome.error)
    return EXIT_FAILED if any(o.failed for o in outcomes) else EXIT_OK


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
    from invoicetui import service
    from invoicetui.export import _call

    async def one(account: AccountConfig) -> str | None:
        try:
            await _call(service.check_account, account)
        except ProviderError as exc:
            return _strip_prefix(account, str(exc))
        except InvoiceTuiError as exc:
            return str(exc)
        return None

    return list(await asyncio.gather(*(one(a) for a in accounts)))


def cmd_cache(args: argparse.Namespace) -> int:
    from invoicetui.export import describe_age

    if args.action is None:
        raise UsageError("cache needs an action: `invoicetui cache info` or `cache clear`")
    demo = bool(getattr(args, "demo", False))
    cache = _make_cache(cache_location(demo))
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
        _err(f"{PROG}: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
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
    _err(f"{PROG}: demo server stopped")
    return EXIT_OK


COMMANDS = {
    None: cmd_tui,
    "export": cmd_export,
    "accounts": cmd_accounts,
    "cache": cmd_cache,
    "demo-server": cmd_demo_server,
}


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code instead of exiting (tests call it directly)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error (argparse exits 2)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        return COMMANDS[args.command](args)
    except ConfigError as exc:
        _err(f"{PROG}: config error: {exc}")
        return EXIT_USAGE
    except UsageError as exc:
        _err(f"{PROG}: error: {exc}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        _err(f"{PROG}: interrupted")
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`); do not print a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILED
