"""Take the README screenshot: ask a question in the running app, click [1], save a PNG.

    python app.py &                      # the app must be running
    python scripts/screenshot.py         # writes docs/screenshot.png
    python scripts/screenshot.py --url http://127.0.0.1:8000/ --out /tmp/shot.png

Drives Debian's chromium through Playwright (Playwright's own browser download is not used).
"""

from __future__ import annotations

import argparse
import sys
import urllib.request
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
QUESTION = "What did the tour of TEL Miyagi showcase?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:7860/")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    parser.add_argument("--question", default=QUESTION)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    args = parser.parse_args(argv)
    try:
        urllib.request.urlopen(args.url, timeout=5).close()
    except OSError as error:
        print(f"error: no app at {args.url} ({error}); start it with: python app.py",
              file=sys.stderr)
        return 1

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": args.width, "height": args.height},
                                device_scale_factor=1)
        page.goto(args.url)
        box = page.locator("#qa-question textarea")
        box.fill(args.question)
        box.press("Enter")
        marker = page.locator("#qa-chat .qa-answer:not(.qa-streaming) a.qa-cite").first
        expect(marker).to_be_visible(timeout=60_000)
        marker.click()
        expect(page.locator("#qa-article mark.qa-hit")).to_be_in_viewport()
        page.mouse.move(0, 0)
        page.wait_for_timeout(800)  # let the smooth scroll settle
        args.out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(args.out))
        browser.close()
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
