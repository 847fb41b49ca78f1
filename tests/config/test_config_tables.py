"""The optional tables [rates], [budgets], [groups] and [ui] downloads; the registry's keys."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from invoicetui.config.load import Rates, load_config
from invoicetui.core.errors import ConfigError
from invoicetui.providers.registry import SPECS

ACCOUNTS = (
    '[[accounts]]\nname = "acme-palette"\nprovider = "palette"\ntoken_env = "K"\n\n'
    '[[accounts]]\nname = "prod"\nprovider = "doit"\ntoken_env = "K"\n\n'
)


def load(tmp_path: Path, tables: str) -> object:
    path = tmp_path / "config.toml"
    path.write_text(ACCOUNTS + tables, encoding="utf-8")
    return load_config(path)


def error(tmp_path: Path, tables: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load(tmp_path, tables)
    return info.value


def test_tables_load_exactly(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        '[rates]\nbase = "eur"\nUSD = "0.92"\nCHF = 1.05\nJPY = 160\n\n'
        '[budgets]\n"acme-palette" = "3000"\nprod = 1250.50\n\n'
        '[groups]\n"payments-prod" = "team-payments"\nprod = " team-core "\n\n'
        '[ui]\ndownloads = "papers"\n',
    )
    assert config.rates == Rates(
        "EUR", {"USD": Decimal("0.92"), "CHF": Decimal("1.05"), "JPY": Decimal(160)}
    )
    assert config.budgets == {"acme-palette": Decimal("3000"), "prod": Decimal("1250.5")}
    assert config.groups == {"payments-prod": "team-payments", "prod": "team-core"}
    assert config.downloads == tmp_path / "papers"
    assert config.theme is None


def test_tables_absent(tmp_path: Path) -> None:
    config = load(tmp_path, "")
    assert config.rates is None and config.budgets == {} and config.groups == {}
    assert config.downloads is None


@pytest.mark.parametrize(
    ("tables", "line", "fragment"),
    [
        ('[rates]\nUSD = "0.92"\n', 11, "[rates]: key 'base' missing (required)"),
        ('[rates]\nbase = "EUR"\nusd = "0.92"\n', 13, "'usd' is not a currency code"),
        ('[rates]\nbase = "EUR"\nUSD = "lots"\n', 13, "[rates]: key 'USD' must be a decimal"),
        ('[rates]\nbase = "EUR"\nUSD = "-1"\n', 13, "must be a positive amount"),
        ('[rates]\nbase = "EUR"\nUSD = "1e400"\n', 13, "must be a positive amount"),
        ('[rates]\nbase = "EURO"\n', 12, "[rates]: key 'base' must be a 3-letter ISO code"),
        ('[budgets]\nprd = "10"\n', 12, "[budgets]: key 'prd' names no account (did you mean"),
        ('[budgets]\nprod = "NaN"\n', 12, "[budgets]: key 'prod' must be a positive amount"),
        ("[budgets]\nprod = true\n", 12, "must be a decimal number"),
        ('[groups]\nx = ""\n', 12, "[groups]: key 'x' must be a group label"),
        ('[ui]\ndownloads = 3\n', 12, "[ui]: key 'downloads' must be the path of a directory"),
        ('[ui]\ndownload = "x"\n', 12, "[ui]: unknown key 'download' (did you mean 'downl"),
    ],
)
def test_table_errors(tmp_path: Path, tables: str, line: int, fragment: str) -> None:
    exc = error(tmp_path, tables)
    assert exc.line == line and fragment in str(exc), str(exc)


def test_a_table_that_is_not_a_table(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("rates = 3\n" + ACCOUNTS, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.line == 1 and "'rates' must be a table, written [rates]" in str(info.value)


def test_downloads_must_not_be_a_file(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("x")
    exc = error(tmp_path, '[ui]\ndownloads = "taken"\n')
    assert "exists and is not a directory" in str(exc)


def test_registry_keys_are_the_models_keys() -> None:
    """What `account_to_toml` writes and what "only valid for provider" names is the model."""
    from invoicetui.config.account_model import AccountModel

    common = set(AccountModel.model_fields)
    for spec in SPECS:
        model = spec.settings_model()
        assert set(model.model_fields) - common == set(spec.keys), spec.name
        assert spec.client_class().__name__.lower().startswith(spec.name)
        assert (spec.default_base_url is None) == model.model_fields["base_url"].is_required()
