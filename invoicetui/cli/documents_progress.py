"""Rich progress bars for `invoicetui documents` (terminal only; Rich comes with Textual).

Account names come from the config and stages from us, but both are shown as plain Text,
never parsed as markup.
"""

from __future__ import annotations

import sys
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text


class RichProgress:
    """One task per account: indeterminate while loading, then documents done of all."""

    def __init__(self, accounts: list[str]) -> None:
        self._console = Console(file=sys.stderr)
        self._progress = Progress(
            TextColumn("{task.fields[name]}", markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[stage]}", markup=False),
            TimeElapsedColumn(),
            console=self._console,
            transient=False,
        )
        width = max((len(a) for a in accounts), default=0)
        self._tasks: dict[str, TaskID] = {
            name: self._progress.add_task(
                "", total=None, name=Text(name.ljust(width)).plain, stage="waiting"
            )
            for name in accounts
        }

    def __enter__(self) -> RichProgress:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for task in self._tasks.values():
            if self._progress.tasks[task].total is None:
                self._progress.update(task, total=1, completed=1, stage="")
        self._progress.stop()

    # Progress protocol (service/documents.py)
    def stage(self, account: str, text: str) -> None:
        self._progress.update(self._tasks[account], stage=text)

    def planned(self, account: str, total: int) -> None:
        # No documents (a provider without a PDF API): a full bar, the stage says why.
        self._progress.update(self._tasks[account], total=total or 1, completed=0 if total else 1)

    def advanced(self, account: str, status: str) -> None:
        self._progress.advance(self._tasks[account])
