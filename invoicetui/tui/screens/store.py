"""What the main screen knows: invoices and load state per account, as plain data.

Kept apart from the widgets so the rules (which message wins, how fresh pages replace cached
rows, which state word an account gets) are plain Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from invoicetui.config.accounts import AccountConfig
from invoicetui.core.errors import OfflineNoData, ProviderError
from invoicetui.core.model import AccountSnapshot, Invoice
from invoicetui.tui.widgets.sidebar import ALL, AccountState


def _facts(invoice: Invoice) -> tuple[object, ...]:
    """What a payer calls a change (not the raw payload, which carries request ids)."""
    return (
        invoice.status, invoice.status_raw, invoice.number, invoice.currency, invoice.total,
        invoice.amount_due, invoice.issued, invoice.due, invoice.period_start, invoice.period_end,
    )  # fmt: skip


def in_scope(scope: str, state: AccountState) -> bool:
    """Scopes: "all", "provider:<name>", "account:<name>" (the sidebar's entries)."""
    return scope in (ALL, f"account:{state.name}", f"provider:{state.provider}")


class InvoiceStore:
    """Invoices per account (cached or complete), fresh pages arriving, and each state."""

    def __init__(self, accounts: Iterable[AccountConfig], *, offline: bool = False) -> None:
        self.offline = offline
        self.states: dict[str, AccountState] = {
            a.name: AccountState(a.name, a.provider) for a in accounts
        }
        self.invoices: dict[str, tuple[Invoice, ...]] = {}
        self.fresh_pages: dict[str, list[Invoice]] = {}  # arriving, not yet complete
        self.fresh_ids: dict[str, set[str]] = {}
        self.generations: dict[str, int] = {}
        self.details: dict[tuple[str, str], Invoice] = {}

    # ------------------------------------------------------------------ loading

    def begin(self, account: str) -> int:
        """A new load of `account`: messages of older loads are ignored from now on."""
        generation = self.generations.get(account, 0) + 1
        self.generations[account] = generation
        self.fresh_pages.pop(account, None)
        self.fresh_ids.pop(account, None)
        state = self.states[account]
        state.phase = "loading"
        state.done, state.total = 0, None
        return generation

    def is_current(self, account: str, generation: int) -> bool:
        return account in self.states and self.generations.get(account) == generation

    def cache_loaded(self, account: str, snapshot: AccountSnapshot | None) -> bool:
        """First paint from the cache; False when there is nothing to show (or fresh won)."""
        if snapshot is None or self.fresh_pages.get(account):
            return False
        state = self.states[account]
        state.fetched_at = snapshot.fetched_at
        state.count = len(snapshot.invoices)
        self.invoices[account] = snapshot.invoices
        return True

    def progress(self, account: str, done: int, total: int | None) -> None:
        state = self.states[account]
        state.done, state.total = done, total

    def page(self, account: str, invoices: Sequence[Invoice]) -> None:
        """Fresh rows go on screen at once; the cached rows they replace leave with them."""
        fresh = self.fresh_pages.setdefault(account, [])
        fresh.extend(invoices)
        self.fresh_ids.setdefault(account, set()).update(inv.id for inv in invoices)
        state = self.states[account]
        state.count = max(len(fresh), len(self.invoices.get(account, ())))

    def loaded(self, account: str, snapshot: AccountSnapshot) -> int:
        """The account's complete list; returns how many invoices differ from the list before."""
        before = {inv.id: _facts(inv) for inv in self.invoices.get(account, ())}
        changed = sum(before.pop(inv.id, None) != _facts(inv) for inv in snapshot.invoices)
        changed += len(before)  # gone since
        state = self.states[account]
        state.count = len(snapshot.invoices)
        state.fetched_at = snapshot.fetched_at
        state.error = snapshot.error
        state.warnings = snapshot.warnings
        state.short_error = None
        if snapshot.stale or snapshot.error:
            state.phase = "stale"
        elif self.offline:
            state.phase = "offline"
        else:
            state.phase = "ok"
        self.fresh_pages.pop(account, None)
        self.fresh_ids.pop(account, None)
        self.invoices[account] = snapshot.invoices
        if not snapshot.from_cache:  # details shown so far may be older than the new list
            self.details = {k: v for k, v in self.details.items() if k[0] != account}
        return changed

    def failed(self, account: str, error: ProviderError) -> None:
        """Nothing usable came back; rows already on screen (an earlier load) stay."""
        state = self.states[account]
        state.phase = "failed"
        state.short_error = error.short
        state.error = str(error)

    # ------------------------------------------------------------------ rows

    def rows_of(self, account: str) -> Sequence[Invoice]:
        """An account's rows: fresh pages so far, then the cached rows not yet replaced."""
        base = self.invoices.get(account, ())
        fresh = self.fresh_pages.get(account)
        if not fresh:
            return base
        ids = self.fresh_ids.get(account, set())
        return [*fresh, *(inv for inv in base if inv.id not in ids)]

    def all_invoices(self) -> list[Invoice]:
        return [inv for name in self.states for inv in self.rows_of(name)]

    def scoped(self, scope: str) -> list[Invoice]:
        rows: list[Invoice] = []
        for name, state in self.states.items():
            if in_scope(scope, state):
                rows.extend(self.rows_of(name))
        return rows

    def scope_states(self, scope: str) -> list[AccountState]:
        return [s for s in self.states.values() if in_scope(scope, s)]

    def scope_accounts(self, scope: str) -> list[str]:
        return [s.name for s in self.scope_states(scope)]

    def failed_accounts(self) -> list[str]:
        """Accounts whose last load failed (nothing, or only stale data, on screen)."""
        return [
            s.name
            for s in self.states.values()
            if s.phase == "failed" or (s.phase == "stale" and s.error)
        ]

    def notice_lines(self, scope: str, retry_key: str = "F", limit: int = 3) -> list[str]:
        """What the pane says about failing or stale accounts in scope, with what to do."""
        lines: list[str] = []
        hint = f" ({retry_key} retries failed accounts)"
        for state in self.scope_states(scope):
            retry = "" if state.short_error == OfflineNoData.short else hint
            if state.phase == "failed" and state.error:
                lines.append(f"✗ {state.error}{retry}")
            elif state.phase == "stale" and state.error:
                lines.append(f"! showing cached data: {state.error}{retry}")
            lines.extend(f"! {warning}" for warning in state.warnings)
        if len(lines) > limit:
            more = len(lines) - (limit - 1)
            lines = [*lines[: limit - 1], f"… and {more} more: select an account to see why"]
        return lines
