"""The argparse definitions and help texts of the command line (CONTRACT.md, "Command line")."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Collection
from typing import Any

from invoicetui import __version__
from invoicetui.config import locations

PROG = "invoicetui"

MAIN_HELP = """\
Browse invoices from Spectro Cloud Palette, Waldur, DoiT and Zilliz Cloud.

Without a command, starts the terminal UI. With no config file it shows demo data.
"""
MAIN_EPILOG = """\
examples:
  invoicetui                         start the UI (demo data if there is no config yet)
  invoicetui --demo                  the UI with the built-in demo accounts
  invoicetui export --format csv     all invoices as CSV on stdout
  invoicetui summary --fail-on due:7  owed, overdue, changes; exit 3 if due within 7 days
  invoicetui accounts --check        verify every account's credentials
  invoicetui demo-server             fake provider APIs plus a config to try them

files:
  config  {config}  (or INVOICETUI_CONFIG, or --config)
  cache   {cache}  (or INVOICETUI_CACHE_DIR)

exit codes: 0 ok, 1 at least one account failed, 2 usage or config error,
  3 summary --fail-on matched
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
  invoicetui cache info --config work.toml
"""
SUMMARY_EPILOG = """\
examples:
  invoicetui summary                     what is owed, overdue, spent and what changed
  invoicetui summary --format json | jq '.currencies'
  invoicetui summary --fail-on overdue   exit 3 when anything is overdue (cron, status bar)
  invoicetui summary --fail-on due:7     exit 3 when anything is overdue or due within 7 days

Exit codes as export (0 ok, 1 an account failed, 2 usage or config error), and 3 when
--fail-on matches (even if an account failed: what matched is still true).
Cached data younger than each account's cache_ttl is used unless --refresh.
"""
DEMO_EPILOG = """\
examples:
  invoicetui demo-server --config demo.toml     then, in another terminal:
  invoicetui --config demo.toml
  invoicetui demo-server --port 9000 --scale 100000
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


def _add_mode(parser: argparse.ArgumentParser, *, sub: bool) -> None:
    group = parser.add_mutually_exclusive_group()
    default = argparse.SUPPRESS if sub else False
    group.add_argument(
        "--offline", action="store_true", default=default, help="never touch the network"
    )
    group.add_argument(
        "--refresh", action="store_true", default=default, help="ignore the cache, fetch all"
    )


def _add_summary(subs: Any, help_line: str) -> None:
    summary = subs.add_parser(
        "summary",
        help=help_line,
        description="What is owed per currency, what is overdue (oldest first), spend this\n"
        "month and last per account, and what changed at the last refresh.",
        epilog=SUMMARY_EPILOG,
        formatter_class=_formatter,
    )
    summary.set_defaults(command="summary")
    _add_config(summary, sub=True)
    summary.add_argument(
        "--account", metavar="NAME", action="append", default=[], help="only this account"
    )
    summary.add_argument("--format", choices=("text", "json"), default="text")
    _add_mode(summary, sub=True)
    summary.add_argument(
        "--fail-on", metavar="overdue|due:DAYS", help="exit 3 when overdue (or due within DAYS)"
    )


def _add_export(subs: Any, help_line: str) -> None:
    export = subs.add_parser(
        "export",
        help=help_line,
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
    export.add_argument(
        "--format",
        choices=("json", "csv", "ledger", "beancount"),
        default="json",
        help="default: json; ledger, beancount: a journal, one transaction per invoice",
    )
    export.add_argument(
        "--items",
        action="store_true",
        help="csv: one row per line item (JSON always includes line items)",
    )
    export.add_argument("--since", metavar="YYYY-MM", help="first month to include")
    export.add_argument("--until", metavar="YYYY-MM", help="last month to include")
    _add_mode(export, sub=True)
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically)")


def _add_accounts(subs: Any, help_line: str) -> None:
    accounts = subs.add_parser(
        "accounts",
        help=help_line,
        description="List configured accounts (never their tokens).",
        epilog=ACCOUNTS_EPILOG,
        formatter_class=_formatter,
    )
    accounts.set_defaults(command="accounts")
    _add_config(accounts, sub=True)
    accounts.add_argument("--check", action="store_true", help="call each provider once")


def _add_cache(subs: Any, help_line: str) -> None:
    cache = subs.add_parser(
        "cache",
        help=help_line,
        description="Inspect or clear the on-disk invoice cache.",
        epilog=CACHE_EPILOG,
        formatter_class=_formatter,
    )
    cache.set_defaults(command="cache", action=None)
    _add_config(cache, sub=True)
    cache_subs = cache.add_subparsers(title="actions", metavar="ACTION")
    info = cache_subs.add_parser("info", help="path, size and age per account")
    info.set_defaults(action="info")
    _add_config(info, sub=True)
    clear = cache_subs.add_parser("clear", help="delete cached data")
    clear.set_defaults(action="clear")
    _add_config(clear, sub=True)
    clear.add_argument(
        "--account", metavar="NAME", help="only this account (configured, or still cached)"
    )


def _add_demo(subs: Any, help_line: str) -> None:
    demo = subs.add_parser(
        "demo-server",
        help=help_line,
        description=(
            "Serve fake Palette, Waldur, DoiT and Zilliz APIs in the foreground and print a\n"
            "ready-to-paste config.toml pointing at them. Ctrl+C stops it."
        ),
        epilog=DEMO_EPILOG,
        formatter_class=_formatter,
    )
    demo.set_defaults(command="demo-server")
    demo.add_argument(
        "--config",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="also write the demo config to PATH (then: invoicetui --config PATH)",
    )
    demo.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    demo.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 = any free)")
    demo.add_argument(
        "--scale",
        type=int,
        default=0,
        metavar="N",
        help="also serve waldur-scale (N provider items) and doit-scale (N/10 invoices)",
    )
    demo.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow binding a non-loopback address (the demo tokens are public)",
    )


def _add_documents(subs: Any, help_line: str) -> None:
    from invoicetui.cli.parser_documents import add_documents_parser

    add_documents_parser(subs, help_line, _add_config, _add_mode, _formatter)


# Each command: its line in the main --help, and what defines its parser in full.
COMMANDS: tuple[tuple[str, str, Callable[[Any, str], None]], ...] = (
    ("export", "print invoices as JSON or CSV", _add_export),
    ("documents", "a period's invoices as a manifest, plus their PDFs", _add_documents),
    ("accounts", "list configured accounts; --check verifies them", _add_accounts),
    ("cache", "show or clear the local cache", _add_cache),
    ("summary", "what is owed, overdue, due soon, spent, and what changed", _add_summary),
    ("demo-server", "serve the four fake provider APIs over HTTP", _add_demo),
)


def build_parser(commands: Collection[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line; `commands`: the subcommands defined in full (None: all).

    The others get only their help line, which is all the main --help shows of them: a parser
    costs ~0.4 ms to define (argparse looks up gettext catalogs on disk for its words), and one
    run uses one command at most (cli/main.py passes the words of its argv).
    """
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

    for name, help_line, add in COMMANDS:
        if commands is None or name in commands:
            add(subs, help_line)
        else:
            subs.add_parser(name, help=help_line)
    return parser
