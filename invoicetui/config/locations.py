"""Where invoicetui keeps its config and cache (platformdirs, overridable by env)."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_cache_dir, user_config_dir

APP = "invoicetui"


def config_file() -> Path:
    """INVOICETUI_CONFIG, else user_config_dir("invoicetui")/config.toml."""
    env = os.environ.get("INVOICETUI_CONFIG")
    if env:
        return Path(env).expanduser()
    return Path(user_config_dir(APP)) / "config.toml"


def cache_dir() -> Path:
    """INVOICETUI_CACHE_DIR, else user_cache_dir("invoicetui")."""
    env = os.environ.get("INVOICETUI_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    return Path(user_cache_dir(APP))
