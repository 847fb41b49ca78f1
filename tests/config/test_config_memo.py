"""The validation memo: the same Config as a full validation, no token on disk, no stale hit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from invoicetui.config.load import load_config
from invoicetui.core.errors import ConfigError

SECRET = "s3cr3t-t0ken-value-42"
TEXT = f"""\
[[accounts]]
name = "doit"
provider = "doit"
token = "{SECRET}"
verify_tls = "ca.pem"
cache_ttl = "1h"

[[accounts]]
name = "w"
provider = "waldur"
base_url = "https://w.example.org:8443"
token_command = "pass show {SECRET}"
currency = "chf"

[[accounts]]
name = "p"
provider = "palette"
token_env = "P"
invoice_uids = ["a", "b", "c"]

[ui]
theme = "nord"
downloads = "papers"

[keys]
refresh = "ctrl+r"

[rates]
base = "EUR"
USD = "0.92"

[budgets]
doit = "10.50"

[groups]
p = "team"
"""


def _setup(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "ca.pem").write_text("x")
    path = tmp_path / "config.toml"
    path.write_text(TEXT, encoding="utf-8")
    return path, tmp_path / "cache" / "config-memo.json"


def test_memo_gives_the_same_config_and_holds_no_token(tmp_path: Path) -> None:
    path, memo = _setup(tmp_path)
    full = load_config(path)
    first = load_config(path, memo=memo)
    assert memo.exists() and (memo.stat().st_mode & 0o777) == 0o600
    assert SECRET not in memo.read_text()
    again = load_config(path, memo=memo)
    assert first == full and again == full
    assert again.accounts[0].token == SECRET
    assert again.accounts[1].token_command == f"pass show {SECRET}"


def test_memo_is_not_used_for_other_text_or_a_vanished_bundle(tmp_path: Path) -> None:
    path, memo = _setup(tmp_path)
    load_config(path, memo=memo)
    path.write_text(TEXT.replace('theme = "nord"', 'theme = "dracula"'), encoding="utf-8")
    assert load_config(path, memo=memo).theme == "dracula"
    (tmp_path / "ca.pem").unlink()
    with pytest.raises(ConfigError, match="CA bundle"):
        load_config(path, memo=memo)
    memo.write_text("{not json")
    (tmp_path / "ca.pem").write_text("x")
    assert load_config(path, memo=memo).theme == "dracula"


def test_a_memo_hit_imports_no_pydantic(tmp_path: Path) -> None:
    path, memo = _setup(tmp_path)
    load_config(path, memo=memo)
    probe = (
        "import sys; from pathlib import Path; from invoicetui.config.load import load_config;"
        f"c = load_config({str(path)!r}, memo=Path({str(memo)!r}));"
        "print('pydantic' in sys.modules, c.theme)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.split() == ["False", "nord"], done.stderr
