"""Subprocess helper for the cache crash and concurrency tests (not a test module).

python tests/cache_writer.py CACHE_DIR ACCOUNT alternate PROGRESS_FILE
    saves snapshot A, B, A, B... forever, appending "begin K" / "end K" lines to
    PROGRESS_FILE around save number K, until it is killed.
python tests/cache_writer.py CACHE_DIR ACCOUNT repeat TAG ROUNDS
    saves snapshot TAG (A or B) ROUNDS times, reading the account back between saves
    and checking what it reads is whole; prints "ok" and exits 0, or raises.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from invoicetui.cache import Cache
from invoicetui.core.model import AccountSnapshot, Invoice, LineItem, Payment, Status

SIZES = {"A": 300, "B": 450}
FETCHED = {
    "A": datetime(2026, 11, 15, 10, 0, tzinfo=UTC),
    "B": datetime(2026, 11, 15, 11, 0, tzinfo=UTC),
}


def make_invoice(account: str, tag: str, i: int, items: int = 4) -> Invoice:
    """A complete invoice whose every text names its snapshot tag."""
    day = date(2024, 1, 1) + timedelta(days=i % 700)
    return Invoice(
        account=account,
        provider="doit",
        id=f"inv-{i:06d}",
        number=f"{tag}-{i}",
        status=Status.PAID if i % 3 else Status.OPEN,
        status_raw="PAID" if i % 3 else "OPEN",
        issued=day,
        due=day + timedelta(days=30),
        currency="USD",
        subtotal=Decimal(f"{i}.10"),
        tax=Decimal("0.00"),
        total=Decimal(f"{i}.10"),
        amount_due=Decimal("0") if i % 3 else Decimal(f"{i}.10"),
        url=f"https://example.invalid/{tag}/{i}",
        line_items=tuple(
            LineItem(
                description=f"{tag} item {n}",
                quantity=Decimal(n + 1),
                unit_price=Decimal("0.025"),
                amount=Decimal("0.025") * (n + 1),
                start=day,
            )
            for n in range(items)
        ),
        payments=(Payment(Status.PAID, "PAID", datetime(2024, 2, 1, 9, 30, tzinfo=UTC)),),
        raw={"tag": tag, "i": i},
    )


def make_snapshot(account: str, tag: str) -> AccountSnapshot:
    invoices = tuple(make_invoice(account, tag, i) for i in range(SIZES[tag]))
    return AccountSnapshot(account, "doit", invoices, FETCHED[tag])


def whole_tag(snapshot: AccountSnapshot | None) -> str | None:
    """The tag of a snapshot that is exactly A or exactly B (details included); else raise."""
    if snapshot is None:
        return None
    tags = {inv.number.split("-")[0] for inv in snapshot.invoices if inv.number}
    assert len(tags) == 1, f"mixed snapshot: {sorted(tags)}"
    tag = tags.pop()
    assert len(snapshot.invoices) == SIZES[tag], (tag, len(snapshot.invoices))
    assert snapshot.fetched_at == FETCHED[tag]
    for inv in snapshot.invoices:
        if inv.detailed:
            assert inv.line_items and all(li.description.startswith(tag) for li in inv.line_items)
    return tag


def alternate(cache: Cache, account: str, progress: Path) -> None:
    snapshots = [make_snapshot(account, "A"), make_snapshot(account, "B")]
    with progress.open("a", buffering=1) as out:
        k = 0
        while True:
            k += 1
            out.write(f"begin {k}\n")
            cache.save(snapshots[k % 2])
            out.write(f"end {k}\n")


def repeat(cache: Cache, account: str, tag: str, rounds: int) -> None:
    snapshot = make_snapshot(account, tag)
    own = AccountSnapshot(f"{account}-{tag}", "doit", snapshot.invoices[:50], FETCHED[tag])
    for _ in range(rounds):
        cache.save(snapshot)
        cache.save(own)
        whole_tag(cache.load(account, details=True))
        loaded = cache.load(own.account, details=True)
        assert loaded is not None and loaded.invoices == own.invoices
    print("ok")


def service_rounds(cache: Cache, spec: Path, rounds: int) -> None:
    import asyncio
    import json

    from invoicetui.config.accounts import AccountConfig
    from invoicetui.config.options import FetchMode
    from invoicetui.demo.data import DEMO_NOW
    from invoicetui.providers.limits import FakeClock
    from invoicetui.service import loading as service

    accounts = []
    for data in json.loads(spec.read_text()):
        data["invoice_uids"] = tuple(data["invoice_uids"])
        accounts.append(AccountConfig(**data))

    async def run() -> None:
        for _ in range(rounds):
            for account in accounts:
                snap = await service.load_account(
                    account, cache, FetchMode.REFRESH, wallclock=lambda: DEMO_NOW, clock=FakeClock()
                )
                assert snap.invoices and not snap.error and not snap.stale, snap.error
        for account in accounts:
            snap = await service.load_account(account, cache, FetchMode.OFFLINE)
            assert snap.invoices and all(i.detailed for i in snap.invoices)
            print("ok")

    asyncio.run(run())


def main(argv: list[str]) -> int:
    warnings: list[str] = []
    cache = Cache(Path(argv[1]), warn=warnings.append)
    account, mode = argv[2], argv[3]
    if mode == "alternate":
        alternate(cache, account, Path(argv[4]))
    elif mode == "repeat":
        repeat(cache, account, argv[4], int(argv[5]))
    elif mode == "service":
        service_rounds(cache, Path(argv[4]), int(argv[5]))
    else:
        raise SystemExit(f"unknown mode {mode}")
    if warnings:
        print("\n".join(warnings), file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
