"""Each tab in headless Chromium (Debian's, driven by playwright): the expected elements are on screen,
a pending question survives a page reload, and a thumbnail click ends in an image.

Screenshots go to the test's tmp folder, and to $PERSONALQ_SCREENSHOTS when set (the README's pictures).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).is_file(),
                                 reason="Debian chromium is not installed (.ci/run installs it: apt-get install chromium)")]


def shoot(page, tmp_path: Path, name: str) -> None:
    page.screenshot(path=str(tmp_path / name), full_page=True)
    if os.environ.get("PERSONALQ_SCREENSHOTS"):
        Path(os.environ["PERSONALQ_SCREENSHOTS"]).mkdir(parents=True, exist_ok=True)
        shutil.copy(tmp_path / name, Path(os.environ["PERSONALQ_SCREENSHOTS"]) / name)


def test_three_tabs_in_chromium(running_app, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(running_app.url)

        request = page.locator("#request textarea")
        expect(request).to_be_visible(timeout=30_000)
        request.fill("paint my dog on the beach")
        request.press("Enter")
        candidates = page.locator("#candidates")
        expect(candidates).to_be_visible(timeout=30_000)
        expect(page.locator("#chat")).to_contain_text("Do you mean Biscuit the puppy or Rex the puppy?")

        page.reload()  # the question is still pending after a reload: thread id in the browser, thread in SQLite
        expect(candidates).to_be_visible(timeout=30_000)
        expect(page.locator("#chat")).to_contain_text("Do you mean Biscuit the puppy or Rex the puppy?")
        candidates.locator("img").nth(1).click()  # Rex
        expect(page.locator("#chat")).to_contain_text("Selected Rex", timeout=30_000)
        expect(page.locator("#chat img[src*='rex-v3']").last).to_be_visible(timeout=120_000)
        shoot(page, tmp_path, "tab_chat.png")

        page.get_by_role("tab", name="Repository").click()
        table = page.locator("#repo-table")
        expect(table).to_be_visible()
        expect(table).to_contain_text("rex-v3")
        expect(page.locator("#repo-gallery img").first).to_be_visible()
        shoot(page, tmp_path, "tab_repository.png")
        # the table renders only the rows in view, so reach an old checkpoint through search
        page.locator("#repo-search textarea").fill("mochi")
        page.locator("#repo-search textarea").press("Enter")
        expect(table).to_contain_text("<mochi-v1>", timeout=30_000)
        expect(table).not_to_contain_text("rex-v3")

        page.get_by_role("tab", name="Judging").click()
        page.locator("#evaluator textarea").fill("browser-test")
        page.locator("#selection-next").click()
        expect(page.get_by_text("Which selection matches what the user meant better?")).to_be_visible(timeout=30_000)
        expect(page.get_by_role("button", name="◀ Left is better").first).to_be_visible()
        shoot(page, tmp_path, "tab_judging.png")
        browser.close()
