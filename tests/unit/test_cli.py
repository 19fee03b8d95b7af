from __future__ import annotations

import os
import subprocess
import sys
import time

from edge.hashing import check_hash, make_hash


def run(*args: str, secrets: str = "cli-secret,older-secret") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env["PORTAL_HASH_SECRETS"] = secrets
    return subprocess.run(
        [sys.executable, "-m", "edge.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_hash_prints_the_static_hash_with_the_first_secret():
    done = run("hash", "jane@example.com")
    assert done.returncode == 0
    assert done.stdout.strip() == make_hash("cli-secret", "jane@example.com")


def test_hash_with_expires_in_prints_an_expiring_hash_the_proxy_accepts():
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


def test_hash_refuses_a_bad_duration_and_an_identifier_of_no_kind():
    assert run("hash", "jane@example.com", "--expires-in", "soon").returncode == 2
    assert run("hash", "not-an-email").returncode == 2
    assert run("hash", "jane@example.com", secrets="").returncode == 2
