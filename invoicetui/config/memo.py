"""Remember that a config file validated, so that the TUI's start can skip pydantic.

Importing pydantic and building the config models costs about 100-250 ms on these machines,
on the path to the TUI's first paint. A file whose exact text (and the schema's code) passed
before is read back from this memo instead: tomllib for the tokens, JSON for the rest. The
memo holds no token and no token_command (both are read from the file each time), lives in
the cache directory (0600), and any doubt (changed text or code, a CA bundle or downloads
path that changed on disk, an unreadable memo) means a full validation.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import asdict, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from invoicetui.config.accounts import AccountConfig

FORMAT = 1
_SECRET_KEYS = ("token", "token_command")
_PACKAGE = Path(__file__).resolve().parent.parent


def _schema_files() -> list[Path]:
    """The code a validation result depends on: config/, the registry, providers' settings."""
    files = sorted((_PACKAGE / "config").glob("*.py"))
    files.append(_PACKAGE / "providers" / "registry.py")
    files += sorted((_PACKAGE / "providers").glob("*/settings.py"))
    return files


def fingerprint(text: str, path: Path) -> str:
    digest = hashlib.sha256(f"{FORMAT}\0{path.resolve()}\0".encode())
    digest.update(text.encode("utf-8", "surrogatepass"))
    for file in _schema_files():
        with contextlib.suppress(OSError):
            st = file.stat()
            digest.update(f"\0{file}:{st.st_mtime_ns}:{st.st_size}".encode())
    return digest.hexdigest()


def remember(memo: Path, text: str, config: Any) -> None:
    """Write the memo for a config that validated (best effort: a memo is never needed)."""
    accounts = [
        {k: v for k, v in asdict(a).items() if k not in _SECRET_KEYS} for a in config.accounts
    ]
    record = {
        "fingerprint": fingerprint(text, config.path),
        "accounts": accounts,
        "theme": config.theme,
        "keys": config.keys,
        "rates": None
        if config.rates is None
        else {
            "base": config.rates.base,
            "rates": {k: str(v) for k, v in config.rates.rates.items()},
        },
        "budgets": {k: str(v) for k, v in config.budgets.items()},
        "groups": config.groups,
        "downloads": None if config.downloads is None else str(config.downloads),
    }
    with contextlib.suppress(OSError):
        memo.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = memo.with_name(f".{memo.name}.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(record, out)
        os.replace(tmp, memo)


def recall(memo: Path, text: str, path: Path, data: dict[str, Any]) -> Any | None:
    """The Config remembered for exactly this text, or None (then validate in full)."""
    from invoicetui.config.load import Config, Rates

    try:
        record = json.loads(memo.read_text(encoding="utf-8"))
        if record.get("fingerprint") != fingerprint(text, path):
            return None
        raw_accounts = data["accounts"]
        accounts = []
        for raw, saved in zip(raw_accounts, record["accounts"], strict=True):
            saved["invoice_uids"] = tuple(saved["invoice_uids"])
            account = AccountConfig(**saved)
            command = raw.get("token_command")
            account = replace(
                account,
                token=raw.get("token"),
                token_command=command.strip() if isinstance(command, str) else None,
            )
            if isinstance(account.verify_tls, str) and not Path(account.verify_tls).is_file():
                return None
            accounts.append(account)
        downloads = Path(record["downloads"]) if record["downloads"] else None
        if downloads is not None and downloads.exists() and not downloads.is_dir():
            return None
        rates = record["rates"]
        return Config(
            accounts=accounts,
            theme=record["theme"],
            keys=dict(record["keys"]),
            path=path,
            rates=None
            if rates is None
            else Rates(rates["base"], {k: Decimal(v) for k, v in rates["rates"].items()}),
            budgets={k: Decimal(v) for k, v in record["budgets"].items()},
            groups=dict(record["groups"]),
            downloads=downloads,
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
