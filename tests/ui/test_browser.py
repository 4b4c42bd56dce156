"""The app in headless Chromium (Debian's, driven by playwright), at desktop (1280 px) and phone (390 px) widths:
image sizes in the DOM, clarification options whole with their captions, progress values within their totals,
the whole conversation after a reload, a refused request left in the box, a cleared chat starting anew, a
repository table that fits, the evaluator's name kept, and no setting named in the judging tab before the vote.

Screenshots go to the test's tmp folder, and to $PERSONALQ_SCREENSHOTS when set (the README's pictures:
`PERSONALQ_SCREENSHOTS=docs python -m pytest -m browser tests/ui/test_browser.py`).
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from judging.pairs import IMAGE_SYSTEMS

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
SETTING_WORDS = [*IMAGE_SYSTEMS, "w8a8", "8-bit", "protected", "full precision", "float", "fp32", "taq"]

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).is_file(),
                                 reason="Debian chromium is not installed (apt-get install chromium)")]

# every <progress> the page shows, recorded on each DOM change: [value, max, phase, "done / total" text]
WATCH_BARS = """() => { window.__bars = [];
  new MutationObserver(() => document.querySelectorAll('.pq-bar').forEach(bar => {
      const p = bar.querySelector('progress');
      window.__bars.push([p.value, p.max, bar.dataset.phase, bar.querySelector('.pq-count').textContent]); }))
    .observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true}); }"""
# what of the gallery's options is on screen: item box, picture box, caption box and text
GALLERY_ITEMS = """() => [...document.querySelectorAll('#candidates .gallery-item')].map(item => {
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const img = item.querySelector('img'), cap = item.querySelector('.caption-label');
  return {item: box(item), img: box(img), natural: img.naturalWidth, caption: box(cap), text: cap.innerText,
          clipped: cap.scrollWidth > cap.clientWidth + 1 || cap.scrollHeight > cap.clientHeight + 1}; })"""


def shoot(page, tmp_path: Path, name: str) -> None:
    page.screenshot(path=str(tmp_path / name), full_page=True)
    if os.environ.get("PERSONALQ_SCREENSHOTS"):
        Path(os.environ["PERSONALQ_SCREENSHOTS"]).mkdir(parents=True, exist_ok=True)
        shutil.copy(tmp_path / name, Path(os.environ["PERSONALQ_SCREENSHOTS"]) / name)


def image_box(locator) -> tuple[float, float, int]:
    """Rendered width and height in CSS pixels, and the file's own width."""
    return locator.evaluate("e => [e.getBoundingClientRect().width, e.getBoundingClientRect().height, e.naturalWidth]")


def check_gallery(page, width: int) -> None:
    items = page.evaluate(GALLERY_ITEMS)
    assert [item["text"].split(" — ")[0] for item in items] == ["Biscuit the dog", "Rex the dog"]
    for item in items:
        left, top, right, bottom = item["item"]
        assert 0 <= left and right <= width, f"option cut off at {width} px: {item}"
        assert item["img"][2] - item["img"][0] >= 140 and item["natural"] >= 256  # whole, enlarged picture
        c_left, c_top, c_right, c_bottom = item["caption"]
        assert left <= c_left and c_right <= right and top <= c_top and c_bottom <= bottom + 1
        assert " — dog · photorealistic · v" in item["text"] and not item["clipped"]  # name and difference, whole


def ask_for_the_dog(page, expect) -> None:
    request = page.locator("#request textarea")
    expect(request).to_be_visible(timeout=60_000)
    request.fill("paint my dog on the beach")
    request.press("Enter")
    expect(page.locator("#candidates")).to_be_visible(timeout=60_000)
    expect(page.locator("#chat")).to_contain_text("Do you mean Biscuit the dog or Rex the dog?")
    page.wait_for_function("() => [...document.querySelectorAll('#candidates img')].every(i => i.complete && "
                           "i.naturalWidth > 0)", timeout=30_000)


def test_the_app_in_chromium(running_app, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)

        # ---- phone: the options fit 390 px, whole, with their captions -------------------------------
        phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
        phone.goto(running_app.url)
        ask_for_the_dog(phone, expect)
        check_gallery(phone, 390)
        phone.close()

        # ---- desktop chat --------------------------------------------------------------------------
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(running_app.url)
        chat = page.locator("#chat")
        request = page.locator("#request textarea")
        expect(request).to_be_visible(timeout=60_000)
        request.fill("paint " * 400)  # refused (too long): it stays in the box
        request.press("Enter")
        expect(chat).to_contain_text("keep it under 2000", timeout=30_000)
        assert request.input_value() == "paint " * 400

        ask_for_the_dog(page, expect)
        check_gallery(page, 1280)
        page.reload()  # the question is still pending after a reload: thread id in the browser, thread in SQLite
        expect(page.locator("#candidates")).to_be_visible(timeout=60_000)
        expect(chat).to_contain_text("Do you mean Biscuit the dog or Rex the dog?")

        page.get_by_text("Generation settings").click()  # draw quantized: calibration, then denoising
        page.get_by_role("combobox", name="Precision").click()
        page.get_by_role("option", name="8-bit", exact=True).click()
        page.evaluate(WATCH_BARS)
        page.locator("#candidates img").nth(1).click()  # Rex
        expect(chat).to_contain_text("Selected Rex", timeout=60_000)
        image = chat.locator("img[src*='rex-v3']").last
        expect(image).to_be_visible(timeout=180_000)
        expect(chat).to_contain_text(f"Rex · 8-bit, trigger protected · {running_app.services.settings.steps} steps · seed 0")
        bars = page.evaluate("window.__bars")
        assert {phase for *_, phase, _ in bars} == {"calibrating", "denoising"}
        for value, maximum, phase, text in bars:
            done, total = map(int, re.match(r"(\d+) / (\d+)", text).groups())
            assert 0 <= value <= maximum and (done, total) == (value, maximum), (phase, value, maximum, text)
        assert max(m for v, m, phase, _ in bars if phase == "denoising") == running_app.services.settings.steps
        width, height, natural = image_box(image)
        assert width >= 256 and height >= 256 and natural >= 256  # enlarged, not 64 px
        expect(page.locator("#download-original")).to_be_visible()
        expect(page.locator("#progress progress")).to_have_count(0)  # the bars go once the image is there

        page.reload()  # the whole conversation comes back from SQLite, the image from the on-disk cache
        expect(chat).to_contain_text("Selected Rex", timeout=60_000)
        expect(chat).to_contain_text("paint my dog on the beach")
        expect(chat.locator("img[src*='rex-v3']").last).to_be_visible(timeout=30_000)
        expect(page.locator("#candidates")).to_be_hidden()
        chat.get_by_text("Do you mean Biscuit").last.evaluate("e => e.scrollIntoView({block: 'start'})")
        shoot(page, tmp_path, "tab_chat.png")

        page.locator("#new-conversation").click()  # a new thread: the old one is not shown after a reload
        expect(chat).not_to_contain_text("Selected Rex")
        page.reload()
        expect(request).to_be_visible(timeout=60_000)
        expect(chat).to_contain_text("Hi! Ask for a picture")
        expect(chat).not_to_contain_text("Selected Rex")

        # ---- repository: the table fits 1280 px --------------------------------------------------------
        page.get_by_role("tab", name="Repository").click()
        table = page.locator("#repo-table")
        expect(table).to_contain_text("rex-v3", timeout=30_000)
        fits = table.evaluate("""e => { const t = e.querySelector('table');
            return {scroll: t.scrollWidth, client: e.getBoundingClientRect().width,
                    heads: [...e.querySelectorAll('th')].map(h => h.getBoundingClientRect().height)}; }""")
        assert fits["scroll"] <= fits["client"] + 1, fits  # no column cut off
        assert max(fits["heads"]) < 3 * min(fits["heads"]), fits  # no header wrapped letter by letter
        expect(page.locator("#repo-gallery img").first).to_be_visible()
        shoot(page, tmp_path, "tab_repository.png")
        page.get_by_text("Add a checkpoint").click()
        expect(page.locator("#upload-version textarea, #upload-version input").first).to_have_value("")  # empty
        expect(page.locator("#upload-where")).to_contain_text(f"repository folder {running_app.repo.resolve()}")

        # ---- judging: name kept; the image pair anonymous, with the reference; the next pair drawn ahead ---
        page.get_by_role("tab", name="Judging").click()
        page.locator("#evaluator textarea").fill("browser-test")
        page.wait_for_function("() => localStorage.getItem('personalq-evaluator') === 'browser-test'", timeout=30_000)
        page.reload()
        page.get_by_role("tab", name="Judging").click()
        expect(page.locator("#evaluator textarea")).to_have_value("browser-test", timeout=30_000)
        page.get_by_role("tab", name="Images").click()
        page.locator("#image-next").click()
        expect(page.locator("#image-status")).to_contain_text("not ready yet", timeout=30_000)
        while not page.locator("#image-left img").count():  # while drawing, nothing names a setting
            shown = page.locator("body").inner_text().lower()
            assert not [w for w in SETTING_WORDS if w in shown]
            page.wait_for_timeout(300)
        expect(page.locator("#image-right img")).to_be_visible(timeout=180_000)
        for side in ("#image-left img", "#image-right img"):
            width, height, natural = image_box(page.locator(side))
            assert width >= 256 and natural >= 256
        expect(page.locator("#image-reference img")).to_be_visible()
        shown = page.locator("body").inner_text().lower()
        assert not [w for w in SETTING_WORDS if w in shown]
        shoot(page, tmp_path, "tab_judging.png")
        page.locator("#image-vote-tie").click()  # the next pair was drawn in the background
        expect(page.locator("#image-status")).to_contain_text("Vote stored (tie).", timeout=180_000)
        expect(page.locator("#image-left img")).to_be_visible()
        browser.close()
