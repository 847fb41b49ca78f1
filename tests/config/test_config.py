"""Config loading: defaults, durations, and errors that name file, account, key and line."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from invoicetui.config.accounts import AccountConfig
from invoicetui.config.load import (
    DEFAULT_BASE_URLS,
    account_to_toml,
    load_config,
    parse_config,
    parse_duration,
)
from invoicetui.core.errors import ConfigError

SECRET = "s3cr3t-t0ken-value-42"

FULL = f"""\
# a comment
[[accounts]]
name = "acme-palette"
provider = "palette"
token_env = "PALETTE_API_KEY"
tenant_uid = "5f1e"
invoice_uids = ["6650b1f3", "6650b1f4"]

[[accounts]]
name = "hpc-centre"
provider = "waldur"
base_url = "https://waldur.example.org"
token_command = "pass show waldur/token"
role = "provider"
currency = "chf"
customer_uuid = "8e0a"
cache_ttl = "1h30m"

[[accounts]]
name = "doit"
provider = "doit"
token = "{SECRET}"
customer_context = "acme.com"
timeout = 12
max_rps = 2.5
verify_tls = false

[[accounts]]
name = "vector-db"
provider = "zilliz"
token_env = "ZILLIZ_API_KEY"
cache_ttl = 60

[ui]
theme = "nord"

[keys]
refresh = "ctrl+r"
copy-id = "y"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_for(tmp_path: Path, text: str) -> ConfigError:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return info.value


def account(body: str, provider: str = "doit", name: str = "prod") -> str:
    return f'[[accounts]]\nname = "{name}"\nprovider = "{provider}"\n{body}'


# ---------------------------------------------------------------------- happy path


def test_full_config_loads_with_values_and_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, FULL)
    config = load_config(path)
    assert config.path == path
    assert [a.name for a in config.accounts] == ["acme-palette", "hpc-centre", "doit", "vector-db"]
    palette, waldur, doit, zilliz = config.accounts
    assert palette == AccountConfig(
        name="acme-palette",
        provider="palette",
        token_env="PALETTE_API_KEY",
        tenant_uid="5f1e",
        invoice_uids=("6650b1f3", "6650b1f4"),
    )
    assert palette.base_url is None and palette.cache_ttl == 900.0 and palette.timeout == 30.0
    assert waldur.role == "provider" and waldur.currency == "CHF"
    assert waldur.customer_uuid == "8e0a" and waldur.cache_ttl == 5400.0
    assert waldur.token_command == "pass show waldur/token"
    assert doit.token == SECRET and doit.customer_context == "acme.com"
    assert doit.timeout == 12.0 and doit.max_rps == 2.5 and doit.verify_tls is False
    assert zilliz.cache_ttl == 60.0 and zilliz.max_rps is None and zilliz.verify_tls is True
    assert config.theme == "nord"
    assert config.keys == {"refresh": "ctrl+r", "copy-id": "y"}
    assert config.account("doit") is doit and config.account("nope") is None


def test_waldur_defaults_role_customer_currency_eur(tmp_path: Path) -> None:
    text = account('base_url = "https://w.example.org"\ntoken_env = "W"\n', "waldur")
    (acc,) = load_config(write(tmp_path, text)).accounts
    assert acc.role == "customer" and acc.currency == "EUR"


def test_no_ui_or_keys_tables(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, account('token_env = "K"\n')))
    assert config.theme is None and config.keys == {}


def test_verify_tls_bundle_relative_to_config_dir(tmp_path: Path) -> None:
    (tmp_path / "ca.pem").write_text("x")
    text = account('token_env = "K"\nverify_tls = "ca.pem"\n')
    (acc,) = load_config(write(tmp_path, text)).accounts
    assert acc.verify_tls == str(tmp_path / "ca.pem")


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (0, 0.0),
        (90, 90.0),
        (1.5, 1.5),
        ("90s", 90.0),
        ("15m", 900.0),
        ("2h", 7200.0),
        ("1h30m", 5400.0),
        ("1d", 86400.0),
        ("1H 30M", 5400.0),
        ("300", 300.0),
    ],
)
def test_parse_duration(value: object, seconds: float) -> None:
    assert parse_duration(value) == seconds


@pytest.mark.parametrize("value", ["15 minutes", "m15", "", "-5m", -1, True, "1x", [1]])
def test_parse_duration_rejects(value: object) -> None:
    with pytest.raises(ValueError):
        parse_duration(value)


def test_account_to_toml_round_trips(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, FULL))
    text = "\n".join(account_to_toml(a) for a in config.accounts)
    again = parse_config(text, tmp_path / "again.toml")
    assert again.accounts == config.accounts
    assert tomllib.loads(text)["accounts"][0]["invoice_uids"] == ["6650b1f3", "6650b1f4"]


# ---------------------------------------------------------------------- errors


def test_toml_syntax_error_has_file_and_line(tmp_path: Path) -> None:
    exc = error_for(tmp_path, '[[accounts]]\nname = "x"\nprovider = \n')
    assert exc.path == str(tmp_path / "config.toml") and exc.line == 3
    assert str(exc).startswith(f"{tmp_path / 'config.toml'}:3: invalid TOML")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "absent.toml")


@pytest.mark.parametrize(
    ("body", "key", "line", "fragment"),
    [
        ('token_env = "K"\ntimout = 5\n', "timout", 6, "did you mean 'timeout'"),
        ('token_env = "K"\ntimeout = 0\n', "timeout", 6, "greater than 0"),
        ('token_env = "K"\ntimeout = "fast"\n', "timeout", 6, "must be a number"),
        ('token_env = "K"\nmax_rps = -1\n', "max_rps", 6, "greater than 0"),
        ('token_env = "K"\ncache_ttl = "soon"\n', "cache_ttl", 6, "not a duration"),
        ('token_env = "K"\nverify_tls = "/no/such/ca.pem"\n', "verify_tls", 6, "does not exist"),
        ('token_env = "K"\nverify_tls = 1\n', "verify_tls", 6, "true, false or the path"),
        ('token_env = "K"\nbase_url = "ftp://x"\n', "base_url", 6, "not an http(s) URL"),
        ('token_env = "K"\nrole = "provider"\n', "role", 6, "only valid for provider 'waldur'"),
        ('token_env = "K"\ntenant_uid = "t"\n', "tenant_uid", 6, "only valid for provider 'pal"),
        ('token_env = "K"\ncustomer_context = 3\n', "customer_context", 6, "must be a string"),
        ('token_env = "K"\ntoken_command = "x"\n', "token_command", 6, "exactly one"),
        ('token_env = "lower-case token!"\n', "token_env", 5, "NAME of an environment variable"),
    ],
)
def test_account_errors_name_file_account_key_line(
    tmp_path: Path, body: str, key: str, line: int, fragment: str
) -> None:
    exc = error_for(tmp_path, "# first line\n" + account(body))
    message = str(exc)
    assert exc.line == line, message
    assert message.startswith(f"{tmp_path / 'config.toml'}:{line}: account 'prod': key '{key}'")
    assert fragment in message


def test_missing_required_keys(tmp_path: Path) -> None:
    exc = error_for(tmp_path, '[[accounts]]\nprovider = "doit"\ntoken_env = "K"\n')
    assert "account #1: key 'name': missing (required)" in str(exc) and exc.line == 1
    exc = error_for(tmp_path, '[[accounts]]\nname = "x"\ntoken_env = "K"\n')
    assert "account 'x': key 'provider': missing" in str(exc)
    exc = error_for(tmp_path, '[[accounts]]\nname = "x"\nprovider = "doit"\n')
    assert "account 'x': missing token" in str(exc) and exc.line == 1


def test_waldur_requires_base_url_others_do_not(tmp_path: Path) -> None:
    exc = error_for(tmp_path, account('token_env = "K"\n', "waldur"))
    assert "key 'base_url': missing (required for waldur" in str(exc)
    for provider in DEFAULT_BASE_URLS:
        load_config(write(tmp_path, account('token_env = "K"\n', provider)))


def test_unknown_provider_suggests(tmp_path: Path) -> None:
    exc = error_for(tmp_path, account('token_env = "K"\n', "palete"))
    assert "key 'provider': unknown provider 'palete' (did you mean 'palette'?)" in str(exc)
    assert exc.line == 3


def test_error_in_second_account_points_into_its_block(tmp_path: Path) -> None:
    text = (
        account('token_env = "K"\ntimeout = 5\n', name="one")
        + "\n"
        + account('token_env = "K"\ntimeout = -5\n', name="two")
    )
    exc = error_for(tmp_path, text)
    assert exc.line == 11 and "account 'two': key 'timeout'" in str(exc)


def test_duplicate_names(tmp_path: Path) -> None:
    text = account('token_env = "K"\n') + "\n" + account('token_env = "K"\n')
    exc = error_for(tmp_path, text)
    assert "account 'prod': key 'name': duplicate" in str(exc) and exc.line == 7


def test_no_accounts_and_unknown_top_level(tmp_path: Path) -> None:
    assert "no [[accounts]]" in str(error_for(tmp_path, '[ui]\ntheme = "nord"\n'))
    exc = error_for(tmp_path, account('token_env = "K"\n') + "\n[account]\nx = 1\n")
    assert "unknown key or table 'account' (did you mean 'accounts'?)" in str(exc)
    assert exc.line == 6
    exc = error_for(tmp_path, 'accounts = "x"\n')
    assert "array of tables" in str(exc) and exc.line == 1


def test_waldur_currency_and_role_values(tmp_path: Path) -> None:
    base = 'base_url = "https://w.example.org"\ntoken_env = "K"\n'
    exc = error_for(tmp_path, account(base + 'currency = "euro"\n', "waldur"))
    assert "key 'currency': must be a 3-letter ISO code" in str(exc) and exc.line == 6
    exc = error_for(tmp_path, account(base + 'role = "admin"\n', "waldur"))
    assert 'key \'role\': must be "customer" or "provider"' in str(exc)


def test_invoice_uids_must_be_strings(tmp_path: Path) -> None:
    exc = error_for(tmp_path, account('token_env = "K"\ninvoice_uids = [1, 2]\n', "palette"))
    assert "key 'invoice_uids': must be a list of non-empty strings" in str(exc)


def test_ui_and_keys_errors(tmp_path: Path) -> None:
    base = account('token_env = "K"\n') + "\n"
    exc = error_for(tmp_path, base + "[ui]\ntheme = 3\n")
    assert "[ui]: key 'theme'" in str(exc) and exc.line == 7
    exc = error_for(tmp_path, base + '[ui]\ncolour = "x"\n')
    assert "[ui]: unknown key 'colour'" in str(exc) and exc.line == 7
    exc = error_for(tmp_path, base + '[keys]\nrefrsh = "x"\n')
    assert "[keys]: unknown binding id 'refrsh' (did you mean 'refresh'?)" in str(exc)
    assert exc.line == 7
    exc = error_for(tmp_path, base + "[keys]\nrefresh = 5\n")
    assert "[keys]: key 'refresh' must be a key name" in str(exc)
    exc = error_for(tmp_path, base + '[keys]\nrefresh = "ctrl r"\n')
    assert "not a key list" in str(exc)


@pytest.mark.parametrize(
    "body",
    [
        f'token = "{SECRET}"\ntoken_env = "{SECRET}"\n',
        f'token_env = "{SECRET}"\n',
        f'token_env = "{SECRET}"\ntimeout = -1\n',
        f'token = "{SECRET}"\nbogus = 1\n',
        f'token_command = "{SECRET}"\ntoken = "{SECRET}"\n',
    ],
)
def test_token_never_in_messages(tmp_path: Path, body: str) -> None:
    exc = error_for(tmp_path, account(body))
    assert SECRET not in str(exc)
    assert "account 'prod'" in str(exc)


def test_token_not_in_repr(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, account(f'token = "{SECRET}"\n')))
    assert SECRET not in repr(config)
