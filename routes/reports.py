"""Read a report (plain text, Markdown or HTML) and split it into numbered sentences.

The text keeps its line numbers so a review sheet can point at the line a quote came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from tipmap.routes.errors import TipmapError

#: Larger reports are refused rather than read into memory (a 50-page report is ~200 kB).
MAX_BYTES = 50_000_000

#: Words after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset(
    "mr mrs ms dr st no vs etc e.g i.e jan feb mar apr jun jul aug sep sept oct nov dec inc ltd co corp gov "
    "approx fig al u.s u.k u.n".split()
)
_SENTENCE_END = re.compile(r"[.!?]+[\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9\u00C0-\u024F])")
_MARKDOWN = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images: keep the alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links: keep the text
    (re.compile(r"^\s{0,3}#{1,6}\s*", re.M), ""),  # headings
    (re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)])\s+", re.M), ""),  # list markers
    (re.compile(r"^\s{0,3}>\s?", re.M), ""),  # block quotes
    (re.compile(r"(\*\*|__|\*|`)"), ""),  # emphasis and code
]


class ReportError(TipmapError):
    """A report cannot be read as text."""


@dataclass(frozen=True)
class Sentence:
    """One sentence of a report, the line it starts on (1-based) and the report's file name."""

    text: str
    line: int
    document: str = ""


@dataclass(frozen=True)
class Report:
    """A report's document name (its file name), title and sentences."""

    document: str
    title: str
    sentences: tuple[Sentence, ...]
    text: str


def read_report(path: str | Path, *, encoding: str | None = None, title: str | None = None) -> Report:
    """Read ``path`` as text (HTML is stripped to text, Markdown to plain text).

    Raises
    ------
    ReportError
        For a directory, a missing, empty, binary or oversized file, or bytes that are not
        UTF-8 (or UTF-16 with a byte-order mark) when no ``encoding`` is given.
    """
    path = Path(path)
    if path.is_dir():
        raise ReportError(f"{path}: a directory; give report files (.txt, .md, .html)")
    if not path.is_file():
        raise ReportError(f"{path}: no such file")
    if path.stat().st_size > MAX_BYTES:
        raise ReportError(f"{path}: {path.stat().st_size:,} bytes is more than the {MAX_BYTES:,} a report may have")
    text = _decode(path, path.read_bytes(), encoding)
    if path.suffix.lower() in (".html", ".htm") or re.match(r"\s*<(!doctype html|html)", text, re.I):
        text = html_to_text(text)
    elif path.suffix.lower() in (".md", ".markdown"):
        for pattern, repl in _MARKDOWN:
            text = pattern.sub(repl, text)
    if not text.strip():
        raise ReportError(f"{path}: empty report: no text to read")
    return Report(path.name, title or _title(text, path), tuple(split_sentences(text, document=path.name)), text)


def _decode(path: Path, data: bytes, encoding: str | None) -> str:
    if not data.strip():
        raise ReportError(f"{path}: empty file")
    if encoding:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError) as err:
            raise ReportError(f"{path}: cannot be read as {encoding}: {err}") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:8192] or _control_share(data[:8192]) > 0.05:
        raise ReportError(f"{path}: a binary file, not text (convert a PDF or Word file to text first)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ReportError(
            f"{path}: line {line}: not UTF-8 (byte 0x{data[err.start]:02x}); give its encoding with "
            "--encoding (e.g. cp1252, gb18030) or save it as UTF-8"
        ) from None


def _control_share(data: bytes) -> float:
    controls = sum(1 for b in data if b < 32 and b not in (9, 10, 12, 13))
    return controls / max(len(data), 1)


def _title(text: str, path: Path) -> str:
    """The first line in the report's main script that is not a cookie banner (long lines
    cut at a word near 120 characters), else the file name."""
    latin = _latin_share(text) > 0.5
    for line in text.splitlines():
        line = " ".join(line.split())
        if not line or "cookie" in line.lower() or (latin and _latin_share(line) <= 0.5):
            continue
        half = len(line) // 2
        if len(line) % 2 and line[:half] == line[half + 1 :]:
            line = line[:half]  # a page title printed twice on one line
        return line if len(line) <= 150 else line[:120].rsplit(" ", 1)[0] + " …"
    return path.stem


def _latin_share(text: str) -> float:
    letters = [ch for ch in text[:20000] if ch.isalpha()]
    return sum(ch < "\u0250" for ch in letters) / max(len(letters), 1)


def split_sentences(text: str, *, document: str = "") -> list[Sentence]:
    """Sentences, each with the line it starts on; paragraphs (lines) never run together."""
    found: list[Sentence] = []
    for number, line in enumerate(text.splitlines(), start=1):
        start = 0
        for match in _SENTENCE_END.finditer(line):
            last_word = re.search(r"([\w.]+)[.!?]*[\"”’')\]]*\s+$", line[start : match.end()])
            word = last_word.group(1).rstrip(".").lower() if last_word else ""
            if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
            _add(found, line[start : match.end()], number, document)
            start = match.end()
        _add(found, line[start:], number, document)
    return found


def _add(found: list[Sentence], piece: str, line: int, document: str) -> None:
    piece = " ".join(piece.split())
    if len(piece) > 1:
        found.append(Sentence(piece, line, document))


class _TextOnly(HTMLParser):
    SKIP = frozenset(("script", "style", "noscript", "template", "head"))
    BLOCK = frozenset(("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "title"))

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(page: str) -> str:
    """The visible text of an HTML page, one block element per line (scripts and styles dropped)."""
    parser = _TextOnly()
    parser.feed(page)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)
