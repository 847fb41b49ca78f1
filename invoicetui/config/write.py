"""Write an account back as a TOML table (the demo server prints a working config with it)."""

from __future__ import annotations

import json

from invoicetui.config.accounts import AccountConfig
from invoicetui.providers.registry import BY_NAME

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
    spec = BY_NAME.get(account.provider)
    order: list[str] = [*COMMON_KEYS, *(spec.keys if spec else ())]
    always = {"name", "provider", "base_url"}
    for key in order:
        value = getattr(account, key)
        if value is None or (key not in always and value == getattr(defaults, key)):
            continue
        lines.append(f"{key} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"
