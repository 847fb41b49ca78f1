"""Token sources a user gets wrong (red-team findings): the message says what is wrong."""

from __future__ import annotations

import pytest

from invoicetui.config.accounts import AccountConfig
from invoicetui.config.tokens import TokenUnavailable, resolve_token


def account(**source: str) -> AccountConfig:
    return AccountConfig(name="prod", provider="doit", **source)  # type: ignore[arg-type]


def test_a_blank_variable_is_called_empty_not_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RT_DOIT_KEY", "  ")
    with pytest.raises(TokenUnavailable) as caught:
        resolve_token(account(token_env="RT_DOIT_KEY"))
    assert "environment variable RT_DOIT_KEY is empty" in str(caught.value)
    monkeypatch.delenv("RT_DOIT_KEY")
    with pytest.raises(TokenUnavailable) as caught:
        resolve_token(account(token_env="RT_DOIT_KEY"))
    assert "environment variable RT_DOIT_KEY is not set" in str(caught.value)


def test_a_missing_token_command_names_the_program() -> None:
    with pytest.raises(TokenUnavailable) as caught:
        resolve_token(account(token_command="rt-no-such-program show doit"))
    assert "token_command: program 'rt-no-such-program' not found" in str(caught.value)
    assert "FileNotFoundError" not in str(caught.value)
