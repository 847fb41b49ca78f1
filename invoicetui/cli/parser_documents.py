"""The `documents` subcommand's arguments and help (kept apart: parsing imports no command)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

EPILOG = """\
examples:
  invoicetui documents --period 2026-10             one month, into ./invoices-2026-10
  invoicetui documents --period 2026-Q3 -o ~/books/2026-Q3
  invoicetui documents --period 2026 --account acme-palette
  invoicetui documents --period 2026-10 --offline   the manifest from the cache only

Writes DIR/manifest-PERIOD.csv and .json (every invoice of the period in every account)
and, where the API serves them (Palette: invoice, monthly report, usage report), the PDFs
as DIR/<account>/<id>-<kind>.pdf. A document saved before for an unchanged invoice is not
downloaded again; one that differs from the server's copy is kept unless --force.
--refresh checks every saved document against the server.
exit codes: 0 ok, 1 an account or a document failed (or differs), 2 usage or config error
"""


def add_documents_parser(
    subs: Any,
    help_line: str,
    add_config: Callable[..., None],
    add_mode: Callable[..., None],
    formatter: Callable[[str], argparse.HelpFormatter],
) -> None:
    parser = subs.add_parser(
        "documents",
        help=help_line,
        description="Save the paperwork of a period: a manifest of every invoice and the PDFs.",
        epilog=EPILOG,
        formatter_class=formatter,
    )
    parser.set_defaults(command="documents")
    add_config(parser, sub=True)
    parser.add_argument(
        "--period", required=True, metavar="PERIOD", help="YYYY-MM, YYYY-Qn or YYYY"
    )
    parser.add_argument(
        "-o", "--output", metavar="DIR", help="folder to write into (default ./invoices-PERIOD)"
    )
    parser.add_argument(
        "--account", metavar="NAME", action="append", default=[], help="only this account"
    )
    parser.add_argument("--force", action="store_true", help="replace saved documents that differ")
    add_mode(parser, sub=True)
