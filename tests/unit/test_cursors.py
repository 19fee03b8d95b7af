"""Signed list cursors: only the proxy's own, for the customers they were made for."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from edge import cursors

SECRETS = ("first-secret-0123456789",)


def test_a_cursor_opens_to_its_position_for_its_customers() -> None:
    cursor = cursors.sign(SECRETS, "in_123", ("cus_A",))
    assert cursor is not None and cursor.startswith("in_123~")
    assert cursors.open_cursor(SECRETS, cursor, ("cus_A",)) == "in_123"
    assert cursors.sign(SECRETS, None, ("cus_A",)) is None


def test_a_cursor_is_refused_for_other_customers() -> None:
    cursor = cursors.sign(SECRETS, "in_123", ("cus_A",))
    assert cursor is not None
    assert cursors.open_cursor(SECRETS, cursor, ("cus_B",)) is None
    assert cursors.open_cursor(SECRETS, cursor, ("cus_A", "cus_B")) is None


@pytest.mark.parametrize(
    "edit",
    [
        lambda c: c.replace("in_123", "in_124"),
        lambda c: c[:-1] + ("0" if c[-1] != "0" else "1"),
        lambda c: c.split("~")[0],
        lambda c: c + "~" + "0" * 32,
        lambda c: c.replace("~", "~é")[:-1],
        lambda c: "x" * 5000,
    ],
)
def test_an_edited_cursor_is_refused(edit: Callable[[str], str]) -> None:
    cursor = cursors.sign(SECRETS, "in_123", ("cus_A",))
    assert cursor is not None
    assert cursors.open_cursor(SECRETS, edit(cursor), ("cus_A",)) is None


def test_cursors_survive_a_secret_rotation() -> None:
    cursor = cursors.sign(SECRETS, "m1.abc", ("cus_A", "cus_B"))
    assert cursor is not None
    rotated = ("new-secret-0123456789", *SECRETS)
    assert cursors.open_cursor(rotated, cursor, ("cus_A", "cus_B")) == "m1.abc"
    assert cursors.open_cursor(("new-secret-0123456789",), cursor, ("cus_A", "cus_B")) is None
