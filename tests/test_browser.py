"""``stemma serve`` in a real browser: Playwright driving Debian's Chromium.

The app runs under uvicorn in a thread on 127.0.0.1 (a free port) over a copy
of the example store; the test walks the analyst's path (stories → story →
matrix → claim → evidence in its article → upload an article → see it join
the story) and saves a screenshot of each page into ``docs/screenshots/``.

Chromium comes from the system (``apt-get install chromium``), never from
``playwright install``; without /usr/bin/chromium the test is skipped.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_web import copy_store, first_half

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="no /usr/bin/chromium: install Debian's chromium (apt-get install chromium)",
    ),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    """The app served by uvicorn in a thread, like httpx's serve_in_thread."""
    import uvicorn

    from stemma.web.app import LOOPBACK_NAMES, create_app

    app = create_app(copy_store(tmp_path), allowed_hosts=list(LOOPBACK_NAMES))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def test_browser_analyst_walks_story_claim_evidence_and_uploads(
    base_url: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    upload = tmp_path / "fsb-shortened.txt"
    upload.write_text(first_half(), encoding="utf-8")
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on(
                "console",
                lambda m: errors.append(m.text) if m.type == "error" else None,
            )

            # Stories: the example story is listed with its counts.
            page.goto(base_url + "/")
            story_link = page.locator("a.story-link").first
            expect(story_link).to_contain_text("enemy")
            page.screenshot(path=str(SHOTS / "stories.png"), full_page=True)

            # Story: five articles, the matrix, the graph.
            story_link.click()
            expect(page.locator("#article-count")).to_have_text("5 articles")
            expect(page.locator("table.matrix th.outlet")).to_have_count(5)
            page.screenshot(path=str(SHOTS / "story.png"))
            page.locator("#matrix").scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / "story-matrix.png"))

            # Click a source node: the sentences behind it appear beside the graph.
            node = page.locator('svg g.node[data-node="source:The New York Times"]')
            node.scroll_into_view_if_needed()
            node.click()
            expect(page.locator("#node-panel h3")).to_contain_text("The New York Times")
            expect(page.locator("#node-panel li").first).to_be_visible()
            page.locator("#graph").screenshot(path=str(SHOTS / "story-graph.png"))
            story_url = page.url

            # Claim: the most widely carried claim, with every mention in context.
            page.locator("table.matrix tbody tr td.claim a").first.click()
            expect(page.locator("#grade-rule")).not_to_be_empty()
            mentions = page.locator("mark.mention-text")
            assert mentions.count() >= 3
            expect(page.locator("li.path").first).to_be_visible()
            page.screenshot(path=str(SHOTS / "claim.png"), full_page=True)

            # Evidence: the mention's sentence marked in its article.
            page.locator("article.mention h3 a").first.click()
            expect(page.locator("#text .mark").first).to_be_visible()
            expect(page.locator("#text .quote").first).to_be_visible()
            page.screenshot(path=str(SHOTS / "article.png"))

            # An article with removed boilerplate, struck through with its reason.
            page.goto(story_url)
            page.locator("#articles a", has_text="Moneycontrol").first.click()
            removed = page.locator("#removed")
            removed.scroll_into_view_if_needed()
            expect(page.locator("del.removed").first).to_be_visible()
            page.screenshot(path=str(SHOTS / "article-removed.png"))

            # Ingest: upload a shortened copy of an example article; it joins the story.
            page.goto(base_url + "/ingest")
            page.set_input_files("#files", str(upload))
            page.screenshot(path=str(SHOTS / "ingest.png"))
            page.click("#submit")
            expect(page.locator("#job-state")).to_have_text("done", timeout=300_000)
            page.screenshot(path=str(SHOTS / "ingest-done.png"))
            page.locator(".job-stories a").first.click()
            expect(page.locator("#article-count")).to_have_text("6 articles")
            expect(page.locator("table.matrix th.outlet")).to_have_count(6)
        finally:
            browser.close()
    assert errors == []


#: A phone's width and a laptop's.
WIDTHS = (390, 1280)

#: Elements that reach past the viewport outside a scroll box (the page would
#: scroll sideways), and, per matrix, whether its box scrolls and its claim
#: column stays put.
_LAYOUT = """() => {
  const outside = [...document.querySelectorAll('body *')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.right > window.innerWidth + 1 && !e.closest('.scroll');
  }).map(e => e.tagName + '.' + e.className);
  const boxes = [...document.querySelectorAll('.matrix-box')].map(box => {
    const table = box.querySelector('table.matrix');
    const claim = table.querySelector('td.claim');
    const cols = [...table.querySelectorAll('thead th')]
      .map(th => th.getBoundingClientRect().width);
    return {
      overflow: getComputedStyle(box).overflowX,
      sticky: claim ? getComputedStyle(claim).position : null,
      reach: box.scrollWidth >= table.getBoundingClientRect().width - 1,
      narrowest: Math.min(...cols),
    };
  });
  return {scroll: document.documentElement.scrollWidth, width: window.innerWidth, outside, boxes};
}"""


def _check_layout(page, where: str) -> None:  # type: ignore[no-untyped-def]
    got = page.evaluate(_LAYOUT)
    assert got["scroll"] <= got["width"], (
        f"{where}: the page scrolls sideways: {got['outside'][:5]}"
    )
    assert not got["outside"], f"{where}: past the edge: {got['outside'][:5]}"
    assert got["boxes"], f"{where}: no matrix"
    for box in got["boxes"]:
        # No column is clipped: the box scrolls to the table's full width,
        # every column has room, and the claim column stays in view.
        assert box["overflow"] == "auto" and box["reach"], f"{where}: {box}"
        assert box["narrowest"] >= 30, f"{where}: a column is squeezed: {box}"
        assert box["sticky"] == "sticky", f"{where}: {box}"


def test_browser_brief_and_story_page_fit_a_phone_and_a_laptop(
    base_url: str, tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    import stemma

    from .conftest import EXAMPLES

    out = tmp_path / "out"
    stemma.analyze([EXAMPLES], db=":memory:", out=out, progress=False)
    brief = (out / "report.html").as_uri()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(base_url + "/")
            story = base_url + str(page.locator("a.story-link").first.get_attribute("href"))
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                for name, url in (("brief", brief), ("story", story)):
                    page.goto(url)
                    _check_layout(page, f"{name} at {width} px")
                    # The bottom line opens the story, above the checks.
                    line = page.locator(".bottom-line li").first
                    assert line.inner_text() == "5 articles from 5 outlets."
                    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"))
            # Print → PDF: navigation and forms are left out, the matrix unrolled.
            page.emulate_media(media="print")
            page.goto(story)
            assert page.locator("nav.toc").evaluate("e => getComputedStyle(e).display") == "none"
            box = page.locator(".matrix-box").first
            assert box.evaluate("e => getComputedStyle(e).overflowX") == "visible"
            assert len(page.pdf(format="A4")) > 10_000
        finally:
            browser.close()
