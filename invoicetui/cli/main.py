"""The command line's entry point: parse, dispatch, and turn errors into exit codes.

The parser lives in parser.py, shared plumbing in common.py and each command in its own
cmd_<name>.py (see CONTRACT.md, "Command line").
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable

from invoicetui.tui import runtime  # no Textual: the GC pause below

# Subcommand -> (module, function). Only the chosen command's module is imported: the TUI's
# start does not pay for export, and `cache info` does not pay for the TUI.
COMMANDS: dict[str | None, tuple[str, str]] = {
    None: ("invoicetui.cli.cmd_tui", "cmd_tui"),
    "export": ("invoicetui.cli.cmd_export", "cmd_export"),
    "accounts": ("invoicetui.cli.cmd_accounts", "cmd_accounts"),
    "cache": ("invoicetui.cli.cmd_cache", "cmd_cache"),
    "demo-server": ("invoicetui.cli.cmd_demo", "cmd_demo_server"),
    "summary": ("invoicetui.cli.cmd_summary", "cmd_summary"),
    "documents": ("invoicetui.cli.cmd_documents", "cmd_documents"),
}


def command(name: str | None) -> Callable[[argparse.Namespace], int]:
    """The function that runs a subcommand (its module imported on first use)."""
    module, function = COMMANDS[name]
    run: Callable[[argparse.Namespace], int] = getattr(importlib.import_module(module), function)
    return run


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code instead of exiting (tests call it directly)."""
    # The modules about to load make tens of thousands of objects that all live on: the GC
    # would only scan them again and again. Paused until the command runs (the TUI: until its
    # first frame, tui/runtime.py).
    runtime.pause_gc()
    try:
        return _dispatch(argv)
    finally:
        runtime.resume_gc()


def _dispatch(argv: list[str] | None) -> int:
    from invoicetui.cli.common import EXIT_FAILED, EXIT_USAGE, UsageError, err
    from invoicetui.cli.parser import PROG, build_parser
    from invoicetui.core.errors import ConfigError

    words = sys.argv[1:] if argv is None else argv
    # Only the command named (at most one) gets its whole parser; --help shows every one.
    wanted = None if {"-h", "--help"} & set(words) else set(words)
    parser = build_parser(wanted)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error (argparse exits 2)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        run = command(args.command)
        if args.command is not None:
            runtime.resume_gc()  # the TUI keeps it paused until its first frame
        return run(args)
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
