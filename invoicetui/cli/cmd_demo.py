"""`invoicetui demo-server`: the four fake APIs on a loopback port."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from invoicetui.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    UsageError,
    err,
)
from invoicetui.cli.parser import PROG

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def cmd_demo_server(args: argparse.Namespace) -> int:
    from invoicetui.demo.runtime import serve_demo
    from invoicetui.demo.server import DemoServer

    if args.host not in LOOPBACK and not args.allow_remote:
        raise UsageError(
            f"refusing to serve demo data on {args.host}: the demo tokens are public; "
            "add --allow-remote if you mean it"
        )
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port} is not a port number (0-65535)")
    if args.scale < 0:
        raise UsageError("--scale must be 0 or more")
    save_to = Path(args.config).expanduser() if getattr(args, "config", None) else None
    if save_to is not None and save_to.exists():
        raise UsageError(f"{save_to} exists; remove it or pick another --config path")
    try:
        server = DemoServer(args.host, args.port, scale=args.scale)
    except OSError as exc:
        err(f"{PROG}: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
        return EXIT_FAILED
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, on_signal)
    try:
        serve_demo(server, sys.stdout, stop, save_to)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    err(f"{PROG}: demo server stopped")
    return EXIT_OK
