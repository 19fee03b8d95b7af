from __future__ import annotations

import base64
import json
from typing import Any

import jwt
import pytest

from edge import tokens

NOW = 1_800_000_000
SECRETS = ["first-secret-0123456789-0123456789", "second-secret-0123456789-012345678"]


def issue(**overrides: Any) -> str:
    options = {
        "customers": ["cus_A"],
        "subscriptions": ["sub_A"],
        "default_subscription": "sub_A",
        "livemode": False,
        "now": NOW,
        "lifetime": 900,
        **overrides,
    }
    secrets = options.pop("secrets", SECRETS)
    return tokens.issue(secrets, **options)[0]


# The proxy keeps one memo of checked tokens per app; these tests share one the same way.
MEMO: tokens.Memo = {}


def refusal(token: str, **options: Any) -> str:
    options = {"livemode": False, "now": NOW + 1, "memo": MEMO, **options}
    secrets = options.pop("secrets", SECRETS)
    with pytest.raises(tokens.TokenError) as caught:
        tokens.verify(secrets, token, **options)
    return caught.value.code


def test_a_token_carries_the_customers_and_subscriptions_it_was_issued_for() -> None:
    claims = tokens.verify(SECRETS, issue(customers=["cus_A", "cus_B"]), livemode=False, now=NOW)
    assert claims.customers == ("cus_A", "cus_B")
    assert claims.subscriptions == ("sub_A",)
    assert claims.default_subscription == "sub_A"
    assert claims.expires_at == NOW + 900


def test_a_token_expires_after_its_lifetime() -> None:
    token = issue()
    tokens.verify(SECRETS, token, livemode=False, now=NOW + 899)
    assert refusal(token, now=NOW + 900) == "expired_token"


def test_a_token_signed_by_a_replica_with_the_secrets_rotated_is_still_accepted() -> None:
    token = issue(secrets=[SECRETS[1]])
    assert tokens.verify(SECRETS, token, livemode=False, now=NOW).customers == ("cus_A",)


def test_a_token_signed_with_an_unknown_key_is_refused() -> None:
    assert refusal(issue(secrets=["someone-elses-secret"])) == "invalid_token"


def test_a_forged_token_signed_with_the_raw_hash_secret_is_refused() -> None:
    payload = {"aud": tokens.AUDIENCE, "iat": NOW, "exp": NOW + 900, "cus": ["cus_B"]}
    payload |= {"sub_ids": [], "dsub": None, "live": False}
    forged = jwt.encode(payload, SECRETS[0], algorithm="HS256")
    assert refusal(forged) == "invalid_token"


def test_a_tampered_customer_list_breaks_the_signature() -> None:
    header, payload, signature = issue().split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["cus"] = ["cus_VICTIM"]
    tampered = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    assert refusal(f"{header}.{tampered}.{signature}") == "invalid_token"


def test_an_unsigned_alg_none_token_is_refused() -> None:
    payload = {"aud": tokens.AUDIENCE, "iat": NOW, "exp": NOW + 900, "cus": ["cus_B"]}
    payload |= {"sub_ids": [], "dsub": None, "live": False}
    unsigned = jwt.encode(payload, None, algorithm="none")
    assert refusal(unsigned) == "invalid_token"


def test_a_token_for_another_audience_is_refused() -> None:
    key = tokens.signing_key(SECRETS[0])
    payload = {"aud": "another-app", "iat": NOW, "exp": NOW + 900, "cus": ["cus_A"]}
    payload |= {"sub_ids": [], "dsub": None, "live": False}
    assert refusal(jwt.encode(payload, key, algorithm="HS256")) == "invalid_token"


def test_a_test_mode_token_is_refused_by_a_live_proxy() -> None:
    assert refusal(issue(livemode=False), livemode=True) == "invalid_token"


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "x" * 9000, "ey.ey.ey"])
def test_garbage_tokens_are_refused(garbage: str) -> None:
    assert refusal(garbage) == "invalid_token"


def test_a_token_checked_before_still_expires_on_time() -> None:
    token = issue()
    tokens.verify(SECRETS, token, livemode=False, now=NOW, memo=MEMO)
    tokens.verify(SECRETS, token, livemode=False, now=NOW + 899, memo=MEMO)
    assert refusal(token, now=NOW + 900) == "expired_token"
    assert refusal(token, now=NOW + 5000) == "expired_token"


def test_a_token_checked_before_with_one_byte_changed_is_refused() -> None:
    token = issue(customers=["cus_A"])
    tokens.verify(SECRETS, token, livemode=False, now=NOW, memo=MEMO)
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["cus"] = ["cus_VICTIM"]
    tampered = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    assert refusal(f"{header}.{tampered}.{signature}") == "invalid_token"
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    assert refusal(f"{header}.{payload}.{flipped}") == "invalid_token"
    assert refusal(token + " ") == "invalid_token"


def test_a_token_checked_before_is_refused_under_other_secrets_or_mode() -> None:
    token = issue()
    tokens.verify(SECRETS, token, livemode=False, now=NOW, memo=MEMO)
    assert refusal(token, secrets=["someone-elses-secret"]) == "invalid_token"
    assert refusal(token, livemode=True) == "invalid_token"


def test_remembering_checked_tokens_takes_bounded_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tokens, "VERIFIED_TOKENS", 3)
    memo: tokens.Memo = {}
    issued = [issue(customers=[f"cus_{n}"]) for n in range(10)]
    for _ in range(2):
        for n, token in enumerate(issued):
            claims = tokens.verify(SECRETS, token, livemode=False, now=NOW, memo=memo)
            assert claims.customers == (f"cus_{n}",)
            assert len(memo) <= 3


def test_a_token_is_exactly_the_jwt_that_pyjwt_would_sign() -> None:
    payload = {
        "aud": tokens.AUDIENCE,
        "iat": NOW,
        "exp": NOW + 900,
        "cus": ["cus_A", "cus_Ünï"],
        "sub_ids": ["sub_A"],
        "dsub": None,
        "live": False,
    }
    key = tokens.signing_key(SECRETS[0])
    expected = jwt.encode(payload, key, algorithm=tokens.ALGORITHM)
    made = issue(customers=["cus_A", "cus_Ünï"], default_subscription=None)
    assert made == expected
