"""Run `invoicetui export` against scripted APIs and check output against CONTRACT.md's rules."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from invoicetui.cli import main as cli

INVOICE_KEYS = [
    "account", "provider", "id", "number", "status", "status_raw", "issued", "due",
    "period_start", "period_end", "currency", "subtotal", "tax", "credits", "total",
    "amount_due", "url", "line_items", "credits_detail", "payments", "problems",
]  # fmt: skip
ITEM_KEYS = [
    "description", "kind", "project", "quantity", "unit", "unit_price", "amount", "tax",
    "start", "end",
]  # fmt: skip
CREDIT_KEYS = ["name", "kind", "amount", "unit", "start", "end"]
PAYMENT_KEYS = ["state", "state_raw", "at", "message"]
MONEY = ("subtotal", "tax", "credits", "total", "amount_due")
STATUSES = {
    "draft", "open", "processing", "overdue", "failed", "paid", "issued", "void", "disputed",
    "unknown",
}  # fmt: skip
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")
DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")
# C0/C1 controls, bidi controls (CONTRACT.md's list) and lone surrogates never reach a file.
CONTROL = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(type(value))


def write_config(path: Path, accounts: list[dict[str, Any]]) -> Path:
    lines: list[str] = []
    for account in accounts:
        lines.append("[[accounts]]")
        values = {"token": "secret-token", "max_rps": 1000, **account}
        lines.extend(f"{key} = {toml_value(value)}" for key, value in values.items())
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def invoices(self) -> list[dict[str, Any]]:
        data = json.loads(self.out)
        assert isinstance(data, list)
        for invoice in data:
            check_invoice(invoice)
        return data

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]

    def rows(self) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(self.out)))

    def by_id(self) -> dict[str, dict[str, Any]]:
        return {inv["id"]: inv for inv in self.invoices}


def run_export(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    accounts: list[dict[str, Any]],
    *args: str,
) -> Result:
    config = write_config(tmp_path / "config.toml", accounts)
    capsys.readouterr()
    code = cli.main(["export", "--config", str(config), "--refresh", *args])
    out, err = capsys.readouterr()
    return Result(code, out, err)


def money_ok(value: object) -> bool:
    """An exact decimal string of a sane length (1e-400 is never written with 400 digits)."""
    return value is None or (
        isinstance(value, str) and bool(DECIMAL.match(value)) and len(value) <= 64
    )


def date_ok(value: object) -> bool:
    return value is None or (
        isinstance(value, str) and bool(DAY.match(value) or STAMP.match(value))
    )


def check_invoice(inv: dict[str, Any]) -> None:
    """Every rule of the export object that holds whatever the provider sent."""
    assert list(inv) == INVOICE_KEYS
    assert inv["status"] in STATUSES
    for key in MONEY:
        assert money_ok(inv[key]), (key, inv[key])
    for key in ("issued", "due", "period_start", "period_end"):
        assert date_ok(inv[key]), (key, inv[key])
    currency = inv["currency"]
    assert currency is None or (isinstance(currency, str) and currency == currency.upper())
    for key in ("account", "provider", "id"):
        assert isinstance(inv[key], str) and inv[key]
    for item in inv["line_items"]:
        assert list(item) == ITEM_KEYS
        for key in ("quantity", "unit_price", "amount", "tax"):
            assert money_ok(item[key]), (key, item[key])
        assert date_ok(item["start"]) and date_ok(item["end"])
    for credit in inv["credits_detail"]:
        assert list(credit) == CREDIT_KEYS
        assert money_ok(credit["amount"])
        assert date_ok(credit["start"]) and date_ok(credit["end"])
    for payment in inv["payments"]:
        assert list(payment) == PAYMENT_KEYS
        assert payment["state"] in STATUSES
        assert payment["at"] is None or STAMP.match(payment["at"])
    assert isinstance(inv["problems"], list)
    assert all(isinstance(p, str) and p and len(p) < 300 for p in inv["problems"])
    for text in strings(inv):
        assert not CONTROL.search(text.replace("\n", "").replace("\t", "")), text


def strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    return []


def dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


# Text a provider might send: terminal escapes to strip, markup to keep literally.
NASTY = "ok\x1b[31mred\x1b[0m\x07\x1b]0;title\x07[bold]x[/bold]\x9b2J\x00end"
NASTY_CLEAN = "okred[bold]x[/bold]end"
