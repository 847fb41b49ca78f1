"""The period's manifest, DIR/manifest-<PERIOD>.csv and .json: one row per invoice of the
period in every account, with its documents, for the accountant and for scripts.

Stable: the same data gives the same bytes (no run time in it), so a re-run changes nothing.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from invoicetui.core.model import invoice_to_json
from invoicetui.service.documents import AccountReport, DocumentsRun
from invoicetui.service.export import INVOICE_COLUMNS, NUMERIC_COLUMNS, text_cell, write_atomic

CSV_COLUMNS = (*INVOICE_COLUMNS, "documents")


def manifest_paths(run: DocumentsRun) -> tuple[Path, Path]:
    stem = f"manifest-{run.period.label}"
    return run.directory / f"{stem}.csv", run.directory / f"{stem}.json"


def _account_json(report: AccountReport) -> dict[str, Any]:
    counts = report.counts()
    return {
        "account": report.account.name,
        "provider": report.account.provider,
        "invoices": len(report.invoices),
        "documents": "pdf" if report.serves_documents else "url",
        "document_counts": dict(sorted(counts.items())),
        "errors": list(report.errors),
    }


def _rows(run: DocumentsRun) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for report in run.reports:
        for inv in report.invoices:
            data = invoice_to_json(inv)
            row = {c: data[c] for c in INVOICE_COLUMNS}
            row["documents"] = [
                {
                    "kind": d.kind,
                    "file": d.file if d.present else None,
                    "status": d.status,
                    "size": d.size,
                    "sha256": d.sha256,
                    "error": d.error,
                }
                for d in report.documents.get(inv.id, ())
            ]
            rows.append(row)
    return rows


def render_manifest_json(run: DocumentsRun) -> str:
    data = {
        "period": run.period.label,
        "first_month": run.period.first,
        "last_month": run.period.last,
        "accounts": [_account_json(r) for r in run.reports],
        "invoices": _rows(run),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_manifest_csv(run: DocumentsRun) -> str:
    """The export's CSV columns, then the saved documents' paths (space-separated)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in _rows(run):
        files = " ".join(d["file"] for d in row["documents"] if d["file"])
        cells = {**row, "problems": "; ".join(row.get("problems") or ())}
        writer.writerow(
            [
                ("" if cells[c] is None else str(cells[c]))
                if c in NUMERIC_COLUMNS
                else text_cell(cells[c])
                for c in INVOICE_COLUMNS
            ]
            + [text_cell(files)]
        )
    return buffer.getvalue()


def write_manifest(run: DocumentsRun) -> tuple[Path, Path]:
    """Both files, each written atomically; returns their paths."""
    csv_path, json_path = manifest_paths(run)
    write_atomic(csv_path, render_manifest_csv(run))
    write_atomic(json_path, render_manifest_json(run))
    return csv_path, json_path
