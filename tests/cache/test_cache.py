"""The disk cache: exact round trips, crash safety, concurrency, damage, permissions."""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from invoicetui.cache import Cache, fingerprint
from invoicetui.cache.files import FORMAT_VERSION
from invoicetui.core.model import (
    AccountSnapshot,
    Credit,
    Invoice,
    LineItem,
    Payment,
    Status,
    invoice_to_cache_json,
)

sys.path.insert(0, str(Path(__file__).parent))
from cache_writer import FETCHED, make_invoice, make_snapshot, whole_tag

ROOT = Path(__file__).resolve().parents[2]
WRITER = Path(__file__).parents[1] / "cache_writer.py"
T0 = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def warnings() -> list[str]:
    return []


@pytest.fixture
def cache(tmp_path: Path, warnings: list[str]) -> Cache:
    return Cache(tmp_path / "cache", warn=warnings.append)


def full_invoice(account: str = "acct", ident: str = "inv-1") -> Invoice:
    """Every field set, with values that round trip only if stored exactly."""
    return Invoice(
        account=account,
        provider="palette",
        id=ident,
        number="2024-0042",
        status=Status.PROCESSING,
        status_raw="PaymentInProgress",
        issued=datetime(2024, 6, 1, 0, 0, 1, 250000, tzinfo=UTC),
        due=date(2024, 7, 1),
        period_start=date(2024, 5, 1),
        period_end=date(2024, 5, 31),
        currency="USD",
        subtotal=Decimal("1290.500"),
        tax=Decimal("-0.01"),
        credits=Decimal("0E-7"),
        total=Decimal("12345678901234567890.123456789"),
        amount_due=Decimal("1E+3"),
        url="https://example.invalid/i/1",
        line_items=(
            LineItem(
                "Cluster / cpu-hours",
                kind="usage",
                project="Plasma",
                quantity=Decimal("2581"),
                unit="CPU kH",
                unit_price=Decimal("0.50"),
                amount=Decimal("1290.50"),
                tax=Decimal("309.72"),
                start=date(2024, 5, 1),
                end=datetime(2024, 5, 31, 23, 59, 59, tzinfo=UTC),
                currency="USD",
            ),
        ),
        credits_detail=(Credit("Welcome", "Pure", Decimal("250"), "cpu core hours"),),
        payments=(
            Payment(Status.OPEN, "PaymentPending", datetime(2024, 6, 1, 9, 0, tzinfo=UTC)),
            Payment(Status.PROCESSING, "PaymentInProgress", None, "charging"),
        ),
        customer="Acme Ünïcode ✓",
        extra=(("Plan", "Pro"), ("Region", "eu")),
        raw={"metadata": {"uid": ident}, "list": [1, 2.5, None, True], "text": "é ✓"},
    )


def snapshot(*invoices: Invoice, account: str = "acct", at: datetime = T0) -> AccountSnapshot:
    provider = invoices[0].provider if invoices else "palette"
    return AccountSnapshot(account, provider, tuple(invoices), at)


def summary_of(inv: Invoice) -> Invoice:
    return replace(
        inv, line_items=(), credits_detail=(), payments=(), extra=(), raw=None, detailed=False
    )


# ---------------------------------------------------------------------- round trips


def test_empty_cache_loads_nothing(cache: Cache, warnings: list[str]) -> None:
    assert cache.load("acct") is None
    assert cache.load_invoice("acct", "x") is None
    assert cache.info() == [] and cache.clear() == []
    assert warnings == []


def test_round_trip_is_exact(cache: Cache) -> None:
    inv = full_invoice()
    other = Invoice("acct", "palette", "inv-2", detailed=False)
    cache.save(snapshot(inv, other))

    full = cache.load("acct", details=True)
    assert full is not None
    assert full.invoices == (inv, other)
    assert full.fetched_at == T0 and full.from_cache and not full.stale
    assert str(full.invoices[0].total) == "12345678901234567890.123456789"
    assert str(full.invoices[0].subtotal) == "1290.500"

    summaries = cache.load("acct")
    assert summaries is not None
    assert summaries.invoices == (summary_of(inv), other)
    assert cache.load_invoice("acct", "inv-1") == inv
    assert cache.load_invoice("acct", "inv-2") is None


def test_an_empty_list_round_trips(cache: Cache) -> None:
    cache.save(snapshot())
    loaded = cache.load("acct", details=True)
    assert loaded is not None and loaded.invoices == () and loaded.fetched_at == T0


# Text as providers' clients leave it (sanitize.py removes control characters), any script.
# Text as the data layer hands it over: already clean (no controls, no bidi or other format
# characters, no lone surrogates, no line separators), so ids the cache keys on stay distinct.
_text = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Cf", "Zl", "Zp")), max_size=12)
_opt_text = st.none() | _text
_money = st.none() | st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
    lambda d: abs(d.adjusted()) < 40
)
_day = st.none() | st.dates() | st.datetimes(timezones=st.just(UTC))
_item = st.builds(
    LineItem,
    description=_text,
    project=_opt_text,
    quantity=_money,
    amount=_money,
    start=_day,
    currency=_opt_text,
)
_invoice = st.builds(
    Invoice,
    account=st.just("acct"),
    provider=st.just("waldur"),
    id=_text.filter(bool),
    number=_opt_text,
    status=st.sampled_from(Status),
    status_raw=_opt_text,
    issued=_day,
    due=_day,
    period_start=_day,
    period_end=_day,
    currency=_opt_text,
    subtotal=_money,
    tax=_money,
    credits=_money,
    total=_money,
    amount_due=_money,
    url=_opt_text,
    line_items=st.lists(_item, max_size=3).map(tuple),
    customer=_opt_text,
    extra=st.lists(st.tuples(_text, _text), max_size=2).map(tuple),
    raw=st.none() | st.dictionaries(_text, _opt_text | st.integers(), max_size=3),
    detailed=st.booleans(),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(invoices=st.lists(_invoice, max_size=6, unique_by=lambda i: i.id))
def test_any_invoice_comes_back_exactly(tmp_path: Path, invoices: list[Invoice]) -> None:
    cache = Cache(tmp_path / "prop")
    cache.save(snapshot(*invoices))
    full = cache.load("acct", details=True)
    assert full is not None
    expected = tuple(i if i.detailed else summary_of(i) for i in invoices)
    assert full.invoices == expected
    # what export prints (decimal and date text) is identical too
    assert [invoice_to_cache_json(i) for i in full.invoices] == [
        invoice_to_cache_json(i) for i in expected
    ]
    summaries = cache.load("acct")
    assert summaries is not None
    assert summaries.invoices == tuple(summary_of(i) for i in invoices)


def test_saved_order_is_kept(cache: Cache) -> None:
    invoices = [make_invoice("acct", "A", i) for i in (5, 1, 9, 3)]
    cache.save(snapshot(*invoices))
    loaded = cache.load("acct")
    assert loaded is not None
    assert [i.id for i in loaded.invoices] == [i.id for i in invoices]


def test_unchanged_summary_keeps_cached_details(cache: Cache) -> None:
    a, b, c = (make_invoice("acct", "A", i) for i in range(3))
    cache.save(snapshot(a, b, c))
    changed_b = replace(summary_of(b), status=Status.VOID)
    cache.save(snapshot(summary_of(a), changed_b, at=T0.replace(hour=13)))

    loaded = cache.load("acct", details=True)
    assert loaded is not None
    assert loaded.invoices == (a, changed_b)  # a kept its details, b's are out of date, c gone
    assert loaded.fetched_at == T0.replace(hour=13)
    assert set(cache.detail_fingerprints("acct")) == {a.id}
    assert cache.load_invoice("acct", c.id) is None


def test_list_fingerprints_tie_details_to_the_list_summary(cache: Cache) -> None:
    detailed = make_invoice("acct", "A", 1)
    listed = replace(summary_of(detailed), due=None)  # the list call lacks a field
    cache.save(snapshot(detailed), list_fingerprints={detailed.id: fingerprint(listed)})
    assert cache.detail_fingerprints("acct") == {detailed.id: fingerprint(listed)}
    cache.save(snapshot(listed))  # unchanged list: details stay
    assert cache.load_invoice("acct", detailed.id) == detailed


def test_save_invoice_adds_details_lazily(cache: Cache) -> None:
    inv = full_invoice()
    cache.save(snapshot(summary_of(inv)))
    assert cache.load_invoice("acct", inv.id) is None
    cache.save_invoice("acct", inv, fetched_at=T0)
    assert cache.load_invoice("acct", inv.id) == inv
    loaded = cache.load("acct", details=True)
    assert loaded is not None and loaded.invoices == (inv,)
    # the list summary is unchanged, so a new list save keeps those details
    cache.save(snapshot(summary_of(inv)))
    assert cache.load_invoice("acct", inv.id) == inv


def test_stamp_and_batched_details(cache: Cache) -> None:
    assert cache.stamp("acct") is None
    invoices = [make_invoice("acct", "A", i) for i in range(3)]
    cache.save(snapshot(*(summary_of(i) for i in invoices)))
    assert cache.stamp("acct") == ("doit", T0)
    cache.save_invoices("acct", invoices[:2], fetched_at=T0)
    loaded = cache.load("acct", details=True)
    assert loaded is not None
    assert loaded.invoices == (invoices[0], invoices[1], summary_of(invoices[2]))


def test_details_without_a_list_do_not_make_a_snapshot(cache: Cache) -> None:
    cache.save_invoice("acct", full_invoice())
    assert cache.load("acct") is None
    assert cache.load_invoice("acct", "inv-1") == full_invoice()


def test_accounts_are_separate_files(cache: Cache) -> None:
    cache.save(snapshot(full_invoice("a/b"), account="a/b"))
    cache.save(snapshot(full_invoice("a_b"), account="a_b"))
    assert cache.path_for("a/b") != cache.path_for("a_b")
    first, second = cache.load("a/b"), cache.load("a_b")
    assert first is not None and first.invoices[0].account == "a/b"
    assert second is not None and second.invoices[0].account == "a_b"


def test_control_characters_in_a_hand_edited_file_are_removed(cache: Cache) -> None:
    inv = full_invoice()
    cache.save(snapshot(inv))
    with closing(sqlite3.connect(cache.path_for("acct"))) as con, con:
        for field, text in con.execute("SELECT field, text FROM list_columns").fetchall():
            edited = text.replace("2024-0042", "42\x1b[31m\x07red").replace("Acme", "\x9b2JAcme")
            con.execute("UPDATE list_columns SET text = ? WHERE field = ?", (edited, field))
    loaded = cache.load("acct")
    assert loaded is not None
    assert loaded.invoices[0] == replace(summary_of(inv), number="42red")


def test_control_characters_in_details_are_removed_on_load(cache: Cache) -> None:
    item = LineItem("ok \x1b]0;title\x07item\x9b31m", project="p\u00e9 \x1b[2J")
    inv = replace(full_invoice(), line_items=(item,), raw={"k\x1b[1m": "v\x07"})
    cache.save(snapshot(inv))
    loaded = cache.load_invoice("acct", inv.id)
    assert loaded is not None
    assert loaded.line_items[0].description == "ok item"
    assert loaded.line_items[0].project == "p\u00e9 "
    assert loaded.raw == {"k": "v"}
    assert replace(loaded, line_items=inv.line_items, raw=inv.raw) == inv


def test_ids_with_controls_or_lone_surrogates_never_break_the_cache(cache: Cache) -> None:
    odd = replace(full_invoice(ident="a\x1fb\x1b[1m\ud800c"), number="n\udfff", url="u\x00")
    plain = full_invoice(ident="plain")
    cache.save(snapshot(odd, plain))
    loaded = cache.load("acct", details=True)
    assert loaded is not None and len(loaded.invoices) == 2
    assert loaded.invoices[1] == plain
    summary = cache.load("acct")
    assert summary is not None
    assert summary.invoices[0].id == "ab\ufffdc" and summary.invoices[0].url == "u"
    found = cache.load_invoice("acct", odd.id)
    assert found is not None and found.line_items == odd.line_items
    cache.save_invoice("acct", odd)
    assert cache.load_invoice("acct", summary.invoices[0].id) is not None


# ---------------------------------------------------------------------- info and clear


def test_info_size_and_clear(cache: Cache) -> None:
    cache.save(snapshot(full_invoice(), account="one"))
    cache.save(snapshot(*(make_invoice("two", "A", i) for i in range(5)), account="two"))
    info = {i.name: i for i in cache.info()}
    assert set(info) == {"one", "two"}
    assert info["two"].invoices == 5 and info["two"].details == 5
    assert info["one"].provider == "palette" and info["one"].fetched_at == T0
    assert info["one"].size > 0 and info["one"].path == cache.path_for("one")
    assert cache.size() >= info["one"].size + info["two"].size

    assert cache.clear("one") == ["one"]
    assert cache.load("one") is None and cache.load("two") is not None
    assert cache.clear("one") == []
    assert cache.clear() == ["two"]
    assert cache.info() == [] and cache.load("two") is None


def test_info_lists_a_broken_file_with_its_error(cache: Cache) -> None:
    cache.save(snapshot(full_invoice()))
    cache.path_for("acct").write_bytes(b"not a database at all" * 100)
    [entry] = cache.info()
    assert entry.error and entry.invoices == 0
    assert cache.clear() == [entry.name]


# ---------------------------------------------------------------------- damage


def _damage_garbage(db: Path) -> None:
    db.write_bytes(os.urandom(8192))


def _damage_truncate(db: Path) -> None:
    size = db.stat().st_size
    with db.open("r+b") as handle:
        handle.truncate(size // 2)


def _damage_empty(db: Path) -> None:
    db.write_bytes(b"")


def _damage_header(db: Path) -> None:
    with db.open("r+b") as handle:
        handle.seek(0)
        handle.write(b"SQLite format 2\x00")


def _damage_pages(db: Path) -> None:
    data = bytearray(db.read_bytes())
    data[4096:] = bytes(len(data) - 4096)  # keep page 1, zero the rest
    db.write_bytes(bytes(data))


def _wrong_version(db: Path) -> None:
    with closing(sqlite3.connect(db)) as con, con:
        con.execute(f"PRAGMA user_version = {FORMAT_VERSION + 1}")


def _old_version(db: Path) -> None:
    with closing(sqlite3.connect(db)) as con, con:
        con.execute("PRAGMA user_version = 0")
        con.execute("PRAGMA application_id = 0")


def _foreign_database(db: Path) -> None:
    db.unlink()
    with closing(sqlite3.connect(db)) as con, con:
        con.execute("CREATE TABLE something (x)")


DAMAGE = {
    "garbage": _damage_garbage,
    "truncated": _damage_truncate,
    "empty": _damage_empty,
    "bad header": _damage_header,
    "zeroed pages": _damage_pages,
    "newer version": _wrong_version,
    "unversioned": _old_version,
    "foreign sqlite": _foreign_database,
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damaged_file_is_set_aside_once_and_refilled(
    cache: Cache, warnings: list[str], damage: str
) -> None:
    good = snapshot(*(make_invoice("acct", "A", i, items=20) for i in range(300)))
    cache.save(good)
    db = cache.path_for("acct")
    DAMAGE[damage](db)

    assert cache.load("acct") is None
    assert cache.load("acct", details=True) is None
    assert cache.load_invoice("acct", "inv-000001") is None
    assert len(warnings) == 1, warnings
    assert "'acct'" in warnings[0] and "fetching again" in warnings[0]
    aside = [
        p.name
        for p in db.parent.iterdir()
        if p.name.startswith(db.name + ".") and not p.name.endswith(("-wal", "-shm"))
    ]
    assert len(aside) == 1, aside
    if damage == "newer version":
        assert aside[0].endswith(f".old-v{FORMAT_VERSION + 1}")

    cache.save(good)  # the refetch lands in a fresh file
    loaded = cache.load("acct", details=True)
    assert loaded is not None and loaded.invoices == good.invoices
    assert len(warnings) == 1


def test_only_a_few_set_aside_copies_are_kept(tmp_path: Path) -> None:
    for round_no in range(6):
        cache = Cache(tmp_path / "cache", warn=lambda message: None)
        cache.save(snapshot(full_invoice(ident=str(round_no))))
        _damage_garbage(cache.path_for("acct"))
        assert cache.load("acct") is None
    db = Cache(tmp_path / "cache").path_for("acct")
    aside = [p for p in db.parent.iterdir() if p.name.startswith(db.name + ".")]
    assert len(aside) == 3


def test_damage_found_on_save_is_set_aside_and_the_save_succeeds(
    cache: Cache, warnings: list[str]
) -> None:
    cache.save(snapshot(full_invoice()))
    _damage_garbage(cache.path_for("acct"))
    cache.save(snapshot(full_invoice(ident="new")))
    loaded = cache.load("acct", details=True)
    assert loaded is not None and [i.id for i in loaded.invoices] == ["new"]
    assert len(warnings) == 1 and "'acct'" in warnings[0]


def test_an_unreadable_detail_blob_is_treated_as_damage(cache: Cache, warnings: list[str]) -> None:
    cache.save(snapshot(full_invoice()))
    with closing(sqlite3.connect(cache.path_for("acct"))) as con, con:
        con.execute("UPDATE details SET data = x'00010203'")
    assert cache.load_invoice("acct", "inv-1") is None
    assert len(warnings) == 1 and "'acct'" in warnings[0]
    assert cache.load("acct") is None  # set aside as a whole: refetched next time


@pytest.mark.parametrize(
    "change",
    [
        "'processing', 'weird'",  # unknown status
        "'1290.500', 'lots'",  # not an amount
        "'2024-07-01', '2024-13-45'",  # not a day
        "'Acme', char(31)",  # one value too many
        "'USD', 'USD' || char(31) || 'EUR'",  # one more value than indices... or one too many
    ],
)
def test_a_bad_value_in_the_list_is_treated_as_damage(
    cache: Cache, warnings: list[str], change: str
) -> None:
    cache.save(snapshot(full_invoice()))
    with closing(sqlite3.connect(cache.path_for("acct"))) as con, con:
        con.execute(f"UPDATE list_columns SET text = replace(text, {change})")
    assert cache.load("acct") is None
    assert len(warnings) == 1


@pytest.mark.parametrize(
    "indices",
    ["x'00'", "x'ffffffff' || substr(indices, 5)", "NULL", "substr(indices, 5)"],
)
def test_a_bad_dictionary_column_is_treated_as_damage(
    cache: Cache, warnings: list[str], indices: str
) -> None:
    cache.save(snapshot(*(make_invoice("acct", "A", i) for i in range(10))))
    with closing(sqlite3.connect(cache.path_for("acct"))) as con, con:
        [[dictionary]] = con.execute("SELECT dictionary FROM list_columns WHERE field = 'currency'")
        assert dictionary == 1  # ten times "USD"
        con.execute(f"UPDATE list_columns SET indices = {indices} WHERE field = 'currency'")
    assert cache.load("acct") is None
    assert len(warnings) == 1 and "'acct'" in warnings[0]


def test_a_stray_wal_is_not_replayed_into_a_new_file(cache: Cache) -> None:
    cache.save(snapshot(full_invoice()))
    db = cache.path_for("acct")
    Path(f"{db}-wal").write_bytes(os.urandom(5000))
    db.unlink()
    cache.save(snapshot(full_invoice(ident="fresh")))
    loaded = cache.load("acct")
    assert loaded is not None and [i.id for i in loaded.invoices] == ["fresh"]


# ---------------------------------------------------------------------- permissions


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_directory_and_files_are_private(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        cache = Cache(tmp_path / "deep" / "cache")
        cache.save(snapshot(full_invoice()))
        db = cache.path_for("acct")
        reader = sqlite3.connect(db)  # keeps the -wal and -shm files in existence
        try:
            reader.execute("SELECT count(*) FROM invoices").fetchone()
            cache.save(snapshot(full_invoice(ident="2")))
            cache.save_invoice("acct", full_invoice(ident="2"))
            sides = [Path(f"{db}-wal"), Path(f"{db}-shm")]
            assert all(p.exists() for p in sides)
            for path in sides:
                assert _mode(path) == 0o600, path
        finally:
            reader.close()
    finally:
        os.umask(old)
    assert _mode(cache.directory) == 0o700
    assert _mode(cache.directory / "accounts") == 0o700
    for path in (cache.directory / "accounts").iterdir():
        assert _mode(path) == 0o600, path


def test_default_location_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INVOICETUI_CACHE_DIR", str(tmp_path / "env-cache"))
    assert Cache().directory == tmp_path / "env-cache"


# ---------------------------------------------------------------------- processes


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def _wait_for(predicate: object, deadline: float, what: str) -> None:
    assert callable(predicate)
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.002)  # polling a condition, bounded by the deadline


@pytest.fixture
def killed_writer(tmp_path: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    procs: list[subprocess.Popen[bytes]] = []
    yield procs
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_kill_9_during_writes_leaves_old_or_new_data(
    tmp_path: Path, killed_writer: list[subprocess.Popen[bytes]]
) -> None:
    """SIGKILL a process that saves A, B, A, B... at varied moments; the cache stays whole."""
    directory = tmp_path / "cache"
    expected = {tag: make_snapshot("acct", tag).invoices for tag in ("A", "B")}
    seen: set[str | None] = set()
    for round_no in range(18):
        progress = tmp_path / f"progress-{round_no}"
        proc = subprocess.Popen(
            [sys.executable, str(WRITER), str(directory), "acct", "alternate", str(progress)],
            env=_env(),
            stderr=subprocess.PIPE,
        )
        killed_writer.append(proc)
        # vary the moment: after save K began, or after it ended, with a short extra delay
        target = f"{'begin' if round_no % 3 else 'end'} {1 + round_no % 4}\n"
        _wait_for(
            lambda p=progress, t=target: p.exists() and t in p.read_text(),
            time.monotonic() + 60,
            target.strip(),
        )
        time.sleep((round_no % 6) * 0.004)  # spreads kills over the transaction (not a wait)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL, proc.stderr.read() if proc.stderr else b""

        warnings: list[str] = []
        loaded = Cache(directory, warn=warnings.append).load("acct", details=True)
        tag = whole_tag(loaded)
        assert warnings == []
        if tag is not None:
            assert loaded is not None and loaded.invoices == expected[tag]
            assert loaded.fetched_at == FETCHED[tag]
        seen.add(tag)
        with closing(sqlite3.connect(Cache(directory).path_for("acct"))) as con, con:
            assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert {"A", "B"} <= seen  # both snapshots were observed after kills


def test_reads_see_one_whole_snapshot_while_another_process_writes(
    tmp_path: Path, killed_writer: list[subprocess.Popen[bytes]]
) -> None:
    directory = tmp_path / "cache"
    progress = tmp_path / "progress"
    proc = subprocess.Popen(
        [sys.executable, str(WRITER), str(directory), "acct", "alternate", str(progress)],
        env=_env(),
    )
    killed_writer.append(proc)
    _wait_for(
        lambda: progress.exists() and "end 1\n" in progress.read_text(),
        time.monotonic() + 60,
        "the first save",
    )
    warnings: list[str] = []
    cache = Cache(directory, warn=warnings.append)
    expected = {tag: make_snapshot("acct", tag).invoices for tag in ("A", "B")}
    for _ in range(60):
        loaded = cache.load("acct", details=True)
        tag = whole_tag(loaded)
        assert tag is not None and loaded is not None and loaded.invoices == expected[tag]
        assert cache.stamp("acct") in (("doit", FETCHED["A"]), ("doit", FETCHED["B"]))
    proc.kill()
    proc.wait()
    assert warnings == []


def test_two_processes_writing_one_cache(tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    procs = [
        subprocess.Popen(
            [sys.executable, str(WRITER), str(directory), "shared", "repeat", tag, "12"],
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for tag in ("A", "B")
    ]
    results = [proc.communicate(timeout=120) for proc in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err.decode()
        assert out.strip() == b"ok"
    warnings: list[str] = []
    cache = Cache(directory, warn=warnings.append)
    assert whole_tag(cache.load("shared", details=True)) in ("A", "B")
    assert {i.name for i in cache.info()} == {"shared", "shared-A", "shared-B"}
    assert warnings == []


def test_text_cached_before_bidi_controls_were_cleaned_is_cleaned_on_the_way_out(
    cache: Cache,
) -> None:
    """A detail written by an older version may hold bidi controls or a surrogate escape."""
    item = LineItem(description="pay \u202eKCATTA\u202c now \ud800", amount=Decimal(1))
    inv = replace(full_invoice(), line_items=(item,), customer="Nordic\u2066 AS\u2069")
    cache.save(snapshot(inv))
    loaded = cache.load_invoice("acct", inv.id)
    assert loaded is not None
    assert loaded.line_items[0].description == "pay KCATTA now \ufffd"
    assert loaded.customer == "Nordic AS"
