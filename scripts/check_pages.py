#!/usr/bin/env python3
"""Render every page of the built book in headless Chromium and check what a reader sees.

For each HTML page of ``_build/html`` (except search and genindex) the page is served from
127.0.0.1, loaded with the network otherwise blocked, given time for MathJax to typeset, and
its DOM is dumped. The check fails when

* visible text still holds raw TeX (``\\frac``, ``$$``, ``\\(``, ``\\[``, ``\\begin{``), i.e. a
  formula MathJax did not typeset, or MathJax reports an error (``mjx-merror``);
* an ``<img>`` points to a local file that does not exist, or an image of the page's text
  (a figure of a chapter) has no alt text for readers who cannot see it;
* an internal link points to a missing file or to a missing ``#anchor``;
* the page loads a script, stylesheet, font, image or frame from the internet (links that a
  reader clicks, such as the Binder and Colab launch buttons, are fine);
* the words show machinery instead of text: a doubled word from a cross-reference ("exercise
  Exercise 2.1"), doubled brackets round an equation number ("((2.1))"), a MyST role left as
  text outside a code block (``{term}`...` ``), a Python escape such as ``\u2013`` in prose or
  in an output, or an equation's label name (``eq-ch7-step``) in prose or in an output.

Each page is rendered at every width of ``--widths`` (default 1400 and 420 px: a laptop and a
phone), and a script the server adds measures which code blocks, outputs and display equations
are wider than their box. Those are listed as ``wide`` and counted in the summary; the kinds named
in ``--fail-on-overflow`` fail the check (CI: ``code,output,equation,figure``; an equation that
scrolls in its box is counted, not failed). The same script measures each image's displayed width; for a figure drawn by
``nnlib.plotting`` (which stores its smallest font size and dpi in the PNG), the height of that
smallest text on the page is pt * dpi / 72 * shown / natural width, and a figure whose smallest
text is under ``MIN_FIGURE_TEXT_PX`` is listed as ``small figure text`` and counted (and fails
with ``figure`` in ``--fail-on-overflow``).

Usage::

    python scripts/check_pages.py [_build/html] [--jobs 2] [--widths 1400,420]
                                  [--fail-on-overflow code,output,equation,figure] [PAGE ...]
    python scripts/check_pages.py _build/html --screenshot notebooks/01_neuron_forward_pass.html --out shot.png

Prints one line per failure and ``checked N pages``; exits with 1 if anything failed.
"""

from __future__ import annotations

import argparse
import functools
import io
import json
import http.server
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup

RAW_TEX = ("\\frac", "$$", "\\(", "\\[", "\\begin{")
# Machinery that a reader should never see, found in the text of a page (see the docstring).
MACHINERY = [
    (re.compile(r"\b(exercises?|equations?|figures?|sections?|chapters?)\s+\1\b", re.I), "a doubled word"),
    (re.compile(r"\(\(\d+(?:\.\d+)*\)\)"), "doubled brackets round an equation number"),
    (re.compile(r"\{(?:term|cite|cite:t|cite:p|ref|numref|doc|eq|math)\}`"), "a MyST role shown as text"),
    (re.compile(r"\\u[0-9a-fA-F]{4}"), "a Python escape shown as text"),
    (re.compile(r"\beq-ch\d+-[\w-]+"), "an equation's label name"),
]
# A box may be this much narrower than its content before it counts as cut off (sub-pixel
# rounding, a trailing space).
LAYOUT_SLACK_PX = 2
LAYOUT_KINDS = ("code", "output", "equation", "scrolling equation")
# Figures: nnlib.plotting stores the smallest font size (points) and the dpi of a figure in its
# PNG; on the page that text is pt * dpi / 72 * (shown width / natural width) pixels high.
MIN_FIGURE_TEXT_PX = 10
SKIP_PAGES = {"search.html", "genindex.html", "py-modindex.html"}
# Text inside these elements is code or machinery, not prose: raw TeX there is intended.
NOT_PROSE = ["script", "style", "noscript", "template", "textarea", "pre", "code", "kbd", "samp",
             "mjx-assistive-mml", "math"]
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def find_chromium() -> str:
    """The browser binary: $CHROMIUM if set, else the first of CHROMIUM_NAMES on PATH."""
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return explicit
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    sys.exit("error: no Chromium found; install it (Debian: apt-get install chromium) "
             "or set CHROMIUM=/path/to/chrome")


# Measures, once MathJax has typeset, which code blocks, outputs and display equations are wider
# than their box at the window's width, and writes the answer into the page as JSON (read from
# the dumped DOM by `layout_problems`). The server adds it to every page it serves; the built
# files are not changed.
LAYOUT_SCRIPT = """<script>(function () {
  function label(el) { return (el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 60); }
  function measure() {
    var found = [];
    document.querySelectorAll("article pre").forEach(function (pre) {
      if (pre.offsetParent === null) return;                      // hidden (a closed dropdown)
      var kind = pre.closest(".cell_output, .output") ? "output" : "code";
      var box = pre.closest("div.highlight") || pre;
      var over = Math.max(pre.scrollWidth - pre.clientWidth, box.scrollWidth - box.clientWidth);
      found.push({kind: kind, over: over, what: label(pre)});
    });
    document.querySelectorAll("article img").forEach(function (img) {
      if (img.offsetParent === null || !img.naturalWidth) return;
      found.push({kind: "figure", src: img.getAttribute("src"), natural: img.naturalWidth,
                  shown: Math.round(img.getBoundingClientRect().width)});
    });
    document.querySelectorAll("article div.math").forEach(function (div) {
      if (div.offsetParent === null) return;
      var math = div.querySelector("mjx-container > mjx-math") || div.querySelector("mjx-container");
      if (!math) return;
      var eqno = div.querySelector(".eqno");
      var over = Math.round(math.getBoundingClientRect().width - div.clientWidth);
      var scrolls = ["auto", "scroll"].indexOf(getComputedStyle(div).overflowX) >= 0;
      found.push({kind: "equation", over: over, scrolls: scrolls,
                  what: eqno ? label(eqno) : label(div.querySelector("mjx-assistive-mml") || div)});
    });
    var out = document.createElement("pre");
    out.id = "nnbook-layout"; out.hidden = true;
    out.textContent = JSON.stringify({width: window.innerWidth, items: found});
    document.body.appendChild(out);
  }
  window.addEventListener("load", function () {
    var ready = window.MathJax && MathJax.startup && MathJax.startup.promise;
    (ready || Promise.resolve()).then(function () { setTimeout(measure, 100); });
  });
})();</script>"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the output to failures only
        pass

    def send_head(self):
        """Serve HTML pages with LAYOUT_SCRIPT added before </body>; everything else as is."""
        path = Path(self.translate_path(self.path))
        if path.suffix != ".html" or not path.is_file():
            return super().send_head()
        body = path.read_bytes().replace(b"</body>", LAYOUT_SCRIPT.encode() + b"</body>", 1)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def serve(root: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve `root` on 127.0.0.1 at a free port, in a daemon thread; return (server, base URL)."""
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def chromium(browser: str, url: str, *extra: str, budget_ms: int = 10000,
             timeout_s: int = 120) -> subprocess.CompletedProcess:
    """Run headless Chromium once on `url` with a throw-away profile and no outside network."""
    with tempfile.TemporaryDirectory(prefix="check-pages-") as profile:
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-extensions", "--disable-default-apps", "--no-first-run",
               "--no-default-browser-check", "--mute-audio", "--hide-scrollbars",
               # Anything not on 127.0.0.1 fails to resolve: the page must work offline.
               "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
               f"--user-data-dir={profile}", f"--virtual-time-budget={budget_ms}",
               *extra, url]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s,
                              stdin=subprocess.DEVNULL)


def list_pages(root: Path) -> list[str]:
    """All HTML pages relative to root, posix style, without search/genindex and _static etc."""
    pages = []
    for path in sorted(root.rglob("*.html")):
        rel = path.relative_to(root).as_posix()
        if rel in SKIP_PAGES or any(part.startswith(("_", ".")) for part in rel.split("/")[:-1]):
            continue
        pages.append(rel)
    return pages


@functools.lru_cache(maxsize=None)
def anchors_of(path: Path) -> frozenset[str]:
    """Every id and <a name> of a built page (the static file, as Sphinx wrote it)."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8", errors="replace"), "html.parser")
    ids = {tag["id"] for tag in soup.find_all(id=True)}
    ids |= {tag["name"] for tag in soup.find_all("a", attrs={"name": True})}
    return frozenset(ids)


def visible_text(soup: BeautifulSoup) -> str:
    """Prose text of the page body, without code, scripts and hidden elements."""
    body = soup.body or soup
    for tag in body.find_all(NOT_PROSE):
        tag.decompose()
    for tag in body.find_all(attrs={"hidden": True}):
        tag.decompose()
    for tag in body.find_all(style=True):
        style = tag.get("style", "").replace(" ", "").lower()
        if "display:none" in style:
            tag.decompose()
    return body.get_text(" ")


def shown_text(soup: BeautifulSoup) -> str:
    """The page body's text as a reader sees it, inline code included, but not code blocks,
    outputs, scripts or typeset math."""
    body = BeautifulSoup(str(soup.body or soup), "html.parser")
    for tag in body.find_all(["script", "style", "noscript", "template", "textarea", "pre",
                              "mjx-container", "mjx-assistive-mml", "math"]):
        tag.decompose()
    for tag in body.find_all(class_=["cell_output", "output"]):
        tag.decompose()
    return body.get_text(" ")


def output_text(soup: BeautifulSoup) -> str:
    """The text that the notebook cells printed."""
    return " ".join(tag.get_text(" ") for tag in soup.find_all(class_="cell_output"))


def is_remote(url: str) -> bool:
    return url.startswith("//") or urlsplit(url).scheme in ("http", "https")


def local_target(root: Path, page: str, url: str) -> tuple[Path, str] | None:
    """The file (and #fragment) that a relative URL on `page` points to; None if not a file link."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    if not parts.path:
        return root / page, unquote(parts.fragment)
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
    target = root / joined
    if target.is_dir():
        target = target / "index.html"
    return target, unquote(parts.fragment)


def check_dom(root: Path, page: str, dom: str) -> list[str]:
    """Problems of one rendered page, one sentence each."""
    problems = []
    soup = BeautifulSoup(dom, "html.parser")

    # Resources that would be fetched from the internet.
    resource_attrs = [("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"),
                      ("video", "src"), ("audio", "src")]
    for tag_name, attr in resource_attrs:
        for tag in soup.find_all(tag_name, attrs={attr: True}):
            if is_remote(tag[attr]):
                problems.append(f"loads <{tag_name}> from the internet: {tag[attr]}")
    for tag in soup.find_all("link", href=True):
        rel = " ".join(tag.get("rel", [])).lower()
        if is_remote(tag["href"]) and any(k in rel for k in ("stylesheet", "preload", "icon", "font")):
            problems.append(f"loads <link rel={rel}> from the internet: {tag['href']}")

    # Local scripts and stylesheets that are missing (MathJax not copied, for example).
    for tag_name, attr in [("script", "src"), ("link", "href")]:
        for tag in soup.find_all(tag_name, attrs={attr: True}):
            if tag_name == "link" and "stylesheet" not in tag.get("rel", []):
                continue
            target = None if is_remote(tag[attr]) else local_target(root, page, tag[attr])
            if target and not target[0].is_file():
                problems.append(f"missing local <{tag_name}> file: {tag[attr]}")

    # Images.
    for img in soup.find_all("img", src=True):
        src = img["src"]
        if src.startswith("data:") or is_remote(src):
            continue
        target = local_target(root, page, src)
        if target and not target[0].is_file():
            problems.append(f"broken image: {src}")
    article = soup.find("article")
    for img in article.find_all("img") if article else []:
        alt = img.get("alt", "").strip()
        if not alt or alt == img.get("src") or alt.endswith((".png", ".jpg", ".svg")):  # Sphinx's default
            problems.append(f"image without alt text: {img.get('src', '?')[:80]}")

    # Internal links and anchors.
    for a in soup.find_all("a", href=True):
        href = a["href"].strip()
        if not href or href == "#" or href.startswith(("mailto:", "javascript:", "data:")):
            continue
        target = local_target(root, page, href)
        if target is None:
            continue
        path, fragment = target
        if not path.exists():
            problems.append(f"link to missing file: {href}")
        elif fragment and path.suffix == ".html" and fragment not in anchors_of(path):
            problems.append(f"link to missing anchor: {href}")

    # MathJax.
    for err in soup.find_all("mjx-merror"):
        message = err.get("data-mjx-error") or err.get_text(" ").strip()
        block = err.find_parent(["p", "li", "td", "dd", "div"])
        where = " ".join(block.get_text(" ").split())[:80] if block else ""
        problems.append(f"MathJax error: {message} (in: {where}...)")
    for pattern, what in MACHINERY:
        for where, text in (("text", shown_text(soup)), ("an output", output_text(soup))):
            match = pattern.search(text)
            if match:
                snippet = " ".join(text[max(0, match.start() - 40): match.end() + 40].split())
                problems.append(f"{what} in {where}: {match.group(0)!r} in ...{snippet}...")
    text = visible_text(soup)
    for tex in RAW_TEX:
        at = text.find(tex)
        if at >= 0:
            snippet = " ".join(text[max(0, at - 40): at + 40].split())
            problems.append(f"raw TeX {tex!r} in visible text: ...{snippet}...")
    return problems


def redirect_target(root: Path, page: str) -> str | None:
    """The URL of a `<meta http-equiv="refresh">` redirect page (Jupyter Book's index.html)."""
    soup = BeautifulSoup((root / page).read_text(encoding="utf-8", errors="replace"), "html.parser")
    for meta in soup.find_all("meta", attrs={"http-equiv": True, "content": True}):
        if meta["http-equiv"].lower() == "refresh":
            match = re.search(r"url\s*=\s*['\"]?([^'\";]+)", meta["content"], re.IGNORECASE)
            return match.group(1).strip() if match else ""
    return None


def figure_text_px(png: Path, natural: int, shown: int) -> float | None:
    """Height in pixels, on the page, of the smallest text of a figure that nnlib.plotting
    drew (None for an image without the two numbers it stores)."""
    from PIL import Image
    try:
        with Image.open(png) as img:
            info = dict(img.info)
    except (OSError, ValueError):
        return None
    if "nnbook-smallest-text-pt" not in info or not natural:
        return None
    points, dpi = float(info["nnbook-smallest-text-pt"]), float(info.get("nnbook-dpi", 100))
    return points * dpi / 72 * shown / natural


def layout_problems(dom: str, width: int, root: Path | None = None,
                    page: str = "") -> list[tuple[str, str]]:
    """(kind, sentence) for every code block, output or display equation of a rendered page
    that is wider than its box at this window width (kind: 'code', 'output', 'equation', or
    'scrolling equation' for one whose box scrolls sideways, as book/_css/nnbook.css lets it),
    and ('small figure text', ...) for a figure whose smallest text is shown below
    MIN_FIGURE_TEXT_PX (measured where `root` holds the built images); a page without the
    measurement (it did not finish) gives one ('page', ...) entry."""
    soup = BeautifulSoup(dom, "html.parser")
    tag = soup.find(id="nnbook-layout")
    if tag is None:
        return [("page", f"at {width} px the layout was not measured (the page did not finish loading)")]
    found = []
    for item in json.loads(tag.get_text())["items"]:
        if item["kind"] == "figure":
            target = local_target(root, page, item["src"]) if root is not None else None
            px = figure_text_px(target[0], item["natural"], item["shown"]) if target else None
            if px is not None and px < MIN_FIGURE_TEXT_PX - 0.05:
                found.append(("small figure text", f"at {width} px a figure's smallest text is "
                              f"{px:.1f} px high (under {MIN_FIGURE_TEXT_PX}): "
                              f"{posixpath.basename(item['src'])!r}, shown at {item['shown']} of "
                              f"{item['natural']} px"))
            continue
        if item["over"] > LAYOUT_SLACK_PX:
            kind = "scrolling equation" if item.get("scrolls") else item["kind"]
            found.append((kind, f"at {width} px a {kind} is {item['over']} px wider than "
                                f"its box: {item['what']!r}"))
    return found


def fails(kind: str, enforced: set[str]) -> bool:
    """Whether a layout problem of this kind fails the check, given the kinds of
    --fail-on-overflow ('figure' stands for 'small figure text'; an unmeasured page always fails)."""
    return kind == "page" or ("figure" if kind == "small figure text" else kind) in enforced


def layout_totals(dom: str) -> dict[str, int]:
    """How many code blocks, outputs and equations a rendered page has (for the summary)."""
    tag = BeautifulSoup(dom, "html.parser").find(id="nnbook-layout")
    totals: dict[str, int] = {}
    for item in json.loads(tag.get_text())["items"] if tag else []:
        totals[item["kind"]] = totals.get(item["kind"], 0) + 1
    return totals


def render(browser: str, url: str, width: int, budget_ms: int) -> tuple[str | None, str]:
    """(DOM, '') of the page at a window `width` px wide, or (None, why it failed)."""
    try:
        run = chromium(browser, url, "--dump-dom", f"--window-size={width},1000", budget_ms=budget_ms)
    except subprocess.TimeoutExpired:
        return None, "Chromium timed out rendering the page"
    if run.returncode != 0 or "<body" not in run.stdout:
        tail = " | ".join(run.stderr.strip().splitlines()[-3:])
        return None, f"Chromium failed (exit {run.returncode}): {tail}"
    return run.stdout, ""


def check_page(browser: str, base: str, root: Path, page: str, budget_ms: int,
               widths: tuple[int, ...] = (1400,)) -> tuple[list[str], list[tuple[str, str]], dict]:
    """(problems, layout problems, element totals) of one page, rendered at each of `widths`."""
    redirect = redirect_target(root, page)
    if redirect is not None:
        # A redirect has no content of its own: check only that its target exists.
        target = local_target(root, page, redirect) if redirect else None
        if is_remote(redirect) or target is None or not target[0].is_file():
            return [f"redirect to a missing page: {redirect!r}"], [], {}
        return [], [], {}
    problems, layout, totals = [], [], {}
    for i, width in enumerate(widths):
        dom, why = render(browser, urljoin(base, page), width, budget_ms)
        if dom is None:
            return problems + [why], layout, totals
        if i == 0:                                       # the text checks do not depend on the width
            problems += check_dom(root, page, dom)
            totals = layout_totals(dom)
        layout += layout_problems(dom, width, root, page)
    return problems, layout, totals


def screenshot(browser: str, base: str, root: Path, page: str, out: Path, size: str,
               dark: bool, budget_ms: int) -> int:
    if not (root / page).is_file():
        print(f"error: no page {page} in {root}", file=sys.stderr)
        return 2
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    extra = [f"--screenshot={out}", f"--window-size={size}"]
    if dark:
        extra += ["--force-dark-mode", "--blink-settings=preferredColorScheme=0"]
    run = chromium(browser, urljoin(base, page), *extra, budget_ms=budget_ms)
    if run.returncode != 0 or not out.is_file():
        print(f"error: Chromium could not take the screenshot: {run.stderr.strip()[-500:]}",
              file=sys.stderr)
        return 1
    print(f"screenshot of {page} saved to {out}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("html_dir", nargs="?", default="_build/html", type=Path,
                        help="the built book (default: _build/html)")
    parser.add_argument("pages", nargs="*", help="only these pages (relative to html_dir)")
    parser.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1),
                        help="pages rendered in parallel (default: CPUs, at most 4)")
    parser.add_argument("--budget-ms", type=int, default=10000,
                        help="virtual time Chromium gives each page to run its scripts")
    parser.add_argument("--widths", default="1400,420",
                        help="window widths in px at which the layout is measured (default: 1400,420)")
    parser.add_argument("--fail-on-overflow", default="", metavar="KINDS",
                        help="comma-separated kinds (code,output,equation,figure) whose overflow "
                             "(for figure: text under MIN_FIGURE_TEXT_PX) fails the check; the "
                             "others are listed as 'wide' and counted")
    parser.add_argument("--screenshot", metavar="PAGE", help="save a PNG of PAGE instead of checking")
    parser.add_argument("--out", type=Path, default=Path("_build/screenshot.png"),
                        help="where --screenshot writes (default: _build/screenshot.png)")
    parser.add_argument("--size", default="1280,2000", help="window size W,H for --screenshot")
    parser.add_argument("--dark", action="store_true", help="screenshot with a dark colour scheme")
    args = parser.parse_args(argv)

    root = args.html_dir.resolve()
    if not (root / "index.html").is_file():
        print(f"error: {root} has no index.html; build the book first with `make book`",
              file=sys.stderr)
        return 2
    browser = find_chromium()
    server, base = serve(root)
    try:
        if args.screenshot:
            return screenshot(browser, base, root, args.screenshot, args.out, args.size,
                              args.dark, args.budget_ms)
        pages = args.pages or list_pages(root)
        missing = [p for p in pages if not (root / p).is_file()]
        if missing:
            print(f"error: no such page(s) in {root}: {', '.join(missing)}", file=sys.stderr)
            return 2
        widths = tuple(int(w) for w in args.widths.split(","))
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            results = list(pool.map(
                lambda p: (p, *check_page(browser, base, root, p, args.budget_ms, widths)), pages))
    finally:
        server.shutdown()

    n_failures = 0
    enforced = set(args.fail_on_overflow.split(",")) if args.fail_on_overflow else set()
    over = {(w, k): 0 for w in widths for k in LAYOUT_KINDS + ("small figure text",)}
    totals = {k: 0 for k in LAYOUT_KINDS}
    for page, problems, layout, page_totals in results:
        for problem in problems:
            n_failures += 1
            print(f"FAIL {page}: {problem}")
        for kind, sentence in layout:
            width = int(sentence.split()[1])
            if fails(kind, enforced):
                n_failures += 1
                print(f"FAIL {page}: {sentence}")
            else:
                print(f"wide {page}: {sentence}")
            if kind in LAYOUT_KINDS or kind == "small figure text":
                over[width, kind] += 1
        for kind, n in page_totals.items():
            totals[kind] = totals.get(kind, 0) + n
    for width in widths:
        counts = ", ".join(f"{over[width, k]} of {totals[k.split()[-1]]} {k}s" for k in LAYOUT_KINDS)
        print(f"wider than their box at {width} px: {counts}")
        print(f"figures whose smallest text is under {MIN_FIGURE_TEXT_PX} px at {width} px: "
              f"{over[width, 'small figure text']} of {totals.get('figure', 0)} images")
    print(f"checked {len(results)} pages, {n_failures} problem(s)")
    return 1 if n_failures else 0


if __name__ == "__main__":
    sys.exit(main())
