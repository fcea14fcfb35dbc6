#!/usr/bin/env python3
"""Loads every page of the rendered book (`book render`) in headless Chromium and checks what a reader would see.

For each page: no script error, no failed load and no request leaving the machine (the book must open from file://
offline); every image decoded (naturalWidth > 0); every link inside the book reaching an existing page or file, and
every #anchor an element of its page; every Swift block coloured by highlight.js; no horizontal scrolling of the
page at a phone's width (390 CSS px). For each chapter, the text of every output block that is not hidden (read from
chapters/*.md here, independently of the renderer) on its page, whole, as one <pre>. A screenshot of each page, full length at
1280 px (in tiles of 8000 px) and the first screen at phone width, goes into --screenshots.

Chromium is driven over the DevTools protocol on a pipe (--remote-debugging-pipe: JSON messages ending in NUL on
file descriptors 3 and 4), which needs nothing beyond Python's standard library.

    python3 scripts/browser/check_book.py [--book .build/book-html] [--chapters chapters] [--screenshots DIR]

Exit status 0 when every check passed, 1 when one failed (each failure names the page and the element).
"""

import argparse
import base64
import fcntl
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

DESKTOP = {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False}
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}

# What each page reports of itself once loaded.
PAGE_FACTS = r"""
(() => {
  return {
    title: document.title,
    images: Array.from(document.images, (image) => ({
      src: image.getAttribute("src"), alt: image.alt, width: image.naturalWidth,
      decoded: image.complete && image.naturalWidth > 0 })),
    links: Array.from(document.querySelectorAll("a[href]"), (a) => ({
      href: a.getAttribute("href"), url: a.href,
      text: (a.innerText.trim() || (a.querySelector("img") ? "image: " + a.querySelector("img").alt : ""))
        .replace(/\s+/g, " ").slice(0, 70) })),
    ids: Array.from(document.querySelectorAll("[id], a[name]"), (element) => element.id || element.getAttribute("name")),
    pres: Array.from(document.querySelectorAll("pre"), (pre) => pre.textContent),
    swiftBlocks: document.querySelectorAll("pre code.language-swift").length,
    highlighted: document.querySelectorAll("pre code.language-swift.hljs").length,
  };
})()
"""

# At a phone's width: the elements that stick out of the page where no scrolling box holds them.
PHONE_OVERFLOW = r"""
(() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (element) => {
    for (let node = element.parentElement; node; node = node.parentElement) {
      const overflow = getComputedStyle(node).overflowX;
      if (overflow === "auto" || overflow === "scroll" || overflow === "hidden") return true;
    }
    return false;
  };
  const wide = [];
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 1 && !scrolls(element) && getComputedStyle(element).position !== "fixed") {
      let text = element.tagName.toLowerCase();
      if (typeof element.className === "string" && element.className.trim())
        text += "." + element.className.trim().split(/\s+/).join(".");
      wide.push(text + " (right edge at " + Math.round(box.right) + " px)");
      if (wide.length >= 3) break;
    }
  }
  return { pageWidth: document.documentElement.scrollWidth, viewport: width, wide: wide };
})()
"""


class Chromium:
    """One headless Chromium, spoken to over the DevTools protocol on a pipe."""

    def __init__(self, binary, log_path):
        self.profile_dir = tempfile.mkdtemp(prefix="book-chromium-")
        to_browser_read, to_browser_write = os.pipe()
        from_browser_read, from_browser_write = os.pipe()
        # The browser reads commands on fd 3 and writes replies on fd 4. Copies numbered above 4 (closed on exec)
        # are wired to 3 and 4 in the child, where dup2 makes them inheritable; Python's own files are not.
        high_read, high_write = high_copy(to_browser_read), high_copy(from_browser_write)

        def wire():
            os.dup2(high_read, 3)
            os.dup2(high_write, 4)

        self.log = open(log_path, "wb")
        arguments = [
            binary, "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
            "--disable-component-update", "--disable-extensions", "--force-color-profile=srgb",
            "--user-data-dir=" + self.profile_dir,
            # Offline: no name resolves and every proxy-able request goes nowhere.
            "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9",
            "about:blank",
        ]
        self.process = subprocess.Popen(arguments, stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log,
                                        preexec_fn=wire, close_fds=False)
        for fd in (to_browser_read, from_browser_write, high_read, high_write):
            os.close(fd)
        self.write_fd = to_browser_write
        self.read_fd = from_browser_read
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def close(self):
        try:
            self.call("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self.write_fd)
        os.close(self.read_fd)
        self.log.close()
        shutil.rmtree(self.profile_dir, ignore_errors=True)

    def _read_message(self, deadline):
        while b"\0" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("Chromium did not answer in time")
            ready, _, _ = select.select([self.read_fd], [], [], remaining)
            if ready:
                chunk = os.read(self.read_fd, 1 << 20)
                if not chunk:
                    raise RuntimeError("Chromium closed its pipe (see its log)")
                self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, params=None, session=None, timeout=60):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self.write_fd, data):]
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError("%s: %s" % (method, reply["error"].get("message")))
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method, session, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            for index, event in enumerate(self.events):
                if event.get("method") == method and event.get("sessionId") == session:
                    return self.events.pop(index)
            self.events.append(self._read_message(deadline))


def high_copy(fd):
    """A copy of `fd` numbered 10 or more and closed on exec, so that wiring 3 and 4 in the child cannot overwrite it."""
    return fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)


def expected_outputs(markdown_path):
    """(line, text) of every output block of the chapter whose swift block is not hidden."""
    with open(markdown_path, encoding="utf-8") as file:
        lines = file.read().split("\n")
    outputs = []
    hidden = False
    index = 0
    while index < len(lines):
        match = re.match(r"^( {0,3})(`{3,}|~{3,})(.*)$", lines[index])
        if not match:
            index += 1
            continue
        indent, fence, info = len(match.group(1)), match.group(2), match.group(3).split()
        opening = index + 1
        body = []
        index += 1
        while index < len(lines):
            stripped = lines[index].strip()
            if stripped.startswith(fence[0] * len(fence)) and set(stripped) <= {fence[0]}:
                break
            line = lines[index]
            body.append(line[min(indent, len(line) - len(line.lstrip(" "))):])
            index += 1
        index += 1
        if not info:
            continue
        if info[0] == "swift":
            hidden = "hide" in info[1:]
        elif info[0] == "output" and not hidden:
            text = "\n".join(body)
            if text.strip():
                outputs.append((opening, text))
    return outputs


def book_path(url, book):
    """The path inside the book that a file:// URL names, or None when it leaves the book."""
    path = os.path.realpath(urllib.parse.unquote(urllib.parse.urlparse(url).path))
    return os.path.relpath(path, book) if path == book or path.startswith(book + os.sep) else None


def check(book, chapters, screenshots=None, chromium="chromium-headless-shell", log=None):
    """Every problem found, as 'PAGE: ELEMENT: what is wrong' lines, and a few counts."""
    book = os.path.realpath(book)
    errors = []
    pages = sorted(os.path.relpath(os.path.join(folder, name), book)
                   for folder, _, names in os.walk(book) for name in names if name.endswith(".html"))
    pages.sort(key=lambda page: (page != "index.html", page))
    if "index.html" not in pages:
        errors.append("index.html: missing page (the book has no index)")
    for name in sorted(os.listdir(chapters)):
        if name.endswith(".md") and name != "README.md":
            page = "chapters/" + name[:-3] + ".html"
            if page not in pages:
                errors.append("%s: missing page (for chapters/%s)" % (page, name))
    if screenshots:
        os.makedirs(screenshots, exist_ok=True)
        for name in os.listdir(screenshots):  # the last run's, which a renamed chapter would leave behind
            if name.endswith(".png"):
                os.remove(os.path.join(screenshots, name))

    browser = Chromium(chromium, log or os.path.join(tempfile.gettempdir(), "book-chromium.log"))
    facts = {}
    counts = {"pages": 0, "images": 0, "links": 0, "outputs": 0, "swift": 0}
    try:
        target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            browser.call(domain + ".enable", session=session)
        for page in pages:
            browser.call("Emulation.setDeviceMetricsOverride", DESKTOP, session)
            browser.events = [event for event in browser.events if event.get("sessionId") != session]
            url = "file://" + urllib.parse.quote(os.path.join(book, page))
            browser.call("Page.navigate", {"url": url}, session)
            browser.wait_for("Page.loadEventFired", session)
            browser.call("Runtime.evaluate", {"expression": "document.fonts.ready.then(() => true)",
                                              "awaitPromise": True}, session)
            page_facts = browser.call("Runtime.evaluate", {"expression": PAGE_FACTS, "returnByValue": True},
                                      session)["result"]["value"]
            facts[page] = page_facts
            counts["pages"] += 1
            if screenshots:
                save_screenshot(browser, session, os.path.join(screenshots, page.replace("/", "_")[:-5] + ".png"), True)
            browser.call("Emulation.setDeviceMetricsOverride", PHONE, session)
            phone = browser.call("Runtime.evaluate", {
                "expression": "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(0))))",
                "awaitPromise": True}, session)
            phone = browser.call("Runtime.evaluate", {"expression": PHONE_OVERFLOW, "returnByValue": True},
                                 session)["result"]["value"]
            if phone["pageWidth"] > phone["viewport"] + 1:
                errors.append("%s: wider than a phone (%d px on a %d px screen): %s"
                              % (page, phone["pageWidth"], phone["viewport"], "; ".join(phone["wide"]) or "?"))
            if screenshots:
                save_screenshot(browser, session, os.path.join(screenshots, page.replace("/", "_")[:-5] + "-phone.png"),
                                False)
            errors.extend(page + ": " + problem for problem in browser_problems(browser.events, session, book))
            browser.events = []
    finally:
        browser.close()

    for page in pages:
        page_facts = facts.get(page)
        if page_facts is None:
            continue
        for image in page_facts["images"]:
            counts["images"] += 1
            if not image["decoded"]:
                errors.append('%s: <img src="%s" alt="%s"> did not load (naturalWidth %d)'
                              % (page, image["src"], image["alt"], image["width"]))
        for link in page_facts["links"]:
            counts["links"] += 1
            problem = link_problem(link, page, book, facts)
            if problem:
                errors.append('%s: <a href="%s"> ("%s"): %s' % (page, link["href"], link["text"], problem))
        counts["swift"] += page_facts["swiftBlocks"]
        if page_facts["highlighted"] != page_facts["swiftBlocks"]:
            errors.append("%s: %d of its %d Swift blocks were not highlighted (highlight.js did not run on them)"
                          % (page, page_facts["swiftBlocks"] - page_facts["highlighted"], page_facts["swiftBlocks"]))
        if page.startswith("chapters/"):
            source = os.path.join(chapters, os.path.basename(page)[:-5] + ".md")
            if os.path.exists(source):
                for line, text in expected_outputs(source):
                    counts["outputs"] += 1
                    if not any(pre.rstrip("\n") == text.rstrip("\n") for pre in page_facts["pres"]):
                        first = text.strip().split("\n")[0][:60]
                        errors.append('%s: the output block of chapters/%s:%d ("%s …") is not on the page'
                                      % (page, os.path.basename(source), line, first))
    # A sidebar and a list may hold the same link: one line for each distinct problem.
    return list(dict.fromkeys(errors)), counts


def browser_problems(events, session, book):
    """Script errors, failed loads and requests leaving the machine, from the events of one page."""
    problems = []
    requests = {}
    for event in events:
        if event.get("sessionId") != session:
            continue
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            description = details.get("exception", {}).get("description") or details.get("text", "")
            where = details.get("url", "")
            where = book_path(where, book) or where
            problems.append("script error at %s:%d: %s" % (where, details.get("lineNumber", 0) + 1,
                                                           description.split("\n")[0]))
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            text = " ".join(str(argument.get("value", argument.get("description", ""))) for argument in params["args"])
            problems.append("console error: " + text)
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            entry = params["entry"]
            where = book_path(entry.get("url", ""), book) or entry.get("url", "")
            problems.append("%s (%s)" % (entry["text"], where))
        elif method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            requests[params["requestId"]] = url
            if not url.startswith(("file:", "data:", "about:")):
                problems.append("a request leaves the book (it must work offline): " + url)
        elif method == "Network.loadingFailed":
            url = requests.get(params["requestId"], "?")
            problems.append("failed to load %s (%s)" % (book_path(url, book) or url, params.get("errorText", "")))
    return sorted(set(problems), key=problems.index)


def link_problem(link, page, book, facts):
    url = urllib.parse.urlparse(link["url"])
    if url.scheme in ("http", "https", "mailto"):
        return None  # a link out of the book, followed only by a reader who is online
    if url.scheme != "file":
        return "not a link a static book can follow (%s)" % url.scheme
    target = book_path(link["url"], book)
    if target is None:
        return "leads out of the book's folder"
    if not os.path.exists(os.path.join(book, target)):
        return "no such page or file (%s)" % target
    if url.fragment:
        anchor = urllib.parse.unquote(url.fragment)
        if target not in facts:
            return "an anchor (#%s) in %s, which is not a page" % (anchor, target)
        if anchor not in facts[target]["ids"]:
            return "no element with id \"%s\" in %s" % (anchor, target)
    return None


TILE_HEIGHT = 8000  # a long page is kept in tiles (PAGE-1.png, PAGE-2.png, …): one image would be cut at 16384 px


def save_screenshot(browser, session, path, full_length):
    if not full_length:
        shots = [browser.call("Page.captureScreenshot", {"format": "png"}, session)]
        paths = [path]
    else:
        # Each tile is a window as tall as the tile, scrolled to it: the fixed sidebar is drawn as a reader sees it.
        height = int(browser.call("Page.getLayoutMetrics", session=session)["cssContentSize"]["height"])
        tops = list(range(0, max(height, 1), TILE_HEIGHT))
        paths = [path[:-4] + "-%d.png" % (number + 1) for number in range(len(tops))]
        shots = []
        for top in tops:
            browser.call("Emulation.setDeviceMetricsOverride", dict(DESKTOP, height=min(TILE_HEIGHT, height - top)),
                         session)
            browser.call("Runtime.evaluate", {"expression": "window.scrollTo(0, %d); new Promise(done => "
                                              "requestAnimationFrame(() => requestAnimationFrame(done)))" % top,
                                              "awaitPromise": True}, session)
            shots.append(browser.call("Page.captureScreenshot", {"format": "png"}, session))
        browser.call("Emulation.setDeviceMetricsOverride", DESKTOP, session)
        browser.call("Runtime.evaluate", {"expression": "window.scrollTo(0, 0)"}, session)
    for shot, name in zip(shots, paths):
        with open(name, "wb") as file:
            file.write(base64.b64decode(shot["data"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--book", default=".build/book-html", help="the folder book render wrote")
    parser.add_argument("--chapters", default="chapters", help="the chapters' Markdown, for their output blocks")
    parser.add_argument("--screenshots", help="folder for a screenshot of each page (none when not given)")
    parser.add_argument("--chromium", default="chromium-headless-shell", help="the browser to drive")
    arguments = parser.parse_args()
    if shutil.which(arguments.chromium) is None:
        sys.exit("check_book: %s not found: install Debian's chromium-headless-shell (make browser-deps)"
                 % arguments.chromium)
    start = time.monotonic()
    errors, counts = check(arguments.book, arguments.chapters, arguments.screenshots, arguments.chromium,
                           log=os.path.join(os.path.dirname(os.path.abspath(arguments.book)), "book-chromium.log"))
    seconds = time.monotonic() - start
    for error in errors:
        print("browser check: " + error)
    summary = ("%(pages)d pages, %(images)d images, %(links)d links, %(outputs)d output blocks, "
               "%(swift)d Swift blocks" % counts)
    if arguments.screenshots:
        summary += "; screenshots in " + arguments.screenshots
    if errors:
        print("browser check: FAILED, %d problem(s) (%s) in %.1f s" % (len(errors), summary, seconds))
        sys.exit(1)
    print("browser check: passed (%s) in %.1f s" % (summary, seconds))


if __name__ == "__main__":
    main()
