"""Resolve an account's token from token, token_env or token_command; never echo it."""

from __future__ import annotations

import os
import shlex
import subprocess

from invoicetui.config.accounts import AccountConfig
from invoicetui.core.errors import AuthError


class TokenUnavailable(AuthError):
    """The token could not be obtained (env var unset, command failed)."""

    short = "no token"


class TokenInvalid(TokenUnavailable):
    """The token holds what no HTTP header can carry (a newline, a non-ASCII character)."""

    short = "bad token"


def resolve_token(account: AccountConfig, *, command_timeout: float = 20.0) -> str:
    """The account's token; errors name where it should come from, not what it is."""
    if account.token is not None:
        if not account.token.strip():
            raise _unavailable(account, "token in the config is empty")
        return _checked(account, account.token.strip(), "token in the config")
    if account.token_env:
        raw = os.environ.get(account.token_env)
        value = (raw or "").strip()
        if not value:
            state = "is not set" if raw is None else "is empty"
            raise _unavailable(
                account,
                f"environment variable {account.token_env} {state}",
                hint=f"export {account.token_env}=<your API key>",
            )
        return _checked(account, value, f"token_env {account.token_env}")
    if account.token_command:
        try:
            done = subprocess.run(
                shlex.split(account.token_command),
                capture_output=True,
                text=True,
                timeout=command_timeout,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except FileNotFoundError as exc:  # the user's typo, or a tool not on PATH
            program = shlex.split(account.token_command)[0]
            raise _unavailable(
                account,
                f"token_command: program {program!r} not found",
                hint="check the command name, or give its full path",
            ) from exc
        except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
            raise _unavailable(
                account, f"token_command could not run ({type(exc).__name__})"
            ) from exc
        if done.returncode != 0:
            raise _unavailable(account, f"token_command exited with status {done.returncode}")
        value = done.stdout.strip()
        if not value:
            raise _unavailable(account, "token_command printed nothing")
        return _checked(account, value, "token_command's output")
    raise _unavailable(account, "no token configured (token_env, token_command or token)")


def _checked(account: AccountConfig, value: str, where: str) -> str:
    """The token, if an HTTP header can carry it: printable ASCII, no spaces inside lines."""
    for index, char in enumerate(value):
        if " " < char <= "~":
            continue
        if char in "\r\n":
            what = "a line break"
        elif char.isspace():
            what = "a space or tab"
        elif ord(char) < 32 or 127 <= ord(char) < 160:
            what = f"a control character (U+{ord(char):04X})"
        else:
            what = f"a non-ASCII character (U+{ord(char):04X})"
        # The position, never the character's neighbours: they are part of the secret.
        raise TokenInvalid(
            f"{where} contains {what} at position {index + 1}; an API token is plain ASCII",
            provider=account.provider,
            account=account.name,
            hint=f"check {_key(account)}: copy the token again, without quotes or extra lines",
        )
    return value


def _key(account: AccountConfig) -> str:
    if account.token_env:
        return f"token_env ({account.token_env})"
    return "token_command" if account.token_command else "token"


def _unavailable(account: AccountConfig, message: str, hint: str | None = None) -> TokenUnavailable:
    return TokenUnavailable(message, provider=account.provider, account=account.name, hint=hint)
