"""Jinja work off the render path: no template is compiled twice, not even across processes,
and text is not compiled at all.

folium and branca build every class's template when they are imported, and branca wraps every
piece of rendered HTML and script (each marker's script, each legend) in a new
``Element(template=text)``, which Jinja compiles as a template although it holds no Jinja
syntax. :func:`install`

- gives branca a *literal* template for text without Jinja markers (``{{``, ``{%``, ``{#``):
  it renders to exactly what Jinja would (newlines normalised to ``\n``, one trailing
  newline dropped, as Jinja's defaults do), without compiling anything;
- memoises ``jinja2.Environment.compile`` on the source and every environment setting that
  changes the generated code, so a template source seen twice is compiled once;
- keeps the compiled code (Python code objects, :mod:`marshal`) in one file of the user's
  cache directory (the gazetteer's, :func:`tipmap.routes.gazetteer.cache_dir`), named by the
  Jinja and Python versions and read once, so the next process compiles nothing it has seen.
  Only templates written in code (a string constant of folium, branca or tipmap) are kept,
  never text put together at run time, so no data reaches the file.
  The file is written atomically when the process ends, if anything new was compiled; a
  missing, unreadable or corrupt file, or a read-only directory, means compiling as Jinja
  does. The file is trusted as Python's own ``__pycache__`` is (it is the user's directory);
- memoises branca's element-name prefix (``_camelify``), computed anew on every ``get_name``.

Output is unchanged (tests render the same map with and without it, cold and warm).
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import marshal
import re
import sys
import types
from importlib.util import MAGIC_NUMBER
from pathlib import Path
from typing import Any

import jinja2
from tipmap.routes.cachefiles import read_private, write_private

_ORIGINAL = jinja2.Environment.compile
_JINJA_TEMPLATE = jinja2.Template
#: Compiled code by key: what the cache file held, plus what this process compiled.
_CACHE: dict[str, Any] = {}
_STATE = {"loaded": False, "new": 0, "compiled": 0}
_USED: set[str] = set()
_KEEP: set[str] = set()  # the keys that may be written to the file (templates written in code)
#: The file is rewritten without the entries this process did not use when it would exceed this.
MAX_BYTES = 4_000_000


def _qualified(obj: Any) -> str:
    """A name for a class or function that is the same in every process (unlike ``id``)."""
    if obj is None:
        return ""
    target = obj if isinstance(obj, type | types.FunctionType | types.BuiltinFunctionType) else type(obj)
    return f"{getattr(target, '__module__', '?')}.{getattr(target, '__qualname__', repr(target))}"


def _settings(env: jinja2.Environment) -> tuple:
    """What besides the source decides the code Jinja generates (stable across processes)."""
    return (
        _qualified(type(env)),
        _qualified(env.code_generator_class),
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
        env.autoescape if not callable(env.autoescape) else _qualified(env.autoescape),
        _qualified(env.finalize),
        tuple(sorted(env.filters)),
        tuple(sorted(env.tests)),
        tuple(sorted(map(str, env.extensions))),
    )


def cache_file() -> Path:
    """The file of compiled templates for this Jinja and this Python."""
    from tipmap.routes.gazetteer import cache_dir

    python = f"{sys.implementation.cache_tag}-{MAGIC_NUMBER.hex()}"
    return cache_dir() / f"templates-jinja{jinja2.__version__}-{python}.marshal"


def _read() -> dict[str, Any]:
    """The cache file's entries; nothing when it is missing, unreadable, corrupt, or not the
    user's own (its code is run: a file another user could have written is ignored)."""
    data = read_private(cache_file())
    try:
        entries = marshal.loads(data) if data else {}
    except (EOFError, ValueError, TypeError):
        return {}
    if not isinstance(entries, dict):
        return {}
    return {
        k: v for k, v in entries.items() if isinstance(k, str) and isinstance(v, types.CodeType | str)
    }  # fmt: skip


def _compile(self: jinja2.Environment, source: Any, name: str | None = None, filename: str | None = None,
             raw: bool = False, defer_init: bool = False) -> Any:  # fmt: skip
    if not isinstance(source, str):  # an already parsed template: nothing to share
        return _ORIGINAL(self, source, name, filename, raw, defer_init)
    if not _STATE["loaded"]:
        _STATE["loaded"] = True
        stored = _read()
        _CACHE.update(stored)
        _KEEP.update(stored)
    key = hashlib.sha256(repr((_settings(self), source, name, filename, raw, defer_init)).encode()).hexdigest()
    code = _CACHE.get(key)
    if code is None:
        code = _CACHE[key] = _ORIGINAL(self, source, name, filename, raw, defer_init)
        _STATE["compiled"] += 1
        if _written_in_code(source):
            _KEEP.add(key)
            _STATE["new"] += 1
    _USED.add(key)
    return code


def _written_in_code(source: str) -> bool:
    """Whether ``source`` was written in code, not put together from data at run time: a
    string constant of a function that led to this compilation, or a class attribute (folium
    builds a few class templates by joining constants). Only those are kept on disk, so no
    data ever reaches the cache file."""
    frame = sys._getframe(2)
    caller_seen = False
    for _ in range(12):
        if frame is None:
            return False
        if any(constant is source for constant in frame.f_code.co_consts):
            return True
        module = frame.f_globals.get("__name__", "")
        if not caller_seen and not (module.startswith("jinja2") or module in (__name__, "branca.element")):
            caller_seen = True  # the first frame outside Jinja and branca: is it a class body?
            if "__module__" in frame.f_locals and "__qualname__" in frame.f_locals:
                return True
        frame = frame.f_back
    return False


def save() -> None:
    """Write what this process compiled to the cache file (atomically; silently not at all
    when the directory is read-only). Runs when the process ends."""
    if not _STATE["new"]:
        return
    entries = {**_read(), **{k: v for k, v in _CACHE.items() if k in _KEEP}}  # what others added meanwhile is kept
    data = marshal.dumps(entries)
    if len(data) > MAX_BYTES:
        data = marshal.dumps({k: v for k, v in entries.items() if k in _USED})
        if len(data) > MAX_BYTES:
            return
    if write_private(cache_file(), data):
        _STATE["new"] = 0


_MARKERS = ("{{", "{%", "{#")
_NEWLINES = re.compile(r"\r\n|\r|\n")


class LiteralTemplate:
    """A template of plain text: renders to the text, as Jinja would, without compiling it."""

    def __init__(self, source: str) -> None:
        text = _NEWLINES.sub("\n", source) if "\r" in source else source
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


@functools.cache
def _camelify(name: str) -> str:
    """branca's ``_camelify`` (the variable-name prefix of every element, computed character
    by character each time an element is named: 4,000 times an atlas), once per name."""
    from branca.utilities import _camelify as camelify

    return camelify(name)


def install() -> None:
    """Take template compilation off the render path for this process (idempotent).

    Jinja is patched before branca is imported, so branca's own class templates are cached too.
    """
    jinja2.Environment.compile = _compile  # type: ignore[method-assign]
    import branca.element

    branca.element.Template = template_for  # type: ignore[misc, assignment]
    branca.element._camelify = _camelify  # type: ignore[attr-defined]
    atexit.unregister(save)
    atexit.register(save)


def uninstall() -> None:
    """Jinja and branca as they were (for the test that compares outputs)."""
    import branca.element

    jinja2.Environment.compile = _ORIGINAL  # type: ignore[method-assign]
    branca.element.Template = _JINJA_TEMPLATE  # type: ignore[misc]
    branca.element._camelify = _camelify.__wrapped__  # type: ignore[attr-defined]


def forget() -> None:
    """Drop what this process holds in memory, so the next compile reads the file again (tests)."""
    _CACHE.clear()
    _USED.clear()
    _KEEP.clear()
    _STATE.update(loaded=False, new=0, compiled=0)


def compiled() -> int:
    """How many templates this process has compiled: not found in memory or in the cache file
    (for tests and benchmarks)."""
    return _STATE["compiled"]
