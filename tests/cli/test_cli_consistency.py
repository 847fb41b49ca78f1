"""Every subcommand speaks the same language: --config everywhere, unknown accounts named."""

from __future__ import annotations

import argparse
import io
import threading
import tomllib
from pathlib import Path

import pytest

from invoicetui.cache import Cache
from invoicetui.cli import main as cli
from invoicetui.cli.parser import build_parser
from invoicetui.core.model import AccountSnapshot, utcnow
from invoicetui.demo.runtime import serve_demo
from invoicetui.demo.server import DemoServer

CONFIG = """\
[[accounts]]
name = "acme-palette"
provider = "palette"
token_env = "K"

[[accounts]]
name = "doit-prod"
provider = "doit"
token_env = "K"
"""


def _subcommands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[tuple]:
    found = []
    for action in parser._actions:  # argparse offers no public walk of its subparsers
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append(((*prefix, name), sub))
                found.extend(_subcommands(sub, (*prefix, name)))
    return found


def test_every_subcommand_accepts_config() -> None:
    commands = _subcommands(build_parser())
    assert {c for c, _ in commands} >= {
        ("export",), ("documents",), ("accounts",), ("cache",), ("cache", "info"),
        ("cache", "clear"), ("demo-server",),
    }  # fmt: skip
    for command, sub in commands:
        options = {s for a in sub._actions for s in a.option_strings}
        assert "--config" in options, command


@pytest.mark.parametrize(
    "argv",
    [
        ["export"],
        ["accounts"],
        ["cache", "info"],
        ["cache", "clear"],
        ["documents", "--period", "2026"],
        ["demo-server"],
    ],
)
def test_config_after_the_subcommand_is_read(argv: list[str]) -> None:
    args = build_parser().parse_args([*argv, "--config", "work.toml"])
    assert args.config == "work.toml"


def test_a_parser_built_for_one_command_reads_it_and_helps_like_the_whole_one() -> None:
    """main() defines in full only the command named in argv (cli/parser.py): the rest is help."""
    whole = build_parser()
    assert build_parser(set()).format_help() == whole.format_help()
    for command, _ in _subcommands(whole):
        argv = [*command, "--config", "work.toml"]
        if command == ("documents",):
            argv += ["--period", "2026"]
        args = build_parser(set(argv)).parse_args(argv)
        assert (args.command, args.config) == (command[0], "work.toml"), command


def test_cache_clear_of_an_unknown_account_names_the_configured_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(CONFIG, encoding="utf-8")
    assert cli.main(["cache", "clear", "--account", "nope", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "unknown account 'nope'; configured: acme-palette, doit-prod" in err


def test_cache_clear_of_a_cached_but_unconfigured_account_still_works(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(CONFIG, encoding="utf-8")
    cache_dir = tmp_path / "cache"
    Cache(cache_dir).save(AccountSnapshot("old-account", "doit", (), utcnow()))
    assert cli.main(["cache", "clear", "--account", "gone", "--config", str(config)]) == 2
    assert "also cached: old-account" in capsys.readouterr().err
    assert cli.main(["cache", "clear", "--account", "old-account", "--config", str(config)]) == 0
    assert "cleared the cache of account 'old-account'" in capsys.readouterr().out


def test_cache_clear_in_demo_mode_knows_the_demo_accounts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["cache", "clear", "--demo", "--account", "nope"]) == 2
    assert "configured: acme-palette," in capsys.readouterr().err


def test_demo_server_writes_its_config_where_config_says(tmp_path: Path) -> None:
    target = tmp_path / "demo.toml"
    stop = threading.Event()
    stop.set()  # serve no longer than it takes to write
    out = io.StringIO()
    serve_demo(DemoServer(port=0), out, stop, target)
    written = target.read_text(encoding="utf-8")
    assert written in out.getvalue()
    assert tomllib.loads(written)["accounts"]


def test_demo_server_will_not_overwrite_a_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "config.toml"
    target.write_text(CONFIG, encoding="utf-8")
    assert cli.main(["demo-server", "--config", str(target)]) == 2
    assert "exists" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == CONFIG
