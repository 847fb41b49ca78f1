"""Run the demo server inside the app's own process, so `--demo` needs no setup."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from invoicetui.config.accounts import AccountConfig
from invoicetui.demo.server import DemoServer, demo_accounts


def start_demo(scale: int = 0) -> tuple[DemoServer, list[AccountConfig]]:
    """Start the fake APIs on 127.0.0.1 (a free port) in a thread; the caller stops it."""
    server = DemoServer("127.0.0.1", 0, scale=scale)
    server.start()
    return server, demo_accounts(server)


@contextmanager
def running_demo(scale: int = 0) -> Iterator[tuple[DemoServer, list[AccountConfig]]]:
    """start_demo() that is always stopped on exit, errors included."""
    server, accounts = start_demo(scale)
    try:
        yield server, accounts
    finally:
        server.stop()


def demo_config_text(server: DemoServer, accounts: list[AccountConfig] | None = None) -> str:
    """A ready-to-paste config.toml for this server (demo tokens inline: they are not secret)."""
    from invoicetui.config.load import account_to_toml

    accounts = accounts if accounts is not None else demo_accounts(server)
    head = [
        "# invoicetui demo server: fake Palette, Waldur, DoiT and Zilliz APIs with demo data.",
        *(f"#   {name:<8} {server.base_url(name)}" for name in server.providers),
        "# Save everything below as config.toml and run: invoicetui --config config.toml",
        "# The tokens are demo tokens, valid only against this server.",
        "",
    ]
    from invoicetui.demo.settings import demo_tables

    body = "\n".join(account_to_toml(a) for a in accounts)
    return "\n".join(head) + "\n" + body + "\n" + demo_tables({a.name for a in accounts})


def serve_demo(
    server: DemoServer,
    out: TextIO,
    stop: threading.Event,
    save_to: Path | None = None,
) -> None:
    """Print the config for `server` (and write it to `save_to`), then serve until `stop`."""
    server.start()
    try:
        text = demo_config_text(server)
        if save_to is not None:
            save_to.write_text(text, encoding="utf-8")
        out.write(text)
        out.write("\n# Serving; press Ctrl+C to stop.\n")
        out.flush()
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
