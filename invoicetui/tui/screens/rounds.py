"""A refresh round: the accounts one r, R or F started, then one sentence about how it went.

The status bar says "Refreshing…" while any of them loads, and when the last one is done
it says what came of them ("vector-db: 20 invoices, 2 changed"), so no progress message
lingers after the work it announced.
"""

from __future__ import annotations

from dataclasses import dataclass

from invoicetui.tui.widgets.statusbar import Tone


@dataclass(frozen=True)
class Outcome:
    """How one account's load ended."""

    invoices: int
    changed: int
    error: str | None = None  # failed, or stale: fresh data could not be had


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


class RefreshRound:
    """Accounts still loading in this round (by generation) and the outcomes of the rest."""

    def __init__(self) -> None:
        self.pending: dict[str, int] = {}
        self.outcomes: dict[str, Outcome] = {}

    @property
    def active(self) -> bool:
        return bool(self.pending)

    def includes(self, account: str, generation: int) -> bool:
        return self.pending.get(account) == generation

    def add(self, account: str, generation: int) -> None:
        """A load of `account` joins the round (a new round once the last one has ended)."""
        if not self.pending:
            self.outcomes.clear()
        self.pending[account] = generation
        self.outcomes.pop(account, None)

    def finish(self, account: str, generation: int, outcome: Outcome) -> bool:
        """Record an outcome; True when it was the round's last pending account."""
        if not self.includes(account, generation):
            return False
        del self.pending[account]
        self.outcomes[account] = outcome
        return not self.pending

    def summary(self) -> tuple[str, Tone]:
        outcomes = self.outcomes
        failed = {name: o for name, o in outcomes.items() if o.error}
        if len(outcomes) == 1:
            ((name, outcome),) = outcomes.items()
            if outcome.error:
                return f"{name}: {outcome.error}", "error"
            return (
                f"{name}: {_n(outcome.invoices, 'invoice')}, {outcome.changed:,} changed",
                "success",
            )
        invoices = sum(o.invoices for o in outcomes.values())
        changed = sum(o.changed for o in outcomes.values())
        text = f"Refreshed {len(outcomes)} accounts: {_n(invoices, 'invoice')}, {changed:,} changed"
        if not failed:
            return text, "success"
        return f"{text}; {len(failed)} failed: {', '.join(failed)}", "error"
