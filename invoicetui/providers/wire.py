"""Building blocks of the providers' tolerant pydantic wire models (<name>/wire.py).

A wire model never fails to validate: each leaf runs the tolerant reader from core/parse.py
as a PlainValidator (one Python call per field), an object that is not one reads as the empty
model, a list keeps only its objects. A value that was there but unreadable becomes `Bad`,
which the model's builder turns into a line in the record's problems: one bad field marks the
record, it never drops it or the account (CONTRACT.md, "Untrusted input").

Records arrive as json.loads(parse_float=Decimal) dicts and go through validate_python: pydantic's
validate_json reads JSON numbers as binary floats, and money must stay as the provider wrote it.
Models are frozen (hashable), since pydantic deep-copies an unhashable default for every record
that lacks the field, and defer_build: a client imported for its document kinds only never
builds the schemas.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, PlainValidator, WrapValidator

from invoicetui.core import parse

DATE = f"not a date in {parse.MIN_YEAR}-{parse.MAX_YEAR}"
MONEY = "not a finite decimal"


class Bad:
    """A value that was there but could not be read: it becomes a problem note."""

    __slots__ = ("note",)

    def __init__(self, note: str) -> None:
        self.note = note


class Wire(BaseModel):
    """Wire fields are the providers' own names; unknown keys are ignored."""

    model_config = ConfigDict(
        extra="ignore",
        hide_input_in_errors=True,
        arbitrary_types_allowed=True,
        frozen=True,
        defer_build=True,
    )


M = TypeVar("M", bound=Wire)


def quiet(reader: Callable[[object], Any]) -> PlainValidator:
    """reader(value) as the field: None where it cannot read the value."""
    return PlainValidator(reader)


def checked(reader: Callable[[object], Any], what: str = MONEY) -> PlainValidator:
    """reader(value), or Bad for a value that was there and could not be read."""

    def read(value: object) -> Any:
        result = reader(value)
        if result is None and value is not None and value != "":
            return Bad(f"{what} ({parse.shown(value)})")
        return result

    return PlainValidator(read)


def ok(value: Any, field: str, problems: list[str]) -> Any:
    """The field's value; a Bad one is noted in problems and read as None."""
    if isinstance(value, Bad):
        problems.append(f"{field}: {value.note}")
        return None
    return value


def good(value: Any) -> Any:
    """The field's value, a Bad one read as None without a note."""
    return None if isinstance(value, Bad) else value


def obj(model: type[M]) -> WrapValidator:
    """The model from an object; anything else is the model with every field absent."""
    empty = model.model_construct()

    def read(value: object, handler: Callable[[object], Any]) -> Any:
        return handler(value) if isinstance(value, dict) else empty

    return WrapValidator(read)


def objs(limit: int) -> WrapValidator:
    """The objects of a list (at most `limit` entries read); anything else is no entries."""

    def read(value: object, handler: Callable[[object], Any]) -> Any:
        if not isinstance(value, list):
            return ()
        return handler([v for v in value[:limit] if isinstance(v, dict)])

    return WrapValidator(read)
