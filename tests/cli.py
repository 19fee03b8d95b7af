"""Running the `invoice-portal` command as a site owner does: a process of its own, whose
environment holds only the proxy's variables a test gives it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping


def environment(**variables: str) -> dict[str, str]:
    """This process's environment without any STRIPE_ or PORTAL_ variable, plus `variables`."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "PORTAL_"))}
    return kept | variables


def invoke(*args: str, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """`invoice-portal ARGS` (as `python -m edge.cli`) to its end, its output captured."""
    return subprocess.run(
        [sys.executable, "-m", "edge.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
