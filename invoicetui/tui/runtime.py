"""Interpreter settings: the GC paused while modules load (the TUI: until its first frame), then
a UI that stays quick while threads fill it with a million objects (no Textual here: cli/main.py
uses it first, for every command).

Start-up makes some 60-100k tracked objects that nearly all live on (modules, classes, widgets,
styles); the GC scanned them again and again for nothing: ~150 young collections and one full
one of ~12 ms, ~35 ms CPU of a ~330 ms start (measured with gc.callbacks and
benchmarks/bench_startup.py). So it waits for the first frame, which then freezes them out of
later collections (gc.freeze).

Measured with benchmarks/bench_keys.py (1M Waldur items streaming in, 2 cores):
- The GIL passes between threads every switch interval (5 ms by default): the UI thread
  waited up to that long at each wake-up while the fetch thread decoded pages. At 1 ms,
  key to paint went from 20 to 9 ms median.
- Python's full (oldest-generation) collections walk every live object: with a million line
  items arriving they ran ~20 times in one fetch, up to 1.3 s each, stopping every thread
  (keys included) and adding ~40% to the fetch. The model is acyclic (frozen dataclasses,
  tuples, Decimals; freed by reference counting), so full collections are made rare; the
  young generations, where cyclic garbage dies, are collected as usual.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable

SWITCH_INTERVAL = 0.001
# Full collections at most every this many young (generation 1) collections: ~70M
# allocations at the default thresholds, instead of ~7,000 (Python's 25% rule still applies).
FULL_COLLECTION_EVERY = 10_000


def tune() -> Callable[[], None]:
    """Apply the settings for the app's run; returns what puts the previous ones back."""
    interval = sys.getswitchinterval()
    thresholds = gc.get_threshold()
    sys.setswitchinterval(min(interval, SWITCH_INTERVAL))
    gc.set_threshold(thresholds[0], thresholds[1], max(thresholds[2], FULL_COLLECTION_EVERY))

    def restore() -> None:
        sys.setswitchinterval(interval)
        gc.set_threshold(*thresholds)

    return restore


_paused = False


def pause_gc() -> None:
    """Before the heavy imports: no collections until resume_gc() or first_frame_shown()."""
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
