"""Load and validate config.toml into AccountConfig objects, with errors that point at the line."""

from __future__ import annotations

import difflib
import json
import math
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from invoicetui.config.accounts import DEFAULT_CACHE_TTL, DEFAULT_TIMEOUT, AccountConfig
from invoicetui.config.keys import KeyProblem, check_keys
from invoicetui.core.errors import ConfigError
from invoicetui.core.model import PROVIDERS

# Public default API hosts; Waldur is always self-hosted, so it has none.
DEFAULT_BASE_URLS: dict[str, str] = {
    "palette": "https://api.spectrocloud.com",
    "doit": "https://api.doit.com",
    "zilliz": "https://api.cloud.zilliz.com",
}

COMMON_KEYS = (
    "name",
    "provider",
    "base_url",
    "token_env",
    "token_command",
    "token",
    "verify_tls",
    "timeout",
    "max_rps",
    "cache_ttl",
)
PROVIDER_KEYS: dict[str, tuple[str, ...]] = {
    "palette": ("tenant_uid", "invoice_uids"),
    "waldur": ("role", "currency", "customer_uuid"),
    "doit": ("customer_context",),
    "zilliz": (),
}
TOKEN_KEYS = ("token_env", "token_command", "token")
WALDUR_ROLES = ("customer", "provider")
TOP_LEVEL_KEYS = ("accounts", "ui", "keys")
UI_KEYS = ("theme",)

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(d|h|m|s)", re.IGNORECASE)
_DURATION_FULL = re.compile(r"^\s*(?:\d+(?:\.\d+)?\s*[dhms]\s*)+$", re.IGNORECASE)
_UNIT_SECONDS = {"d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Config:
    """A loaded config file: accounts in file order plus the TUI's [ui] and [keys] tables."""

    accounts: list[AccountConfig]
    theme: str | None
    keys: dict[str, str] = field(default_factory=dict)
    path: Path = field(default_factory=Path)

    def account(self, name: str) -> AccountConfig | None:
        return next((a for a in self.accounts if a.name == name), None)


def parse_duration(value: object) -> float:
    """Seconds from a number or a string such as "90s", "15m", "2h", "1h30m" or "1d"."""
    if isinstance(value, bool):
        raise ValueError('expected seconds or a duration such as "15m"')
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        text = value.strip()
        try:
            seconds = float(text)
        except ValueError:
            if not _DURATION_FULL.match(text):
                raise ValueError(
                    f'{value!r} is not a duration; use seconds or e.g. "90s", "15m", "2h", "1h30m"'
                ) from None
            seconds = sum(
                float(num) * _UNIT_SECONDS[unit.lower()]
                for num, unit in _DURATION_PART.findall(text)
            )
    else:
        raise ValueError('expected seconds or a duration such as "15m"')
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError("must be zero or more seconds")
    return seconds


def load_config(path: Path | str) -> Config:
    """Read and validate the config file; every problem is a ConfigError naming file and line."""
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
    return parse_config(text, path)


def parse_config(text: str, path: Path) -> Config:
    """Validate config text already read from `path` (the path is used for messages)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = _toml_error_line(str(exc))
        raise ConfigError(f"invalid TOML: {exc}", path=str(path), line=line) from None
    return _Loader(text, path).load(data)


def _toml_error_line(message: str) -> int | None:
    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else None


class _Loader:
    """Holds the file text so that semantic errors can be pinned to a line."""

    def __init__(self, text: str, path: Path) -> None:
        self.lines = text.splitlines()
        self.path = path

    # ------------------------------------------------------------------ errors and lines

    def fail(self, message: str, line: int | None) -> ConfigError:
        return ConfigError(message, path=str(self.path), line=line)

    def table_span(self, header: re.Pattern[str], occurrence: int = 0) -> tuple[int, int] | None:
        """0-based [start, end) line range of the n-th table whose header matches."""
        seen = -1
        for index, line in enumerate(self.lines):
            if header.match(line):
                seen += 1
                if seen == occurrence:
                    end = next(
                        (
                            j
                            for j in range(index + 1, len(self.lines))
                            if re.match(r"^\s*\[", self.lines[j])
                        ),
                        len(self.lines),
                    )
                    return index, end
        return None

    def key_line(self, span: tuple[int, int] | None, key: str | None) -> int | None:
        """1-based line of `key = ...` inside span, else the span's header line."""
        if span is None:
            return None
        start, end = span
        if key is not None:
            quoted = re.escape(key)
            pattern = re.compile(rf"""^\s*(?:{quoted}|"{quoted}"|'{quoted}')\s*=""")
            for index in range(start, end):
                if pattern.match(self.lines[index]):
                    return index + 1
        return start + 1

    def top_line(self, key: str) -> int | None:
        pattern = re.compile(
            rf"""^\s*(?:\[\[?\s*["']?{re.escape(key)}["']?\s*\]\]?|["']?{re.escape(key)}["']?\s*=)"""
        )
        for index, line in enumerate(self.lines):
            if pattern.match(line):
                return index + 1
        return None

    # ------------------------------------------------------------------ top level

    def load(self, data: dict[str, Any]) -> Config:
        for key in data:
            if key not in TOP_LEVEL_KEYS:
                raise self.fail(
                    f"unknown key or table {key!r}{_suggest(key, TOP_LEVEL_KEYS)}; "
                    "expected [[accounts]], [ui] or [keys]",
                    self.top_line(key),
                )
        raw_accounts = data.get("accounts")
        if raw_accounts is None:
            raise self.fail("no [[accounts]] defined; add at least one account", None)
        if not isinstance(raw_accounts, list) or not all(isinstance(a, dict) for a in raw_accounts):
            raise self.fail(
                "'accounts' must be an array of tables, written [[accounts]]",
                self.top_line("accounts"),
            )
        if not raw_accounts:
            raise self.fail("no [[accounts]] defined; add at least one account", None)
        accounts: list[AccountConfig] = []
        seen: dict[str, int] = {}
        header = re.compile(r"^\s*\[\[\s*accounts\s*\]\]")
        for index, raw in enumerate(raw_accounts):
            span = self.table_span(header, index)
            account = _AccountLoader(self, raw, index, span).load()
            if account.name in seen:
                raise self.fail(
                    f"account {account.name!r}: key 'name': duplicate account name "
                    f"(also account #{seen[account.name] + 1}); names must be unique",
                    self.key_line(span, "name"),
                )
            seen[account.name] = index
            accounts.append(account)
        theme = self.load_ui(data.get("ui"))
        keys = self.load_keys(data.get("keys"))
        return Config(accounts=accounts, theme=theme, keys=keys, path=self.path)

    def load_ui(self, raw: object) -> str | None:
        if raw is None:
            return None
        span = self.table_span(re.compile(r"^\s*\[\s*ui\s*\]"))
        if not isinstance(raw, dict):
            raise self.fail("'ui' must be a table, written [ui]", self.top_line("ui"))
        for key in raw:
            if key not in UI_KEYS:
                raise self.fail(
                    f"[ui]: unknown key {key!r}{_suggest(key, UI_KEYS)}; known keys: theme",
                    self.key_line(span, key),
                )
        theme = raw.get("theme")
        if theme is None:
            return None
        if not isinstance(theme, str) or not theme.strip():
            raise self.fail(
                "[ui]: key 'theme' must be a theme name such as \"nord\"",
                self.key_line(span, "theme"),
            )
        return theme.strip()

    def load_keys(self, raw: object) -> dict[str, str]:
        if raw is None:
            return {}
        span = self.table_span(re.compile(r"^\s*\[\s*keys\s*\]"))
        if not isinstance(raw, dict):
            raise self.fail("'keys' must be a table, written [keys]", self.top_line("keys"))
        try:
            return check_keys(raw)
        except KeyProblem as problem:
            raise self.fail(f"[keys]: {problem}", self.key_line(span, problem.binding_id)) from None


class _AccountLoader:
    """Validates one [[accounts]] table."""

    def __init__(
        self, loader: _Loader, raw: dict[str, Any], index: int, span: tuple[int, int] | None
    ) -> None:
        self.loader = loader
        self.raw = raw
        self.index = index
        self.span = span
        name = raw.get("name")
        self.label = (
            f"account {name!r}"
            if isinstance(name, str) and name.strip()
            else f"account #{index + 1}"
        )

    def fail(self, key: str | None, message: str) -> ConfigError:
        where = f"{self.label}: key {key!r}: " if key else f"{self.label}: "
        return self.loader.fail(where + message, self.loader.key_line(self.span, key))

    def load(self) -> AccountConfig:
        raw = self.raw
        name = self.string("name", required=True)
        assert name is not None
        if _CONTROL.search(name):
            raise self.fail("name", "must not contain control characters")
        provider = self.string("provider", required=True)
        assert provider is not None
        if provider not in PROVIDERS:
            raise self.fail(
                "provider",
                f"unknown provider {provider!r}{_suggest(provider, PROVIDERS)}; "
                f"expected one of: {', '.join(PROVIDERS)}",
            )
        allowed = set(COMMON_KEYS) | set(PROVIDER_KEYS[provider])
        for key in raw:
            if key in allowed:
                continue
            owner = next((p for p, keys in PROVIDER_KEYS.items() if key in keys), None)
            if owner is not None:
                raise self.fail(key, f"only valid for provider {owner!r}, not {provider!r}")
            raise self.fail(key, f"unknown key{_suggest(key, sorted(allowed))}")
        values: dict[str, Any] = {"name": name, "provider": provider}
        values["base_url"] = self.base_url(provider)
        values.update(self.token())
        values["verify_tls"] = self.verify_tls()
        values["timeout"] = self.positive("timeout", DEFAULT_TIMEOUT)
        values["max_rps"] = self.positive("max_rps", None)
        values["cache_ttl"] = self.duration("cache_ttl")
        if provider == "palette":
            values["tenant_uid"] = self.string("tenant_uid")
            values["invoice_uids"] = self.string_list("invoice_uids")
        elif provider == "waldur":
            role = self.string("role") or "customer"
            if role not in WALDUR_ROLES:
                raise self.fail("role", f'must be "customer" or "provider", not {role!r}')
            values["role"] = role
            values["currency"] = self.currency()
            values["customer_uuid"] = self.string("customer_uuid")
        elif provider == "doit":
            values["customer_context"] = self.string("customer_context")
        known = {f.name for f in fields(AccountConfig)}
        return AccountConfig(**{k: v for k, v in values.items() if k in known})

    # ------------------------------------------------------------------ typed getters

    def string(self, key: str, *, required: bool = False) -> str | None:
        value = self.raw.get(key)
        if value is None:
            if required:
                raise self.fail(key, "missing (required)")
            return None
        if not isinstance(value, str):
            raise self.fail(key, f"must be a string, not {_type_name(value)}")
        value = value.strip()
        if not value:
            raise self.fail(key, "must not be empty")
        return value

    def string_list(self, key: str) -> tuple[str, ...]:
        value = self.raw.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(key, 'must be a list of non-empty strings, e.g. ["6650b1f3..."]')
        return tuple(v.strip() for v in value)

    def base_url(self, provider: str) -> str | None:
        value = self.string("base_url")
        if value is None:
            if provider not in DEFAULT_BASE_URLS:
                raise self.fail(
                    "base_url",
                    f"missing (required for {provider}: it is always self-hosted, "
                    'e.g. base_url = "https://waldur.example.org")',
                )
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise self.fail("base_url", f"{value!r} is not an http(s) URL")
        return value

    def token(self) -> dict[str, str]:
        present = [k for k in TOKEN_KEYS if k in self.raw]
        if not present:
            raise self.fail(
                None,
                "missing token: set exactly one of token_env (recommended), token_command or token",
            )
        if len(present) > 1:
            raise self.fail(
                present[1],
                "set exactly one of token_env, token_command or token "
                f"(found {', '.join(present)})",
            )
        key = present[0]
        value = self.raw[key]
        # Never echo the value: a token may have been put in any of these keys by mistake.
        if not isinstance(value, str):
            raise self.fail(key, f"must be a string, not {_type_name(value)}")
        if not value.strip():
            raise self.fail(key, "must not be empty")
        if key == "token_env" and not _ENV_NAME.match(value.strip()):
            raise self.fail(
                key,
                "must be the NAME of an environment variable (letters, digits, _), "
                "not the token itself",
            )
        return {key: value.strip() if key != "token" else value}

    def verify_tls(self) -> bool | str:
        value = self.raw.get("verify_tls", True)
        if isinstance(value, bool):
            return value
        if not isinstance(value, str) or not value.strip():
            raise self.fail("verify_tls", "must be true, false or the path of a CA bundle file")
        bundle = Path(value.strip()).expanduser()
        if not bundle.is_absolute():
            bundle = self.loader.path.parent / bundle
        if not bundle.is_file():
            raise self.fail("verify_tls", f"CA bundle {str(bundle)!r} does not exist")
        return str(bundle)

    def positive(self, key: str, default: float | None) -> float | None:
        value = self.raw.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, f"must be a number, not {_type_name(value)}")
        if not math.isfinite(value) or value <= 0:
            raise self.fail(key, f"must be greater than 0, not {value!r}")
        return float(value)

    def duration(self, key: str) -> float:
        value = self.raw.get(key)
        if value is None:
            return DEFAULT_CACHE_TTL
        try:
            return parse_duration(value)
        except ValueError as exc:
            raise self.fail(key, str(exc)) from None

    def currency(self) -> str:
        value = self.string("currency") or "EUR"
        if not re.fullmatch(r"[A-Za-z]{3}", value):
            raise self.fail("currency", f'must be a 3-letter ISO code such as "EUR", not {value!r}')
        return value.upper()


def _type_name(value: object) -> str:
    names: dict[type, str] = {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a table",
    }
    return names.get(type(value), type(value).__name__)


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


# ---------------------------------------------------------------------- writing TOML


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        if len(value) > 2:  # one per line: long uid lists stay readable
            return "[\n" + "".join(f"    {_toml_value(v)},\n" for v in value) + "]"
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def account_to_toml(account: AccountConfig) -> str:
    """One [[accounts]] table for this account (non-default keys only; the token included)."""
    defaults = AccountConfig(name="", provider=account.provider)
    lines = ["[[accounts]]"]
    order: list[str] = [*COMMON_KEYS, *PROVIDER_KEYS.get(account.provider, ())]
    always = {"name", "provider", "base_url"}
    for key in order:
        value = getattr(account, key)
        if value is None or (key not in always and value == getattr(defaults, key)):
            continue
        lines.append(f"{key} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"
