"""Read config.toml into a Config: pydantic validates, and every error names file and line.

All the problems of a file are reported at once, each pinned to its line (locate.py maps
pydantic's `loc` back to the TOML text), naming the account and the key, with a "did you
mean". Token values are never part of a message.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from invoicetui.config.accounts import AccountConfig
from invoicetui.config.keys import BINDING_IDS, check_keys
from invoicetui.config.locate import Locator
from invoicetui.config.values import Problem, type_name
from invoicetui.config.values import parse_duration as parse_duration
from invoicetui.config.write import COMMON_KEYS as COMMON_KEYS
from invoicetui.config.write import account_to_toml as account_to_toml
from invoicetui.core.errors import ConfigError
from invoicetui.providers.registry import BY_NAME, PROVIDERS
from invoicetui.providers.registry import DEFAULT_BASE_URLS as DEFAULT_BASE_URLS

if TYPE_CHECKING:
    from pydantic import ValidationError

TABLES = ("accounts", "ui", "keys", "rates", "budgets", "groups")
_TABLE_LIST = "[[accounts]], [ui], [keys], [rates], [budgets] or [groups]"


@dataclass(frozen=True, slots=True)
class Rates:
    """[rates]: 1 unit of each currency in `base`, for approximate totals only."""

    base: str
    rates: dict[str, Decimal]


@dataclass(frozen=True)
class Config:
    """A loaded config file: accounts in file order plus the optional tables."""

    accounts: list[AccountConfig]
    theme: str | None
    keys: dict[str, str] = field(default_factory=dict)
    path: Path = field(default_factory=Path)
    rates: Rates | None = None
    budgets: dict[str, Decimal] = field(default_factory=dict)  # account -> monthly budget
    groups: dict[str, str] = field(default_factory=dict)  # project or account -> label
    downloads: Path | None = None  # [ui] downloads: where documents are saved

    def account(self, name: str) -> AccountConfig | None:
        return next((a for a in self.accounts if a.name == name), None)


def load_config(path: Path | str, *, memo: Path | None = None) -> Config:
    """Read and validate the config file; every problem is a ConfigError naming file and line.

    memo: a file remembering the last config that validated (memo.py): the TUI's start.
    """
    path = Path(path).expanduser()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("config file not found", path=str(path)) from None
    except IsADirectoryError:
        raise ConfigError("is a directory, not a config file", path=str(path)) from None
    except UnicodeDecodeError:
        raise ConfigError("config file is not valid UTF-8", path=str(path)) from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file ({exc.strerror})", path=str(path)) from None
    return parse_config(text, path, memo=memo)


def read_toml(text: str, path: Path) -> dict[str, Any]:
    """The TOML document, or a ConfigError with its line (deep nesting included)."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        line = int(found.group(1)) if found else None
        raise ConfigError(f"invalid TOML: {exc}", path=str(path), line=line) from None
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise ConfigError(
            "invalid TOML: values nested too deeply to read", path=str(path)
        ) from None


def parse_config(text: str, path: Path, *, memo: Path | None = None) -> Config:
    """Validate config text already read from `path` (the path is used for messages)."""
    data = read_toml(text, path)
    if memo is not None:
        from invoicetui.config import memo as memos

        remembered: Config | None = memos.recall(memo, text, path, data)
        if remembered is not None:
            return remembered
    from pydantic import ValidationError

    from invoicetui.config.schema import file_adapter

    check = _Check(text, path, data)
    try:
        model = file_adapter().validate_python(data, context={"base_dir": path.parent})
    except ValidationError as exc:
        check.pydantic(exc)
        model = None
    except RecursionError:
        check.add(None, "values nested too deeply to check")
        model = None
    check.cross()
    check.raise_any()
    assert model is not None
    config = _config(model, check.keys, path)
    if memo is not None:
        memos.remember(memo, text, config)
    return config


def _config(model: Any, keys: dict[str, str], path: Path) -> Config:
    ui = model.ui
    rates = model.rates
    downloads = ui.downloads if ui is not None else None
    return Config(
        accounts=[a.to_account() for a in model.accounts],
        theme=ui.theme if ui is not None else None,
        keys=keys,
        path=path,
        rates=Rates(rates.base, dict(rates.model_extra or {})) if rates is not None else None,
        budgets=dict(model.budgets),
        groups=dict(model.groups),
        downloads=downloads,
    )


class _Check:
    """Collects the file's problems, each with its line, and raises them together."""

    def __init__(self, text: str, path: Path, data: dict[str, Any]) -> None:
        self.where = Locator(text)
        self.path = path
        self.data = data
        self.found: list[tuple[int | None, str]] = []
        self.keys: dict[str, str] = {}

    def add(self, line: int | None, message: str) -> None:
        self.found.append((line, message))

    def raise_any(self) -> None:
        if not self.found:
            return
        found = sorted(self.found, key=lambda f: f[0] or 0)
        errors = [ConfigError(m, path=str(self.path), line=line) for line, m in found]
        first = found[0]
        raise ConfigError(first[1], path=str(self.path), line=first[0], also=tuple(errors[1:]))

    # ------------------------------------------------------------------ pydantic's errors

    def pydantic(self, exc: ValidationError) -> None:
        for error in exc.errors(include_url=False, include_input=False):
            loc = tuple(error["loc"])
            kind, ctx, msg = error["type"], error.get("ctx") or {}, error["msg"]
            cause = ctx.get("error")
            if kind == "value_error" and isinstance(cause, Problem):  # our checks' own words
                msg, ctx = str(cause), {"key": cause.key} if cause.key else {}
            if loc and loc[0] == "accounts":
                self.account_error(loc, kind, msg, ctx)
            else:
                self.table_error(loc, kind, msg, ctx)

    def raw_accounts(self) -> list[Any]:
        raw = self.data.get("accounts")
        return raw if isinstance(raw, list) else []

    def account_error(self, loc: tuple[Any, ...], kind: str, msg: str, ctx: dict[str, Any]) -> None:
        if len(loc) == 1:
            if kind == "missing":
                self.add(None, "no [[accounts]] defined; add at least one account")
            else:
                self.add(
                    self.where.top_line("accounts"),
                    "'accounts' must be an array of tables, written [[accounts]]",
                )
            return
        index = loc[1]
        raw = self.raw_accounts()[index]
        if not isinstance(raw, dict):
            self.add(
                self.where.top_line("accounts"),
                "'accounts' must be an array of tables, written [[accounts]]",
            )
            return
        name = raw.get("name")
        label = (
            f"account {name.strip()!r}"
            if isinstance(name, str) and name.strip()
            else (f"account #{index + 1}")
        )
        provider = raw.get("provider")
        key: str | None = str(loc[3]) if len(loc) > 3 else ctx.get("key")
        if kind in ("union_tag_invalid", "union_tag_not_found"):
            key = "provider"
            if kind == "union_tag_not_found":
                msg = "missing (required)"
            elif not isinstance(provider, str):
                msg = f"must be a string, not {type_name(provider)}"
            else:
                msg = (
                    f"unknown provider {provider!r}{suggest(provider, PROVIDERS)}; "
                    f"expected one of: {', '.join(PROVIDERS)}"
                )
        elif kind == "missing" and key is not None:
            spec = BY_NAME[str(provider)]
            because = spec.settings_model().REQUIRED_BECAUSE.get(key, "required")
            msg = f"missing ({because})"
        elif kind == "extra_forbidden" and key is not None:
            msg = self.unknown_account_key(key, str(provider))
        span = self.where.table_span("accounts", index)
        where = f"{label}: key {key!r}: " if key else f"{label}: "
        self.add(self.where.key_line(span, key), where + msg)

    def unknown_account_key(self, key: str, provider: str) -> str:
        owner = next((s.name for s in BY_NAME.values() if key in s.keys), None)
        if owner is not None:
            return f"only valid for provider {owner!r}, not {provider!r}"
        allowed = sorted({*COMMON_KEYS, *BY_NAME[provider].keys})
        return f"unknown key{suggest(key, allowed)}"

    def table_error(self, loc: tuple[Any, ...], kind: str, msg: str, ctx: dict[str, Any]) -> None:
        table = str(loc[0]) if loc else ""
        if len(loc) == 1 and kind == "extra_forbidden":
            self.add(
                self.where.top_line(table),
                f"unknown key or table {table!r}{suggest(table, TABLES)}; expected {_TABLE_LIST}",
            )
            return
        key = str(loc[1]) if len(loc) > 1 else ctx.get("key")
        line = self.where.line_of((table, key) if key else (table,))
        if key is None:
            self.add(line, f"'{table}' must be a table, written [{table}]")
        elif kind == "extra_forbidden":
            known = ", ".join(_table_keys(table))
            self.add(
                line,
                f"[{table}]: unknown key {key!r}{suggest(key, _table_keys(table))}; "
                f"known keys: {known}",
            )
        elif kind == "missing":
            self.add(line, f"[{table}]: key {key!r} missing (required)")
        else:
            self.add(line, f"[{table}]: key {key!r} {msg}")

    # ------------------------------------------------------------------ across tables

    def cross(self) -> None:
        """Checks pydantic does not see: unique names, budgets of known accounts, [keys]."""
        names: dict[str, int] = {}
        for index, raw in enumerate(self.raw_accounts()):
            name = raw.get("name") if isinstance(raw, dict) else None
            if not isinstance(name, str) or not name.strip():
                continue
            name = name.strip()
            if name in names:
                self.add(
                    self.where.key_line(self.where.table_span("accounts", index), "name"),
                    f"account {name!r}: key 'name': duplicate account name "
                    f"(also account #{names[name] + 1}); names must be unique",
                )
            else:
                names[name] = index
        if (
            "accounts" in self.data
            and not self.raw_accounts()
            and isinstance(self.data["accounts"], list)
        ):
            self.add(None, "no [[accounts]] defined; add at least one account")
        budgets = self.data.get("budgets")
        if isinstance(budgets, dict):
            for account in budgets:
                if account not in names:
                    self.add(
                        self.where.line_of(("budgets", account)),
                        f"[budgets]: key {account!r} names no account{suggest(account, names)}; "
                        f"configured: {', '.join(names)}",
                    )
        keys = self.data.get("keys")
        if isinstance(keys, dict):
            self.keys, problems = check_keys(keys)
            for binding, message in problems:
                line = self.where.line_of(("keys", binding))
                if binding not in BINDING_IDS:
                    self.add(
                        line,
                        f"[keys]: unknown binding id {binding!r}{suggest(binding, BINDING_IDS)}; "
                        "press ? in the app for the list",
                    )
                else:
                    self.add(line, f"[keys]: key {binding!r} {message}")


def _table_keys(table: str) -> list[str]:
    return {"ui": ["theme", "downloads"], "rates": ["base", "<CURRENCY>"]}.get(table, [])


def suggest(word: str, choices: Iterable[str]) -> str:
    import difflib  # only when there is an error to word

    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
