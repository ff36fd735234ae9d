"""The site in a real browser: headless Chromium (Debian's, driven by Playwright) opens every page
from a local server; no console errors, no failed loads, no request leaves 127.0.0.1; screenshots
of the index and of each picture are saved (to $AXISKG_SCREENSHOT_DIR, else the test's tmp dir)."""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import struct
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import run_main

from axiskg import paths

ROOT = paths.project_root(Path(__file__).parent)
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = [
    "index.html",
    "pictures.html",
    "data.html",
    "claims.html",
    "entities.html",
    "queries.html",
    "ontology.html",
    "ontology-extras.html",
]
PICTURES = ["alliance-network", "causal-map", "causal-map-drivers", "causal-map-impacts", "class-hierarchy"]
#: the pictures embedded in the site's pages (the whole causal map is linked, shown in two parts)
EMBEDDED = ["alliance-network", "causal-map-drivers", "causal-map-impacts", "class-hierarchy"]
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
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1400, "height": 1000},
            timeout=TIMEOUT_MS,
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser-site") / "site"
    proc = run_main("docs", "--out", str(out), root=ROOT)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = os.environ.get("AXISKG_SCREENSHOT_DIR")
    out = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    out.mkdir(parents=True, exist_ok=True)
    return out


def _watch(page) -> dict[str, list[str]]:
    """Record console errors, failed loads and (blocked) requests leaving 127.0.0.1 of ``page``."""
    found: dict[str, list[str]] = {"console": [], "failed": [], "outside": [], "requests": []}

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
    return found


def visit(
    context, url: str, screenshot: Path | None = None, elements: dict[str, Path] | None = None
) -> dict[str, list[str]]:
    """Open ``url``; return the console errors, failed loads and requests that left 127.0.0.1
    (those are blocked, and recorded). ``screenshot``: save the full page there; ``elements``:
    CSS selector -> file, save a screenshot of each such element."""
    page = context.new_page()
    found = _watch(page)
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


#: the smallest label size (CSS px on screen) a picture may have at a 1,400 px window width
MIN_LABEL_PX = 11

_LINKS_JS = """() => Array.from(document.querySelectorAll('a')).map(a => {
    const href = a.getAttribute('href') ?? a.getAttribute('xlink:href');
    return href === null ? null : new URL(href, document.baseURI).href;
}).filter(h => h !== null)"""
_IDS_JS = "() => Array.from(document.querySelectorAll('[id]')).map(e => e.id)"
# per <text> of an SVG: its on-screen font size (computed size times the SVG's scale on screen)
# and the height of its rendered bounding box, both in CSS px of the window
_TEXT_SIZES_JS = """() => Array.from(document.querySelectorAll('text')).map(t => {
    const m = t.getScreenCTM();
    return [t.textContent, parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b),
            t.getBoundingClientRect().height];
})"""


def crawl(context, base: str, start: str) -> dict[str, list[str]]:
    """Open ``start`` and every page of the site it links to (transitively), and every frame
    (the SVG pictures in ``<object>``) of each; follow every link found in a page or a picture:
    the target must load (no 4xx/5xx, no failed request, no console error) and hold the link's
    fragment. Links leaving 127.0.0.1 are not followed. Returns the problems by kind, and
    ``"visited"`` (the pages opened) and ``"links"`` (every link checked)."""
    out: dict[str, list[str]] = {"console": [], "failed": [], "outside": [], "broken": [], "visited": [], "links": []}
    ids: dict[str, set[str] | None] = {}  # page -> its element ids (None: it did not load)
    todo, wanted = [base + start], []
    while todo:
        url = todo.pop(0)
        if url in ids:
            continue
        page = context.new_page()
        found = _watch(page)
        try:
            response = page.goto(url, wait_until="load", timeout=TIMEOUT_MS)
            page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
            if response is None or response.status >= 400:
                out["broken"].append(f"{url}: HTTP {response.status if response else '(no response)'}")
                ids[url] = None
                continue
            ids[url] = set(page.evaluate(_IDS_JS))
            for frame in page.frames:
                for link in frame.evaluate(_LINKS_JS):
                    where = "picture " + frame.url.rsplit("/", 1)[-1] if frame is not page.main_frame else url
                    wanted.append((where, link))
                    target = link.split("#", 1)[0]
                    if (
                        urlsplit(target).hostname == "127.0.0.1"
                        and target not in ids
                        and target.endswith((".html", ".svg"))
                    ):
                        todo.append(target)
        finally:
            page.close()
        out["visited"].append(url)
        for kind in ("console", "failed", "outside"):
            out[kind] += [f"{url}: {x}" for x in found[kind]]
    for where, link in wanted:
        target, _, fragment = link.partition("#")
        if urlsplit(target).hostname != "127.0.0.1":
            continue
        out["links"].append(link)
        if target not in ids:
            out["broken"].append(f"{where}: {link}: not a page of the site")
        elif ids[target] is None:
            out["broken"].append(f"{where}: {link}: the target did not load")
        elif fragment and fragment not in ids[target]:
            out["broken"].append(f"{where}: {link}: no element with id {fragment!r} on {target}")
    return out


@contextlib.contextmanager
def opened(context, url: str):
    """A new page at ``url`` (loaded, network idle); on leaving, it must have had no console
    error, failed load or request leaving 127.0.0.1."""
    page = context.new_page()
    found = _watch(page)
    try:
        page.goto(url, wait_until="load", timeout=TIMEOUT_MS)
        page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
        yield page
    finally:
        page.close()
    assert found["console"] == [] and found["failed"] == [] and found["outside"] == [], found


def picture_frame(page, name: str):
    """The frame of the SVG picture ``name`` embedded in ``page`` (``<object data="img/NAME.svg">``)."""
    frames = [f for f in page.frames if f.url.endswith(f"/img/{name}.svg")]
    assert len(frames) == 1, [f.url for f in page.frames]
    return frames[0]


def test_every_page_and_every_link_of_the_site_works(browser, serve, site, shots):
    base = serve(site)
    result = crawl(browser, base, "index.html")
    assert sorted(u[len(base) :] for u in result["visited"]) == sorted(PAGES + [f"img/{p}.svg" for p in PICTURES])
    for kind in ("console", "failed", "outside", "broken"):
        assert result[kind] == [], f"{kind}: {result[kind][:20]}"
    # every page's links and every picture's node links were followed
    assert len(result["links"]) > 1000
    assert sum(1 for link in result["links"] if link.startswith(base + "entities.html#")) > 100
    shot = shots / "index.png"
    visit(browser, base + "index.html", shot)
    width, height = png_size(shot)
    assert width == 1400 and height > 1500


@pytest.mark.parametrize(
    "name, node, landing",
    [
        ("alliance-network", "actor/japan", "entities.html#actor-japan"),
        ("causal-map-drivers", "trend/axis-ization", "entities.html#trend-axis-ization"),
        ("causal-map-impacts", "impact/arms-race", "entities.html#impact-arms-race"),
        ("class-hierarchy", "axis.Actor", "ontology.html#Actor"),
    ],
)
def test_clicking_a_node_of_a_picture_opens_its_entry(browser, serve, site, name, node, landing):
    """Click a node of each picture on pictures.html: the whole window goes to the node's entry
    on the site, which exists (the links of an SVG shown in an <object> resolve against the
    SVG's own address, img/...)."""
    base = serve(site)
    with opened(browser, base + "pictures.html") as page:
        frame = picture_frame(page, name)
        link = frame.locator(f"g.node:has(> title:text-is('{node}')) a")
        assert link.count() == 1, node
        page.locator(f"#{name} object").scroll_into_view_if_needed()
        with page.expect_navigation(timeout=TIMEOUT_MS) as nav:
            link.click(timeout=TIMEOUT_MS)
        assert nav.value is not None and nav.value.status == 200, page.url
        assert page.url == base + landing
        assert page.locator(f"[id='{landing.split('#')[1]}']").count() == 1, page.url


def test_pictures_are_legible_at_1400_px_and_are_screenshotted(browser, serve, site, shots):
    """At a 1,400 px window, every label of every picture is at least MIN_LABEL_PX on screen,
    measured on the rendered SVG: the font size times the picture's scale, and the height of
    the text's bounding box. Screenshots of each picture are saved."""
    base = serve(site)
    with opened(browser, base + "pictures.html") as page:
        for name in EMBEDDED:
            element = page.locator(f"#{name} object")
            box = element.bounding_box()
            assert box["width"] >= 1000, (name, box)  # the picture uses the window's width
            sizes = picture_frame(page, name).evaluate(_TEXT_SIZES_JS)
            assert len(sizes) >= 20, name
            small = [
                (text, round(px, 1), round(h, 1)) for text, px, h in sizes if px < MIN_LABEL_PX or h < MIN_LABEL_PX
            ]
            assert small == [], f"{name}: labels under {MIN_LABEL_PX} px at 1,400 px: {small[:10]}"
            element.screenshot(path=str(shots / f"{name}.png"), timeout=TIMEOUT_MS)
            width, height = png_size(shots / f"{name}.png")
            assert width >= 1000 and height >= 400, (name, width, height)


def test_the_crawl_finds_a_picture_link_that_resolves_against_img(browser, serve, tmp_path):
    """The crawl can fail: a page embedding an SVG whose node link is written relative to the
    page (``page.html#x``, which from ``img/`` means ``img/page.html``) is reported broken, as
    is a missing fragment."""
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "p.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100" height="40">'
        '<a xlink:href="page.html#x" target="_top"><text x="5" y="20">node</text></a></svg>'
    )
    (tmp_path / "page.html").write_text(
        '<!DOCTYPE html><html><head><link rel="icon" href="data:,"></head><body><p id="x">x</p>'
        '<a href="page.html#nowhere">self</a>'
        '<object type="image/svg+xml" data="img/p.svg"></object></body></html>'
    )
    base = serve(tmp_path)
    result = crawl(browser, base, "page.html")
    assert result["broken"] == [
        f"{base}img/page.html: HTTP 404",
        f"{base}page.html: {base}page.html#nowhere: no element with id 'nowhere' on {base}page.html",
        f"picture p.svg: {base}img/page.html#x: the target did not load",
    ]


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
    assert set(FLAGS) == {
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    }


# --------------------------------------------------------------------------- layout and legibility


def _small_labels(frame) -> list:
    return [
        (t, round(px, 1), round(h, 1))
        for t, px, h in frame.evaluate(_TEXT_SIZES_JS)
        if px < MIN_LABEL_PX or h < MIN_LABEL_PX
    ]


@pytest.mark.parametrize("page_name", ["index.html", "pictures.html"])
def test_pictures_are_legible_on_the_site_at_1280_px(browser, serve, site, page_name):
    """At a 1,280 px window every label of every picture the page embeds is at least 11 px."""
    base = serve(site)
    page = browser.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    try:
        page.goto(base + page_name, wait_until="load", timeout=TIMEOUT_MS)
        page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
        shown = [f for f in page.frames if f.url.endswith(".svg")]
        assert len(shown) >= 2, [f.url for f in page.frames]
        for frame in shown:
            assert len(frame.evaluate(_TEXT_SIZES_JS)) >= 10, frame.url
            assert _small_labels(frame) == [], frame.url
    finally:
        page.close()


def test_readme_pictures_are_legible_in_an_830_px_column(browser, serve, tmp_path):
    """The README's pictures (docs/img/, shown as images scaled to the README's 830 px column, as
    GitHub shows them): each label, at the scale Chromium draws the image, is at least 11 px."""
    from axiskg.docs.pictures import README_LEGIBLE

    folder = tmp_path / "readme"
    (folder / "docs").mkdir(parents=True)
    shutil.copytree(ROOT / "docs" / "img", folder / "docs" / "img")
    images = "".join(f'<p><img id="{n}" src="docs/img/{n}.svg" style="max-width:100%"></p>' for n in README_LEGIBLE)
    (folder / "README.html").write_text(
        f'<!DOCTYPE html><html><head><link rel="icon" href="data:,"></head><body style="margin:0">'
        f'<article style="width:830px">{images}</article></body></html>'
    )
    base = serve(folder)
    with opened(browser, base + "README.html") as page:
        for name in README_LEGIBLE:
            shown = page.locator(f"img#{name}").bounding_box()
            svg = (folder / "docs" / "img" / f"{name}.svg").read_text()
            view_width = float(re.search(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ', svg).group(1))
            smallest = min(float(x) for x in re.findall(r'<text[^>]*font-size="([\d.]+)"', svg))
            px = smallest * shown["width"] / view_width
            assert shown["width"] <= 830 and px >= MIN_LABEL_PX, (name, shown["width"], round(px, 1))


def test_no_page_scrolls_sideways_at_1366_px(browser, serve, site):
    base = serve(site)
    page = browser.new_page()
    page.set_viewport_size({"width": 1366, "height": 900})
    try:
        for name in PAGES:
            page.goto(base + name, wait_until="load", timeout=TIMEOUT_MS)
            page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
            width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            assert width[0] <= width[1], (name, width)
    finally:
        page.close()


def test_the_ontology_page_navigation_clears_its_table_of_contents(browser, serve, site):
    """On pyLODE's page the site's navigation bar and pyLODE's fixed table of contents do not
    overlap, and no two classes are listed under names that differ only in case."""
    base = serve(site)
    page = browser.new_page()
    page.set_viewport_size({"width": 1366, "height": 900})
    try:
        page.goto(base + "ontology.html", wait_until="load", timeout=TIMEOUT_MS)
        nav, toc = page.locator("nav.axiskg").bounding_box(), page.locator("#toc").bounding_box()
        assert nav["x"] + nav["width"] <= toc["x"], (nav, toc)
        sections = page.evaluate(
            "() => Array.from(document.querySelectorAll('#toc ul.second')).map("
            "ul => Array.from(ul.querySelectorAll('a')).map(a => a.textContent.trim()))"
        )
        assert any("nif:Sentence" in names and "sentence" in names for names in sections)
        for names in sections:  # (a property may be listed in two sections, e.g. as object and annotation property)
            folded = [n.casefold() for n in names if n]
            assert len(folded) == len(set(folded)), sorted(n for n in folded if folded.count(n) > 1)
    finally:
        page.close()
