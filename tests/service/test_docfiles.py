"""Saving documents: safe names, the PDF checks, temp files that never become half a PDF."""

from __future__ import annotations

from pathlib import Path

import pytest

from invoicetui.demo.pdf import build_pdf
from invoicetui.service.docfiles import (
    FolderBusy,
    NotADocument,
    PdfFile,
    SavedIndex,
    folder_lock,
    remove_stale_parts,
    safe_name,
)
from invoicetui.service.periods import parse_period

PDF = build_pdf("Invoice x", ["Total: USD 1.00"])


@pytest.mark.parametrize(
    "text", ["../../etc/passwd", "..", ".hidden", "a/b\\c", "", "東京", "-rf", "x" * 300, "a\x00b"]
)
def test_safe_name_stays_in_its_folder(text: str, tmp_path: Path) -> None:
    name = safe_name(text)
    assert name and "/" not in name and "\\" not in name and not name.startswith((".", "-"))
    assert len(name) <= 90
    assert (tmp_path / name).resolve().parent == tmp_path.resolve()


def test_safe_name_keeps_plain_ids_and_separates_cleaned_ones() -> None:
    assert safe_name("973d6415aab6db010f9419c3") == "973d6415aab6db010f9419c3"
    assert safe_name("GB-2024-0518347") == "GB-2024-0518347"
    assert safe_name("a/b") != safe_name("a?b")


def write(part: PdfFile, body: bytes, size: int = 100) -> None:
    for start in range(0, len(body), size):
        part.write(body[start : start + size])


def test_a_whole_pdf_becomes_the_target_only_on_commit(tmp_path: Path) -> None:
    target = tmp_path / "inv-invoice.pdf"
    part = PdfFile(target)
    write(part, PDF)
    assert not target.exists() and part.path.name.startswith(".inv-invoice.pdf.")
    part.finish()
    assert not target.exists()
    part.commit()
    assert target.read_bytes() == PDF and not part.path.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<!DOCTYPE html><html>Sign in</html>", "not a PDF .*DOCTYPE"),
        (b"", "empty or too short"),
        (b"%PD", "empty or too short"),
        (PDF[: len(PDF) // 2], "incomplete"),
    ],
)
def test_what_is_not_a_whole_pdf_is_refused(body: bytes, message: str, tmp_path: Path) -> None:
    target = tmp_path / "x.pdf"
    part = PdfFile(target, provider="palette", account="acme")
    with pytest.raises(NotADocument, match=message):
        write(part, body)
        part.finish()
    part.discard()
    assert list(tmp_path.iterdir()) == []


def test_restart_forgets_what_was_written(tmp_path: Path) -> None:
    part = PdfFile(tmp_path / "x.pdf")
    write(part, PDF[:300])
    part.restart()
    write(part, PDF)
    part.finish()
    part.commit()
    assert (tmp_path / "x.pdf").read_bytes() == PDF


def test_stale_parts_are_removed_and_nothing_else(tmp_path: Path) -> None:
    (tmp_path / ".a-invoice.pdf.k3j2.part").write_bytes(b"%PDF-half")
    (tmp_path / "a-invoice.pdf").write_bytes(PDF)
    (tmp_path / "notes.part").write_text("mine")
    assert remove_stale_parts(tmp_path) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-invoice.pdf", "notes.part"]


def test_a_damaged_index_means_check_again(tmp_path: Path) -> None:
    (tmp_path / ".invoicetui-documents.json").write_text('{"files": {"a.pdf": {"sha256": 1')
    assert SavedIndex(tmp_path).entries == {}
    (tmp_path / ".invoicetui-documents.json").write_text('{"files": {"a.pdf": {"size": "x"}}}')
    assert SavedIndex(tmp_path).entries == {}


def test_one_run_per_folder(tmp_path: Path) -> None:
    with folder_lock(tmp_path), pytest.raises(FolderBusy, match="another"), folder_lock(tmp_path):
        pass
    with folder_lock(tmp_path):  # released
        pass


@pytest.mark.parametrize(
    ("text", "label", "first", "last"),
    [
        ("2026-10", "2026-10", "2026-10", "2026-10"),
        ("2026-q3", "2026-Q3", "2026-07", "2026-09"),
        ("2026-Q1", "2026-Q1", "2026-01", "2026-03"),
        (" 2026 ", "2026", "2026-01", "2026-12"),
    ],
)
def test_periods(text: str, label: str, first: str, last: str) -> None:
    period = parse_period(text)
    assert (period.label, period.first, period.last) == (label, first, last)
    assert period.contains(first) and period.contains(last) and not period.contains(None)


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "26", "2026-1", "Q3", "2026-10-01"])
def test_bad_periods_say_what_to_write(text: str) -> None:
    with pytest.raises(ValueError, match=r"2026-Q3"):
        parse_period(text)
