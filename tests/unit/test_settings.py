from __future__ import annotations

import subprocess
import sys

import pytest

from edge.settings import ConfigError, Settings
from edge.variables import VARIABLES, Variable
from tests.cli import environment, invoke

GOOD = {
    "STRIPE_SECRET_KEY": "sk_test_abc123",
    "PORTAL_HASH_SECRETS": "secret-one",
    "PORTAL_ALLOWED_ORIGINS": "https://shop.example.com",
}


def test_good_configuration_is_read_with_defaults() -> None:
    settings = Settings.from_env(GOOD)
    assert settings.test_mode and settings.require_hash and not settings.require_expiring_hash
    assert settings.hash_secrets == ("secret-one",)
    assert settings.api_base == "https://api.stripe.com"
    assert settings.allow_pay and settings.allow_pdf and settings.allow_show_all
    assert settings.allow_payment_method_update
    assert not settings.allow_plan_change and not settings.allow_cancel


def test_billing_portal_flows_are_switched_by_the_owner() -> None:
    env = GOOD | {
        "PORTAL_ALLOW_PAYMENT_METHOD_UPDATE": "false",
        "PORTAL_ALLOW_PLAN_CHANGE": "true",
        "PORTAL_ALLOW_CANCEL": "yes",
    }
    settings = Settings.from_env(env)
    assert not settings.allow_payment_method_update
    assert settings.allow_plan_change and settings.allow_cancel


def test_limits_memory_and_redis_are_read() -> None:
    env = GOOD | {
        "PORTAL_LIMIT_PER_TOKEN": "10/second;300/hour",
        "PORTAL_CACHE_MB": "16",
        "PORTAL_REDIS_URL": "redis://cache:6379/1",
        "PORTAL_STRIPE_CALLS_PER_SECOND": "50",
    }
    settings = Settings.from_env(env)
    assert settings.limit_per_token == "10/second;300/hour"
    assert settings.cache_bytes == 16 * 2**20
    assert settings.redis_url == "redis://cache:6379/1"
    assert settings.stripe_calls_per_second == 50
    defaults = Settings.from_env(GOOD)
    assert (defaults.stripe_deadline, defaults.redis_url) == (10.0, None)
    assert defaults.limit_session_per_identifier == "20/minute"


def test_several_secrets_and_origins_are_read() -> None:
    env = GOOD | {
        "PORTAL_HASH_SECRETS": "new-one, old-one",
        "PORTAL_ALLOWED_ORIGINS": "https://a.example, http://localhost:8000",
    }
    settings = Settings.from_env(env)
    assert settings.hash_secrets == ("new-one", "old-one")
    assert settings.allowed_origins == ("https://a.example", "http://localhost:8000")


@pytest.mark.parametrize(
    ("change", "variable"),
    [
        ({"STRIPE_SECRET_KEY": ""}, "STRIPE_SECRET_KEY"),
        ({"STRIPE_SECRET_KEY": "pk_test_abc"}, "STRIPE_SECRET_KEY"),
        ({"STRIPE_SECRET_KEY": "sk_prod_abc"}, "STRIPE_SECRET_KEY"),
        ({"PORTAL_HASH_SECRETS": ""}, "PORTAL_HASH_SECRETS"),
        ({"PORTAL_HASH_SECRETS": "a,,b"}, "PORTAL_HASH_SECRETS"),
        ({"PORTAL_ALLOWED_ORIGINS": ""}, "PORTAL_ALLOWED_ORIGINS"),
        ({"PORTAL_ALLOWED_ORIGINS": "https://shop.example.com/"}, "PORTAL_ALLOWED_ORIGINS"),
        ({"PORTAL_ALLOWED_ORIGINS": "*"}, "PORTAL_ALLOWED_ORIGINS"),
        ({"PORTAL_ALLOWED_ORIGINS": "shop.example.com"}, "PORTAL_ALLOWED_ORIGINS"),
        ({"PORTAL_ALLOWED_ORIGINS": "https://a.example/path"}, "PORTAL_ALLOWED_ORIGINS"),
        ({"PORTAL_REQUIRE_HASH": "maybe"}, "PORTAL_REQUIRE_HASH"),
        ({"PORTAL_ALLOW_PLAN_CHANGE": "sometimes"}, "PORTAL_ALLOW_PLAN_CHANGE"),
        ({"PORTAL_ALLOW_CANCEL": "2"}, "PORTAL_ALLOW_CANCEL"),
        ({"PORTAL_ALLOW_PAYMENT_METHOD_UPDATE": "nope"}, "PORTAL_ALLOW_PAYMENT_METHOD_UPDATE"),
        ({"PORTAL_CACHE_SECONDS": "-1"}, "PORTAL_CACHE_SECONDS"),
        ({"STRIPE_WEBHOOK_SECRET": "secret"}, "STRIPE_WEBHOOK_SECRET"),
        ({"STRIPE_API_BASE": "localhost:12111"}, "STRIPE_API_BASE"),
        ({"PORTAL_STRIPE_DEADLINE": "25"}, "PORTAL_STRIPE_DEADLINE"),
        ({"PORTAL_CACHE_MB": "0"}, "PORTAL_CACHE_MB"),
        ({"PORTAL_REDIS_URL": "http://cache:6379"}, "PORTAL_REDIS_URL"),
        ({"PORTAL_LIMIT_PER_TOKEN": "lots"}, "PORTAL_LIMIT_PER_TOKEN"),
        ({"PORTAL_LIMIT_SESSION_PER_IP": "10 per"}, "PORTAL_LIMIT_SESSION_PER_IP"),
        ({"PORTAL_STRIPE_CALLS_PER_SECOND": "0"}, "PORTAL_STRIPE_CALLS_PER_SECOND"),
        ({"PORTAL_ALLOWED_ORIGINS": "http://[::1"}, "PORTAL_ALLOWED_ORIGINS"),
        ({"STRIPE_API_BASE": "http://[x"}, "STRIPE_API_BASE"),
        ({"STRIPE_API_BASE": "http://127.0.0.1:99999"}, "STRIPE_API_BASE"),
        ({"PORTAL_REDIS_URL": "redis://[x"}, "PORTAL_REDIS_URL"),
        ({"PORTAL_CACHE_SECONDS": "nan"}, "PORTAL_CACHE_SECONDS"),
    ],
)
def test_bad_configuration_names_the_variable(change: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(GOOD | change)
    assert str(caught.value).startswith(variable)
    assert "\n" not in str(caught.value)


def test_hash_checks_can_be_turned_off_only_with_a_test_key() -> None:
    assert not Settings.from_env(GOOD | {"PORTAL_REQUIRE_HASH": "false"}).require_hash
    live = GOOD | {"STRIPE_SECRET_KEY": "sk_live_abc", "PORTAL_HASH_SECRETS": "x" * 32}
    with pytest.raises(ConfigError, match="^PORTAL_REQUIRE_HASH"):
        Settings.from_env(live | {"PORTAL_REQUIRE_HASH": "false"})


def test_live_mode_refuses_short_hash_secrets() -> None:
    live = GOOD | {"STRIPE_SECRET_KEY": "rk_live_abc", "PORTAL_HASH_SECRETS": "short"}
    with pytest.raises(ConfigError, match="^PORTAL_HASH_SECRETS"):
        Settings.from_env(live)
    assert not Settings.from_env(live | {"PORTAL_HASH_SECRETS": "y" * 16}).test_mode


def test_every_problem_is_reported_at_once_one_named_line_each() -> None:
    env = {
        "STRIPE_SECRET_KEY": "pk_test_abc",
        "PORTAL_ALLOWED_ORIGINS": "https://shop.example.com/",
        "PORTAL_CACHE_MB": "lots",
        "STRIPE_API_BASE": "localhost:12111",
    }
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(env)
    assert caught.value.problems == [
        "STRIPE_SECRET_KEY does not look like a Stripe secret key: use an sk_test_..., "
        "sk_live_..., rk_test_... or rk_live_... key; a publishable key (pk_...) does not "
        "work here (e.g. STRIPE_SECRET_KEY=rk_live_...)",
        "PORTAL_HASH_SECRETS is not set: set one or more comma-separated long random secrets "
        "(e.g. PORTAL_HASH_SECRETS=\"$(python -c 'import secrets; "
        "print(secrets.token_hex(32))')\")",
        "PORTAL_ALLOWED_ORIGINS has 'https://shop.example.com/', which is not an origin: write "
        "scheme://host[:port] without path or trailing slash "
        "(e.g. PORTAL_ALLOWED_ORIGINS=https://www.example.com)",
        "STRIPE_API_BASE is 'localhost:12111', not a base address: write scheme://host[:port], "
        "or unset it to use https://api.stripe.com (e.g. STRIPE_API_BASE=http://127.0.0.1:12111)",
        "PORTAL_CACHE_MB is 'lots', not a number: write a number from 1 to 65536 "
        "(e.g. PORTAL_CACHE_MB=256)",
    ]
    assert str(caught.value) == "\n".join(caught.value.problems)


def test_live_key_problems_come_with_the_others() -> None:
    env = GOOD | {
        "STRIPE_SECRET_KEY": "rk_live_abc",
        "PORTAL_REQUIRE_HASH": "false",
        "PORTAL_ALLOW_PAY": "maybe",
    }
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(env)
    assert [line.split(" ", 1)[0] for line in caught.value.problems] == [
        "PORTAL_ALLOW_PAY",
        "PORTAL_HASH_SECRETS",
        "PORTAL_REQUIRE_HASH",
    ]
    assert caught.value.problems[2] == (
        "PORTAL_REQUIRE_HASH is false with a live key: remove it, or use a test key "
        "(sk_test_... or rk_test_...) while developing (e.g. PORTAL_REQUIRE_HASH=true)"
    )


def test_the_key_is_never_shown_back() -> None:
    key = "sk_live_" + "top secret value"  # malformed: a space
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(GOOD | {"STRIPE_SECRET_KEY": key})
    assert "top secret" not in str(caught.value)


def test_unset_variables_take_the_defaults_of_settings() -> None:
    # The table's defaults, read as the environment would give them, are Settings' own.
    assert Settings.from_env(GOOD) == Settings(
        stripe_secret_key="sk_test_abc123",
        hash_secrets=("secret-one",),
        allowed_origins=("https://shop.example.com",),
    )


@pytest.mark.parametrize("variable", VARIABLES, ids=lambda variable: variable.name)
def test_the_example_of_every_variable_is_accepted(variable: Variable) -> None:
    # Examples are for live mode: long secrets, hashes required.
    live = GOOD | {"STRIPE_SECRET_KEY": "rk_live_abc", "PORTAL_HASH_SECRETS": "x" * 32}
    if variable.name == "STRIPE_SECRET_KEY":
        assert variable.example == "rk_live_..."  # a shape, not a key: one of that shape
        assert not Settings.from_env(live | {variable.name: "rk_live_51Abc"}).test_mode
        return
    if variable.name == "PORTAL_REQUIRE_HASH":
        live = GOOD  # its example turns hashes off: test keys only
    Settings.from_env(live | {variable.name: variable.example})


def test_serve_with_bad_configuration_exits_2_with_one_line_and_no_key() -> None:
    # Built at run time so the source holds nothing that looks like a live key.
    key = "sk_live_" + "topsecretvalue"
    env = environment(**GOOD) | {"STRIPE_SECRET_KEY": key, "PORTAL_REQUIRE_HASH": "false"}
    env["PORTAL_HASH_SECRETS"] = "z" * 32
    done = invoke("serve", "--port", "0", env=env)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("invoice-portal: PORTAL_REQUIRE_HASH ")
    assert "topsecretvalue" not in done.stderr + done.stdout


def test_app_factory_with_bad_configuration_exits_2_with_every_problem() -> None:
    code = "from edge.app import create_app; create_app()"
    done = subprocess.run(
        [sys.executable, "-c", code], env=environment(), capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 2
    assert [line.split(" ", 2)[:2] for line in done.stderr.splitlines()] == [
        ["invoice-portal:", "STRIPE_SECRET_KEY"],
        ["invoice-portal:", "PORTAL_HASH_SECRETS"],
        ["invoice-portal:", "PORTAL_ALLOWED_ORIGINS"],
    ]
