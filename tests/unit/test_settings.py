from __future__ import annotations

import os
import subprocess
import sys

import pytest

from edge.settings import ConfigError, Settings

GOOD = {
    "STRIPE_SECRET_KEY": "sk_test_abc123",
    "PORTAL_HASH_SECRETS": "secret-one",
    "PORTAL_ALLOWED_ORIGINS": "https://shop.example.com",
}


def test_good_configuration_is_read_with_defaults():
    settings = Settings.from_env(GOOD)
    assert settings.test_mode and settings.require_hash and not settings.require_expiring_hash
    assert settings.hash_secrets == ("secret-one",)
    assert settings.api_base == "https://api.stripe.com"
    assert settings.allow_pay and settings.allow_pdf and settings.allow_show_all
    assert settings.allow_payment_method_update
    assert not settings.allow_plan_change and not settings.allow_cancel


def test_billing_portal_flows_are_switched_by_the_owner():
    env = GOOD | {
        "PORTAL_ALLOW_PAYMENT_METHOD_UPDATE": "false",
        "PORTAL_ALLOW_PLAN_CHANGE": "true",
        "PORTAL_ALLOW_CANCEL": "yes",
    }
    settings = Settings.from_env(env)
    assert not settings.allow_payment_method_update
    assert settings.allow_plan_change and settings.allow_cancel


def test_limits_memory_and_redis_are_read():
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


def test_several_secrets_and_origins_are_read():
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
    ],
)
def test_bad_configuration_names_the_variable(change, variable):
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(GOOD | change)
    assert str(caught.value).startswith(variable)
    assert "\n" not in str(caught.value)


def test_hash_checks_can_be_turned_off_only_with_a_test_key():
    assert not Settings.from_env(GOOD | {"PORTAL_REQUIRE_HASH": "false"}).require_hash
    live = GOOD | {"STRIPE_SECRET_KEY": "sk_live_abc", "PORTAL_HASH_SECRETS": "x" * 32}
    with pytest.raises(ConfigError, match="^PORTAL_REQUIRE_HASH"):
        Settings.from_env(live | {"PORTAL_REQUIRE_HASH": "false"})


def test_live_mode_refuses_short_hash_secrets():
    live = GOOD | {"STRIPE_SECRET_KEY": "rk_live_abc", "PORTAL_HASH_SECRETS": "short"}
    with pytest.raises(ConfigError, match="^PORTAL_HASH_SECRETS"):
        Settings.from_env(live)
    assert not Settings.from_env(live | {"PORTAL_HASH_SECRETS": "y" * 16}).test_mode


def test_serve_with_bad_configuration_exits_2_with_one_line_and_no_key():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "PORTAL_"))}
    # Built at run time so the source holds nothing that looks like a live key.
    key = "sk_live_" + "topsecretvalue"
    env |= GOOD | {"STRIPE_SECRET_KEY": key, "PORTAL_REQUIRE_HASH": "false"}
    env["PORTAL_HASH_SECRETS"] = "z" * 32
    done = subprocess.run(
        [sys.executable, "-m", "edge.cli", "serve", "--port", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "PORTAL_REQUIRE_HASH" in lines[0]
    assert "topsecretvalue" not in done.stderr + done.stdout


def test_app_factory_with_bad_configuration_exits_2():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "PORTAL_"))}
    code = "from edge.app import create_app; create_app()"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [done.stderr.strip()]
    assert "STRIPE_SECRET_KEY" in done.stderr
