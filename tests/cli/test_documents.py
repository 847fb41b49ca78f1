"""`invoicetui documents` against the demo server over loopback: manifest, PDFs, re-runs,
changed documents, a 401 on one account, and kill -9 in the middle of a download.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from demo_recording import Recording

from invoicetui.cli import main as cli
from invoicetui.config.load import account_to_toml
from invoicetui.demo.palette import PaletteDemo
from invoicetui.demo.server import (
    DemoRequest,
    DemoResponse,
    DemoServer,
    Fault,
    build_providers,
    demo_accounts,
)

Capture = pytest.CaptureFixture[str]
ACCOUNTS = ["acme-palette", "edge-palette", "hpc-centre", "doit", "vector-db"]
PERIOD = "2026-Q3"


class Palette(Recording):
    """The Palette fake, recorded, with switchable misbehaviour on the report paths."""

    def __init__(self) -> None:
        super().__init__(PaletteDemo())
        self.refuse_tenant: str | None = None  # 401 on this tenant's reports
        self.revision = b""  # appended to every report: the server's copy changed

    def handle(self, request: DemoRequest) -> DemoResponse:
        if self.refuse_tenant and self.refuse_tenant in request.path and "/report" in request.path:
            with self.lock:
                self.seen.append((request, DemoResponse(401)))
            body = {"code": "Unauthorized", "message": "Invalid API key", "details": {}, "ref": ""}
            return DemoResponse(401, body)
        response = super().handle(request)
        if self.revision and isinstance(response.body, bytes):
            response = replace(response, body=response.body.replace(b"%%EOF", self.revision))
        return response

    def reports(self) -> list[str]:
        return [p for p in self.paths() if "/report" in p]


@pytest.fixture(scope="module")
def _others() -> dict[str, Any]:
    providers = build_providers()
    return {k: v for k, v in providers.items() if k != "palette"}


@pytest.fixture
def palette() -> Palette:
    return Palette()


@pytest.fixture
def server(palette: Palette, _others: dict[str, Any]) -> Iterator[DemoServer]:
    with DemoServer(providers={"palette": palette, **_others}, rate_limits=False) as srv:
        yield srv


@pytest.fixture
def config(server: DemoServer, tmp_path: Path) -> Path:
    accounts = [replace(a, max_rps=1000.0) for a in demo_accounts(server) if a.name in ACCOUNTS]
    path = tmp_path / "config.toml"
    path.write_text("\n".join(account_to_toml(a) for a in accounts), encoding="utf-8")
    return path


def run(config: Path, out: Path, *extra: str) -> int:
    return cli.main(
        ["documents", "--config", str(config), "--period", PERIOD, "-o", str(out), *extra]
    )


def manifest(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / f"manifest-{PERIOD}.json").read_text("utf-8"))
    return data


def pdfs(out: Path) -> list[Path]:
    return sorted(out.rglob("*.pdf"))


def test_manifest_lists_the_periods_invoices_of_every_account(
    config: Path, tmp_path: Path, capsys: Capture
) -> None:
    out = tmp_path / "books"
    assert run(config, out) == 0
    said = capsys.readouterr()
    assert said.err == ""  # stderr is no terminal here: no progress bars
    lines = said.out.splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == ACCOUNTS
    for name in ("hpc-centre", "doit", "vector-db"):
        assert re.search(rf"^{name}: \d+ invoices; \w+ has no PDF API", said.out, re.M)
    assert "acme-palette: 3 invoices, 9 PDFs: 9 downloaded" in said.out

    # The manifest holds exactly what export selects for the same months, field for field.
    assert (
        cli.main(["export", "--config", str(config), "--since", "2026-07", "--until", "2026-09"])
        == 0
    )
    exported = json.loads(capsys.readouterr().out)
    data = manifest(out)
    assert (data["period"], data["first_month"], data["last_month"]) == (
        PERIOD,
        "2026-07",
        "2026-09",
    )
    rows = data["invoices"]
    assert [(r["account"], r["id"]) for r in rows] == [(e["account"], e["id"]) for e in exported]
    for row, inv in zip(rows, exported, strict=True):
        for key in ("number", "status", "issued", "due", "currency", "total", "amount_due", "url"):
            assert row[key] == inv[key], (key, row, inv)
        if row["provider"] == "palette":
            assert [d["kind"] for d in row["documents"]] == ["invoice", "report", "usage"]
            for doc in row["documents"]:
                assert doc["file"] == f"{row['account']}/{row['id']}-{doc['kind']}.pdf"
                assert doc["status"] == "downloaded" and (out / doc["file"]).is_file()
        else:
            assert row["documents"] == []
    for provider in ("waldur", "doit"):  # the console or payment URL instead (Zilliz has none)
        assert any(r["url"] for r in rows if r["provider"] == provider), provider
    assert {a["account"]: a["documents"] for a in data["accounts"]} == {
        "acme-palette": "pdf",
        "edge-palette": "pdf",
        "hpc-centre": "url",
        "doit": "url",
        "vector-db": "url",
    }
    with (out / f"manifest-{PERIOD}.csv").open(encoding="utf-8", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert [(r["account"], r["id"], r["total"]) for r in table] == [
        (r["account"], r["id"], r["total"] or "") for r in rows
    ]
    assert table[0]["documents"].split() == [d["file"] for d in rows[0]["documents"]]


def test_pdfs_are_whole_and_say_their_number_and_total(config: Path, tmp_path: Path) -> None:
    out = tmp_path / "books"
    assert run(config, out, "--account", "acme-palette", "--account", "edge-palette") == 0
    rows = manifest(out)["invoices"]
    files = pdfs(out)
    assert len(files) == 3 * len(rows) == 18
    assert not list(out.rglob("*.part"))
    for path in files:
        body = path.read_bytes()
        assert body.startswith(b"%PDF-1.4") and body.rstrip().endswith(b"%%EOF")
        assert len(body) < 4096
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: PDF text not read back")
    for row in rows:
        for doc in row["documents"]:
            text = subprocess.run(
                ["pdftotext", str(out / doc["file"]), "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            assert f"Invoice number: {row['number']}" in text
            total = re.search(r"Total: USD ([\d.]+)", text)
            assert total and Decimal(total.group(1)) == Decimal(row["total"]), text


def test_a_second_run_downloads_nothing(
    config: Path, tmp_path: Path, palette: Palette, capsys: Capture
) -> None:
    out = tmp_path / "books"
    assert run(config, out) == 0
    first = {p: p.stat().st_mtime_ns for p in pdfs(out)}
    assert len(palette.reports()) == 18
    before = (out / f"manifest-{PERIOD}.csv").read_text()
    palette.seen.clear()
    capsys.readouterr()
    assert run(config, out) == 0
    assert palette.reports() == []
    assert "acme-palette: 3 invoices, 9 PDFs: 9 already saved" in capsys.readouterr().out
    assert {p: p.stat().st_mtime_ns for p in pdfs(out)} == first
    assert (out / f"manifest-{PERIOD}.csv").read_text() == before  # the CSV is stable


def test_a_changed_document_is_kept_unless_force(
    config: Path, tmp_path: Path, palette: Palette, capsys: Capture
) -> None:
    out = tmp_path / "books"
    assert run(config, out, "--account", "acme-palette") == 0
    mine = pdfs(out)[0]
    mine.write_bytes(mine.read_bytes().replace(b"Total", b"Tota1"))  # a copy changed on disk
    edited = mine.read_bytes()
    capsys.readouterr()
    assert run(config, out, "--account", "acme-palette") == 1
    said = capsys.readouterr()
    assert "1 differ (kept)" in said.out and "--force" in said.err
    assert mine.read_bytes() == edited
    assert len(palette.reports()) == 9 + 1  # only the changed file was asked for again

    # The server's copies change (a reissue): --refresh notices, keeps ours, --force replaces.
    palette.revision = b"% revised\n%%EOF"
    assert run(config, out, "--account", "acme-palette", "--refresh") == 1
    assert "9 differ (kept)" in capsys.readouterr().out
    assert all(b"revised" not in p.read_bytes() for p in pdfs(out))
    assert run(config, out, "--account", "acme-palette", "--refresh", "--force") == 0
    assert "9 replaced" in capsys.readouterr().out
    assert all(b"% revised" in p.read_bytes() for p in pdfs(out))


def test_a_401_on_one_account_leaves_the_others_complete(
    config: Path, tmp_path: Path, palette: Palette, server: DemoServer, capsys: Capture
) -> None:
    edge = next(a for a in demo_accounts(server) if a.name == "edge-palette")
    palette.refuse_tenant = edge.tenant_uid
    out = tmp_path / "books"
    assert run(config, out) == 1
    said = capsys.readouterr()
    assert re.search(r"edge-palette'?: .*API key rejected.*Invalid API key", said.err)
    assert "not downloaded" in said.err
    refused = [p for p in palette.reports() if edge.tenant_uid in p]
    assert len(refused) <= 4  # stopped asking after the first refusals (4 run at once)
    data = manifest(out)
    acme = [r for r in data["invoices"] if r["account"] == "acme-palette"]
    assert all(d["status"] == "downloaded" for r in acme for d in r["documents"])
    assert len(list((out / "acme-palette").glob("*.pdf"))) == 9
    assert not list((out / "edge-palette").glob("*.pdf"))
    edge_rows = [r for r in data["invoices"] if r["account"] == "edge-palette"]
    assert len(edge_rows) == 3  # still in the manifest, with their failure
    assert {d["status"] for r in edge_rows for d in r["documents"]} <= {"failed", "skipped"}
    accounts = {a["account"]: a for a in data["accounts"]}
    assert accounts["edge-palette"]["errors"] and not accounts["acme-palette"]["errors"]
    assert accounts["doit"]["invoices"] > 0 and not accounts["doit"]["errors"]


def test_an_account_that_fails_to_list_costs_only_itself(
    config: Path, tmp_path: Path, server: DemoServer, capsys: Capture
) -> None:
    server.add_fault(Fault("wrong_token", provider="doit"))
    out = tmp_path / "books"
    assert run(config, out) == 1
    assert "DoiT account 'doit'" in capsys.readouterr().err
    accounts = {a["account"]: a for a in manifest(out)["accounts"]}
    assert accounts["doit"]["errors"] and accounts["doit"]["invoices"] == 0
    assert accounts["acme-palette"]["document_counts"] == {"downloaded": 9}


def test_offline_lists_from_the_cache_and_downloads_nothing(
    config: Path, tmp_path: Path, palette: Palette, capsys: Capture
) -> None:
    assert cli.main(["export", "--config", str(config)]) == 0  # fills the cache
    palette.seen.clear()
    capsys.readouterr()
    out = tmp_path / "books"
    assert run(config, out, "--offline", "--account", "acme-palette") == 1
    said = capsys.readouterr()
    assert palette.seen == []
    assert "9 not downloaded (offline)" in said.out and "--offline" in said.err
    assert len(manifest(out)["invoices"]) == 3 and pdfs(out) == []


def test_usage_errors(config: Path, tmp_path: Path, capsys: Capture) -> None:
    assert cli.main(["documents", "--config", str(config), "--period", "2026-13"]) == 2
    assert "2026-Q3" in capsys.readouterr().err
    assert cli.main(["documents", "--config", str(config)]) == 2  # --period is required
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert run(config, blocker / "sub") == 2
    assert "cannot create" in capsys.readouterr().err


PROBE = "import sys; from invoicetui.cli.main import main; sys.exit(main(sys.argv[1:]))"


def test_kill_9_mid_download_leaves_no_partial_pdf(
    config: Path, tmp_path: Path, server: DemoServer
) -> None:
    server.add_fault(Fault("trickle", provider="palette", path_contains="/report", delay=0.2))
    out = tmp_path / "books"
    argv = ["documents", "--config", str(config), "--period", "2026-10", "-o", str(out)]
    proc = subprocess.Popen(
        [sys.executable, "-c", PROBE, *argv, "--account", "acme-palette"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ),
    )
    try:
        deadline = time.monotonic() + 60
        while not any(p.stat().st_size > 0 for p in out.rglob("*.part")):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "no download started"
            time.sleep(0.01)  # polling the folder, not waiting for a guess
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    assert pdfs(out) == []  # half-written data only ever lives in hidden .part files
    assert all(p.name.startswith(".") for p in out.rglob("*.part"))

    server.clear_faults()
    assert cli.main([*argv, "--account", "acme-palette"]) == 0
    assert not list(out.rglob("*.part"))  # the killed run's leftovers are cleaned up
    assert len(pdfs(out)) == 3
    assert all(p.read_bytes().rstrip().endswith(b"%%EOF") for p in pdfs(out))


class Terminal(io.StringIO):
    """A stderr that says it is a terminal, for the progress bars."""

    def isatty(self) -> bool:
        return True


def test_progress_bars_on_a_terminal_one_per_account(
    config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    monkeypatch.setenv("COLUMNS", "120")
    assert run(config, tmp_path / "books") == 0
    shown = screen.getvalue()
    for name in ACCOUNTS:
        assert name in shown
    assert "9/9" in shown and "no PDF API" in shown
