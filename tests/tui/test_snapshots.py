"""Snapshot tests of the main screens (pytest-textual-snapshot; SVGs in tests/tui/__snapshots__/).

Scenes are defined in tests/snapshots/snapshot_app.py, shared with the screenshot command.
After an intended UI change: `pytest tests/tui/test_snapshots.py --snapshot-update`, then open
every changed SVG and look at it before committing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from snapshots.snapshot_app import (
    SCENE_NAMES,
    build_app,
    demo_server,
    fixed_clock,
    run_before,
    scene,
)


@pytest.mark.parametrize("name", SCENE_NAMES)
def test_snapshot(
    name: str,
    snap_compare: Callable[..., bool],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shown = scene(name)
    if shown.no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    with demo_server(shown.ordinary) as server, fixed_clock():
        app: Any = build_app(shown, server, tmp_path / "cache")
        assert snap_compare(app, terminal_size=shown.size, run_before=run_before(shown))
