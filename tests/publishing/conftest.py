"""One batch of every bundled authority, shared by the publishing tests, and a real browser.

The batch runs once per test session into a temporary folder (about 45 s on two cores), so
the accessibility, spreadsheet and determinism tests check whatever content the notebooks
publish today. The browser is Debian's chromium (``make test`` installs it), driven by
Playwright without downloading anything, with every network feature switched off.
"""

from pathlib import Path

import pytest
from built_pages import CHROMIUM, CHROMIUM_ARGS, Batch, build_bundled


@pytest.fixture(scope="session")
def batch(tmp_path_factory) -> Batch:
    return build_bundled(tmp_path_factory.mktemp("bundled"))


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser):
    """Open a local file in a fresh browser page; records every request the page makes."""
    contexts = []

    def opener(path: Path, width: int = 1280, height: int = 900, media: str = "screen"):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.requests = []
        page.on("request", lambda request: page.requests.append(request.url))
        page.emulate_media(media=media)
        page.goto(path.resolve().as_uri(), wait_until="load")
        return page

    yield opener
    for context in contexts:
        context.close()
