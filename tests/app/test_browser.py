"""The trainer app in a real browser, at a projector's 1280 x 720: it renders offline and fits the
screen, shows its levers' values, loads a scenario's own values, plays at a pace in days per
second, explains a stage change, switches its language (中文 / English / both), shows a spam
wave's toxicity, exports a PNG, says when the run is over, plays a lesson preset's captions,
exports the run (folder, GIF, MP4) and runs two policies side by side on one seed.

Headless Chromium from the system (Debian's `chromium`), driven by Playwright through its
executable path; no browser is ever downloaded. The server listens on 127.0.0.1 only and serves
Solara's front-end assets from the local cache (scripts/fetch_solara_assets.py), so the page must
render without internet. Skips, saying why, when chromium or the app's packages are missing.
The measured pace (simulated days per second) is printed (`pytest -s` shows it). With
TRAINER_SCREENSHOTS=DIR the screenshots are also saved there (docs/img for docs/trainer.md).
"""

from __future__ import annotations

import base64
import io
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


VIEWPORT = {"width": 1280, "height": 720}
HAN = re.compile(r"[\u3400-\u9fff]")  # Chinese characters
STAGE_NAMES = re.compile(r"\b(CREATE|GROW|ACTIVE|MATURE|EXPANSION|DECLINE)\b")
TOXICITY_RGB = (0x94, 0x67, 0xBD)  # sim.palette.TOXICITY_COLOUR


def day_shown(page) -> int:
    return int(re.search(r"day (\d+)", page.locator(".stage-banner").inner_text()).group(1))


def note_day(page) -> int | None:
    """The day of the stage note under the banner (None before the first stage change)."""
    note = page.locator(".stage-note")
    return int(re.search(r"day (\d+):", note.inner_text()).group(1)) if note.count() else None


def within_viewport(page, selector: str, viewport: dict = VIEWPORT) -> None:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    assert box["x"] >= 0 and box["y"] >= 0, f"{selector} starts off screen: {box}"
    right, bottom = box["x"] + box["width"], box["y"] + box["height"]
    assert right <= viewport["width"] + 1 and bottom <= viewport["height"] + 1, (
        f"{selector} does not fit a {viewport['width']} x {viewport['height']} screen: {box}"
    )
    banner = selector in (".stage-banner", ".split-banners")
    assert box["width"] > 200 and box["height"] > 200 or banner, box


def toxicity_height(page) -> int:
    """Pixel height of the toxicity curve in the charts' bottom-right panel (a flat line: ~2)."""
    from PIL import Image  # noqa: PLC0415

    src = page.locator(".kpi-charts img").get_attribute("src")
    img = Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1]))).convert("RGB")
    pixels = np.asarray(img).astype(int)
    h, w = pixels.shape[:2]
    panel = pixels[h // 2 :, w // 2 :]
    near = (np.abs(panel - np.array(TOXICITY_RGB)).sum(axis=2) < 60).any(axis=1)
    rows = np.flatnonzero(near)
    return int(rows.max() - rows.min()) if len(rows) else 0


def arm_days(page) -> list[int]:
    """The day each arm's banner shows in the split view."""
    banners = page.locator(".arm-banner")
    return [
        int(re.search(r"day (\d+)", banners.nth(k).inner_text()).group(1))
        for k in range(banners.count())
    ]


def panels_with_both_arms(page) -> int:
    """KPI panels of the split view's charts in which both arms' line colours are drawn."""
    from PIL import Image  # noqa: PLC0415

    from sim.palette import ARM_COLOURS  # noqa: PLC0415

    src = page.locator(".split-charts img").get_attribute("src")
    img = Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1]))).convert("RGB")
    pixels = np.asarray(img).astype(int)
    h, w = pixels.shape[:2]
    rgbs = [np.array([int(c[i : i + 2], 16) for i in (1, 3, 5)]) for c in ARM_COLOURS]
    both = 0
    for panel in (pixels[y : y + h // 2, x : x + w // 2] for y in (0, h // 2) for x in (0, w // 2)):
        near = [(np.abs(panel - rgb).sum(axis=2) < 40).sum() for rgb in rgbs]
        both += min(near) > 20
    return both


def play_for(page, seconds: float) -> float:
    """Play for about `seconds`; returns the days per second read off the banner."""
    page.get_by_role("button", name="▶ Play").click()
    time.sleep(1.0)  # the first picture after Play
    d0, t0 = day_shown(page), time.monotonic()
    time.sleep(seconds)
    d1, t1 = day_shown(page), time.monotonic()
    page.get_by_role("button", name="❚❚ Pause").click()
    return (d1 - d0) / (t1 - t0)


def play_to_the_end(page, timeout_s: float = 90) -> float:
    """Play until the run-finished notice; returns the days per second read off the banner."""
    page.get_by_role("button", name="▶ Play").click()
    time.sleep(1.0)
    d0, t0 = day_shown(page), time.monotonic()
    while page.locator(".run-finished").count() == 0 and time.monotonic() < t0 + timeout_s:
        time.sleep(0.1)
    return (day_shown(page) - d0) / (time.monotonic() - t0)


def save_shot(page, tmp_path, name: str) -> Path:
    shot = tmp_path / name
    page.screenshot(path=str(shot))
    if os.environ.get("TRAINER_SCREENSHOTS"):
        out = Path(os.environ["TRAINER_SCREENSHOTS"])
        out.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, out / name)
    return shot


def test_the_app_fits_a_projector_plays_at_pace_and_explains_itself(app_url, tmp_path):
    from sim.viz.trainer import lever_values  # noqa: PLC0415

    expect = playwright.expect
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport=VIEWPORT, accept_downloads=True)
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
        expect(page.locator(".stage-legend")).to_contain_text("衰退期 DECLINE")
        for selector in (".network-view img", ".kpi-charts img"):
            expect(page.locator(selector)).to_be_visible(timeout=30_000)
            assert page.locator(selector).evaluate("img => img.naturalWidth") > 300
        for selector in (".stage-banner", ".network-view img", ".kpi-charts img"):
            within_viewport(page, selector)
        assert page.evaluate("document.scrollingElement.scrollHeight") <= VIEWPORT["height"] + 1
        full_hd = {"width": 1920, "height": 1080}
        page.set_viewport_size(full_hd)
        time.sleep(0.5)
        for selector in (".stage-banner", ".network-view img", ".kpi-charts img"):
            within_viewport(page, selector, full_hd)
        page.set_viewport_size(VIEWPORT)

        # Levers show their values; the scenario's own values are loaded on picking it.
        levers = page.locator(".side-panel")
        expect(levers).to_contain_text("管理员 moderators: 1")
        expect(levers).to_contain_text("专家发帖/周 expert posts per week: 7")
        expect(levers).to_contain_text("速度 speed: 10 天/秒 days/s")
        page.locator(".v-select").filter(has_text="场景 scenario").click()
        page.get_by_role("option", name="service_community").click()
        own = lever_values("service_community")
        expect(banner).to_contain_text("service_community", timeout=60_000)
        expect(levers).to_contain_text(f"管理员 moderators: {own['n_moderators']}")
        expect(levers).to_contain_text(
            f"专家发帖/周 expert posts per week: {own['posts_per_week']}"
        )
        expect(levers).to_contain_text(
            f"投放预算/天 budget per day (yuan): {own['budget_per_day']}"
        )
        page.locator(".v-select").filter(has_text="场景 scenario").click()
        page.get_by_role("option", name="classroom").click()
        expect(banner).to_contain_text("classroom", timeout=60_000)
        expect(levers).to_contain_text("管理员 moderators: 1")
        # A lever moved away from the scenario's value is marked as changed.
        page.locator(".lever .v-slider").nth(1).click()  # the moderators' slider
        page.keyboard.press("Home")
        expect(levers).to_contain_text("已改 changed (场景 scenario: 1)")
        page.get_by_role("button", name="按场景 as defined").click()
        expect(page.locator(".lever-changed")).to_have_count(0)

        page.get_by_role("button", name="Step 一天 day").click()
        expect(banner).to_contain_text("day 1 ", timeout=30_000)

        # The pace: the default classroom scenario at the default 10 days/s.
        pace_10 = play_for(page, 6)
        assert pace_10 >= 5, f"Play runs {pace_10:.1f} days/s at a speed of 10"

        # A stage change explains itself: the criterion crossed, with its numbers.
        note = page.locator(".stage-note")
        before = note_day(page)
        page.get_by_role("button", name="→ 下一阶段 next stage").click()
        deadline = time.monotonic() + 90
        while note_day(page) == before and time.monotonic() < deadline:
            time.sleep(0.2)
        expect(page.get_by_role("button", name="▶ Play")).to_be_visible(timeout=30_000)
        expect(note).to_contain_text(re.compile(r"(GROW|ACTIVE|MATURE|EXPANSION|DECLINE): "))
        expect(note).to_contain_text(re.compile(r"\d+%"))
        assert f"day {day_shown(page)}:" in note.inner_text(), (
            "Play stopped on the day of the change"
        )
        save_shot(page, tmp_path, "trainer_stage_note.png")

        # The language switch: English leaves no Chinese in the banner, 中文 no English stage name.
        switch = page.locator(".lang-switch")
        switch.get_by_role("button", name="English", exact=True).click()
        expect(banner).not_to_contain_text(HAN, timeout=30_000)
        expect(note).to_contain_text(re.compile(r"^day \d+: [A-Z]+: "))
        expect(page.get_by_role("button", name="▶ Play")).to_be_visible()
        save_shot(page, tmp_path, "trainer_english.png")
        switch.get_by_role("button", name="中文", exact=True).click()
        expect(banner).not_to_contain_text(STAGE_NAMES, timeout=30_000)
        expect(banner).to_contain_text("第")
        switch.get_by_role("button", name="中文 + English", exact=True).click()
        expect(banner).to_contain_text(STAGE_NAMES, timeout=30_000)

        # A spam wave raises the toxicity chart.
        flat = toxicity_height(page)
        page.get_by_role("button", name="垃圾广告潮 spam wave").click()
        expect(page.locator(".last-event")).to_contain_text("toxicity", timeout=30_000)
        page.get_by_role("button", name="Step 一天 day").click()
        time.sleep(1.5)
        assert toxicity_height(page) > flat + 10, (
            "the toxicity curve did not rise after a spam wave"
        )
        save_shot(page, tmp_path, "trainer_spam_wave.png")

        with page.expect_download() as download:
            page.get_by_role("button", name="导出图片 export PNG").click()
        exported = tmp_path / "view.png"
        download.value.save_as(exported)
        assert exported.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

        page.get_by_role("button", name="演示 presenter").click()
        expect(page.locator(".side-panel")).to_be_hidden()
        within_viewport(page, ".kpi-charts img")
        save_shot(page, tmp_path, "trainer_presenter.png")
        page.get_by_role("button", name="☰ 控制 controls").click()

        # At the top speed, to the end of the run.
        page.locator(".speed-slider .v-slider").click()
        page.keyboard.press("End")
        expect(levers).to_contain_text("速度 speed: 30 天/秒 days/s")
        pace_30 = play_to_the_end(page)
        expect(page.locator(".run-finished")).to_contain_text("run finished")
        print(
            f"\npace at 1280x720, classroom scenario: {pace_10:.1f} days/s at speed 10, "
            f"{pace_30:.1f} days/s at speed 30 ({os.cpu_count()} CPUs)"
        )
        shot = save_shot(page, tmp_path, "trainer_finished.png")

        page.get_by_role("button", name="Reset", exact=True).click()
        expect(banner).to_contain_text("day 0 ", timeout=60_000)
        expect(page.locator(".last-event")).to_have_count(0)

        # A lesson preset plays its cues: the caption of the day shows in the banner.
        page.get_by_role("button", name="▶ 载入课程 load lesson").click()
        expect(banner).to_contain_text("day 0 ", timeout=60_000)
        page.get_by_role("button", name="▶ Play").click()
        expect(page.locator(".lesson-caption")).to_contain_text(
            "two experts carry all the content", timeout=30_000
        )
        page.get_by_role("button", name="❚❚ Pause").click()
        expect(page.locator(".side-panel")).to_contain_text("课程 lesson: 两位专家")
        save_shot(page, tmp_path, "trainer_lesson.png")
        page.get_by_role("button", name="导出运行 export run").click()
        written = page.locator(".export-result")
        expect(written).to_contain_text("animation.mp4", timeout=90_000)
        expect(written).to_contain_text("animation.gif")

        # Two policies side by side: greet every newcomer against no greeting, on one seed.
        expect(levers).to_contain_text("A: greet")
        expect(levers).to_contain_text("B: none")
        page.get_by_role("button", name="⇆ 对比 split view").click()
        arms = page.locator(".arm-banner")
        expect(arms).to_have_count(2, timeout=60_000)
        expect(arms.nth(0)).to_contain_text("新人欢迎 newcomer welcome = greet")
        expect(arms.nth(1)).to_contain_text("新人欢迎 newcomer welcome = none")
        assert arm_days(page) == [0, 0]
        page.get_by_role("button", name="Step 一天 day").click()
        expect(arms.nth(1)).to_contain_text("day 1 ", timeout=30_000)
        assert arm_days(page) == [1, 1]
        for selector in (".split-banners", ".network-view img", ".split-charts img"):
            within_viewport(page, selector)
        page.get_by_role("button", name="▶ Play").click()
        time.sleep(1.0)
        d0, t0 = arm_days(page)[0], time.monotonic()
        time.sleep(6)
        pace_split = (arm_days(page)[0] - d0) / (time.monotonic() - t0)
        page.get_by_role("button", name="❚❚ Pause").click()
        time.sleep(1.0)
        days = arm_days(page)
        assert days[0] == days[1] and days[0] > 20, f"the arms did not advance together: {days}"
        assert panels_with_both_arms(page) >= 3, "the split view's charts lack a line per arm"
        print(f"split view (two arms) at speed 30: {pace_split:.1f} days/s")
        save_shot(page, tmp_path, "trainer_split_view.png")
        page.get_by_role("button", name="单个 single view").click()
        expect(page.locator(".arm-banner")).to_have_count(0)
        browser.close()

    assert offsite == [], f"the page reached outside this computer: {offsite[:3]}"
    from PIL import Image  # noqa: PLC0415

    pixels = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    assert pixels.shape[1] == 1280 and pixels.std() > 20, "the screenshot is blank"
