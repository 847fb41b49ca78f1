"""[ui] downloads: where the TUI saves documents and exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from invoicetui.config.load import load_config
from invoicetui.core.errors import ConfigError

ACCOUNT = '[[accounts]]\nname = "a"\nprovider = "doit"\ntoken = "t"\n'


def test_downloads_is_a_folder_with_home_expanded(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(ACCOUNT + '[ui]\ntheme = "nord"\ndownloads = "~/Invoices"\n')
    config = load_config(path)
    assert config.downloads == Path.home() / "Invoices" and config.theme == "nord"
    path.write_text(ACCOUNT)
    assert load_config(path).downloads is None


def test_a_bad_downloads_value_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(ACCOUNT + "[ui]\ndownloads = 3\n")
    with pytest.raises(
        ConfigError, match=r"config.toml:6: \[ui\]: key 'downloads' must be the path of a directory"
    ):
        load_config(path)
