"""Ledger and beancount journals: they load in hledger and bean-check, their totals per account
and currency equal the export's, hostile text cannot break them, and re-runs are stable.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from invoicetui.cli import main as cli
from invoicetui.core.model import Invoice, LineItem, Status
from invoicetui.service.journal import account_component, entries, render_journal

Capture = pytest.CaptureFixture[str]
Totals = dict[tuple[str, str], Decimal]

HOSTILE = [
    Invoice(
        account='we"ird; acct|#1',
        provider="waldur",
        id='id "quoted"; \\ | #tag, x: y',
        number="N°\u202e 1;2",
        status=Status.OPEN,
        issued=date(2024, 2, 29),
        currency="eur",
        subtotal=Decimal("10.0100000000"),
        tax=Decimal("2.002"),
        total=Decimal("12.0120000000"),
        line_items=(
            LineItem('Zürich — 東京 "GPU"; x', project="東京", amount=Decimal("7.01")),
            LineItem("[bold]x[/]", kind="[/]", amount=Decimal("3.00")),
            LineItem("no amount", amount=None),
        ),
    ),
    Invoice(  # a credit balance, in a currency the tools would refuse as written
        account="prod",
        provider="doit",
        id="GB-1",
        status=Status.PAID,
        issued=datetime(2026, 1, 31, 23, 59, tzinfo=UTC),
        currency="€",
        total=Decimal("-5.5"),
        line_items=(LineItem("Refund", kind="credit", amount=Decimal("-5.5")),),
    ),
    Invoice(  # no items: subtotal, tax, and credits taken off (Zilliz)
        account="vec",
        provider="zilliz",
        id="inv-1",
        status=Status.OVERDUE,
        issued=datetime(2026, 3, 1, tzinfo=UTC),
        currency="USD",
        subtotal=Decimal("100"),
        tax=Decimal("9"),
        credits=Decimal("20"),
        total=Decimal("89"),
    ),
    Invoice(
        "vec",
        "zilliz",
        "draft-1",
        status=Status.DRAFT,
        issued=date(2026, 3, 1),
        total=Decimal(1),
        currency="USD",
    ),
    Invoice("vec", "zilliz", "undated", status=Status.OPEN, total=Decimal(1), currency="USD"),
]


def hledger_totals(path: Path) -> Totals:
    if shutil.which("hledger") is None:
        pytest.skip("hledger is not installed (Debian package hledger; .ci/run installs it)")
    subprocess.run(["hledger", "-f", str(path), "check"], check=True, capture_output=True)
    out = subprocess.run(
        ["hledger", "-f", str(path), "balance", "--flat", "-N", "-O", "csv", "^Liabilities"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    totals: Totals = {}
    for row in list(csv.reader(io.StringIO(out)))[1:]:
        for amount in row[1].split(", "):
            number, currency = amount.split(" ")
            totals[(row[0], currency)] = Decimal(number)
    return totals


def beancount_totals(path: Path) -> Totals:
    pytest.importorskip(
        "beancount", reason="beancount is in the test extra: pip install -e .[test]"
    )
    bean_check = shutil.which("bean-check") or str(Path(cli.sys.executable).parent / "bean-check")
    done = subprocess.run([bean_check, str(path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout + done.stderr == "", done.stdout + done.stderr
    from beancount import loader  # type: ignore[import-untyped]
    from beancount.core import data  # type: ignore[import-untyped]

    loaded, errors, _options = loader.load_file(str(path))
    assert errors == []
    totals: Totals = defaultdict(Decimal)
    for entry in loaded:
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                if posting.account.startswith("Liabilities"):
                    totals[(posting.account, posting.units.currency)] += posting.units.number
    return dict(totals)


def _liability(account: str, provider: str) -> str:
    label = {"palette": "Palette", "waldur": "Waldur", "doit": "DoiT", "zilliz": "Zilliz"}
    return f"Liabilities:AccountsPayable:{label[provider]}:{account_component(account)}"


def export_totals(rows: list[dict[str, Any]]) -> Totals:
    """-(sum of totals) per account and currency, over the invoices a journal books."""
    totals: Totals = defaultdict(Decimal)
    for row in rows:
        if row["status"] in ("draft", "void") or row["total"] is None:
            continue
        totals[(_liability(row["account"], row["provider"]), row["currency"])] -= Decimal(
            row["total"]
        )
    return dict(totals)


def test_hostile_invoices_load_in_both_tools_and_balance(tmp_path: Path) -> None:
    ledger, beancount = tmp_path / "a.journal", tmp_path / "a.beancount"
    ledger.write_text(render_journal(HOSTILE, "ledger"), encoding="utf-8")
    beancount.write_text(render_journal(HOSTILE, "beancount"), encoding="utf-8")
    waldur = "Liabilities:AccountsPayable:Waldur:We-ird-acct-1"
    expected = {
        (waldur, "EUR"): Decimal("-12.012"),
        ("Liabilities:AccountsPayable:DoiT:Prod", "XXX"): Decimal("5.5"),
        ("Liabilities:AccountsPayable:Zilliz:Vec", "USD"): Decimal("-89"),
    }
    assert beancount_totals(beancount) == expected
    assert hledger_totals(ledger) == expected


def test_what_is_not_booked_says_why_and_postings_balance_exactly() -> None:
    booked, skipped = entries(HOSTILE)
    assert [e.invoice.id for e in booked] == [HOSTILE[0].id, "GB-1", "inv-1"]
    assert skipped == [  # undated first: the journal is in date order
        "invoice undated (vec) not booked: no date or no amounts",
        "draft invoice draft-1 (vec) not booked",
    ]
    for entry in booked:
        assert sum(p.amount for p in entry.postings) == 0
    zilliz = booked[2]
    assert [(p.account.rsplit(":", 1)[1], p.amount) for p in zilliz.postings] == [
        ("Usage", Decimal(100)),
        ("Tax", Decimal(9)),
        ("Credits", Decimal(-20)),
        ("Vec", Decimal(-89)),
    ]
    assert booked[0].day == date(2024, 2, 29) and booked[1].day == date(2026, 1, 31)
    for text in (booked[0].payee, booked[0].narration):
        assert not set(text) & set('";|#\\\u202e\n')


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zürich analytics", "Zurich-analytics"),
        ("東京-edge", "Edge"),
        ("[bold]x[/]", "Bold-x"),
        ("", "Other"),
        ("東京", "Other"),
        ("a::b", "A-b"),
        ("-x-", "X"),
        ("2024 run", "2024-run"),
    ],
)
def test_account_components(text: str, expected: str) -> None:
    assert account_component(text) == expected


def _export(capsys: Capture, *args: str) -> str:
    assert cli.main(["export", "--demo", *args]) == 0
    out: str = capsys.readouterr().out
    return out


@pytest.mark.parametrize("fmt", ["ledger", "beancount"])
def test_demo_journal_totals_equal_the_export(fmt: str, tmp_path: Path, capsys: Capture) -> None:
    import json

    rows = json.loads(_export(capsys))
    path = tmp_path / f"demo.{fmt}"
    path.write_text(_export(capsys, "--format", fmt), encoding="utf-8")
    totals = hledger_totals(path) if fmt == "ledger" else beancount_totals(path)
    assert totals == export_totals(rows)
    assert len({currency for _account, currency in totals}) >= 4  # never added across currencies


def _blocks(journal: str) -> set[str]:
    """The transactions (the header and skip comments come first, apart)."""
    return {block.strip() for block in journal.split("\n\n")[1:]}


@pytest.mark.parametrize("fmt", ["ledger", "beancount"])
def test_rerun_and_since_append_nothing_new(fmt: str, tmp_path: Path, capsys: Capture) -> None:
    full = _export(capsys, "--format", fmt)
    assert _export(capsys, "--format", fmt, "--refresh") == full  # stable across fetches
    early = _export(capsys, "--format", fmt, "--until", "2026-06")
    late = _export(capsys, "--format", fmt, "--since", "2026-07")
    blocks = _blocks(full)
    assert _blocks(late) <= blocks  # every block of a later run is already known, byte for byte
    assert _blocks(early) | _blocks(late) == blocks
    # Appending the later months to the earlier file gives books equal to the full export.
    path = tmp_path / f"appended.{fmt}"
    path.write_text(early + late, encoding="utf-8")
    whole = tmp_path / f"whole.{fmt}"
    whole.write_text(full, encoding="utf-8")
    read = hledger_totals if fmt == "ledger" else beancount_totals
    assert read(path) == read(whole)
