"""[keys]: a key that cannot work fails at load, naming the file, the line and the binding id."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from invoicetui.cli import main as cli
from invoicetui.config.keys import check_keys, key_problem
from invoicetui.config.load import load_config
from invoicetui.core.errors import ConfigError

ACCOUNT = '[[accounts]]\nname = "prod"\nprovider = "doit"\ntoken_env = "K"\n\n'


def error_for(tmp_path: Path, keys: str) -> ConfigError:
    path = tmp_path / "config.toml"
    path.write_text(ACCOUNT + "[keys]\n" + keys, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return info.value


@pytest.mark.parametrize("key", ["ctrl+", "+", "ctrl+nope", "hyperr+x", "escpe", "\x07"])
def test_a_key_textual_cannot_deliver_is_refused(key: str) -> None:
    assert key_problem(key) is not None
    keys, problems = check_keys({"refresh": key})
    assert keys == {} and [binding for binding, _ in problems] == ["refresh"]


@pytest.mark.parametrize(
    "key", ["r", "R", "ctrl+r", "f5", "escape", "question_mark", "full_stop", "ctrl+shift+up", "1"]
)
def test_real_keys_pass(key: str) -> None:
    assert key_problem(key) is None


def test_ctrl_plus_nothing_names_file_line_and_binding(tmp_path: Path) -> None:
    error = error_for(tmp_path, 'quit = "x"\nrefresh = "ctrl+"\n')
    assert error.line == 8
    assert error.path == str(tmp_path / "config.toml")
    assert "[keys]: key 'refresh' = 'ctrl+': it names no key after the modifier" in str(error)


def test_a_key_already_another_bindings_default_is_a_clash(tmp_path: Path) -> None:
    error = error_for(tmp_path, 'copy-id = "c"\nrefresh = "q"\n')
    assert error.line == 8
    assert "key 'refresh' = 'q' is already the key of 'quit' (its default)" in str(error)


def test_two_bindings_given_one_key_is_a_clash(tmp_path: Path) -> None:
    error = error_for(tmp_path, 'sort = "x"\nexport = "x"\n')
    assert error.line == 7  # the first of them
    assert "key 'sort' = 'x' is already the key of 'export' (also set here)" in str(error)


def test_moving_a_default_away_frees_its_key(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(ACCOUNT + '[keys]\nquit = "ctrl+q"\nrefresh = "q"\n', encoding="utf-8")
    assert load_config(path).keys == {"quit": "ctrl+q", "refresh": "q"}


def test_the_app_refuses_to_start_with_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    started: list[object] = []
    module = types.ModuleType("invoicetui.tui.app")
    module.run = started.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "invoicetui.tui.app", module)
    path = tmp_path / "config.toml"
    path.write_text(ACCOUNT + '[keys]\nrefresh = "ctrl+"\n', encoding="utf-8")
    assert cli.main(["--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:7" in err and "'refresh'" in err
    assert started == []


def test_the_defaults_are_consistent_and_places_apart_may_share_a_key() -> None:
    assert check_keys({}) == ({}, [])
    # The browser's keys and the insight views' own keys are never on one screen.
    assert check_keys({"tab-next": "x", "cursor-right": "x"}) == (
        {"tab-next": "x", "cursor-right": "x"},
        [],
    )
    assert check_keys({"copy-id": "c"}) == ({"copy-id": "c"}, [])  # c: trends' chart mode
    _, problems = check_keys({"chart-mode": "q"})  # q quits everywhere, the trends view too
    assert [binding for binding, _ in problems] == ["chart-mode"]
    _, problems = check_keys({"tab-next": "x", "export": "x"})
    assert [binding for binding, _ in problems] == ["tab-next"]
