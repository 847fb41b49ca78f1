"""core/parse.py as the old normalizers (before_*.py) used it: the checked_* helpers with it.

Only those normalizers called `checked`, `checked_money` and `checked_date`; the wire models
note unreadable values through providers/wire.py instead, so the helpers left the package.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

from invoicetui.core.parse import *  # noqa: F403 (the readers, as before)
from invoicetui.core.parse import EXACT, MAX_YEAR, MIN_YEAR, money, shown

T = TypeVar("T")
__all__ = ["EXACT", "checked", "checked_date", "checked_money"]


def checked(
    reader: Callable[[object], T | None],
    value: object,
    field: str,
    problems: list[str],
    what: str = "not a finite decimal",
) -> T | None:
    """reader(value); when that is None for a value that was there, note it in problems."""
    result = reader(value)
    if result is None and value is not None and value != "":
        problems.append(f"{field}: {what} ({shown(value)})")
    return result


def checked_money(value: object, field: str, problems: list[str]) -> Decimal | None:
    return checked(money, value, field, problems)


def checked_date(
    reader: Callable[[object], T | None], value: object, field: str, problems: list[str]
) -> T | None:
    return checked(reader, value, field, problems, f"not a date in {MIN_YEAR}-{MAX_YEAR}")
