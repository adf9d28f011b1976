"""Jinja work off the render path: no template is compiled twice, and text is not compiled.

branca wraps every piece of rendered HTML and script (each marker's script, each legend) in a
new ``Element(template=text)``, and Jinja compiles that text as a template although it holds
no Jinja syntax: 464 compilations, about half of an atlas render. :func:`install`

- gives branca a *literal* template for text without Jinja markers (``{{``, ``{%``, ``{#``):
  it renders to exactly what Jinja would (newlines normalised to ``\n``, one trailing
  newline dropped, as Jinja's defaults do), without compiling anything;
- memoises ``jinja2.Environment.compile`` on the source and every environment setting that
  changes the generated code, so a template source seen twice is compiled once.

Output is unchanged (a test renders the same map with and without it and compares).
"""

from __future__ import annotations

import re
import types
from typing import Any

import jinja2

_ORIGINAL = jinja2.Environment.compile
_JINJA_TEMPLATE = jinja2.Template
_CACHE: dict[tuple, Any] = {}


def _settings(env: jinja2.Environment) -> tuple:
    """What besides the source decides the code Jinja generates."""
    return (
        type(env),
        env.block_start_string,
        env.block_end_string,
        env.variable_start_string,
        env.variable_end_string,
        env.comment_start_string,
        env.comment_end_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        env.trim_blocks,
        env.lstrip_blocks,
        env.newline_sequence,
        env.keep_trailing_newline,
        env.optimized,
        env.is_async,
        env.autoescape if not callable(env.autoescape) else id(env.autoescape),
        id(env.finalize) if env.finalize else None,
        frozenset(env.filters),
        frozenset(env.tests),
        tuple(sorted(map(str, env.extensions))),
    )


def _compile(self: jinja2.Environment, source: Any, name: str | None = None, filename: str | None = None,
             raw: bool = False, defer_init: bool = False) -> Any:  # fmt: skip
    if not isinstance(source, str):  # an already parsed template: nothing to share
        return _ORIGINAL(self, source, name, filename, raw, defer_init)
    key = (_settings(self), source, name, filename, raw, defer_init)
    code = _CACHE.get(key)
    if code is None:
        code = _CACHE[key] = _ORIGINAL(self, source, name, filename, raw, defer_init)
    return code


_MARKERS = ("{{", "{%", "{#")
_NEWLINES = re.compile(r"\r\n|\r|\n")


class LiteralTemplate:
    """A template of plain text: renders to the text, as Jinja would, without compiling it."""

    def __init__(self, source: str) -> None:
        text = _NEWLINES.sub("\n", source)
        self.text = text[:-1] if text.endswith("\n") else text

    def render(self, *args: Any, **kwargs: Any) -> str:
        """The text (context is ignored: there is nothing to fill in)."""
        return self.text

    @property
    def module(self) -> Any:
        """No macros in plain text."""
        return types.SimpleNamespace()


def template_for(source: str, *args: Any, **kwargs: Any) -> Any:
    """What branca's ``Template(source)`` becomes: a literal for plain text, else Jinja's (cached)."""
    if isinstance(source, str) and not args and not kwargs and not any(m in source for m in _MARKERS):
        return LiteralTemplate(source)
    return _JINJA_TEMPLATE(source, *args, **kwargs)


def install() -> None:
    """Take template compilation off the render path for this process (idempotent)."""
    import branca.element

    jinja2.Environment.compile = _compile  # type: ignore[method-assign]
    branca.element.Template = template_for  # type: ignore[misc, assignment]


def uninstall() -> None:
    """Jinja and branca as they were (for the test that compares outputs)."""
    import branca.element

    jinja2.Environment.compile = _ORIGINAL  # type: ignore[method-assign]
    branca.element.Template = _JINJA_TEMPLATE  # type: ignore[misc]


def compiled() -> int:
    """How many distinct templates were compiled (for tests and benchmarks)."""
    return len(_CACHE)
