"""The command line's entry point: parse, dispatch, and turn errors into exit codes.

The parser lives in parser.py, shared plumbing in common.py and each command in its own
cmd_<name>.py (see CONTRACT.md, "Command line").
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

from invoicetui.cli.cmd_accounts import cmd_accounts
from invoicetui.cli.cmd_cache import cmd_cache
from invoicetui.cli.cmd_demo import cmd_demo_server
from invoicetui.cli.cmd_documents import cmd_documents
from invoicetui.cli.cmd_export import cmd_export
from invoicetui.cli.cmd_tui import cmd_tui
from invoicetui.cli.common import EXIT_FAILED, EXIT_USAGE, UsageError, err
from invoicetui.cli.parser import PROG, build_parser
from invoicetui.core.errors import ConfigError

COMMANDS: dict[str | None, Callable[[argparse.Namespace], int]] = {
    None: cmd_tui,
    "export": cmd_export,
    "accounts": cmd_accounts,
    "cache": cmd_cache,
    "demo-server": cmd_demo_server,
    "documents": cmd_documents,
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
        err(f"{PROG}: config error: {exc}")
        return EXIT_USAGE
    except UsageError as exc:
        err(f"{PROG}: error: {exc}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        err(f"{PROG}: interrupted")
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`); do not print a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILED
