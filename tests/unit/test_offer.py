"""PORTAL_OFFER: a good offer is read into one form, a bad one stops the start with one line
naming the variable and the fix, and its rule matches the subscriptions it names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from edge.offer import matches, read_offer
from edge.settings import ConfigError, Settings
from tests.cli import environment, invoke

GOOD = {
    "STRIPE_SECRET_KEY": "sk_test_abc123",
    "PORTAL_HASH_SECRETS": "secret-one",
    "PORTAL_ALLOWED_ORIGINS": "https://shop.example.com",
}
OFFER = {"title": "Go yearly", "button": {"en": "See plans", "fr": "Voir les offres"}}


def problem(offer: Any) -> str:
    """The one line a bad offer stops the start with."""
    value = offer if isinstance(offer, str) else json.dumps(offer)
    with pytest.raises(ConfigError) as refused:
        Settings.from_env(GOOD | {"PORTAL_OFFER": value})
    [line] = refused.value.problems
    assert line.startswith("PORTAL_OFFER ") and "\n" not in line
    return line


def test_an_offer_is_read_with_every_text_by_locale() -> None:
    settings = Settings.from_env(GOOD | {"PORTAL_OFFER": json.dumps(OFFER)})
    assert settings.offer == {
        "id": "offer",
        "title": {"*": "Go yearly"},
        "text": {},
        "button": {"en": "See plans", "fr": "Voir les offres"},
        "url": None,
        "when": {},
    }


def test_an_offer_is_read_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "offer.json"
    full = OFFER | {
        "id": "yearly-2027",
        "text": {"en": "Two months free", "fr-CA": "Deux mois gratuits"},
        "url": "https://www.example.com/plans?from=portal",
        "when": {"interval": "month", "price": "price_1A", "product": ["prod_1", "prod_2"],
                 "min_paid_invoices": 3},
    }  # fmt: skip
    path.write_text(json.dumps(full), encoding="utf-8")
    offer = Settings.from_env(GOOD | {"PORTAL_OFFER": str(path)}).offer
    assert offer is not None and offer["id"] == "yearly-2027"
    assert offer["url"] == "https://www.example.com/plans?from=portal"
    assert offer["when"] == {
        "interval": "month",
        "price": ["price_1A"],
        "product": ["prod_1", "prod_2"],
        "min_paid_invoices": 3,
    }


@pytest.mark.parametrize(
    ("offer", "named"),
    [
        ("{not json", "is not JSON"),
        ("[1]", "not a JSON object"),
        ("/nonexistent/offer.json", "cannot be read"),
        ({"button": "See"}, "has no title"),
        ({"title": "Go"}, "has no button"),
        (OFFER | {"titel": "Go"}, "unknown field 'titel'"),
        (OFFER | {"title": ""}, "empty"),
        (OFFER | {"title": {}}, "not text"),
        (OFFER | {"title": {"english": "Go"}}, "not a locale"),
        (OFFER | {"button": ["See"]}, "not text"),
        (OFFER | {"button": "x" * 61}, "longer than 60"),
        (OFFER | {"id": "has space"}, "id"),
        (OFFER | {"url": "javascript:alert(1)"}, "url"),
        (OFFER | {"url": "/plans"}, "url"),
        (OFFER | {"url": "https://user@evil.example/"}, "url"),
        (OFFER | {"url": "http://[x"}, "url"),
        (OFFER | {"when": []}, "when"),
        (OFFER | {"when": {"plan": "x"}}, "unknown condition 'plan'"),
        (OFFER | {"when": {"interval": "monthly"}}, "when.interval"),
        (OFFER | {"when": {"price": "prod_1"}}, "when.price"),
        (OFFER | {"when": {"product": []}}, "when.product"),
        (OFFER | {"when": {"min_paid_invoices": 0}}, "min_paid_invoices"),
        (OFFER | {"when": {"min_paid_invoices": 101}}, "min_paid_invoices"),
        (OFFER | {"when": {"min_paid_invoices": True}}, "min_paid_invoices"),
        (OFFER | {"when": {"min_paid_invoices": 2.5}}, "min_paid_invoices"),
    ],
)
def test_a_bad_offer_stops_the_start_with_one_line(offer: Any, named: str) -> None:
    line = problem(offer)
    assert named in line
    assert "(e.g. PORTAL_OFFER=" in line


def test_serve_with_a_bad_offer_exits_2_with_one_line() -> None:
    env = environment(**GOOD, PORTAL_OFFER='{"title": "Go"}')
    done = invoke("serve", "--port", "0", env=env)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("invoice-portal: PORTAL_OFFER has no button")


def subscription(price: str, product: Any, interval: str) -> dict[str, Any]:
    item = {"price": {"id": price, "product": product, "recurring": {"interval": interval}}}
    return {"id": "sub_1", "items": {"data": [item]}}


MONTHLY = subscription("price_1M", "prod_1", "month")


@pytest.mark.parametrize(
    ("when", "sub", "paid", "expected"),
    [
        ({}, None, 0, True),
        ({"interval": "month"}, MONTHLY, 0, True),
        ({"interval": "year"}, MONTHLY, 0, False),
        ({"interval": "month"}, None, 0, False),
        ({"price": ["price_1Y", "price_1M"]}, MONTHLY, 0, True),
        ({"price": "price_1Y"}, MONTHLY, 0, False),
        ({"product": "prod_1"}, subscription("price_1M", {"id": "prod_1"}, "month"), 0, True),
        ({"product": "prod_2"}, MONTHLY, 0, False),
        ({"min_paid_invoices": 3}, None, 3, True),
        ({"min_paid_invoices": 3}, MONTHLY, 2, False),
        ({"interval": "month", "product": "prod_1", "min_paid_invoices": 1}, MONTHLY, 5, True),
        ({"interval": "month", "product": "prod_2", "min_paid_invoices": 1}, MONTHLY, 5, False),
    ],
)
def test_the_rule_matches_when_every_condition_holds(
    when: dict[str, Any], sub: dict[str, Any] | None, paid: int, expected: bool
) -> None:
    offer = read_offer(json.dumps(OFFER | {"when": when}))
    assert offer is not None
    assert matches(offer, sub, paid) is expected
