"""The whole config file as pydantic models: accounts (one model per provider) and the tables.

Built on first use from the provider registry, so that a provider added there is accepted
here without an edit; pydantic is imported only when a config is validated.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationInfo,
    model_validator,
)

from invoicetui.config.fields import Amount, Currency, Text, problem
from invoicetui.config.values import type_name
from invoicetui.providers.registry import SPECS

TABLES = ("accounts", "ui", "keys", "rates", "budgets", "groups")


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True, frozen=True)


def _theme(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise problem('must be a theme name such as "nord"')
    return value.strip()


def _directory(value: object, info: ValidationInfo) -> Path:
    """A directory path, relative to the config file's own directory."""
    if not isinstance(value, str) or not value.strip():
        raise problem('must be the path of a directory, e.g. "~/Documents/invoices"')
    path = Path(value.strip()).expanduser()
    base = (info.context or {}).get("base_dir")
    if not path.is_absolute() and isinstance(base, Path):
        path = base / path
    if path.exists() and not path.is_dir():
        raise problem(f"{str(path)!r} exists and is not a directory")
    return path


class UiTable(_Table):
    """[ui]: how the TUI looks and where it saves what it downloads."""

    theme: Annotated[str, BeforeValidator(_theme)] | None = None
    downloads: Annotated[Path, BeforeValidator(_directory)] | None = None


class RatesTable(_Table):
    """[rates]: base = "EUR" and one `CODE = "rate"` per currency (1 CODE = rate base)."""

    model_config = ConfigDict(extra="allow", hide_input_in_errors=True, frozen=True)
    __pydantic_extra__: dict[str, Amount] = Field(init=False)

    base: Currency

    @model_validator(mode="before")
    @classmethod
    def _codes(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for code in data:
                if code != "base" and not re.fullmatch(r"[A-Z]{3}", str(code)):
                    raise problem(
                        'is not a currency code: write 3 capital letters such as "USD", '
                        'or base = "EUR"',
                        key=str(code),
                    )
        return data


def _group_label(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise problem(f'must be a group label such as "team-payments", not {type_name(value)}')
    return value.strip()


class FileModel(_Table):
    """The top level of config.toml (accounts are added per provider in file_adapter)."""

    ui: UiTable | None = None
    keys: dict[str, Any] = {}  # checked by invoicetui.config.keys.check_keys
    rates: RatesTable | None = None
    budgets: dict[str, Amount] = {}
    groups: dict[Text, Annotated[str, BeforeValidator(_group_label)]] = {}


@cache
def file_adapter() -> TypeAdapter[Any]:
    """The validator of a whole file: FileModel plus accounts discriminated on `provider`."""
    models = tuple(spec.settings_model() for spec in SPECS)
    account = Annotated[Union[models], Field(discriminator="provider")]  # type: ignore[valid-type]  # noqa: UP007

    class ConfigFile(FileModel):
        accounts: list[account]

    return TypeAdapter(ConfigFile)
