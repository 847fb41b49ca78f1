"""One event loop in a daemon thread that runs the TUI's account fetches, off the UI's loop.

A 1M-item Waldur account is thousands of pages of HTTP, JSON decoding and cleaning; on the
UI's loop they queue ahead of every key press (and each socket call waits on the GIL while
the page work runs), which made keys take 170 ms. Here the UI's loop only awaits the result.
All fetches share this one loop, so fetch_slots() still bounds them together. Cancelling the
awaiting task cancels the fetch and waits until it has cleaned up (clients closed).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None


def fetch_loop() -> asyncio.AbstractEventLoop:
    """The fetch thread's loop, started on first use (and kept for the process)."""
    global _loop
    with _lock:
        if _loop is None or _loop.is_closed():
            loop = asyncio.new_event_loop()
            ready = threading.Event()

            def serve() -> None:
                asyncio.set_event_loop(loop)
                loop.call_soon(ready.set)
                loop.run_forever()

            threading.Thread(target=serve, name="invoicetui-fetch", daemon=True).start()
            ready.wait()
            _loop = loop
        return _loop


async def run_in_fetch_loop(coro: Coroutine[Any, Any, T]) -> T:
    """Await `coro` run on the fetch loop; its callbacks run in the fetch thread."""
    loop = fetch_loop()
    if asyncio.get_running_loop() is loop:
        return await coro
    started: list[asyncio.Task[tuple[bool, T | None]]] = []
    outcome: Future[tuple[bool, T | None]] = Future()

    def settle(task: asyncio.Task[tuple[bool, T | None]]) -> None:
        if task.cancelled():  # cancelled before it ran a step
            coro.close()
            outcome.set_result((False, None))
        elif (error := task.exception()) is not None:
            outcome.set_exception(error)
        else:
            outcome.set_result(task.result())

    def start() -> None:
        task = loop.create_task(_finished(coro))
        task.add_done_callback(settle)
        started.append(task)

    def cancel() -> None:
        for task in started:
            task.cancel()

    loop.call_soon_threadsafe(start)
    waiter = asyncio.wrap_future(outcome)
    try:
        finished, result = await asyncio.shield(waiter)
    except asyncio.CancelledError:
        loop.call_soon_threadsafe(cancel)  # runs after start(): the task exists by then
        await asyncio.wait([waiter])  # until it has cleaned up (its clients closed)
        if not waiter.cancelled():
            waiter.exception()  # retrieved: the cancellation is what the caller hears
        raise
    if not finished:  # cancelled in the fetch loop itself (it is shutting down)
        raise asyncio.CancelledError
    return result  # type: ignore[return-value]  # finished: the coroutine's own result


async def _finished(coro: Coroutine[Any, Any, T]) -> tuple[bool, T | None]:
    """(True, result), or (False, None) once cancelled: the outcome future is never cancelled."""
    try:
        return True, await coro
    except asyncio.CancelledError:
        return False, None
