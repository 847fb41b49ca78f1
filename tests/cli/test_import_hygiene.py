"""The script commands never load Textual: they start fast and run where no UI can.

(Rich may arrive with httpx, whose package imports its optional CLI when Rich is installed.)
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import sys
from invoicetui.cli.main import main
code = main(sys.argv[1:])
loaded = sorted({m.split('.')[0] for m in sys.modules} & {'textual'})
print('LOADED:' + ','.join(loaded))
"""

COMMANDS = [
    ["export", "--demo", "--format", "csv"],
    ["accounts", "--demo"],
    ["cache", "info"],
    ["summary", "--demo"],
    ["documents", "--demo", "--period", "2026-10", "-o", "{tmp}"],
]


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: a[0])
def test_command_loads_no_textual(argv: list[str], tmp_path: Path) -> None:
    env = dict(os.environ, INVOICETUI_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("INVOICETUI_CONFIG", None)
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *(a.format(tmp=tmp_path / "out") for a in argv)],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )
    assert "LOADED:" in proc.stdout, proc.stderr
    assert proc.stdout.rsplit("LOADED:", 1)[1].strip() == "", proc.stdout[-200:]
