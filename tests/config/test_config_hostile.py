"""Hostile and absurd configs: each is a config error naming the file (exit 2), never a traceback.

The fixtures in tests/config/hostile/ are written by hand (CONTRACT "Untrusted input", issue 8).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from invoicetui.cli import main as cli
from invoicetui.config.load import load_config
from invoicetui.core.errors import ConfigError

HOSTILE = Path(__file__).parent / "hostile"

EXPECTED = {
    "port_above_65535.toml": (5, "key 'base_url'", "port must be a number from 1 to 65535"),
    "port_zero.toml": (5, "key 'base_url'", "port must be a number from 1 to 65535"),
    "timeout_1e308.toml": (5, "key 'timeout'", "must be at most 3600 seconds"),
    "timeout_inf.toml": (5, "key 'timeout'", "must be a finite number"),
    "timeout_nan.toml": (5, "key 'timeout'", "must be a finite number"),
    "max_rps_huge.toml": (5, "key 'max_rps'", "must be at most 1000 requests a second"),
    "cache_ttl_beyond_a_year.toml": (5, "key 'cache_ttl'", "at most a year"),
    "cache_ttl_1e308.toml": (5, "key 'cache_ttl'", "at most a year"),
    "cache_ttl_digits.toml": (5, "key 'cache_ttl'", "is not a duration"),
    "deep_in_key_value.toml": (5, "key 'invoice_uids'", "list of non-empty strings"),
    "deep_arrays.toml": (None, "invalid TOML", "nested too deeply"),
    "deep_inline_tables.toml": (None, "invalid TOML", "nested too deeply"),
    "deep_dotted_table.toml": (6, "unknown key or table 'a'", "expected [[accounts]]"),
}


def test_every_fixture_has_an_expectation() -> None:
    assert sorted(p.name for p in HOSTILE.glob("*.toml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_config_is_a_config_error(name: str) -> None:
    line, where, fragment = EXPECTED[name]
    with pytest.raises(ConfigError) as info:
        load_config(HOSTILE / name)
    message = str(info.value)
    assert info.value.line == line, message
    assert message.startswith(str(HOSTILE / name)), message
    assert where in message and fragment in message, message
    assert len(message) < 400  # no value is echoed in full (400 digits, 5000 brackets)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_config_exits_2_naming_the_file(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["export", "--config", str(HOSTILE / name)]) == 2
    err = capsys.readouterr().err
    assert str(HOSTILE / name) in err and "Traceback" not in err


def test_all_errors_of_a_file_at_once(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[[accounts]]\nname = "one"\nprovider = "doit"\ntoken_env = "K"\ntimout = 5\n\n'
        '[[accounts]]\nname = "two"\nprovider = "zilliz"\ntoken_env = "K"\n'
        'base_url = "https://x:99999"\nmax_rps = 0\n\n'
        '[ui]\ntheme = 3\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_config(path)
    exc = info.value
    lines = str(exc).splitlines()
    assert exc.line == 5 and len(exc.also) == 3 and len(lines) == 4
    first = "account 'one': key 'timout': unknown key (did you mean 'timeout'?)"
    assert lines[0] == f"{path}:5: {first}"
    assert lines[1].startswith(f"{path}:11: account 'two': key 'base_url'")
    assert lines[2].startswith(f"{path}:12: account 'two': key 'max_rps': must be greater than 0")
    assert lines[3].startswith(f"{path}:15: [ui]: key 'theme' must be a theme name")


def test_token_values_never_echoed_by_pydantic(tmp_path: Path) -> None:
    secret = "s3cr3t-t0ken-value-42"
    path = tmp_path / "config.toml"
    path.write_text(
        f'[[accounts]]\nname = "a"\nprovider = "doit"\ntoken = ["{secret}"]\n'
        f'token_command = {{ run = "{secret}" }}\n'
        f'[[accounts]]\nname = "b"\nprovider = "{secret}"\ntoken = "{secret}"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "account 'a': key 'token': must be a string, not a list" in str(info.value)
    # An unknown provider is echoed (it is not a token key), but never the token itself.
    assert str(info.value).count(secret) == 1


def test_provider_of_the_wrong_type_and_accounts_not_tables(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[[accounts]]\nname = "a"\nprovider = 3\ntoken_env = "K"\n')
    with pytest.raises(ConfigError, match="key 'provider': must be a string, not an integer"):
        load_config(path)
    path.write_text("accounts = [1, 2]\n")
    with pytest.raises(ConfigError, match="must be an array of tables"):
        load_config(path)
    path.write_text("accounts = []\n")
    with pytest.raises(ConfigError, match=r"no \[\[accounts\]\] defined"):
        load_config(path)
