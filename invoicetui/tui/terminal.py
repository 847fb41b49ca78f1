"""What the place we run in allows: a terminal to draw on, and a browser the user can see.

Over SSH the app runs on a server: without `ssh -t` there is no terminal (the UI would
draw escape codes into a pipe and never get a key), and a browser started there would
open on the server, or worse, a console browser would take over the terminal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

GUI_PLATFORMS = ("darwin", "win32", "cygwin")  # a local session has a desktop
SSH_VARIABLES = ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY")


class Stream(Protocol):
    def isatty(self) -> bool: ...


def terminal_problem(keys: Stream | None, screen: Stream | None) -> str | None:
    """Why the full-screen UI cannot run here, or None; Textual reads stdin, draws on stderr."""
    scripts = "in scripts use `invoicetui export` or `invoicetui accounts`"
    if keys is None or not keys.isatty():
        return (
            "the terminal UI needs a terminal and stdin is not one; "
            f"over SSH use `ssh -t HOST invoicetui`, {scripts}"
        )
    if screen is None or not screen.isatty():
        return (
            "the terminal UI draws on stderr, which is not a terminal here "
            f"(redirected?); run it without 2>, {scripts}"
        )
    return None


def can_show_browser(env: Mapping[str, str], platform: str) -> bool:
    """True where a browser we start appears in front of the user (a display of theirs)."""
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return True  # a desktop, or SSH with X forwarding
    if any(env.get(name) for name in SSH_VARIABLES):
        return False  # the server's browser, if any, is not the user's
    return platform.startswith(GUI_PLATFORMS)
