from __future__ import annotations

import hashlib
import hmac
from typing import Any

import pytest

from edge.hashing import HashError, check_hash, is_customer_id, is_email, make_hash

NOW = 1_800_000_000
WEEK = 7 * 24 * 3600
OLD, NEW = "old-secret-0123456789", "new-secret-9876543210"


def check(identifier: str, given: str | None, expires: int | None = None, **options: Any) -> None:
    options = {"now": NOW, "max_lifetime": WEEK, **options}
    secrets = options.pop("secrets", [NEW, OLD])
    check_hash(secrets, identifier, given, expires, **options)


def refusal(*args: Any, **options: Any) -> str:
    with pytest.raises(HashError) as caught:
        check(*args, **options)
    return caught.value.code


def test_hash_is_the_lowercase_hex_hmac_sha256_site_owners_already_make() -> None:
    expected = hmac.new(b"k", b"jane@example.com", hashlib.sha256).hexdigest()
    assert make_hash("k", "jane@example.com") == expected


def test_a_hash_made_with_any_configured_secret_is_accepted_during_rotation() -> None:
    check("jane@example.com", make_hash(OLD, "jane@example.com"))
    check("jane@example.com", make_hash(NEW, "jane@example.com"))


def test_a_hash_from_a_retired_secret_is_refused() -> None:
    assert refusal("jane@example.com", make_hash(OLD, "jane@example.com"), secrets=[NEW]) == (
        "invalid_hash"
    )


def test_uppercase_hex_of_the_right_hash_is_accepted() -> None:
    check("jane@example.com", make_hash(NEW, "jane@example.com").upper())


def test_the_email_is_signed_exactly_as_given_without_case_folding() -> None:
    assert refusal("Jane@example.com", make_hash(NEW, "jane@example.com")) == "invalid_hash"
    assert refusal(" jane@example.com", make_hash(NEW, "jane@example.com")) == "invalid_hash"


def test_a_missing_hash_is_refused_as_missing() -> None:
    assert refusal("jane@example.com", None) == "missing_hash"
    assert refusal("jane@example.com", "") == "missing_hash"


def test_garbage_instead_of_a_hash_is_refused() -> None:
    assert refusal("jane@example.com", "x" * 64) == "invalid_hash"
    assert refusal("jane@example.com", make_hash(NEW, "jane@example.com")[:63]) == "invalid_hash"


def test_an_expiring_hash_works_until_it_expires() -> None:
    expires = NOW + 3600
    check("jane@example.com", make_hash(NEW, "jane@example.com", expires), expires)
    assert (
        refusal(
            "jane@example.com",
            make_hash(NEW, "jane@example.com", expires),
            expires,
            now=expires + 61,
        )
        == "expired_hash"
    )


def test_a_small_clock_skew_is_tolerated() -> None:
    expires = NOW - 30
    check("jane@example.com", make_hash(NEW, "jane@example.com", expires), expires)


def test_changing_expires_breaks_the_hash() -> None:
    given = make_hash(NEW, "jane@example.com", NOW + 60)
    assert refusal("jane@example.com", given, NOW + 3600) == "invalid_hash"


def test_a_static_hash_is_not_accepted_with_an_expires() -> None:
    given = make_hash(NEW, "jane@example.com")
    assert refusal("jane@example.com", given, NOW + 60) == "invalid_hash"


def test_an_expiring_hash_beyond_the_maximum_lifetime_is_refused() -> None:
    expires = NOW + WEEK + 3600
    given = make_hash(NEW, "jane@example.com", expires)
    assert refusal("jane@example.com", given, expires) == "invalid_hash"


def test_static_hashes_are_refused_when_the_owner_requires_expiring_ones() -> None:
    given = make_hash(NEW, "jane@example.com")
    assert refusal("jane@example.com", given, require_expiring=True) == "expiring_hash_required"
    expires = NOW + 60
    check(
        "jane@example.com",
        make_hash(NEW, "jane@example.com", expires),
        expires,
        require_expiring=True,
    )


def test_a_hash_for_an_email_cannot_be_replayed_for_a_customer_id() -> None:
    assert not is_email("cus_ABC123")
    assert not is_customer_id("jane@example.com")
    assert is_email("jane@example.com") and is_customer_id("cus_ABC123")


def test_an_email_with_a_colon_is_refused_so_static_hashes_never_pass_as_expiring_ones() -> None:
    # The static hash of "jane@example.com:<t>" is, byte for byte, the expiring hash of
    # "jane@example.com" with expires=<t>; refusing ":" in emails closes that door.
    assert not is_email(f"jane@example.com:{NOW + 60}")


@pytest.mark.parametrize(
    "value", ["cus_", "cus_abc/../x", "cus_abc\x00", "CUS_abc", "cus_abc def", "cus_" + "a" * 300]
)
def test_malformed_customer_ids_are_refused(value: str) -> None:
    assert not is_customer_id(value)


@pytest.mark.parametrize("value", ["", "no-at-sign", "a@b\x00", "a@b\n", "x" * 250 + "@b.co"])
def test_malformed_emails_are_refused(value: str) -> None:
    assert not is_email(value)
