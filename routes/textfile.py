"""Text tables before any parser sees them: encoding (UTF-8 or UTF-16, checked to the last
byte), the header line (bounded) and the separator. No pandas here: ``tipmap hotspots``
reads clean CSV files with pyarrow through these checks alone (:mod:`routes.fastpoints`)."""

from __future__ import annotations

import codecs
import functools
from pathlib import Path

from tipmap.routes.errors import ImportError_

MAX_HEADER_BYTES = 1 << 20
#: Refused above this (bounded memory against hostile or mistaken inputs).
MAX_FILE_BYTES = 4 * 1024**3


def text_encoding(source: Path) -> str:
    """UTF-8 (with or without a BOM) or UTF-16 (BOM, or zero bytes in every other place)."""
    with open(source, "rb") as handle:
        head = handle.read(4096)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(head) >= 4 and head[1::2].count(0) > 0.4 * len(head[1::2]) and head[0::2].count(0) == 0:
        return "utf-16-le"
    if len(head) >= 4 and head[0::2].count(0) > 0.4 * len(head[0::2]) and head[1::2].count(0) == 0:
        return "utf-16-be"
    return "utf-8"


def check_encoding(source: Path, encoding: str) -> bool:
    """Decode the whole file in blocks; the first undecodable byte is an error naming its line.

    Returns whether the file holds a double quote anywhere (no quote: no value can hold a
    newline, which lets a parser split the file anywhere at a newline). Lines are counted only
    when there is an error to place."""
    decoder = codecs.getincrementaldecoder(encoding)()
    quoted = False
    done = 0  # bytes before the current block
    name = "UTF-16" if "16" in encoding else "UTF-8"
    utf8 = name == "UTF-8"
    with open(source, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            quoted = quoted or b'"' in block
            if utf8 and block.isascii() and not decoder.getstate()[0]:
                done += len(block)  # plain ASCII between whole characters: valid UTF-8 as it stands
                continue
            try:
                decoder.decode(block)
            except UnicodeDecodeError as err:
                start = max(err.start, 0)
                byte = block[start] if start < len(block) else 0
                line = _line_at(source, encoding, done + start)
                raise ImportError_(f"{source}: line {line}: not {name} (byte 0x{byte:02x}); save the file as UTF-8") from None
            done += len(block)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            line = _line_at(source, encoding, done)
            raise ImportError_(f"{source}: line {line}: not {name} (the file ends inside a character)") from None
    return quoted


def _line_at(source: Path, encoding: str, offset: int) -> int:
    """The line number of byte ``offset`` (newlines before it, plus one)."""
    newline = "\n".encode(encoding.replace("-sig", "")) if encoding.startswith("utf-16-") else b"\n"
    with open(source, "rb") as handle:
        return handle.read(offset).count(newline) + 1


def header_line(source: Path, encoding: str) -> str:
    """The first line, refused when it is longer than ``MAX_HEADER_BYTES`` (before any parser sees it)."""
    with open(source, encoding=encoding, newline="") as handle:
        line = handle.readline(MAX_HEADER_BYTES)
    if len(line) >= MAX_HEADER_BYTES and not line.endswith(("\n", "\r")):
        raise ImportError_(f"{source}: the header line is over {MAX_HEADER_BYTES // 1024:,} KB; not a table tipmap can read")
    return line.lstrip("\ufeff")


def separator(line: str, source: Path) -> str:
    """The field separator of a text table: tab for .tsv/.tab, else the commonest of , tab ; in its header."""
    return "\t" if source.suffix.lower() in (".tsv", ".tab") else max((",", "\t", ";"), key=line.count)


#: Why a row with more fields than the header is not used (the importer's and the case tables' words).
RAGGED = "have more fields than the header (a separator inside a value that is not quoted?)"


def ragged_rows(source: Path, encoding: str, sep: str, *, quoted: bool | None = None) -> dict[int, int]:
    """Data rows (numbered from 1, as the importer numbers them) with more fields than the
    header, and how many fields each has.

    A reader told which columns to keep takes a row's fields by position and ignores the
    rest, so "1,20,21.0,105.8" under "victims,lat,lon" would be read as latitude 20,
    longitude 21: a point in the wrong place, said by nobody. Lines are counted as pandas
    counts rows: lines of nothing but spaces and tabs are skipped, and a line may end in LF,
    CRLF or CR alone (Excel for Mac). A header ending in separators ("victims,lat,lon,") names
    no column there: a row with a value under no name is ragged too (in files with no double
    quote). Files with no double quote are scanned line by line with numpy; files with one
    are parsed by pyarrow, quotes and newlines inside them as a CSV reader does. ``quoted``:
    whether the file holds a double quote, when the caller knows (:func:`check_encoding`)."""
    stat = Path(source).stat()
    return dict(_ragged_once(str(source), stat.st_size, stat.st_mtime_ns, encoding, sep, quoted))


@functools.lru_cache(maxsize=64)
def _ragged_once(
    path: str, size: int, mtime_ns: int, encoding: str, sep: str, quoted: bool | None
) -> tuple[tuple[int, int], ...]:
    """:func:`ragged_rows` once per file as it is (the dask engine opens each partition twice)."""
    source = Path(path)
    quoted = _has_quote(source) if quoted is None else quoted
    if encoding == "utf-8" and len(sep.encode()) == 1 and not quoted:
        return tuple(_ragged_unquoted(source, sep.encode()).items())
    return tuple(_ragged_parsed(source, encoding, sep).items())


def _ragged_parsed(source: Path, encoding: str, sep: str) -> dict[int, int]:
    import pyarrow as pa
    import pyarrow.csv as pc

    found: dict[int, int] = {}
    blank = [0]  # lines of spaces and tabs pyarrow counts and pandas skips, so far

    def seen(row) -> str:
        if row.number is None:
            return "skip"
        if row.actual_columns == 1 and not row.text.strip(" \t\r\n"):
            blank[0] += 1
        elif row.actual_columns > row.expected_columns:
            found[row.number - 1 - blank[0]] = row.actual_columns  # pyarrow counts the header as row 1
        return "skip"

    try:
        reader = pc.open_csv(
            source,
            read_options=pc.ReadOptions(use_threads=False, encoding=encoding.replace("-sig", ""), block_size=1 << 24),
            parse_options=pc.ParseOptions(delimiter=sep, newlines_in_values=True, invalid_row_handler=seen),
            convert_options=pc.ConvertOptions(include_columns=[], include_missing_columns=False),
        )
        for _ in reader:
            pass
    except (pa.ArrowException, ValueError):  # pandas reads it and says what is wrong, with the row
        return found
    return found


def _has_quote(source: Path) -> bool:
    with open(source, "rb") as handle:
        return any(b'"' in block for block in iter(lambda: handle.read(1 << 22), b""))


def _lines(source: Path):
    """The file in pieces of whole lines, every line ending in LF (CRLF and CR alone turned
    into LF; a CRLF cut between two blocks only adds an empty line, which is skipped). Each
    block is read once and passed on without a copy; only the line it cuts is joined."""
    rest = b""
    with open(source, "rb") as handle:
        while block := handle.read(1 << 25):
            if b"\r" in block:
                block = block.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            first = block.find(b"\n") + 1
            if not first:
                rest += block
                continue
            yield rest + block[:first]
            cut = block.rfind(b"\n") + 1
            if cut > first:
                yield memoryview(block)[first:cut]
            rest = block[cut:]
    if rest:
        yield rest + b"\n"


def _ragged_unquoted(source: Path, sep: bytes) -> dict[int, int]:
    """:func:`ragged_rows` of a UTF-8 file with no double quote: every line is a row (lines of
    spaces and tabs skipped), its fields its separators plus one; counted with numpy, from
    the positions of separators and newlines alone (one pass over the bytes per kind)."""
    import numpy as np

    found: dict[int, int] = {}
    expected = named = 0  # the header's fields, and those with a name (no trailing separators)
    row = 0  # data rows before the block
    for data in _lines(source):
        raw = np.frombuffer(data, dtype=np.uint8)
        tokens = np.flatnonzero((raw == 10) | (raw == sep[0]))
        newline = np.flatnonzero(raw[tokens] == 10)  # index of each line's end among the tokens
        fields = np.diff(newline, prepend=-1)  # separators on the line, plus one
        ends = tokens[newline]
        starts = np.r_[0, ends[:-1] + 1]
        keep = (fields > 1) | _not_blank(data, starts, ends, fields)
        starts, ends, fields, newline = starts[keep], ends[keep], fields[keep], newline[keep]
        if not expected and len(fields):
            header = bytes(data[starts[0] : ends[0]]).split(sep)
            expected = named = len(header)
            while named > 1 and not header[named - 1].strip():
                named -= 1
            starts, ends, fields, newline = starts[1:], ends[1:], fields[1:], newline[1:]
        ragged = fields > expected
        if named < expected:  # a value past the named columns: after the last name's separator, more than separators
            after = tokens[newline - fields + named] + 1  # just past the line's named-th separator
            for i in np.flatnonzero((fields > named) & ~ragged & (ends - after > fields - named - 1)):
                ragged[i] = bool(bytes(data[after[i] : ends[i]]).replace(sep, b"").strip(b" \t"))
        for i in np.flatnonzero(ragged):
            found[row + int(i) + 1] = int(fields[i])
        row += len(fields)
    return found


def _not_blank(data: bytes, starts, ends, fields):
    """Which one-field lines hold more than spaces and tabs (pandas skips the others)."""
    import numpy as np

    out = np.zeros(len(starts), dtype=bool)
    for i in np.flatnonzero(fields == 1):
        out[i] = bool(bytes(data[starts[i] : ends[i]]).strip(b" \t"))
    return out
