"""Template compilation off the render path (maps/templates.py) changes nothing in the output."""

from __future__ import annotations

import marshal
import os
import re
import subprocess
import sys
from pathlib import Path

import jinja2
from tipmap.maps import templates
from tipmap.maps.interactive import build_map
from tipmap.routes.select import select


def _normalised(html: str) -> str:
    """Element ids are random: number them in order of appearance."""
    seen: dict[str, str] = {}
    return re.sub(r"[0-9a-f]{32}", lambda m: seen.setdefault(m[0], f"ID{len(seen)}"), html)


def test_the_map_renders_the_same_with_and_without_it(tiny_atlas):
    atlas = select(tiny_atlas)
    fast = build_map(atlas, title="Same <map> & text\r\nline").get_root().render()
    templates.uninstall()
    try:
        slow = build_map(atlas, title="Same <map> & text\r\nline").get_root().render()
    finally:
        templates.install()
    assert _normalised(fast) == _normalised(slow)
    assert "Same &lt;map&gt;" in fast


def test_plain_text_renders_as_jinja_would():
    for text in ("a\r\nb\rc\n", "no newline", "two\n\n", "", "{ not } a { marker"):
        assert templates.LiteralTemplate(text).render(this=None) == jinja2.Template(text).render()
    assert isinstance(templates.template_for("{{ x }}"), jinja2.Template)


# --- compiled templates kept across processes (issue #18) ---------------------------------

#: A fresh process doing what `tipmap render` does, then printing how many templates it compiled.
_CHILD = """
import sys
from tipmap.maps import templates
from tipmap.maps.interactive import write_html
from tipmap.routes.jobs import atlas_job
from tipmap.routes.select import Selection

write_html(atlas_job(Selection()), sys.argv[1], title="Cached & <not>", force=True)
print(templates.compiled())
"""


def _render_in_fresh_process(cache: Path, output: Path) -> tuple[str, int]:
    """The page and the number of templates compiled, by a new Python with ``cache`` as its cache dir."""
    env = {**os.environ, "TIPMAP_CACHE_DIR": str(cache)}
    env.pop("PYTHONHASHSEED", None)  # every process its own hash seed: the keys must not depend on it
    done = subprocess.run([sys.executable, "-c", _CHILD, str(output)], env=env, capture_output=True, text=True, check=True)
    return output.read_text(encoding="utf-8"), int(done.stdout.split()[-1])


def _comparable(page: str) -> str:
    """Ids normalised; the script hashes of the policy (which hash the ids) and the manifest's
    time of creation left out."""
    page = re.sub(r"'sha256-[A-Za-z0-9+/=]+' ?", "", _normalised(page))
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", "TIME", page)


def _cache_files(cache: Path) -> list[Path]:
    return sorted(cache.glob("templates-*.marshal"))


def test_a_warm_cache_compiles_nothing_and_changes_nothing(tmp_path):
    cache = tmp_path / "cache"
    cold, compiled_cold = _render_in_fresh_process(cache, tmp_path / "cold.html")
    (stored,) = _cache_files(cache)
    assert stored.name.startswith(f"templates-jinja{jinja2.__version__}-{sys.implementation.cache_tag}-")
    warm, compiled_warm = _render_in_fresh_process(cache, tmp_path / "warm.html")
    assert compiled_cold > 20  # folium's and branca's templates, the instrument's...
    assert compiled_warm == 0  # same keys in a process with another hash seed
    assert _comparable(warm) == _comparable(cold)
    assert "Cached &amp; &lt;not&gt;" in warm


def test_a_corrupt_cache_file_is_compiled_over(tmp_path):
    cache = tmp_path / "cache"
    reference, _ = _render_in_fresh_process(cache, tmp_path / "reference.html")
    (stored,) = _cache_files(cache)
    for garbage in (b"\x00not marshal at all", stored.read_bytes()[: len(stored.read_bytes()) // 2], marshal.dumps([1, 2])):
        stored.write_bytes(garbage)
        page, compiled = _render_in_fresh_process(cache, tmp_path / "page.html")
        assert compiled > 20
        assert _comparable(page) == _comparable(reference)
        assert isinstance(marshal.loads(stored.read_bytes()), dict)  # written anew, whole


def test_an_unwritable_cache_dir_is_no_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    page, compiled = _render_in_fresh_process(blocker / "cache", tmp_path / "page.html")
    assert compiled > 20
    assert "tipmap-instrument" in page
    read_only = tmp_path / "read-only"
    read_only.mkdir()
    read_only.chmod(0o555)
    try:
        page, compiled = _render_in_fresh_process(read_only, tmp_path / "page.html")
    finally:
        read_only.chmod(0o755)
    assert compiled > 20 and "tipmap-instrument" in page
    if os.geteuid() != 0:  # root writes anyway
        assert not list(read_only.iterdir())


def test_the_key_holds_no_process_specific_ids():
    env = jinja2.Environment(autoescape=lambda name: True, finalize=lambda value: value)
    settings = repr(templates._settings(env))
    assert "0x" not in settings and str(id(env.autoescape)) not in settings
    assert "test_the_key_holds_no_process_specific_ids.<locals>.<lambda>" in settings


def test_a_cache_file_others_may_write_is_not_run(tmp_path):
    cache = tmp_path / "cache"
    _render_in_fresh_process(cache, tmp_path / "first.html")
    (stored,) = _cache_files(cache)
    stored.chmod(0o666)  # anyone may write it: its code is not run
    _, compiled = _render_in_fresh_process(cache, tmp_path / "second.html")
    assert compiled > 20
    assert stored.stat().st_mode & 0o777 == 0o600  # written anew, the user's alone
    _, compiled = _render_in_fresh_process(cache, tmp_path / "third.html")
    assert compiled == 0


def test_templates_put_together_from_data_never_reach_the_file(tmp_path):
    child = (
        "import sys\nimport jinja2\nfrom tipmap.maps import templates\ntemplates.install()\n"
        "jinja2.Template('<b>{{ x }}</b> ' + sys.argv[1]).render(x=1)\n"  # text from data, at run time
        "jinja2.Template('<i>{{ y }}</i> written in code').render(y=2)\n"
        "print(templates.compiled())\n"
    )
    env = {**os.environ, "TIPMAP_CACHE_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", child, "Secret Shelter, Lashio"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    (stored,) = _cache_files(tmp_path)
    kept = stored.read_bytes()
    assert b"written in code" in kept
    assert b"Secret Shelter" not in kept and b"Lashio" not in kept


def test_the_cache_is_installed_when_folium_is_imported_and_not_before():
    """The hotspots page, static maps and field files do not pay for Jinja and branca: importing
    tipmap.maps (and the hotspots page) imports neither; importing folium installs the cache
    before folium compiles its templates."""
    child = (
        "import sys\nimport tipmap.maps, tipmap.maps.hexpage, tipmap.maps.static\n"
        "print('jinja2' in sys.modules, 'branca' in sys.modules)\n"
        "import folium, jinja2, branca.element\nfrom tipmap.maps import templates\n"
        "print(jinja2.Environment.compile is templates._compile, branca.element.Template is templates.template_for)\n"
    )
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False", "True", "True"]
