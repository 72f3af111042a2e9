"""A comparison report in a real browser: the verdict is on the first screen, above the tables and plots.

Headless Chromium from the system (Debian's `chromium`), driven by Playwright through its executable
path, as tests/app/test_browser.py does; no browser is downloaded. The report is a self-contained
file, opened from disk. Skips, saying why, when chromium or playwright is missing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from sim.analysis.compare import compare, write_outputs
from sim.config import SimConfig

playwright = pytest.importorskip("playwright.sync_api", reason="the browser test needs playwright (dev extra)")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no chromium: apt-get install chromium (.ci/run does as root)"),
]
SCREEN = {"width": 1280, "height": 720}  # a laptop's first screen


def test_the_verdict_is_on_the_first_screen_of_the_report(tmp_path):
    tiny = SimConfig.from_dict({"days": 40, "network": {"n_people": 1500}, "output": {"plots": False, "csv": False}})
    arms = {"paid": tiny.replace(**{"policy.referral.name": "none"}),
            "referral": tiny.replace(**{"policy.referral.name": "reward_per_join", "policy.referral.reward_per_join": 5.0,
                                        "policy.acquisition.budget_per_day": 30.0})}
    c = compare(arms, seeds=[0, 1], equal_spend="auto", levers={"paid": ("campaigns",), "referral": ("referral_reward",)})
    _, page_path = write_outputs(c, tmp_path, "Referral or paid 裂变还是投放")
    shot = tmp_path / "first_screen.png"  # kept in pytest's tmp folder, to look at
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport=SCREEN)
        page.goto(page_path.resolve().as_uri())
        verdict = page.locator("#verdict")
        playwright.expect(verdict).to_be_visible()
        text = verdict.inner_text()
        box = verdict.bounding_box()
        table_top = page.locator("table").first.bounding_box()["y"]
        page.screenshot(path=str(shot))  # the first screen only, as a reader sees it
        browser.close()
    assert box["y"] + box["height"] <= SCREEN["height"], f"the verdict ends at {box['y'] + box['height']:.0f} px"
    assert box["y"] < table_top  # the answer comes before any table
    assert any(word in text for word in ("beats", "cannot be told apart", "tie on"))
    assert any(word in text for word in ("胜过", "无法区分", "打平"))
    assert "same spend" in text and "花费相同" in text
    from PIL import Image  # noqa: PLC0415

    pixels = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    assert pixels.shape[:2] == (SCREEN["height"], SCREEN["width"]) and pixels.std() > 20, "the screenshot is blank"
