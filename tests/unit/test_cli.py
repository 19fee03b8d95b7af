from __future__ import annotations

import subprocess
import time

from edge.hashing import check_hash, make_hash
from edge.variables import VARIABLES
from tests.cli import environment, invoke


def run(*args: str, secrets: str = "cli-secret,older-secret") -> subprocess.CompletedProcess[str]:
    return invoke(*args, env=environment(PORTAL_HASH_SECRETS=secrets))


def test_hash_prints_the_static_hash_with_the_first_secret() -> None:
    done = run("hash", "jane@example.com")
    assert done.returncode == 0
    assert done.stdout.strip() == make_hash("cli-secret", "jane@example.com")


def test_hash_with_expires_in_prints_an_expiring_hash_the_proxy_accepts() -> None:
    done = run("hash", "cus_ABC123", "--expires-in", "30m")
    assert done.returncode == 0
    values = dict(line.split("=", 1) for line in done.stdout.split())
    expires = int(values["expires"])
    assert abs(expires - (time.time() + 1800)) < 30
    check_hash(
        ["cli-secret"],
        "cus_ABC123",
        values["hash"],
        expires,
        now=time.time(),
        max_lifetime=7 * 86400,
    )


def test_hash_refuses_a_bad_duration_and_an_identifier_of_no_kind() -> None:
    assert run("hash", "jane@example.com", "--expires-in", "soon").returncode == 2
    assert run("hash", "not-an-email").returncode == 2
    assert run("hash", "jane@example.com", secrets="").returncode == 2


def test_hash_help_names_the_secrets_variable_and_expires_in() -> None:
    done = run("hash", "--help")
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    assert "first secret of PORTAL_HASH_SECRETS" in text
    assert "--expires-in DURATION" in text and "3600, 30m, 1h, 7d" in text


def test_hash_without_secrets_says_which_variable_in_one_line() -> None:
    done = run("hash", "jane@example.com", secrets="")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "invoice-portal: PORTAL_HASH_SECRETS is not set: set one or more comma-separated long "
        "random secrets (e.g. PORTAL_HASH_SECRETS=\"$(python -c 'import secrets; "
        "print(secrets.token_hex(32))')\")"
    ]


def test_serve_help_lists_every_variable_with_its_default_and_example() -> None:
    done = run("serve", "--help")
    assert done.returncode == 0
    for variable in VARIABLES:
        line = f"  {variable.name}  (default: {variable.shown_default}; e.g. {variable.example})"
        assert line in done.stdout.splitlines(), variable.name
    assert "  STRIPE_SECRET_KEY  (default: required; e.g. rk_live_...)" in done.stdout
    assert "  PORTAL_CACHE_SECONDS  (default: 30; e.g. 60)" in done.stdout


def test_serve_reports_every_problem_at_once_and_exits_2() -> None:
    env = environment(PORTAL_ALLOWED_ORIGINS="shop.example.com", PORTAL_STRIPE_TIMEOUT="60")
    done = invoke("serve", "--port", "0", env=env)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "invoice-portal: STRIPE_SECRET_KEY is not set: set it to a secret key (sk_...) or, "
        "better, a restricted key (rk_...) from the Stripe dashboard, Developers > API keys "
        "(e.g. STRIPE_SECRET_KEY=rk_live_...)",
        "invoice-portal: PORTAL_HASH_SECRETS is not set: set one or more comma-separated long "
        "random secrets (e.g. PORTAL_HASH_SECRETS=\"$(python -c 'import secrets; "
        "print(secrets.token_hex(32))')\")",
        "invoice-portal: PORTAL_ALLOWED_ORIGINS has 'shop.example.com', which is not an origin: "
        "write scheme://host[:port] without path or trailing slash "
        "(e.g. PORTAL_ALLOWED_ORIGINS=https://www.example.com)",
        "invoice-portal: PORTAL_STRIPE_TIMEOUT is '60', out of range: write a number from 0.1 "
        "to 15 (e.g. PORTAL_STRIPE_TIMEOUT=3)",
    ]


def test_check_with_bad_configuration_exits_2_before_calling_stripe() -> None:
    env = environment(STRIPE_SECRET_KEY="sk_test_abc", PORTAL_ALLOWED_ORIGINS="https://a.example")
    done = invoke("check", env=env)
    assert done.returncode == 2
    assert done.stdout == ""
    assert [line.split(" ")[1] for line in done.stderr.splitlines()] == ["PORTAL_HASH_SECRETS"]
