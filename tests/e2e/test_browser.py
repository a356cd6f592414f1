"""The real app, started by `sprintfolio up`, in Debian's Chromium driven by Playwright.

Screenshots of each page land in ``artifacts/screenshots/`` (see README).
"""

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import DEMO_TODAY, skip_or_fail

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("SPRINTFOLIO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PROJECT_NAMES = [
    "Moderner Arbeitsplatz (Betriebssystem-Ablösung)",
    "Web-GIS",
    "OZG-Onlinedienste",
    "Prozessdatenbank",
    "Relaunch mainz.de",
    "Digitale Kompetenzen",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`sprintfolio up` on a fresh SQLite store in a temporary folder."""
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    workdir = tmp_path_factory.mktemp("app")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")}
    env["SPRINTFOLIO_TODAY"] = DEMO_TODAY.isoformat()
    cli = Path(sys.executable).with_name("sprintfolio")
    log = (workdir / "app.log").open("w")
    server = subprocess.Popen(
        [str(cli), "up", "--port", str(port)], cwd=workdir, env=env, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if server.poll() is not None:
                pytest.fail(f"sprintfolio up exited: {(workdir / 'app.log').read_text()}")
            try:
                if httpx.get(f"{url}/_stcore/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        else:
            pytest.fail("the app did not answer within 90 s")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _open(browser: object, url: str, ready: str) -> object:
    """A page at ``url`` once the visible text ``ready`` has rendered."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="de-DE")  # type: ignore[attr-defined]
    page.goto(url)
    page.get_by_text(ready).locator("visible=true").first.wait_for(timeout=60_000)
    return page


def _screenshot(page: object, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(1500)  # type: ignore[attr-defined]  # let the charts finish drawing
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def test_portfolio_shows_the_six_mainz_projects(app_url: str, browser: object) -> None:
    page = _open(browser, app_url, "Relaunch mainz.de")
    for name in PROJECT_NAMES:
        link = page.get_by_role("link", name=re.compile(re.escape(name)))  # type: ignore[attr-defined]
        assert link.count() >= 1, name
    assert page.get_by_text("Traceback").count() == 0  # type: ignore[attr-defined]
    assert page.get_by_text("Deploy").count() == 0, "toolbar must be minimal"  # type: ignore[attr-defined]
    _screenshot(page, "portfolio")


def test_project_page_opens_from_the_portfolio(app_url: str, browser: object) -> None:
    page = _open(browser, app_url, "Relaunch mainz.de")
    page.get_by_role("link", name=re.compile("Web-GIS")).first.click()  # type: ignore[attr-defined]
    page.wait_for_url(re.compile(r"/projekt\?projekt=GIS"), timeout=30_000)  # type: ignore[attr-defined]
    page.get_by_text("Velocity").locator("visible=true").first.wait_for(timeout=60_000)  # type: ignore[attr-defined]
    page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)  # type: ignore[attr-defined]
    assert page.get_by_text("Traceback").count() == 0  # type: ignore[attr-defined]
    _screenshot(page, "projekt")


def test_sprint_page_shows_the_active_sprint_burndown(app_url: str, browser: object) -> None:
    page = _open(browser, f"{app_url}/sprint?projekt=GIS", "Burndown")
    page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)  # type: ignore[attr-defined]
    assert page.get_by_text("GIS Sprint").locator("visible=true").count() >= 1  # type: ignore[attr-defined]
    assert page.get_by_text("Traceback").count() == 0  # type: ignore[attr-defined]
    _screenshot(page, "sprint")


def test_sources_page_lists_the_demo_sources(app_url: str, browser: object) -> None:
    page = _open(browser, f"{app_url}/quellen", "Quellen & Synchronisation")
    page.get_by_text("Redmine Internetredaktion").locator("visible=true").first.wait_for(  # type: ignore[attr-defined]
        timeout=60_000
    )
    assert page.get_by_text("Traceback").count() == 0  # type: ignore[attr-defined]
    _screenshot(page, "quellen")


def test_items_page_shows_the_board(app_url: str, browser: object) -> None:
    page = _open(browser, f"{app_url}/eintraege?projekt=GIS", "Angemeldet als")
    page.get_by_text("Änderungen speichern").locator("visible=true").first.wait_for(  # type: ignore[attr-defined]
        timeout=60_000
    )
    assert page.get_by_text("Traceback").count() == 0  # type: ignore[attr-defined]
    _screenshot(page, "eintraege")
