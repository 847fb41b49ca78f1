"""Tolerant readers for provider values: money, dates, ids and statuses.

Each returns None for a value it cannot read, so one bad field never loses a record; the wire
models (providers/wire.py `checked`) also note, in the record's problems list, a value that
was there but could not be read (CONTRACT.md, "Untrusted input": kept and marked).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Context, Decimal, InvalidOperation

from invoicetui.core.model import Status
from invoicetui.core.sanitize import clean_id, clean_optional

# Far larger than any real bill (and exact: JSON numbers arrive as Decimal, see
# providers/base.py); beyond it a value is corrupt, and formatting it would be huge.
_MONEY_LIMIT = Decimal(10) ** 30
# Wide enough that sums and products of accepted amounts (at most 64 digits) never round.
EXACT = Context(prec=200)
# More decimal places than any currency or meter uses (Waldur: 10): 1e-400 is corrupt, and
# written out in full it would be 400 digits.
MAX_PLACES = 30
# Dates outside these years are corrupt (a year-1 or year-9999 invoice), not history.
MIN_YEAR, MAX_YEAR = 1970, 2199
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NUMBER_TEXT = re.compile(r"^-?\d+(\.\d+)?$")


def money(value: object) -> Decimal | None:
    """A JSON number or decimal string as an exact Decimal (floats via their shortest repr)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        if isinstance(value, Decimal):
            if len(value.as_tuple().digits) > 64:
                return None
            result = value
        elif isinstance(value, int):
            result = Decimal(value)
        elif isinstance(value, float):
            if not math.isfinite(value):
                return None
            result = Decimal(repr(value))
        elif isinstance(value, str):
            text = value.strip() if value.isascii() else clean_id(value)  # zero-width too
            if not text or len(text) > 64:
                return None
            result = Decimal(text)
        else:
            return None
    except (InvalidOperation, ValueError, OverflowError):
        return None
    if not result.is_finite() or abs(result) >= _MONEY_LIMIT:
        return None
    exponent = result.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_PLACES:
        normal = result.normalize(EXACT)
        if result and normal.as_tuple().exponent < -MAX_PLACES:  # type: ignore[operator]
            return None
        result = normal if result else Decimal(0)
    return result


def cents(value: object) -> Decimal | None:
    """Zilliz sends cents; major units are value / 100, exactly."""
    amount = money(value)
    if amount is None:
        return None
    return amount.scaleb(-2, EXACT).normalize(EXACT) if amount else Decimal(0)


def exact_sum(values: Iterable[Decimal]) -> Decimal:
    """A sum that never rounds (the default context keeps only 28 digits)."""
    total = Decimal(0)
    for value in values:
        total = EXACT.add(total, value)
    return total


def normalize_amount(value: Decimal | None) -> Decimal | None:
    """Drop exponent forms that normalize() may produce (1E+2 → 100)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return value.quantize(Decimal(1), context=EXACT)
    return value


def two_places(value: Decimal | None) -> Decimal | None:
    """Same value, written with at least two places and no padding zeros beyond them."""
    if value is None:
        return None
    try:
        normal = value.normalize(EXACT)
        exponent = normal.as_tuple().exponent
        if isinstance(exponent, int) and exponent >= -2:
            return value.quantize(Decimal("0.01"), context=EXACT)
        return normal
    except InvalidOperation:
        return value


def plain_number(value: Decimal | None) -> Decimal | None:
    """Same value without padding zeros (a quantity of '2581.0000000' is 2581)."""
    if value is None:
        return None
    try:
        return normalize_amount(value.normalize(EXACT))
    except InvalidOperation:
        return value


def text(value: object) -> str | None:
    """A sanitized one-line provider string; empty strings count as absent."""
    cleaned = clean_optional(value)
    if cleaned is None:
        return None
    return cleaned.strip() or None


def text_field(value: object, key: str) -> str | None:
    """value[key] when value is a mapping and it is a non-blank string, sanitized."""
    if not isinstance(value, Mapping):
        return None
    raw = value.get(key)
    if not isinstance(raw, str):
        return None
    cleaned = clean_optional(raw)
    return cleaned if cleaned and cleaned.strip() else None


def timestamp(value: object) -> datetime | None:
    """RFC 3339 / ISO 8601 date-time string to aware UTC; naive times are taken as UTC."""
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        stamp = parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return stamp if MIN_YEAR <= stamp.year <= MAX_YEAR else None


def day(value: object) -> date | None:
    """A YYYY-MM-DD string (Waldur dates); a date-time string gives its UTC day."""
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        return None
    text = value.strip()
    if len(text) == 10:
        try:
            found = date.fromisoformat(text)
        except ValueError:
            return None
        return found if MIN_YEAR <= found.year <= MAX_YEAR else None
    stamp = timestamp(text)
    return stamp.date() if stamp else None


def epoch_ms(value: object) -> datetime | None:
    """DoiT sends milliseconds since the epoch (an int64; a float or digit string is read too).

    Computed in integer microseconds: float seconds would turn .999 into .998999.
    """
    if isinstance(value, str) and _NUMBER_TEXT.match(value.strip()) and len(value) < 32:
        value = Decimal(value.strip())
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        value = Decimal(repr(value))
    if not isinstance(value, int | Decimal):
        return None
    try:
        micros = int(EXACT.multiply(Decimal(value), Decimal(1000)).to_integral_value())
        stamp = _EPOCH + timedelta(microseconds=micros)
    except (OverflowError, ValueError, InvalidOperation):
        return None
    return stamp if MIN_YEAR <= stamp.year <= MAX_YEAR else None


def epoch_ms_day(value: object) -> date | None:
    """DoiT invoice and due dates are whole days sent as ms; keep the day."""
    stamp = epoch_ms(value)
    if stamp is None:
        return None
    if stamp.hour == stamp.minute == stamp.second == stamp.microsecond == 0:
        return stamp.date()
    return stamp


def _status_maps() -> dict[str, dict[str, Status]]:
    """The providers' status words (registry.py holds them, as plain strings)."""
    from invoicetui.providers.registry import SPECS

    return {s.name: {word: Status(value) for word, value in s.statuses.items()} for s in SPECS}


_STATUS_MAPS: dict[str, dict[str, Status]] = _status_maps()


def status(provider: str, raw: object) -> tuple[Status, str | None]:
    """Map a provider's status word to the vocabulary; anything else is unknown, raw kept."""
    text = clean_optional(raw)
    if text is None:
        return Status.UNKNOWN, None
    return _STATUS_MAPS.get(provider, {}).get(text, Status.UNKNOWN), text


def _is_midnight(stamp: datetime) -> bool:
    return stamp.hour == stamp.minute == stamp.second == stamp.microsecond == 0


def _is_end_of_day(stamp: datetime) -> bool:
    return (stamp.hour, stamp.minute, stamp.second) == (23, 59, 59)


def period_start(value: object) -> date | None:
    """A period's first instant: midnight UTC is a day (CONTRACT.md writes these as days)."""
    stamp = timestamp(value)
    if stamp is None:
        return None
    return stamp.date() if _is_midnight(stamp) else stamp


def period_end(value: object, *, exclusive: bool = False) -> date | None:
    """A period's last instant as its day when it is a day boundary.

    23:59:59[.fff] UTC is the last day itself; midnight is that day, or, for providers whose
    end is the first instant after the period (Zilliz), the day before. Other times stay.
    """
    stamp = timestamp(value)
    if stamp is None:
        return None
    if _is_end_of_day(stamp):
        return stamp.date()
    if _is_midnight(stamp):
        day_ = stamp.date()
        return day_ - timedelta(days=1) if exclusive else day_
    return stamp


# ---------------------------------------------------------------- ids and problems


def ident(value: object) -> str | None:
    """An id or number: one line, no zero-width characters; numbers are read, bools are not."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return str(value)
    if not isinstance(value, str):
        return None
    return clean_id(value) or None


def fallback_id(record: object) -> str:
    """A stable id for a record that has none: a digest of its content ("noid-…")."""
    blob = json.dumps(record, sort_keys=True, default=str, ensure_ascii=True)
    return "noid-" + hashlib.blake2b(blob.encode(), digest_size=6).hexdigest()


def shown(value: object) -> str:
    """A bad value as a problem note quotes it: short, one line, never 400 digits."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("-Infinity" if value < 0 else "Infinity")
    if isinstance(value, Decimal | float | int) and not isinstance(value, bool):
        text = str(value)
        if len(text) > 24:
            text = f"{Decimal(value) if isinstance(value, float) else value:.6E}"
        return text
    if isinstance(value, str):
        text = clean_id(value)  # sanitized before it is cut: a cut never splits a sequence
        return repr(text if len(text) <= 24 else text[:23] + "…")
    return f"a {type(value).__name__}"


def capped(problems: list[str], limit: int = 20) -> tuple[str, ...]:
    """A record's problems, at most `limit` lines (a 100k-item statement must stay readable)."""
    if len(problems) <= limit:
        return tuple(problems)
    return (*problems[: limit - 1], f"... and {len(problems) - limit + 1} more problems")
