"""The site in a real browser: headless Chromium (Debian's, driven by Playwright) opens every page
from a local server; no console errors, no failed loads, no request leaves 127.0.0.1; screenshots
of the index and of each picture are saved (to $AXISKG_SCREENSHOT_DIR, else the test's tmp dir)."""

from __future__ import annotations

import functools
import os
import shutil
import struct
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import run_cli

from axiskg import paths

ROOT = paths.project_root(Path(__file__).parent)
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAGES = ["index.html", "pictures.html", "data.html", "claims.html", "entities.html", "queries.html",
         "ontology.html", "ontology-extras.html"]
PICTURES = ["alliance-network", "causal-map", "class-hierarchy"]
TIMEOUT_MS = 60_000

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed (apt-get install chromium)"),
    pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz (dot) is not installed"),
]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def serve():
    """``serve(folder) -> base URL``: a static server on 127.0.0.1 at a free port, stopped at the end."""
    servers = []

    def start(folder: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.timeout = 5
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        thread.start()
        servers.append((server, thread))
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """A fresh Chromium profile (--user-data-dir) for this module; closed at the end."""
    profile = tmp_path_factory.mktemp("chromium-profile")
    with playwright_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=FLAGS,
            viewport={"width": 1400, "height": 1000}, timeout=TIMEOUT_MS,
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser-site") / "site"
    proc = run_cli("docs", "--out", str(out), root=ROOT)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = os.environ.get("AXISKG_SCREENSHOT_DIR")
    out = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    out.mkdir(parents=True, exist_ok=True)
    return out


def visit(context, url: str, screenshot: Path | None = None,
          elements: dict[str, Path] | None = None) -> dict[str, list[str]]:
    """Open ``url``; return the console errors, failed loads and requests that left 127.0.0.1
    (those are blocked, and recorded). ``screenshot``: save the full page there; ``elements``:
    CSS selector -> file, save a screenshot of each such element."""
    found: dict[str, list[str]] = {"console": [], "failed": [], "outside": [], "requests": []}
    page = context.new_page()

    def route(r) -> None:
        request_url = r.request.url
        found["requests"].append(request_url)
        if urlsplit(request_url).hostname == "127.0.0.1":
            r.continue_()
        else:
            found["outside"].append(request_url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: found["console"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: found["console"].append(f"uncaught: {e}"))
    page.on("requestfailed", lambda r: found["failed"].append(f"{r.url}: {r.failure}"))
    page.on("response", lambda r: found["failed"].append(f"{r.url}: HTTP {r.status}") if r.status >= 400 else None)
    try:
        page.goto(url, wait_until="load", timeout=TIMEOUT_MS)
        page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
        if screenshot is not None:
            page.screenshot(path=str(screenshot), full_page=True, timeout=TIMEOUT_MS)
        for selector, target in (elements or {}).items():
            page.locator(selector).screenshot(path=str(target), timeout=TIMEOUT_MS)
    finally:
        page.close()
    return found


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def test_every_page_loads_cleanly(browser, serve, site, shots):
    base = serve(site)
    for name in PAGES:
        shot = shots / "index.png" if name == "index.html" else None
        found = visit(browser, base + name, shot)
        assert found["console"] == [], f"{name}: console errors {found['console']}"
        assert found["failed"] == [], f"{name}: failed loads {found['failed']}"
        assert found["outside"] == [], f"{name}: requests left 127.0.0.1: {found['outside']}"
        assert found["requests"][0] == base + name
    # the index embeds the two main pictures, which the browser fetched from the local server
    index = visit(browser, base + "index.html")
    assert {base + "img/alliance-network.svg", base + "img/causal-map.svg", base + "site.css"} <= set(index["requests"])
    width, height = png_size(shots / "index.png")
    assert width == 1400 and height > 1500


def test_pictures_render_and_are_screenshotted(browser, serve, site, shots):
    base = serve(site)
    targets = {f"#{name} object": shots / f"{name}.png" for name in PICTURES}
    found = visit(browser, base + "pictures.html", elements=targets)
    assert found["console"] == [] and found["failed"] == [] and found["outside"] == [], found
    assert {base + f"img/{name}.svg" for name in PICTURES} <= set(found["requests"])
    for target in targets.values():
        width, height = png_size(target)
        assert width >= 1000 and height >= 400, (target.name, width, height)
    # the SVG files open on their own too
    for name in PICTURES:
        alone = visit(browser, base + f"img/{name}.svg")
        assert alone["console"] == [] and alone["failed"] == [] and alone["outside"] == [], alone


def test_the_checks_catch_errors_and_outside_requests(browser, serve, tmp_path):
    """The browser checks can fail: a page with a console error, a missing file and an image from
    the web is reported for all three, and the outside request never leaves."""
    (tmp_path / "bad.html").write_text(
        "<!DOCTYPE html><html><body><p>bad</p>"
        "<script>console.error('boom')</script>"
        '<img src="missing.png"><img src="http://example.invalid/x.png">'
        "</body></html>"
    )
    base = serve(tmp_path)
    found = visit(browser, base + "bad.html")
    assert "boom" in found["console"]
    assert found["outside"] == ["http://example.invalid/x.png"]
    assert any(f.startswith(base + "missing.png: HTTP 404") for f in found["failed"]), found["failed"]


def test_chromium_flags_are_the_required_ones():
    """The flags the brief requires are all passed (a fresh profile comes from the fixture)."""
    assert subprocess.run([CHROMIUM, "--version"], capture_output=True, timeout=60).returncode == 0
    assert set(FLAGS) == {"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                          "--disable-background-networking", "--disable-component-update", "--disable-sync"}
