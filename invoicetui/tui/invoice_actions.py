"""Copy and open the invoice on screen: one implementation for the main and the detail screen.

Each screen says the outcome its own way (the main screen's status bar, the full-screen
detail's notifications), so the actions take a `say` callable.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from typing import Any, Literal

from textual.app import App

from invoicetui.core.model import Invoice
from invoicetui.tui.terminal import can_show_browser

log = logging.getLogger(__name__)

Tone = Literal["info", "success", "error"]
Say = Callable[[str, Tone], None]


def _url(invoice: Invoice, say: Say) -> str | None:
    """The invoice's URL, or None after saying why there is none."""
    if not invoice.url:
        say(f"Invoice {invoice.label} has no URL", "info")
    return invoice.url


def copy_id(app: App[Any], invoice: Invoice, say: Say) -> None:
    app.copy_to_clipboard(invoice.id)
    say(f"Copied invoice id {invoice.id}", "success")


def copy_url(app: App[Any], invoice: Invoice, say: Say) -> None:
    url = _url(invoice, say)
    if url:
        app.copy_to_clipboard(url)
        say(f"Copied URL {url}", "success")


def open_url(app: App[Any], invoice: Invoice, say: Say) -> None:
    url = _url(invoice, say)
    if url:
        app.open_url(url)
        # InvoiceApp.open_url records when it showed and copied the URL instead (SSH).
        if not getattr(app, "url_shown_instead", False):
            say(f"Opened {url}", "success")


def launch_url(app: App[Any], url: str, *, new_tab: bool = True) -> bool:
    """In a terminal: True if a browser is being started; False if the URL was shown instead."""
    if not can_show_browser(os.environ, sys.platform):
        app.copy_to_clipboard(url)
        app.notify(
            f"No browser here (remote session): the URL is copied to the clipboard.\n{url}",
            title="Open URL",
            markup=False,
            timeout=15,
        )
        return False

    def browse() -> None:
        """In a thread: webbrowser waits for a console browser (w3m, lynx) to exit."""
        import webbrowser  # on first use (with shlex): not on the path to the first frame

        if webbrowser.open(url, new=2 if new_tab else 0):
            return
        try:
            app.call_from_thread(
                app.notify, f"No browser could open {url}", severity="warning", markup=False
            )
        except RuntimeError as error:  # the app has exited meanwhile
            log.warning("no browser opened %s, and the app is gone: %s", url, error)

    threading.Thread(target=browse, name="open-url", daemon=True).start()
    return True
