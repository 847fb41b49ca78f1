"""`invoicetui accounts [--check]`: the configured accounts, and whether each answers."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from contextlib import ExitStack

from invoicetui.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    resolve,
    strip_prefix,
    text_table,
)
from invoicetui.config.accounts import AccountConfig
from invoicetui.core.errors import InvoiceTuiError, ProviderError
from invoicetui.providers.registry import DEFAULT_BASE_URLS


def token_source(account: AccountConfig) -> str:
    """Where the token comes from, never the token."""
    if account.token_env:
        return f"env {account.token_env}"
    if account.token_command:
        return "token_command"
    return "inline token"


def cmd_accounts(args: argparse.Namespace) -> int:
    with ExitStack() as stack:
        resolved = resolve(args, stack, auto_demo=False)
        accounts = resolved.accounts
        if not args.check:
            rows = [["NAME", "PROVIDER", "BASE URL", "TOKEN"]]
            for a in accounts:
                url = a.base_url or f"{DEFAULT_BASE_URLS.get(a.provider, '?')} (default)"
                rows.append([a.name, a.provider, url, token_source(a)])
            sys.stdout.write(text_table(rows))
            return EXIT_OK
        results = asyncio.run(_check_all(accounts))
    rows = [["NAME", "PROVIDER", "RESULT"]]
    for account, error in zip(accounts, results, strict=True):
        rows.append([account.name, account.provider, "ok" if error is None else error])
    sys.stdout.write(text_table(rows))
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
