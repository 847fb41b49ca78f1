"""`invoicetui summary` against provider data the demo never sends (red-team findings).

Amounts a provider may send that the demo does not: large values still inside the accepted
range, and currencies whose minor unit is not the cent (BHD has 3 places, JPY none).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conformance_fixtures import api_fixture  # noqa: F401
from conformance_helpers import write_config
from conformance_payloads import zilliz_account, zilliz_serve, zinv
from conformance_server import ScriptedAPI

from invoicetui.cli import cmd_summary
from invoicetui.cli.main import main

Capture = pytest.CaptureFixture[str]


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(cmd_summary, "utc_today", lambda: date(2024, 7, 20))
    monkeypatch.setenv("INVOICETUI_CACHE_DIR", str(tmp_path / "cache"))


def summary(api: ScriptedAPI, tmp_path: Path, capsys: Capture, *args: str) -> tuple[int, str, str]:
    config = write_config(tmp_path / "config.toml", [zilliz_account(api, token="k")])
    with config.open("a", encoding="utf-8") as f:
        f.write('\n[rates]\nbase = "USD"\nBHD = "2.65"\n')
    capsys.readouterr()
    code = main(["summary", "--config", str(config), "--refresh", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_huge_amount_inside_the_accepted_range_is_no_traceback(
    api: ScriptedAPI, tmp_path: Path, capsys: Capture
) -> None:
    # 10**28 cents: 1e26 major units, below the readers' limit of 1e30, so it is kept.
    zilliz_serve(api, [zinv("big", total=10**28, amountDue=10**28)])
    code, out, err = summary(api, tmp_path, capsys)
    assert code == 0, err
    assert "100,000,000,000,000,000,000,000,000.00 (1)" in out
    assert "≈ 100,000,000,000,000,000,000,000,000.00 USD outstanding in total" in out
    code, out, err = summary(api, tmp_path, capsys, "--format", "json")
    assert code == 0, err
    assert (
        json.loads(out)["currencies"][0]["outstanding"]["amount"] == "100000000000000000000000000"
    )


def test_money_is_shown_to_the_currency_minor_unit(
    api: ScriptedAPI, tmp_path: Path, capsys: Capture
) -> None:
    # BHD 12.345 (fils matter: 12.34 would be a wrong figure); JPY has no minor unit.
    zilliz_serve(
        api,
        [
            zinv("bhd", currency="BHD", total=1234.5, amountDue=1234.5),
            zinv("jpy", currency="JPY", total=150000, amountDue=150000),
        ],
    )
    code, out, err = summary(api, tmp_path, capsys)
    assert code == 0, err
    owed = out.split("Owed")[1].split("\n\n")[0]
    bhd = next(line for line in owed.splitlines() if line.strip().startswith("BHD"))
    jpy = next(line for line in owed.splitlines() if line.strip().startswith("JPY"))
    assert "12.345 (1)" in bhd
    assert "1,500 (1)" in jpy and "1,500.00" not in jpy
    # 12.345 BHD at 2.65 USD: 32.71425, to the cent of the base currency
    assert "≈ 32.71 USD outstanding in total (1 BHD = 2.65 USD); JPY left out" in out
