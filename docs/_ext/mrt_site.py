"""Build the documentation site, and open every page of it in a real headless browser.

``sphinx-build -W`` cannot see what only a browser shows: a theme that draws an error with
CSS (Furo's red "ERROR: Adding a table of contents ..." box is a ``::before`` pseudo-element),
a link to an anchor that no page has, an image the browser cannot decode, a script error. This
module builds the site the way the docs workflow publishes it (:func:`build_site`), serves it
over http on 127.0.0.1 (:func:`serve`) and visits every HTML page in Chromium through
Playwright (:func:`check_site`), collecting every problem:

* an error box: a docutils system message or problematic node, an element whose text, or
  whose ``::before``/``::after`` content, starts with ``ERROR``;
* a broken internal link: every same-site ``<a href>`` must name a file of the site and, with
  a ``#fragment``, an ``id`` (or ``<a name>``) on that page;
* an image that did not load (``naturalWidth`` 0), a same-site request that failed or
  answered 4xx/5xx;
* a JavaScript console error or an uncaught exception.

The browser is the machine's own (``tools/dev.py ensure_chromium``): Playwright's wheel brings
its driver but no browser is downloaded. Used by ``tests/test_docs.py``; also runnable::

    python docs/_ext/mrt_site.py [SITE_DIR] [--screenshots DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

#: The site is built with these options everywhere (tests and the docs workflow): warnings
#: are errors, every cross-reference must resolve.
SPHINX_OPTIONS = ("-W", "--keep-going", "-n", "-q", "-b", "html")

#: Chromium flags that work in containers and CI: no sandbox (root), no GPU, and nothing that
#: reaches out to the network by itself.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

#: Pages photographed by :func:`check_site`: name of the PNG -> page, full page or not.
SCREENSHOTS = {
    "landing.png": ("index.html", False),
    "guide-architecture.png": ("guides/architecture.html", True),
    "api.png": ("api.html", False),
}


def build_site(out: Path, *, doctrees: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``sphinx-build`` the documentation into ``out`` (doctrees kept out of the site)."""
    with tempfile.TemporaryDirectory(prefix="mrt-doctrees-") as scratch:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "sphinx",
                *SPHINX_OPTIONS,
                "-d",
                str(doctrees or scratch),
                str(DOCS),
                str(out),
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (an ephemeral port) until the block ends; yield the
    base URL (ending in ``/``)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# Runs in the page once it has loaded: every problem the page shows, its ids and its links.
_INSPECT = """
async () => {
  const problems = [];
  const describe = (el) => {
    const id = el.id ? '#' + el.id : '';
    const cls = el.classList.length ? '.' + [...el.classList].join('.') : '';
    return el.tagName.toLowerCase() + id + cls;
  };
  const clip = (text) => text.replace(/\\s+/g, ' ').trim().slice(0, 160);
  for (const el of document.querySelectorAll('.system-message, .problematic')) {
    problems.push(`Sphinx error box ${describe(el)}: ${clip(el.textContent)}`);
  }
  for (const el of document.body.querySelectorAll('*')) {
    for (const pseudo of ['::before', '::after']) {
      const content = getComputedStyle(el, pseudo).content;
      if (content && /^["']?\\s*ERROR/.test(content)) {
        problems.push(`theme error box ${describe(el)}${pseudo}: ${clip(content)}`);
      }
    }
    const own = [...el.childNodes]
      .filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join('');
    if (/^\\s*ERROR\\b/.test(own) && el.closest('pre, code') === null) {
      problems.push(`error text ${describe(el)}: ${clip(el.textContent)}`);
    }
  }
  await Promise.all([...document.images].map((img) => {
    img.loading = 'eager';
    return img.decode().catch(() => null);
  }));
  for (const img of document.images) {
    if (!img.complete || img.naturalWidth === 0) {
      problems.push(`image did not load: ${img.getAttribute('src')}`);
    }
  }
  const ids = [...document.querySelectorAll('[id]')].map((el) => el.id)
    .concat([...document.querySelectorAll('a[name]')].map((el) => el.getAttribute('name')));
  const links = [...document.querySelectorAll('a[href]')].map((a) => a.href);
  return {problems, ids, links};
}
"""


@dataclass
class SiteReport:
    pages: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    screenshots: list[Path] = field(default_factory=list)


def site_pages(site: Path) -> list[str]:
    """Every HTML page of the site, as a path relative to its root."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def _target_file(site: Path, path: str) -> Path | None:
    """The file of ``site`` a URL path names (a directory means its ``index.html``)."""
    candidate = site / unquote(path).lstrip("/")
    if candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def check_site(site: Path, chromium: Path, screenshots: Path | None = None) -> SiteReport:
    """Open every page of the built ``site`` in headless ``chromium``; return what is wrong.

    :param screenshots: a directory to save :data:`SCREENSHOTS` in (created if missing).
    """
    from playwright.sync_api import sync_playwright

    report = SiteReport(pages=site_pages(site))
    ids: dict[str, set[str]] = {}
    links: dict[str, list[str]] = {}
    with (
        serve(site) as base,
        tempfile.TemporaryDirectory(prefix="mrt-chromium-") as profile,
        sync_playwright() as playwright,
    ):
        origin = urlsplit(base).netloc
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=str(chromium),
            args=list(CHROMIUM_FLAGS),
            viewport={"width": 1280, "height": 900},
            offline=False,
        )
        try:
            page = context.new_page()
            current: list[str] = []

            def note(problem: str) -> None:
                # Browsers ask every site for /favicon.ico; the site declares none.
                if f"{origin}/favicon.ico" not in problem:
                    report.problems.append(f"{current[0]}: {problem}")

            page.on(
                "console",
                lambda msg: (
                    note(f"console error: {msg.text} ({msg.location.get('url')})")
                    if msg.type == "error"
                    else None
                ),
            )
            page.on("pageerror", lambda error: note(f"uncaught exception: {error}"))
            page.on(
                "requestfailed",
                lambda request: note(f"request failed: {request.url} ({request.failure})"),
            )

            def on_response(response: object) -> None:
                url, status = response.url, response.status  # type: ignore[attr-defined]
                if urlsplit(url).netloc == origin and status >= 400:
                    note(f"HTTP {status} for {url}")

            page.on("response", on_response)
            shots = {page_path: (name, full) for name, (page_path, full) in SCREENSHOTS.items()}
            for path in report.pages:
                current[:] = [path]
                response = page.goto(base + path, wait_until="load", timeout=60_000)
                if response is None or response.status != 200:
                    note(f"HTTP {response.status if response else 'no response'}")
                found = page.evaluate(_INSPECT)
                report.problems.extend(f"{path}: {problem}" for problem in found["problems"])
                ids[path] = set(found["ids"])
                links[path] = found["links"]
                if screenshots is not None and path in shots:
                    name, full = shots[path]
                    screenshots.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(screenshots / name), full_page=full, timeout=60_000)
                    report.screenshots.append(screenshots / name)
        finally:
            context.close()
    for path, hrefs in links.items():
        for href in dict.fromkeys(hrefs):
            url = urlsplit(href)
            if url.scheme not in {"http", "https"} or url.netloc != origin:
                continue  # another site (not checked: no network), mailto:, javascript:
            target = _target_file(site, url.path)
            if target is None:
                report.problems.append(f"{path}: broken link {href}: no such page")
                continue
            fragment = unquote(url.fragment)
            if not fragment or target.suffix != ".html":
                continue
            page_ids = ids.get(target.relative_to(site).as_posix())
            if page_ids is not None and fragment not in page_ids:
                report.problems.append(f"{path}: broken link {href}: no id {fragment!r} there")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, nargs="?", help="a built site (default: build one)")
    parser.add_argument("--screenshots", type=Path, default=ROOT / "docs/_build/screenshots")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from tools.dev import ensure_chromium

    with tempfile.TemporaryDirectory(prefix="mrt-site-") as scratch:
        site = args.site
        if site is None:
            site = Path(scratch) / "html"
            result = build_site(site)
            if result.returncode != 0:
                print(result.stdout + result.stderr, file=sys.stderr)
                return 1
        report = check_site(site, ensure_chromium(), args.screenshots)
    for problem in report.problems:
        print(problem)
    print(f"{len(report.pages)} pages, {len(report.problems)} problems", file=sys.stderr)
    return 1 if report.problems else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    sys.exit(main())
