"""How many accounts may fetch at once: shared by export and the TUI (a 40-account config)."""

from __future__ import annotations

import asyncio
import weakref

# At most this many accounts talk to their providers at once (a 40-account config must not
# open 40 connection pools and burst every provider at the same moment). Cached reads are
# not limited: every account still paints from its cache at once. The TUI runs every fetch
# on one loop (service/background.py), so this bounds all of them together.
FETCH_SLOTS = 8
_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


def fetch_slots() -> asyncio.Semaphore:
    """This event loop's semaphore of fetch slots (a Semaphore must not cross loops)."""
    loop = asyncio.get_running_loop()
    slots = _slots.get(loop)
    if slots is None:
        slots = _slots[loop] = asyncio.Semaphore(FETCH_SLOTS)
    return slots
