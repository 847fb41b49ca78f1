"""The config's value types (pydantic Annotated types) with the wording users read.

Every check raises `problem(...)`, a ValueError whose text is final: the loader adds
file, line, account and key. Values of token keys are never put in a message.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import BeforeValidator, ValidationInfo

from invoicetui.config.values import Problem, parse_duration, type_name

MAX_TIMEOUT = 3600.0  # per attempt; more is a typo, and would hold an account for hours
MAX_RPS = 1000.0
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def problem(message: str, key: str | None = None) -> Problem:
    """The error a check raises (pydantic reports it as a value_error carrying it)."""
    return Problem(message, key)


def _duration(value: object) -> float:
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise problem(str(exc)) from None


def _seconds(limit: float, what: str) -> Any:
    def check(value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise problem(f"must be a number, not {type_name(value)}")
        if not math.isfinite(value):
            raise problem(f"must be a finite number of {what}, not {value!r}")
        if value <= 0:
            raise problem(f"must be greater than 0, not {value!r}")
        if value > limit:
            raise problem(f"must be at most {limit:g} {what}, not {value:.6g}")
        return float(value)

    return BeforeValidator(check)


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise problem(f"must be a string, not {type_name(value)}")
    value = value.strip()
    if not value:
        raise problem("must not be empty")
    return value


def _name(value: object) -> str:
    text = _text(value)
    if _CONTROL.search(text):
        raise problem("must not contain control characters")
    return text


def _text_list(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise problem('must be a list of non-empty strings, e.g. ["6650b1f3..."]')
    return tuple(v.strip() for v in value)


def _url(value: object) -> str:
    text = _text(value)
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or not parts.hostname:
        raise problem(f"{text[:80]!r} is not an http(s) URL")
    try:
        parts.port  # noqa: B018 - urllib checks the range 0-65535 when the port is read
    except ValueError:
        raise problem(f"{text[:80]!r}: the port must be a number from 1 to 65535") from None
    if parts.port == 0:
        raise problem(f"{text[:80]!r}: the port must be a number from 1 to 65535")
    return text


def _env_name(value: object) -> str:
    if not isinstance(value, str):
        raise problem(f"must be a string, not {type_name(value)}")
    if not value.strip():
        raise problem("must not be empty")
    if not _ENV_NAME.match(value.strip()):
        raise problem(
            "must be the NAME of an environment variable (letters, digits, _), not the token itself"
        )
    return value.strip()


def _secret(value: object) -> str:
    if not isinstance(value, str):
        raise problem(f"must be a string, not {type_name(value)}")
    if not value.strip():
        raise problem("must not be empty")
    return value


def _verify_tls(value: object, info: ValidationInfo) -> bool | str:
    if isinstance(value, bool):
        return value
    if not isinstance(value, str) or not value.strip():
        raise problem("must be true, false or the path of a CA bundle file")
    bundle = Path(value.strip()).expanduser()
    base = (info.context or {}).get("base_dir")
    if not bundle.is_absolute() and isinstance(base, Path):
        bundle = base / bundle
    if not bundle.is_file():
        raise problem(f"CA bundle {str(bundle)!r} does not exist")
    return str(bundle)


def _currency(value: object) -> str:
    text = _text(value)
    if not re.fullmatch(r"[A-Za-z]{3}", text):
        raise problem(f'must be a 3-letter ISO code such as "EUR", not {text[:20]!r}')
    return text.upper()


def _amount(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise problem(f'must be a decimal number such as "3000", not {type_name(value)}')
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise problem(f'must be a decimal number such as "3000", not {str(value)[:30]!r}') from None
    if not amount.is_finite() or amount <= 0 or amount.adjusted() > 15:
        raise problem(f"must be a positive amount below 10^16, not {str(value)[:30]!r}")
    return amount


Text = Annotated[str, BeforeValidator(_text)]
Name = Annotated[str, BeforeValidator(_name)]
TextList = Annotated[tuple[str, ...], BeforeValidator(_text_list)]
Url = Annotated[str, BeforeValidator(_url)]
EnvName = Annotated[str, BeforeValidator(_env_name)]
Secret = Annotated[str, BeforeValidator(_secret)]
TlsVerify = Annotated[bool | str, BeforeValidator(_verify_tls)]
Timeout = Annotated[float, _seconds(MAX_TIMEOUT, "seconds")]
Rate = Annotated[float, _seconds(MAX_RPS, "requests a second")]
Duration = Annotated[float, BeforeValidator(_duration)]
Currency = Annotated[str, BeforeValidator(_currency)]
Amount = Annotated[Decimal, BeforeValidator(_amount)]
