"""The cyclic GC waits while the TUI builds its first frame (no Textual here: cmd_tui uses it).

Start-up makes some 60-100k tracked objects that nearly all live on (modules, classes, widgets,
styles); the GC scans them again and again for nothing: ~150 young collections and one full
one of ~12 ms, ~35 ms CPU of a ~330 ms start (measured with gc.callbacks and
benchmarks/bench_startup.py). Once the first frame is on screen they are frozen out of later
collections (gc.freeze) and the GC runs as usual.
"""

from __future__ import annotations

import gc

_paused = False


def pause_gc() -> None:
    """Before the heavy imports: no collections until first_frame_shown()."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def first_frame_shown() -> None:
    """The first frame is on screen: freeze what start-up made, then the GC again."""
    if _paused:
        gc.freeze()
    resume_gc()


def resume_gc() -> None:
    """The GC again, if pause_gc stopped it (idempotent; a no-op in tests, which never pause)."""
    global _paused
    if _paused:
        _paused = False
        gc.enable()
