"""diff: exactly the difference between two snapshots; the JSON form round-trips."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from insight_factory import make

from invoicetui.core.changeset import (
    ChangeSet,
    ChangesFormatError,
    changes_from_json,
    changes_to_json,
)
from invoicetui.core.model import Invoice, Status
from invoicetui.service.insight.changes import diff


def test_golden_new_paid_amount_gone() -> None:
    before = [
        make("a", status=Status.OPEN, total="100", amount_due="100", number="INV-1"),
        make("b", status=Status.OPEN, total="50"),
        make("c", status=Status.PAID, total="10"),
        make("z", account="other", total="5"),
    ]
    after = [
        make("a", status=Status.PAID, total="100", amount_due="0", number="INV-1"),
        make("b", status=Status.OPEN, total="50.00"),  # same amount, other notation
        make("c", status=Status.PAID, total="12"),
        make("d", status=Status.DRAFT, total="7"),
    ]
    changes = diff(before, after)
    assert [b.key for b in changes.new] == [("acme", "d")]
    assert [(o.status, n.status, n.label) for o, n in changes.status_changed] == [
        (Status.OPEN, Status.PAID, "INV-1")
    ]
    assert [(o.key, o.money(), n.money()) for o, n in changes.amount_changed] == [
        (("acme", "a"), (Decimal(100), Decimal(100)), (Decimal(100), Decimal(0))),
        (("acme", "c"), (Decimal(10), None), (Decimal(12), None)),
    ]
    assert [b.key for b in changes.gone] == [("other", "z")]
    assert changes.keys == {("acme", "a"), ("acme", "c"), ("acme", "d")}
    assert len(changes) == 4 and changes


def test_identical_snapshots_have_no_changes() -> None:
    snap = [make("a"), make("b", total=None)]
    assert not diff(snap, list(reversed(snap)))
    assert len(diff(snap, snap)) == 0


def test_amount_to_none_is_a_change() -> None:
    changes = diff([make("a", total="1")], [make("a", total=None)])
    assert [n.total for _o, n in changes.amount_changed] == [None]


def test_json_round_trip_and_tolerant_reading() -> None:
    changes = diff(
        [make("a", status=Status.OPEN), make("g")],
        [make("a", status=Status.OVERDUE, total="3.10"), make("n", number="X-1")],
    )
    assert changes_from_json(changes_to_json(changes)) == changes
    with pytest.raises(ChangesFormatError):
        changes_from_json({"version": 999})
    with pytest.raises(ChangesFormatError):
        changes_from_json({"version": 1, "new": [["a"]]})
    bad = changes_to_json(changes)
    bad["new"][0][5] = "NaN"
    with pytest.raises(ChangesFormatError):
        changes_from_json(bad)
    hostile = changes_to_json(changes)
    hostile["new"][0][2] = "evil\x1b]0;title\x07\x9b"
    label = changes_from_json(hostile).new[0].label
    assert label.isprintable() and "\x1b" not in label


def test_merged_sorts_across_accounts() -> None:
    one = diff([], [make("b", account="y")])
    two = diff([], [make("a", account="x")])
    assert [b.key for b in one.merged(two).new] == [("x", "a"), ("y", "b")]
    assert one.merged(ChangeSet()) == one


statuses = st.sampled_from(list(Status))
amounts = st.one_of(st.none(), st.decimals(-1000, 1000, places=2, allow_nan=False))


@st.composite
def snapshots(draw: st.DrawFn) -> list[Invoice]:
    ids = draw(st.lists(st.sampled_from("abcdefgh"), unique=True, max_size=8))
    return [
        Invoice(
            account=draw(st.sampled_from(["x", "y"])),
            provider="doit",
            id=i,
            status=draw(statuses),
            currency="USD",
            total=draw(amounts),
            amount_due=draw(amounts),
        )
        for i in ids
    ]


@given(snapshots(), snapshots())
def test_change_set_is_exactly_the_difference(before: list[Invoice], after: list[Invoice]) -> None:
    changes = diff(before, after)
    old = {(i.account, i.id): i for i in before}
    new = {(i.account, i.id): i for i in after}
    assert {b.key for b in changes.new} == new.keys() - old.keys()
    assert {b.key for b in changes.gone} == old.keys() - new.keys()
    both = old.keys() & new.keys()
    assert {n.key for _o, n in changes.status_changed} == {
        k for k in both if old[k].status != new[k].status
    }
    assert {n.key for _o, n in changes.amount_changed} == {
        k for k in both if (old[k].total, old[k].amount_due) != (new[k].total, new[k].amount_due)
    }
    # Applying the changes to the old state gives the new state.
    state = {k: (v.status, v.total, v.amount_due) for k, v in old.items()}
    for b in changes.gone:
        del state[b.key]
    for b in changes.new:
        state[b.key] = (b.status, b.total, b.amount_due)
    for _o, n in (*changes.status_changed, *changes.amount_changed):
        state[n.key] = (n.status, n.total, n.amount_due)
    assert state == {k: (v.status, v.total, v.amount_due) for k, v in new.items()}
    assert changes_from_json(changes_to_json(changes)) == changes
    assert not diff(after, after)
    assert replace(changes) == changes
