from __future__ import annotations

import html
import re
from typing import Any

import pytest

from edge.hashing import HashError, check_hash, make_hash
from edge.owner import element_attributes, element_html_attributes, expiring_hash, static_hash

NOW = 1_800_000_000
WEEK = 7 * 24 * 3600
NEW, OLD = "new-secret-0123456789", "old-secret-9876543210"


def accepted(identifier: str, given: str, expires: int | None = None, **options: Any) -> bool:
    options = {"now": NOW, "max_lifetime": WEEK, **options}
    try:
        check_hash([NEW, OLD], identifier, given, expires, **options)
    except HashError:
        return False
    return True


def test_the_static_hash_is_the_one_the_proxy_checks() -> None:
    assert static_hash("jane@example.com", NEW) == make_hash(NEW, "jane@example.com")
    assert accepted("jane@example.com", static_hash("jane@example.com", NEW))


def test_a_bytes_secret_makes_the_same_hash_as_its_text() -> None:
    assert static_hash("cus_ABC123", NEW.encode()) == static_hash("cus_ABC123", NEW)
    assert static_hash("a@b.c", "clé-secrète".encode()) == make_hash("clé-secrète", "a@b.c")


def test_bytes_no_proxy_could_hold_as_a_secret_are_refused() -> None:
    with pytest.raises(ValueError, match="not UTF-8"):
        static_hash("jane@example.com", b"\xff\xfe")
    with pytest.raises(ValueError, match="empty"):
        static_hash("jane@example.com", "")


def test_the_email_is_signed_exactly_as_given() -> None:
    given = "Jane.Doe+Invoices@Example.COM"
    made = static_hash(given, NEW)
    assert accepted(given, made)
    assert not accepted(given.lower(), made)


def test_an_expiring_hash_lasts_fifteen_minutes_by_default_and_then_is_refused() -> None:
    made, expires = expiring_hash("zoë@example.com", NEW, now=NOW + 0.9)
    assert expires == NOW + 15 * 60
    assert accepted("zoë@example.com", made, expires, require_expiring=True)
    assert not accepted("zoë@example.com", made, expires, now=expires + 61)
    assert not accepted("zoë@example.com", made)  # not a static hash of the same email


def test_a_lifetime_no_proxy_accepts_is_refused() -> None:
    for lifetime in (0, -60, WEEK + 1):
        with pytest.raises(ValueError, match="lifetime"):
            expiring_hash("jane@example.com", NEW, lifetime=lifetime)
    made, expires = expiring_hash("jane@example.com", NEW, lifetime=WEEK, now=NOW)
    assert accepted("jane@example.com", made, expires)


def test_identifiers_the_proxy_would_refuse_get_no_hash() -> None:
    for wrong in ("jane", "jane@example.com:1800000000", "cus_", "cus_AB-C", ""):
        with pytest.raises(ValueError, match="neither an email"):
            static_hash(wrong, NEW)


def test_without_a_secret_the_first_of_portal_hash_secrets_signs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PORTAL_HASH_SECRETS", f" {NEW} , {OLD}")
    assert static_hash("jane@example.com") == make_hash(NEW, "jane@example.com")
    made, expires = expiring_hash("jane@example.com", now=NOW)
    assert made == make_hash(NEW, "jane@example.com", expires)


def test_without_any_secret_the_helper_says_which_variable_to_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PORTAL_HASH_SECRETS", raising=False)
    with pytest.raises(ValueError, match="PORTAL_HASH_SECRETS is empty"):
        static_hash("jane@example.com")
    monkeypatch.setenv("PORTAL_HASH_SECRETS", ",other")
    with pytest.raises(ValueError, match="PORTAL_HASH_SECRETS is empty"):
        element_attributes("jane@example.com")


def test_element_attributes_are_the_expiring_form_for_an_email() -> None:
    attributes = element_attributes(
        "jane@example.com", edge="https://billing.example.com", secret=NEW, now=NOW
    )
    assert list(attributes) == ["edge", "email", "hash", "expires"]
    assert attributes["edge"] == "https://billing.example.com"
    assert attributes["email"] == "jane@example.com"
    assert attributes["expires"] == str(NOW + 900)
    assert accepted("jane@example.com", attributes["hash"], NOW + 900, require_expiring=True)


def test_element_attributes_name_a_customer_id_customer_and_can_be_static() -> None:
    attributes = element_attributes("cus_ABC123", secret=OLD, expiring=False)
    assert attributes == {"customer": "cus_ABC123", "hash": make_hash(OLD, "cus_ABC123")}


def test_the_html_attributes_are_escaped_and_read_back_as_given() -> None:
    email = 'o"brien&<co>@example.com'
    text = element_html_attributes(email, edge="https://b.example.com/?a=1&b=2", secret=NEW)
    assert "<" not in text and '"brien' not in text
    read = {name: html.unescape(value) for name, value in re.findall(r'(\w+)="([^"]*)"', text)}
    assert read.keys() == {"edge", "email", "hash", "expires"}
    assert read["email"] == email and read["edge"] == "https://b.example.com/?a=1&b=2"
    assert accepted(email, read["hash"], int(read["expires"]), now=int(read["expires"]) - 900)
