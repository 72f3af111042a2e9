"""The trainer app in a real browser: it renders offline, steps, plays and takes an event.

Headless Chromium from the system (Debian's `chromium`), driven by Playwright through its
executable path; no browser is ever downloaded. The server listens on 127.0.0.1 only and serves
Solara's front-end assets from the local cache (scripts/fetch_solara_assets.py), so the page must
render without internet. Skips, saying why, when chromium or the app's packages are missing.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip(
    "solara", reason="the trainer app needs the `app` extra (pip install -e '.[app]')"
)
playwright = pytest.importorskip(
    "playwright.sync_api", reason="the browser test needs playwright (dev extra)"
)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason="no chromium: apt-get install chromium (.ci/run does as root)",
    ),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url():
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.viz.serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    out = (
                        proc.stdout.read().decode(errors="replace")
                        if proc.poll() is not None
                        else ""
                    )
                    pytest.fail(f"the app did not start on {url}: {out[-2000:]}")
                time.sleep(0.5)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


def day_shown(page) -> int:
    return int(re.search(r"day (\d+)", page.locator(".stage-banner").inner_text()).group(1))


def test_the_app_draws_steps_plays_takes_an_event_and_resets(app_url, tmp_path):
    expect = playwright.expect
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        offsite = []
        page.on(
            "request",
            lambda r: (
                offsite.append(r.url)
                if not r.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))
                else None
            ),
        )
        page.goto(app_url, wait_until="domcontentloaded")
        banner = page.locator(".stage-banner")
        expect(banner).to_contain_text("创建期", timeout=60_000)
        expect(banner).to_contain_text("day 0 ")
        for selector in (".network-view img", ".kpi-charts img"):
            image = page.locator(selector)
            expect(image).to_be_visible(timeout=30_000)
            assert image.evaluate("img => img.naturalWidth") > 300, f"{selector} is not drawn"

        page.get_by_role("button", name="Step").click()
        expect(banner).to_contain_text("day 1 ", timeout=30_000)

        page.get_by_role("button", name="▶").click()
        deadline = time.monotonic() + 60
        while day_shown(page) < 4 and time.monotonic() < deadline:
            time.sleep(0.5)
        page.get_by_role("button", name="❚❚").click()
        assert day_shown(page) >= 4, "Play did not advance the days"

        page.get_by_role("button", name="线下活动 offline event").click()
        expect(page.locator(".last-event")).to_contain_text("offline event", timeout=30_000)
        time.sleep(1)  # let the charts redraw with the event marker
        shot = tmp_path / "trainer_app.png"
        page.screenshot(path=str(shot), full_page=True)

        # A lever reaches the model on Reset: another scenario, a fresh community, no events.
        page.locator(".v-select").filter(has_text="场景 scenario").click()
        page.get_by_role("option", name="knowledge_circle").click()
        page.get_by_role("button", name="Reset").click()
        expect(banner).to_contain_text("knowledge_circle", timeout=60_000)
        expect(banner).to_contain_text("day 0 ")
        expect(page.locator(".last-event")).to_have_count(0)
        browser.close()

    assert offsite == [], f"the page reached outside this computer: {offsite[:3]}"
    from PIL import Image  # noqa: PLC0415

    pixels = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    assert pixels.shape[1] == 1500 and pixels.std() > 20, "the screenshot is blank"
