"""The fake Palette's three PDF reports per invoice (PROVIDERS §1.4), built from its payload.

Apart from demo/palette.py, which serves them: what a report says is one concern, routing
and paging the fake API another.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

_REPORT_TITLES = {
    "report/invoice/pdf": ("invoice", "Invoice"),
    "report/pdf": ("report", "Monthly invoice report"),
    "report/usage/pdf": ("usage", "Tenant usage report"),
}


def report_pdf(org: str, invoice: dict[str, Any], route: str) -> tuple[str, bytes]:
    """(kind, PDF bytes) of one report: the invoice number and total are in its text."""
    from invoicetui.demo.pdf import build_pdf

    kind, title = _REPORT_TITLES[route]
    meta, spec, status = invoice["metadata"], invoice["spec"], invoice["status"]
    total = Decimal(str(status["billableAmount"])).quantize(Decimal("0.01"))
    period = spec["billingPeriod"]
    lines = [
        f"Invoice number: {meta['name']}",
        f"Invoice id: {meta['uid']}",
        f"Tenant: {org}",
        f"Billing period: {period['start'][:10]} to {period['end'][:10]}",
        f"Issued: {meta['creationTimestamp'][:10]}",
        "",
    ]
    if kind == "report":
        for product, data in status["productInvoice"].items():
            lines.append(
                f"{product.title()}: {data['usedCredits']:.0f} credits used,"
                f" {data['billableCredits']:.0f} billable, USD {data['amount']:.2f}"
            )
    else:
        for project in status["projects"]:
            if kind == "usage":
                used = sum(u["usedCredits"] for u in project["usage"].values())
                lines.append(f"{project['projectName']}: {used:.0f} CPU core hours")
            else:
                lines.append(f"{project['projectName']}: USD {project['amount']:.2f}")
    lines += ["", f"Total: USD {total}"]
    return kind, build_pdf(f"{title} {meta['name']}", lines)
