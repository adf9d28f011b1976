"""Data text made safe for the formats tipmap writes (issue #12 E, H).

- :func:`safe_cell`: a CSV cell a spreadsheet will not evaluate (formula prefixes
  neutralised, control characters removed). Every CSV tipmap writes goes through it.
- :func:`xml_text` and :func:`clean_tree`: text that keeps KML, GPX, SVG and other XML
  well-formed (characters XML 1.0 forbids are removed).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

#: Characters XML 1.0 forbids (C0 controls but tab, LF, CR; surrogates; U+FFFE, U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: C0 controls (and DEL) that have no place in a spreadsheet cell; tab and newlines are kept.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: What makes a spreadsheet read a cell as a formula or a DDE call, half- and full-width.
_FORMULA_START = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def safe_cell(value: object) -> object:
    """A CSV cell that spreadsheets will not evaluate as a formula.

    Text starting (after any spaces, tabs or line breaks) with ``=``, ``+``, ``-`` or ``@``
    (or their full-width forms), or starting with a tab or carriage return, gets a leading
    apostrophe; control characters are removed. Plain numbers (``-12.5``) and non-text
    values are returned unchanged.
    """
    if not isinstance(value, str):
        return value
    text = _CONTROL.sub("", value)
    if _NUMBER.fullmatch(text.strip()):
        return text
    if text[:1] in ("\t", "\r", "\n") or text.lstrip(" \t\r\n")[:1] in _FORMULA_START:
        return "'" + text
    return text


def restore_cell(text: str) -> str:
    """Undo :func:`safe_cell` when tipmap reads back a CSV it wrote (drafts accepted into an atlas)."""
    if text.startswith("'") and (text[1:2] in ("\t", "\r", "\n") or text[1:].lstrip(" \t\r\n")[:1] in _FORMULA_START):
        return text[1:]
    return text


def safe_row(row: dict[str, Any]) -> dict[str, Any]:
    """Every cell of a CSV row made safe (:func:`safe_cell`)."""
    return {k: safe_cell(v) for k, v in row.items()}


def xml_text(value: object) -> str:
    """``value`` as text XML 1.0 accepts: forbidden characters (ESC, NUL, ...) removed."""
    return _NOT_XML.sub("", str(value))


def clean_tree(root: ET.Element) -> ET.Element:
    """Every text, tail and attribute value under ``root`` made XML-safe (:func:`xml_text`), in place."""
    for element in root.iter():
        if element.text is not None:
            element.text = xml_text(element.text)
        if element.tail is not None:
            element.tail = xml_text(element.tail)
        for name, value in list(element.attrib.items()):
            element.attrib[name] = xml_text(value)
    return root
