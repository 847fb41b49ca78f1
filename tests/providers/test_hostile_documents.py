"""`invoicetui documents` against a Palette whose PDF reports misbehave (tests/hostile_server.py
"palette-docs"): the downloads take the one retry policy of the JSON calls, so each fault
ends the account in bounded attempts with one clear line, and no half PDF is left behind.

Retry waits are recorded, not slept (the `waits` fixture); per-attempt deadlines are
half a second against servers that trickle or stall: nothing sleeps to wait.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_server import PALETTE_MONTH, HostileServer

from invoicetui.cli import main as cli
from invoicetui.config.accounts import AccountConfig
from invoicetui.config.load import account_to_toml
from invoicetui.service import bounds

Capture = pytest.CaptureFixture[str]
TOKEN = "tok-SECRET-4711-abcdef"
KINDS = ("invoice", "report", "usage")  # Palette's three reports: one invoice, three PDFs


def palette(url: str, **kwargs: object) -> AccountConfig:
    values: dict[str, object] = {"timeout": 0.5, "token": TOKEN, "tenant_uid": "t1"}
    values.update({"max_rps": 1000, **kwargs})
    return AccountConfig(name="pal", provider="palette", base_url=url, **values)  # type: ignore[arg-type]


def documents(tmp_path: Path, account: AccountConfig, capsys: Capture) -> tuple[int, str, str]:
    config = tmp_path / "config.toml"
    config.write_text(account_to_toml(account), encoding="utf-8")
    out = tmp_path / "books"
    argv = ["documents", "--config", str(config), "--period", PALETTE_MONTH, "-o", str(out)]
    code = cli.main(argv)
    said = capsys.readouterr()
    return code, said.out, said.err


def no_pdf_left(tmp_path: Path) -> None:
    """Nothing of a failed download stays: no PDF, no temp part."""
    folder = tmp_path / "books" / "pal"
    assert [p.name for p in folder.iterdir()] == [".invoicetui-documents.json"]  # the index


def test_a_well_behaved_palette_saves_its_three_pdfs(
    tmp_path: Path, hostile: HostileServer, capsys: Capture, waits: list[float]
) -> None:
    code, out, err = documents(tmp_path, palette(hostile.url("palette-docs~ok")), capsys)
    assert (code, err) == (0, "")
    assert "pal: 1 invoice, 3 PDFs: 3 downloaded" in out
    assert sorted(p.name for p in (tmp_path / "books" / "pal").glob("*.pdf")) == [
        f"p1-{kind}.pdf" for kind in sorted(KINDS)
    ]


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        ("trickle:0.05", "no complete answer within 0.5 s"),  # a byte each 0.05 s: 200 s in all
        ("stall", "no complete answer within 0.5 s"),
        ("short", "no complete answer within 0.5 s"),  # Content-Length 1000, 10 bytes, silence
        ("short:close", "closed the connection before the answer was complete"),
    ],
)
def test_a_slow_or_short_pdf_fails_within_the_timeout_per_attempt(
    tmp_path: Path,
    hostile: HostileServer,
    capsys: Capture,
    waits: list[float],
    fault: str,
    words: str,
) -> None:
    code, out, err = documents(tmp_path, palette(hostile.url(f"palette-docs~{fault}")), capsys)
    assert code == 1
    assert "pal: 1 invoice, 3 PDFs: 3 failed" in out
    (line,) = err.strip().splitlines()
    assert line.startswith("Palette account 'pal': ") and words in line
    # Each PDF: one attempt, one retry (as a JSON call), then the account stops asking.
    asked = hostile.hits[f"palette-docs:{fault.partition(':')[0]}"]
    assert 2 <= asked <= 2 * len(KINDS)
    assert 1 <= len(waits) <= len(KINDS)
    no_pdf_left(tmp_path)


def test_a_pdf_that_never_ends_stops_at_the_50_mb_cap_and_is_not_retried(
    tmp_path: Path, hostile: HostileServer, capsys: Capture, waits: list[float]
) -> None:
    account = palette(hostile.url("palette-docs~big"), timeout=30)  # the cap ends it, not time
    code, out, err = documents(tmp_path, account, capsys)
    assert code == 1 and "3 failed" in out
    assert "larger than 50 MiB (after decompression); not read further" in err
    assert hostile.hits["palette-docs:big"] <= len(KINDS) and waits == []
    no_pdf_left(tmp_path)


def test_a_retry_after_of_an_hour_fails_at_once_naming_the_wait(
    tmp_path: Path, hostile: HostileServer, capsys: Capture, waits: list[float]
) -> None:
    code, out, err = documents(tmp_path, palette(hostile.url("palette-docs~429:3600")), capsys)
    assert code == 1 and "3 failed" in out
    (line,) = err.strip().splitlines()
    assert "rate limited" in line and "asked to wait 3600 s (1 h)" in line
    assert hostile.hits["palette-docs:429"] <= len(KINDS) and waits == []


def test_a_self_signed_certificate_on_the_pdf_path_is_not_retried(
    tmp_path: Path,
    hostile: HostileServer,
    hostile_tls: HostileServer,
    capsys: Capture,
    waits: list[float],
) -> None:
    # First run: the list comes from the plain server (its PDFs answer 404) and is cached.
    # Second run: the cached list is fresh, so only the PDFs are asked for, over bad TLS.
    first = palette(hostile.url("palette-docs~status:404"))
    assert documents(tmp_path, first, capsys)[0] == 1
    before = hostile_tls.connections
    code, out, err = documents(tmp_path, palette(hostile_tls.url("palette-docs~ok")), capsys)
    assert code == 1 and "3 failed" in out
    (line,) = err.strip().splitlines()
    assert "TLS: the certificate of 127.0.0.1 was not accepted" in line
    assert hostile_tls.connections - before <= len(KINDS)  # one handshake per PDF, no retry
    assert waits == []


def test_the_account_deadline_ends_pdfs_that_each_come_in_time(
    tmp_path: Path,
    hostile: HostileServer,
    capsys: Capture,
    waits: list[float],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each byte comes well within the attempt's 30 s; only the account's deadline ends it.
    monkeypatch.setattr(bounds, "deadline_seconds", lambda _account: 0.5)
    account = palette(hostile.url("palette-docs~trickle:0.05"), timeout=30)
    code, out, err = documents(tmp_path, account, capsys)
    assert code == 1
    assert "pal: 1 invoice, 3 PDFs: 3 failed" in out  # the three are reported, none kept
    (line,) = err.strip().splitlines()
    assert "did not finish within 0.5 s (the account's deadline)" in line
    assert waits == []
    no_pdf_left(tmp_path)


def test_a_refused_connection_on_the_pdf_path_is_retried_once_quickly(
    tmp_path: Path, hostile: HostileServer, capsys: Capture, waits: list[float]
) -> None:
    # As for TLS: the list is cached by a first run, then only the PDFs meet the closed port.
    assert documents(tmp_path, palette(hostile.url("palette-docs~status:404")), capsys)[0] == 1
    code, out, err = documents(tmp_path, palette("http://127.0.0.1:1"), capsys)
    assert code == 1 and "3 failed" in out
    (line,) = err.strip().splitlines()
    assert "127.0.0.1:1 refused the connection" in line
    assert waits and len(waits) <= len(KINDS) and all(w <= 0.25 for w in waits)
