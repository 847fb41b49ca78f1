"""The demo's [budgets], [rates] and [groups]: what a demo config would set, so that the
insight views and `invoicetui summary --demo` show a budget crossed and an "≈" total."""

from __future__ import annotations

from decimal import Decimal

# hpc-centre's November draft (61,677.39 EUR) crosses its budget; vector-db's
# (692.54 USD) is past 80 % of its; acme-palette has no accrual (Palette bills after the month).
DEMO_BUDGETS: dict[str, Decimal] = {
    "acme-palette": Decimal("3000"),
    "hpc-centre": Decimal("50000"),
    "vector-db": Decimal("700"),
}
# NOK has no rate on purpose: the ≈ line says it left NOK out.
DEMO_RATES_BASE = "EUR"
DEMO_RATES: dict[str, Decimal] = {"USD": Decimal("0.92"), "GBP": Decimal("1.15")}
DEMO_GROUPS: dict[str, str] = {
    "vector-db": "team-search",
    "vector-db-staging": "team-search",
    "doit": "platform",
    "doit-reseller": "platform",
}


def demo_tables(accounts: set[str]) -> str:
    """[rates], [budgets] and [groups] as TOML, naming only these accounts (a config error
    otherwise), for the config `invoicetui demo-server` prints."""
    rates = [f'base = "{DEMO_RATES_BASE}"', *(f'{c} = "{r}"' for c, r in DEMO_RATES.items())]
    budgets = [f'"{a}" = "{b}"' for a, b in DEMO_BUDGETS.items() if a in accounts]
    groups = [f'"{a}" = "{g}"' for a, g in DEMO_GROUPS.items() if a in accounts]
    out = ["[rates]   # for the approximate totals only", *rates, ""]
    if budgets:
        out += ["[budgets]   # monthly, in the account's currency", *budgets, ""]
    if groups:
        out += ["[groups]   # labels for the breakdown by group", *groups, ""]
    return "\n".join(out)
