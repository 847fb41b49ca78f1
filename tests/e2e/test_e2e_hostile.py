"""The bytes the app writes to its pty while it shows hostile provider text hold none of it.

The demo's nordic-hpc account has an invoice whose texts carry escape sequences (an OSC 8
hyperlink, a title change, colours, an 8-bit CSI), bidi controls and a lone surrogate
(demo/waldur_data.py). The app is driven in tmux to that invoice and its line items while
`pipe-pane` records every byte it writes; none of the injected sequences or controls may be
among them, and the cleaned text must be on screen (so the test did reach it).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
import test_e2e_tmux
from test_e2e_tmux import EXE, Tmux, wait_for_text, wait_until

tmux = test_e2e_tmux.tmux  # the fixture: one private tmux server per test

pytestmark = pytest.mark.e2e

if shutil.which("tmux") is None:
    pytest.skip("tmux is not installed", allow_module_level=True)

# Pieces of the hostile texts that only the data could have put in the output.
INJECTED = (
    "evil.example",  # the OSC 8 hyperlink's target
    "PWNED",  # the OSC 0 window title
    "\x1b]8;;https",
    "\x1b[31mred",
    "\x1b[5m",
    "\x9b",  # the 8-bit CSI, as a character (its byte can be a UTF-8 continuation byte)
)
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def recorded(path: Path) -> str:
    data = path.read_bytes() if path.exists() else b""
    assert b"\xed\xa0\x80" not in data and b"\xed\xbf\xbf" not in data  # no encoded surrogate
    return data.decode("utf-8", "replace")


def test_hostile_text_never_reaches_the_pty(tmux: Tmux, tmp_path: Path) -> None:
    out = tmp_path / "pty.bytes"
    tmux.start(f"cd {tmp_path} && exec {EXE} --demo", width=120, height=36)
    tmux.run("pipe-pane", "-o", "-t", "app", f"cat >> {out}")
    wait_for_text(tmux, "All accounts", "nordic-hpc")
    wait_until("every account loaded", lambda: "loading" not in tmux.screen(), tmux.screen)

    tmux.keys("/")
    wait_for_text(tmux, "/ id, account", "Enter keeps · Esc clears")
    tmux.type("nordic-hpc")
    tmux.keys("Enter")
    wait_for_text(tmux, "filter: nordic-hpc")
    tmux.keys("End")
    tmux.keys("Enter")  # the oldest invoice, full screen at this width
    wait_for_text(tmux, "Invoice click here r", "Nordic HPC AS", "redro pay now")
    # Enter goes into the line items, then opens the first one on its own screen, where its
    # description is whole; a key sent while focus moves may be taken by the table before.
    opened = False
    for _ in range(4):
        tmux.keys("Enter")
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and not opened:
            opened = "Invoice click here red" in tmux.screen()
            time.sleep(0.05)
        if opened:
            break
    wait_for_text(tmux, "Invoice click here red")
    screen = tmux.screen()
    tmux.run("pipe-pane", "-t", "app")  # stop recording (the fixture ends the server)

    written = recorded(out)
    assert len(written) > 1000, "nothing was recorded"
    assert "click here red" in written  # the cleaned text did go out
    for piece in INJECTED:
        assert piece not in written, f"{piece!r} reached the terminal"
    for char in BIDI:
        assert char not in written, f"U+{ord(char):04X} reached the terminal"
    assert "PWNED" not in screen and "evil" not in screen


def test_pipe_pane_records_what_the_app_writes(tmux: Tmux, tmp_path: Path) -> None:
    """The rig itself: pipe-pane sees a program's own escape sequences (else the test above
    would pass on an empty recording)."""
    out = tmp_path / "rig.bytes"
    tmux.start("sleep 1; printf 'A\\033]0;TITLE\\007B\\342\\200\\256C\\n'; sleep 30")
    tmux.run("pipe-pane", "-o", "-t", "app", f"cat >> {out}")
    wait_until("the output", lambda: out.exists() and b"C" in out.read_bytes(), tmux.screen)
    data = out.read_bytes()
    assert b"\x1b]0;TITLE\x07" in data and "\u202e".encode() in data
