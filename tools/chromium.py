"""Debian's Chromium under Playwright, launched the same way by the e2e tests and the bench.

Playwright's own browser download is never used: the executable is Debian's `chromium`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

EXECUTABLE = "/usr/bin/chromium"
# Chromium refuses to run as root (CI, containers) with its own sandbox on; the rest keeps it
# from fetching updates and components in the middle of a test or a measurement.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def launch(playwright: Playwright, executable: str = EXECUTABLE) -> Browser:
    return playwright.chromium.launch(executable_path=executable, headless=True, args=ARGS)
