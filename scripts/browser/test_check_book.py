#!/usr/bin/env python3
"""The browser check's own test: a copy of the rendered book, broken on purpose, must fail the check with each
break named by its page and element; the intact book is checked by `make browser-test` itself.

    python3 scripts/browser/test_check_book.py [--book .build/book-html] [--chapters chapters]

The copy loses a figure and a chapter's page, gets a script that throws, a link to an anchor that does not exist, an
image from the network and an output block whose text is changed; each must show up as its own failure.
"""

import argparse
import os
import re
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_book  # noqa: E402

BOOK = ".build/book-html"
CHAPTERS = "chapters"


def first(pattern, names):
    matches = sorted(name for name in names if re.match(pattern, name))
    if not matches:
        raise unittest.SkipTest("the book has no file matching " + pattern)
    return matches[0]


class BrokenBookTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.mkdtemp(prefix="broken-book-")
        book = os.path.join(cls.folder, "book-html")
        shutil.copytree(BOOK, book)
        pages = os.listdir(os.path.join(book, "chapters"))
        figures = os.listdir(os.path.join(book, "figures"))

        # 1. A figure that a chapter shows is gone.
        cls.figure_page = "chapters/" + first(r"01-.*\.html$", pages)
        shown = re.findall(r'<img src="\.\./figures/([^"]+)"', read(os.path.join(book, cls.figure_page)))
        if not shown:
            raise unittest.SkipTest(cls.figure_page + " shows no figure")
        cls.figure = shown[0]
        os.remove(os.path.join(book, "figures", cls.figure))

        # 2. A chapter's page is gone: the index and its neighbours link to it.
        cls.missing = "chapters/" + first(r"03-.*\.html$", pages)
        os.remove(os.path.join(book, cls.missing))

        # 3. A script error, 4. an anchor that no element has, 5. an image from the network, on one page.
        cls.scripted = "chapters/" + first(r"02-.*\.html$", pages)
        edit(os.path.join(book, cls.scripted), "</body>",
             '<a href="#no-such-section">dangling</a><script>notAFunction();</script>'
             '<img src="https://cdn.example.org/logo.png" alt="remote"></body>')

        # 6. An output block's text changed on the page (as if the renderer had dropped or altered it).
        cls.output_page = "chapters/" + first(r"04-.*\.html$", pages)
        path = os.path.join(book, cls.output_page)
        text = read(path)
        changed = re.sub(r'(<div class="output[^"]*"[^>]*><div class="output-label">.*?</div><pre>)',
                         r"\1TAMPERED ", text, count=1)
        assert changed != text, "no output block found to tamper with"
        write(path, changed)

        cls.errors, cls.counts = check_book.check(book, CHAPTERS, screenshots=None,
                                                  log=os.path.join(cls.folder, "chromium.log"))
        cls.report = "\n".join(cls.errors)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.folder, ignore_errors=True)

    def failure(self, *words):
        lines = [line for line in self.errors if all(word in line for word in words)]
        self.assertTrue(lines, "no failure naming %s among:\n%s" % (" and ".join(words), self.report))

    def test_a_missing_figure_is_named_with_its_page(self):
        self.failure(self.figure_page + ": <img", "../figures/" + self.figure, "did not load")

    def test_a_missing_page_is_named_and_so_are_the_links_to_it(self):
        self.failure(self.missing + ": missing page")
        self.failure("index.html: <a href=\"" + self.missing + "\"", "no such page")

    def test_a_script_error_is_named_with_its_page(self):
        self.failure(self.scripted + ": script error", "notAFunction")

    def test_an_anchor_without_its_element_is_named(self):
        self.failure(self.scripted + ': <a href="#no-such-section">', 'no element with id "no-such-section"')

    def test_a_request_to_the_network_is_named(self):
        self.failure(self.scripted + ": a request leaves the book", "https://cdn.example.org/logo.png")
        self.failure(self.scripted + ': <img src="https://cdn.example.org/logo.png" alt="remote"> did not load')

    def test_a_changed_output_is_named_with_its_chapter_line(self):
        self.failure(self.output_page + ": the output block of chapters/", "is not on the page")

    def test_nothing_else_failed(self):
        expected = (self.figure, self.missing, "notAFunction", "no-such-section", "cdn.example.org",
                    self.output_page + ": the output")
        others = [line for line in self.errors if not any(word in line for word in expected)]
        self.assertEqual(others, [], "unexpected failures")


def edit(path, old, new):
    text = read(path)
    assert old in text, "%s has no %s" % (path, old)
    write(path, text.replace(old, new, 1))


def read(path):
    with open(path, encoding="utf-8") as file:
        return file.read()


def write(path, text):
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--book", default=BOOK)
    parser.add_argument("--chapters", default=CHAPTERS)
    arguments, rest = parser.parse_known_args()
    BOOK, CHAPTERS = arguments.book, arguments.chapters
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
