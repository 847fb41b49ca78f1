"""The snapshot rig: a deterministic InvoiceApp on the demo APIs, and the scenes it is shown in.

Used by tests/tui/test_snapshots.py (pytest-textual-snapshot) and by make_screenshots.py (the
README's screenshots), so both show the same app. Deterministic by construction: the demo
data is fixed, the app's clock and the fetch clock are DEMO_NOW, the demo server has no rate
limits (nothing waits on time), cursors do not blink, and every scene waits for the workers
to finish (not for a timer) before the picture is taken.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import UTC, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from unittest import mock

from textual.pilot import Pilot
from textual.widgets import Input, TabbedContent, TextArea
from textual.worker import WorkerCancelled, WorkerFailed

from invoicetui.cache import Cache
from invoicetui.cli.cmd_tui import demo_tables
from invoicetui.config.accounts import AccountConfig
from invoicetui.config.options import AppSetup, FetchMode
from invoicetui.core.model import Invoice, Status
from invoicetui.demo.data import DEMO_NOW
from invoicetui.demo.server import (
    DemoRequest,
    DemoResponse,
    DemoServer,
    ProviderDemo,
    build_providers,
    demo_accounts,
)
from invoicetui.demo.waldur_data import HOSTILE_CUSTOMER, HOSTILE_ITEM_NAME, HOSTILE_PROJECT
from invoicetui.service import loading as service
from invoicetui.tui.app import InvoiceApp
from invoicetui.tui.screens.detail import DetailScreen
from invoicetui.tui.screens.main import MainScreen

MAIN = (120, 36)
SMALL = (80, 24)
WIDE = (160, 45)
TINY = (60, 15)
# Shown in the demo banner instead of the test's temporary config directory.
CONFIG_PATH = Path("~/.config/invoicetui/config.toml")
STALE_AGE = timedelta(hours=3)
WORKER_LIMIT = 60.0  # seconds a scene's workers may take before the scene fails

Step = Callable[[Pilot[Any]], Awaitable[None]]


@dataclass(frozen=True)
class Scene:
    """One picture: terminal size, how the world misbehaves, and what the user did."""

    name: str
    size: tuple[int, int] = MAIN
    steps: tuple[Step, ...] = ()
    stale: tuple[str, ...] = ()  # accounts whose data was cached STALE_AGE ago
    # Accounts configured with a wrong token: one account each, so which failure the
    # status line reports last never depends on which request finished first.
    wrong_token: tuple[str, ...] = ()
    no_color: bool = False
    theme: str | None = None
    screenshot: bool = False  # also written to screenshots/ by make_screenshots.py

    @property
    def ordinary(self) -> bool:
        """What a reader sees first shows ordinary rows (OrdinaryDemo); the other scenes keep
        the demo's deliberately awkward strings ("[bold]x[/]", "Plan [Pro]", bidi controls)."""
        return self.screenshot


@cache
def providers(ordinary: bool = False) -> dict[str, ProviderDemo]:
    """The demo fakes keep no per-request state: build them once per process."""
    built = build_providers()
    if ordinary:
        return {name: OrdinaryDemo(demo) for name, demo in built.items()}
    return built


def demo_server(ordinary: bool = False) -> DemoServer:
    """The four fake APIs on 127.0.0.1 without rate limits (the rig never waits on time)."""
    return DemoServer(providers=providers(ordinary), rate_limits=False)


# The demo's awkward strings (markup look-alikes, unclosed brackets, terminal escapes, bidi
# controls) and what a screenshot shows instead; the tests keep the originals.
ORDINARY_WORDS = (
    ("[bold]x[/] lab", "Research lab"),
    ("[bold]x[/]", "analytics"),
    ("Plan [Pro]", "Plan Pro"),
    (" [/", ""),
)
ORDINARY_NAMES = {
    HOSTILE_ITEM_NAME: "Cloud VM cluster",
    HOSTILE_PROJECT: "Plasma simulations",
    HOSTILE_CUSTOMER: "Nordic HPC AS",
}
UNUSUAL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069"
                     "\u061c\ud800-\udfff]")  # fmt: skip


def ordinary_text(text: str) -> str:
    """A demo string as an ordinary bill would have it."""
    if text in ORDINARY_NAMES:
        return ORDINARY_NAMES[text]
    for awkward, plain in ORDINARY_WORDS:
        text = text.replace(awkward, plain)
    return re.sub(" +", " ", UNUSUAL.sub(" ", text)).strip() if UNUSUAL.search(text) else text


def ordinary_body(value: Any) -> Any:
    if isinstance(value, str):
        return ordinary_text(value)
    if isinstance(value, dict):
        return {key: ordinary_body(item) for key, item in value.items()}
    if isinstance(value, list):
        return [ordinary_body(item) for item in value]
    return value


class OrdinaryDemo:
    """A demo API whose JSON answers carry ordinary text (for the README's screenshots)."""

    def __init__(self, inner: ProviderDemo) -> None:
        self.inner = inner
        self.name = inner.name

    def handle(self, request: DemoRequest) -> DemoResponse:
        response = self.inner.handle(request)
        if not isinstance(response.body, bytes):
            response = replace(response, body=ordinary_body(response.body))
        return response

    def accounts(self, base_url: str) -> list[AccountConfig]:
        return self.inner.accounts(base_url)


@contextmanager
def fixed_clock() -> Iterator[None]:
    """Fetch times are DEMO_NOW too, so "as of 12:00, just now" never changes."""
    with mock.patch.object(service, "utcnow", lambda: DEMO_NOW):
        yield


def build_app(scene: Scene, server: DemoServer, cache_dir: Path) -> InvoiceApp:
    """The app for a scene; call inside fixed_clock(), with NO_COLOR already set or not."""
    accounts = demo_accounts(server)
    if scene.stale:
        old = [a for a in accounts if a.name in scene.stale]
        _cache_old_data(old, Cache(cache_dir, warn=print))
    accounts = [
        replace(a, token="not-the-demo-token") if a.name in scene.wrong_token else a
        for a in accounts
    ]
    server.faults.clear()
    setup = AppSetup(
        accounts=accounts,
        cache_dir=cache_dir,
        mode=FetchMode.AUTO,
        demo=True,
        theme=scene.theme,
        config_path=CONFIG_PATH,
    )
    demo_tables(setup)  # as `invoicetui --demo`: a budget crossed, an ≈ total, groups
    return InvoiceApp(setup, now=lambda: DEMO_NOW, tz=UTC)


def _cache_old_data(accounts: list[Any], cache_: Cache) -> None:
    async def fill() -> None:
        for account in accounts:
            await service.load_account(
                account, cache_, FetchMode.REFRESH, wallclock=lambda: DEMO_NOW - STALE_AGE
            )

    asyncio.run(fill())


@contextmanager
def no_color(enabled: bool) -> Iterator[None]:
    """NO_COLOR set while the app is built (Textual reads it in App.__init__)."""
    saved = os.environ.get("NO_COLOR")
    if enabled:
        os.environ["NO_COLOR"] = "1"
    else:
        os.environ.pop("NO_COLOR", None)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("NO_COLOR", None)
        else:
            os.environ["NO_COLOR"] = saved


# ---------------------------------------------------------------- waiting and steps


async def wait_for_workers(app: Any) -> None:
    """Until every worker ended; failed and cancelled ones were reported by the app already.

    Worker.wait raises what the worker raised (or WorkerCancelled for the debounced detail
    load a cursor move cancelled): harlequin's wait_for_workers suppresses them likewise.
    """
    for worker in list(app.workers):
        with suppress(WorkerFailed, WorkerCancelled):
            await worker.wait()


async def settle(pilot: Pilot[Any]) -> None:
    """Until no worker runs, the messages they posted are handled and their rows are in."""
    app = pilot.app

    def busy() -> bool:  # pending counts: a worker just asked for has not started yet
        if any(getattr(screen, "starting", False) for screen in app.screen_stack):
            return True  # the first loads begin once the first frame is on screen
        if any(getattr(screen, "rows_pending", False) for screen in app.screen_stack):
            return True  # a load's rows wait for the table's next update (a timer, no worker)
        return any(not worker.is_finished for worker in app.workers)

    for _ in range(100):
        await pilot.pause()
        if not busy():
            await pilot.pause()
            if not busy():
                break
        # A guard, not a wait: workers end by themselves; one that never does is a bug.
        await asyncio.wait_for(wait_for_workers(app), WORKER_LIMIT)
    for screen in app.screen_stack:
        for widget in screen.query(Input):
            widget.cursor_blink = False
        for area in screen.query(TextArea):
            area.cursor_blink = False


def main_screen(pilot: Pilot[Any]) -> MainScreen:
    return next(s for s in pilot.app.screen_stack if isinstance(s, MainScreen))


async def loaded(pilot: Pilot[Any]) -> None:
    """Every account loaded; the table focused with its cursor on the first row."""
    await settle(pilot)
    main_screen(pilot).table.focus()
    await pilot.press("home")
    await settle(pilot)


def press(*keys: str) -> Step:
    async def step(pilot: Pilot[Any]) -> None:
        await pilot.press(*keys)
        await settle(pilot)

    return step


def open_invoice(account: str, match: str | Status) -> Step:
    """Highlight an account's first invoice with that number/id (or status), press Enter.

    Below 140 columns Enter opens the detail full screen.
    """

    async def step(pilot: Pilot[Any]) -> None:
        def wanted(row: Invoice) -> bool:
            if row.account != account:
                return False
            return (
                row.status is match if isinstance(match, Status) else match in (row.number, row.id)
            )

        table = main_screen(pilot).table
        if not table.select_row(wanted):
            raise LookupError(f"no demo invoice {match!s} of {account} in the table")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

    return step


def detail_tab(tab: str) -> Step:
    """Switch the shown detail to a tab: items, credits, payments or raw."""

    async def step(pilot: Pilot[Any]) -> None:
        screen = pilot.app.screen
        host = screen if isinstance(screen, DetailScreen) else main_screen(pilot)
        host.query_one("#detail-tabs", TabbedContent).active = f"tab-{tab}"
        await settle(pilot)

    return step


# ---------------------------------------------------------------- the scenes

# Invoices worth showing, by something the demo data keeps stable (month-named or status).
PALETTE = ("acme-palette", Status.FAILED)  # a failed payment: items, a credit, 3 states
PALETTE_CREDITS = ("acme-palette", "invoice-2026-09")  # plan free + SLA credits
WALDUR = ("hpc-centre", Status.OPEN)  # its payment URL has no demo-server port in it
WALDUR_ITEMS = ("hpc-provider", "2026-10")  # provider-role statement: items of 6 projects
DOIT = ("doit", Status.OVERDUE)
ZILLIZ = ("vector-db", Status.DRAFT)  # the current month: credits applied, no line items

SCENES: tuple[Scene, ...] = (
    Scene("main_120x36", MAIN, screenshot=True),
    Scene("main_80x24", SMALL, screenshot=True),
    Scene("main_160x45", WIDE, screenshot=True),  # the detail pane beside the table
    Scene("main_60x15", TINY),
    Scene("detail_60x15", TINY, (open_invoice(*PALETTE),)),
    # Ordinary rows for the README (the awkward demo strings stay in the other scenes).
    Scene("detail_160x45", WIDE, (open_invoice(*DOIT),), screenshot=True),
    Scene("detail_palette", MAIN, (open_invoice(*PALETTE),)),
    Scene("detail_waldur", MAIN, (open_invoice(*WALDUR),)),
    Scene("detail_doit", MAIN, (open_invoice(*DOIT),)),
    Scene("detail_zilliz", MAIN, (open_invoice(*ZILLIZ),)),
    Scene("detail_80x24", SMALL, (open_invoice(*PALETTE),)),
    Scene("line_items", MAIN, (open_invoice(*WALDUR_ITEMS), press("enter", "j", "j")),
          screenshot=True),
    Scene("line_item", SMALL, (open_invoice(*WALDUR_ITEMS), press("enter", "j", "enter"))),
    Scene("credits", MAIN, (open_invoice(*PALETTE_CREDITS), detail_tab("credits"))),
    Scene("payments", MAIN, (open_invoice(*PALETTE), detail_tab("payments")), screenshot=True),
    Scene("help", MAIN, (press("question_mark"),), screenshot=True),
    Scene("filter", MAIN, (press("slash", *"overdue", "enter"),), screenshot=True),
    Scene("failed_account", MAIN, wrong_token=("doit-reseller",)),
    Scene("stale_data", MAIN, stale=("vector-db",), wrong_token=("vector-db",)),
    Scene("no_color", MAIN, no_color=True),
    Scene("no_color_detail", MAIN, (open_invoice(*PALETTE),), no_color=True),
    Scene("ansi_16_colours", MAIN, (open_invoice(*PALETTE),), theme="ansi-dark"),
    # The insight views (issue 11): each at 120x36 and 80x24, and without colour.
    Scene("overview_120x36", MAIN, (press("O"),), screenshot=True),
    Scene("overview_80x24", SMALL, (press("O"),)),
    Scene("overview_figure", MAIN, (press("O", "down", "enter"),), screenshot=True),
    Scene("overview_no_color", SMALL, (press("O"),), no_color=True),
    Scene("trends_120x36", MAIN, (press("T"),), screenshot=True),
    Scene("trends_80x24", SMALL, (press("T"),)),
    Scene("trends_anomaly", MAIN, (press("T", "a"),)),
    Scene("trends_no_color", SMALL, (press("T", "c"),), no_color=True),
    Scene("trends_16_colours", MAIN, (press("T", "c"),), theme="ansi-dark"),
    Scene("breakdown_120x36", MAIN, (press("B"),), screenshot=True),
    Scene("breakdown_80x24", SMALL, (press("B"),)),
    Scene("breakdown_items", MAIN, (press("B", "enter"),)),
    # A second refresh of the demo: one DoiT invoice has been paid meanwhile.
    Scene("changes_120x36", MAIN, (press("R"), press("C")), screenshot=True),
    Scene("changes_80x24", SMALL, (press("R"), press("C"))),
    Scene("changes_marks", MAIN, (press("R"),)),
    Scene("view_help", MAIN, (press("T", "question_mark"),)),
)  # fmt: skip

SCENE_NAMES = tuple(scene.name for scene in SCENES)


def scene(name: str) -> Scene:
    return next(s for s in SCENES if s.name == name)


def run_before(scene: Scene) -> Step:
    """What snap_compare / the screenshot command runs before taking the picture."""

    async def run(pilot: Pilot[Any]) -> None:
        await loaded(pilot)
        for step in scene.steps:
            await step(pilot)
        await settle(pilot)

    return run


def take_svg(scene: Scene, server: DemoServer, cache_dir: Path) -> str:
    """The scene as an SVG, by the same code path snap_compare uses."""
    from textual._doc import take_svg_screenshot

    with fixed_clock(), no_color(scene.no_color):
        app = build_app(scene, server, cache_dir)
    with fixed_clock():
        return take_svg_screenshot(app=app, terminal_size=scene.size, run_before=run_before(scene))
