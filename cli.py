"""tipmap's command line: each command parses, calls one library function, reports.

Heavy libraries (geopandas, folium) are imported inside the commands so that
``tipmap --help`` starts fast.
"""

from __future__ import annotations

import atexit
import errno
import gc
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from tipmap.routes.errors import TipmapError, UsageProblem
from tipmap.routes.schema import EXPLOITATION, LAYERS

EXPORT_FORMATS = ("geojson", "gpkg", "kml", "gpx", "csv", "odk")

AUDIENCES = ("public", "internal", "confidential")
SENSITIVITIES = ("public", "restricted", "confidential")


class TipmapGroup(click.Group):
    """Reports every error as one line on stderr, without a traceback.

    Exit status 2 for bad usage (unknown option value, filter or output path), 1 for bad
    data; never a partial output file (the library writes atomically).
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UsageProblem as err:
            raise click.UsageError(str(err), ctx=ctx) from None
        except TipmapError as err:
            raise click.ClickException(str(err)) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:  # `tipmap export -o - | head`: the reader has all it wanted
            _quiet_stdout()
            raise click.exceptions.Exit(0) from None
        except OSError as err:  # disk full, permission, a directory in the way: the user's to fix
            raise _os_problem(err, ctx) from None
        except Exception as err:  # a bug, not bad input: still one line unless asked for the traceback
            if os.environ.get("TIPMAP_DEBUG"):
                raise
            raise click.ClickException(
                f"unexpected {type(err).__name__}: {err} (a tipmap bug; set TIPMAP_DEBUG=1 for the traceback and report it)"
            ) from None

    def main(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs["standalone_mode"] = False
        # the collector's last pass over every object when Python exits (~0.1 s after a render)
        # is skipped: the process is ending and the OS frees its memory (issue #18)
        atexit.unregister(gc.freeze)
        atexit.register(gc.freeze)
        try:
            return super().main(*args, **kwargs)
        except click.exceptions.Exit as done:
            sys.exit(done.exit_code)
        except click.ClickException as err:
            if type(err).__name__ == "NoArgsIsHelpError":  # bare `tipmap`: show the help
                click.echo(err.format_message())
                sys.exit(0)
            click.echo(f"Error: {err.format_message()}", err=True)
            sys.exit(err.exit_code)
        except click.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(130)
        except BrokenPipeError:
            _quiet_stdout()
            sys.exit(0)


#: OS conditions about a path the user named: usage errors (exit 2); others (disk full) exit 1.
_USAGE_ERRNOS = {errno.EACCES, errno.EPERM, errno.EISDIR, errno.ENOTDIR, errno.ENOENT, errno.EROFS, errno.EEXIST, errno.ENXIO}


def _os_problem(err: OSError, ctx: click.Context) -> click.ClickException:
    where = err.filename or "output"
    message = f"{where}: {err.strerror or err}"
    if err.errno in _USAGE_ERRNOS:
        return click.UsageError(message, ctx=ctx)
    return click.ClickException(message)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so Python's exit flush does not raise again on the closed pipe."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _country(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    from tipmap.routes.tables import country_codes

    codes = tuple(v.strip().upper() for v in values)
    for code in codes:
        if code not in country_codes():
            raise click.BadParameter(f"'{code}' is not an ISO 3166-1 alpha-2 country code (e.g. CN, MM, VN)", ctx, param)
    return codes


def _bbox(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[float, ...] | None:
    if value is None:
        return None
    try:
        box = tuple(float(v) for v in value.split(","))
    except ValueError:
        box = ()
    if len(box) != 4:
        raise click.BadParameter(f"'{value}' is not four numbers W,S,E,N (longitude/latitude, e.g. 95,18,115,27)", ctx, param)
    return box


# The option registry (rasterio's rio/options.py is the model): every shared option is
# defined once here, and commands pick them by name.
OPTIONS: dict[str, Callable[[Callable[..., Any]], Callable[..., Any]]] = {
    "corridor": click.option("--corridor", "corridors", multiple=True, metavar="ID", help="Only this corridor (repeatable)."),
    "country": click.option(
        "--country",
        "countries",
        multiple=True,
        metavar="CC",
        callback=_country,
        help="Only records touching this ISO country code (repeatable).",
    ),
    "exploitation": click.option(
        "--exploitation", multiple=True, type=click.Choice(EXPLOITATION), help="Only this exploitation type (repeatable)."
    ),
    "since": click.option("--since", type=int, metavar="YEAR", help="Only records whose period reaches this year or later."),
    "until": click.option("--until", type=int, metavar="YEAR", help="Only records whose period starts by this year."),
    "bbox": click.option(
        "--bbox",
        callback=_bbox,
        metavar="W,S,E,N",
        help="Only records intersecting this box (min lon, min lat, max lon, max lat).",
    ),
    "audience": click.option(
        "--audience",
        type=click.Choice(AUDIENCES),
        default="public",
        show_default=True,
        help="Who the output is for: public hides confidential records and generalises restricted ones.",
    ),
    "team_audience": click.option(
        "--audience",
        type=click.Choice(AUDIENCES),
        default="internal",
        show_default=True,
        help="Who the plan is for (stamped on every page and file); public hides confidential records and "
        "generalises restricted ones.",
    ),
    "atlas": click.option(
        "--atlas",
        "data_dir",
        type=click.Path(file_okay=False),
        metavar="DIR",
        help="An atlas directory to use instead of the curated atlas.",
    ),
    "data": click.option(
        "--data",
        "data_files",
        multiple=True,
        type=click.Path(dir_okay=True),
        metavar="FILE",
        help="Your own data beside the atlas (repeatable): points (CSV/TSV/Excel with lat/lon, GeoJSON, GPKG, KML, "
        "GPX, (Geo)Parquet) as hexagons, case tables as country-to-country flows, a drafts directory as drafts.",
    ),
    "data_sensitivity": click.option(
        "--data-sensitivity",
        type=click.Choice(SENSITIVITIES),
        default="restricted",
        show_default=True,
        help="Sensitivity of --data (restricted: public outputs show it only in coarse cells).",
    ),
    "extent": click.option(
        "--extent",
        callback=_bbox,
        metavar="W,S,E,N",
        help="Open on this box (min lon, min lat, max lon, max lat) instead of the selection's frame; filters nothing.",
    ),
    "min_count": click.option(
        "--min-count",
        type=int,
        default=5,
        show_default=True,
        help="Public outputs hide counts (cells, flows, breakdowns) below this and round the rest down to --count-base.",
    ),
    "count_base": click.option(
        "--count-base", type=int, default=5, show_default=True, help="Public outputs round counts down to a multiple of this."
    ),
    "flow_from": click.option(
        "--from", "flow_from", metavar="COLUMN", help="Case tables in --data: the origin column (country or region)."
    ),
    "flow_to": click.option(
        "--to", "flow_to", metavar="COLUMN", help="Case tables in --data: the destination column (country or region)."
    ),
    "flow_count": click.option("--count", "flow_count", metavar="COLUMN", help="Case tables: cases per row (pre-aggregated)."),
    "flow_year": click.option("--year", "flow_year", metavar="COLUMN", help="Case tables: the year column (--since/--until)."),
    "flow_type": click.option("--type", "flow_type", metavar="COLUMN", help="Case tables: the exploitation type column."),
    "no_atlas": click.option("--no-atlas", is_flag=True, help="Draw --data alone, without the atlas's records."),
    "flow_table": click.option(
        "--table", "flow_table", metavar="FILE", help="Also write the case flows as CSV (every case accounted for)."
    ),
    "force": click.option("--force", is_flag=True, help="Replace output files that already exist."),
    "title": click.option("--title", default=None, help="Title shown on the output."),
}
FILTERS = ("corridor", "country", "exploitation", "since", "until", "bbox")
#: How case tables in --data are read, for the commands that draw or write flows.
FLOWS = ("flow_from", "flow_to", "flow_count", "flow_year", "flow_type", "no_atlas", "flow_table")
#: What every command that draws or writes records takes.
RECORDS = (*FILTERS, "audience", "atlas", "data", "data_sensitivity", "min_count", "count_base")


def options(*names: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a command with the registry's options ``names``, in that order."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        for name in reversed(names):
            func = OPTIONS[name](func)
        return func

    return decorate


def _selection(kwargs: dict[str, Any]) -> Any:
    from tipmap.routes.selection import Selection

    return Selection(
        corridors=kwargs.pop("corridors", ()),
        countries=kwargs.pop("countries", ()),
        exploitation=kwargs.pop("exploitation", ()),
        since=kwargs.pop("since", None),
        until=kwargs.pop("until", None),
        bbox=kwargs.pop("bbox", None),
        audience=kwargs.pop("audience", "public"),
    )


def _atlas_result(kwargs: dict[str, Any], **extra: Any) -> Any:
    """Run the atlas job with the shared record options (and the case-table columns) in ``kwargs``."""
    from tipmap.routes.jobs import atlas_job

    if "flow_from" in kwargs:
        names = ("flow_from", "flow_to", "flow_count", "flow_year", "flow_type")
        columns = tuple(kwargs.pop(n) for n in names)
        if (columns[0] is None) != (columns[1] is None):
            raise click.UsageError("--from and --to go together")
        if any(c is not None for c in columns):  # else the case-table reader is not even imported (~35 ms)
            from tipmap.routes.flows import FlowColumns

            extra["flow_columns"] = FlowColumns(*columns)
        extra["no_atlas"] = kwargs.pop("no_atlas")
    return atlas_job(
        _selection(kwargs),
        data_dir=kwargs.pop("data_dir"),
        data=kwargs.pop("data_files"),
        data_sensitivity=kwargs.pop("data_sensitivity"),
        min_count=kwargs.pop("min_count"),
        count_base=kwargs.pop("count_base"),
        **extra,
    )


def _framed(result: Any, extent: tuple[float, ...] | None) -> Any:
    """The job's result opening on ``--extent`` when given; else say what its frame leaves out."""
    from dataclasses import replace

    if extent is not None:
        return replace(result, view=extent)
    if result.view is not None and not result.selection.bbox:
        from tipmap.routes.framing import frame_of

        frame = frame_of(result.atlas, result.layers)
        if frame is not None and frame.outliers:
            far = ", ".join(f"{lat:.1f},{lon:.1f}" for lon, lat in frame.outliers[:3])
            click.echo(
                f"note: framed on the bulk of the selection; {len(frame.outliers)} far place(s) lie outside "
                f"(lat,lon {far}); --extent W,S,E,N to choose the frame",
                err=True,
            )
    return result


def _flows_table(kwargs: dict[str, Any], force: bool) -> str | None:
    """--table FILE, checked before the work."""
    table = kwargs.pop("flow_table", None)
    if table:
        from tipmap.routes.output import check_writable

        check_writable(table, force=force)
    return table


def _write_flows_table(result: Any, table: str | None, force: bool) -> None:
    if table:
        from tipmap.maps.imported import write_flows_table
        from tipmap.routes.output import write_atomically

        flows = [layer.data for layer in result.layers if layer.kind == "flows"]
        write_atomically(table, lambda tmp: write_flows_table(flows, tmp), force=force)


def _report(result: Any) -> None:
    """What was read, left out and withheld, on stderr."""
    for report in result.reports:
        click.echo(report.describe(), err=True)
    click.echo(result.atlas.redaction.describe(), err=True)


@click.group(cls=TipmapGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tipmap")
def main() -> None:
    """Map human-trafficking routes from published reports.

    \b
    Example:
      tipmap render -o atlas.html
    """


@main.command()
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="HTML file to write.")
@click.option("--title", default="tipmap: trafficking routes", show_default=True, help="Title shown on the map.")
@click.option(
    "--offline", is_flag=True, help="One self-contained file: Leaflet inlined, bundled basemap, no network when opened."
)
@options(*RECORDS, *FLOWS, "extent", "force")
def render(output: str, title: str, offline: bool, force: bool, **kwargs: Any) -> None:
    """Draw the atlas as one interactive HTML map.

    \b
    Examples:
      tipmap render -o atlas.html
      tipmap render -o mekong.html --country VN --country MM --exploitation forced_marriage
      tipmap render -o history.html --until 1900 --title "Tonkin to China, from 1875"
      tipmap render -o field.html --offline --country MN
      tipmap render -o cases.html --data ctdc.csv
      tipmap render -o flows.html --data t.csv --from Origin --to Destination --no-atlas --table flows.csv
    """
    from tipmap.maps.interactive import write_html
    from tipmap.routes.output import output_format

    output_format("render", output, force=force)
    table = _flows_table(kwargs, force)
    result = _framed(_atlas_result(kwargs), kwargs.pop("extent"))
    write_html(result, output, title=title, offline=offline, force=force)
    _write_flows_table(result, table, force)
    atlas = result.atlas
    click.echo(
        f"{output}: {len(atlas.corridors)} corridors, {len(atlas.hotspots)} hotspots, "
        f"{len(atlas.support)} support points, {len(atlas.sources)} sources",
        err=True,
    )
    _report(result)


@main.command()
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False), help="PNG, SVG or PDF file (format from the suffix)."
)
@click.option(
    "--size",
    default="slide",
    show_default=True,
    metavar="PRESET|WxH",
    help="slide (16:9, 12.8x7.2 in: 1920x1080 px at 150 dpi), a4 (landscape), square, or WIDTHxHEIGHT in pixels.",
)
@click.option("--dpi", type=int, default=150, show_default=True, help="Dots per inch (50-1200).")
@click.option("--title", default="Trafficking routes", show_default=True)
@click.option("--subtitle", default=None)
@click.option("--labels/--no-labels", default=True, show_default=True, help="Label key places and hotspots.")
@click.option(
    "--label-lang",
    type=click.Choice(("en", "local", "both")),
    default="en",
    show_default=True,
    help="Label language: English, local script, or both (scripts matplotlib cannot shape fall back to English).",
)
@options(*RECORDS, *FLOWS, "extent", "force")
def plot(
    output: str, size: str, dpi: int, title: str, subtitle: str | None, labels: bool, label_lang: str, force: bool, **kwargs: Any
) -> None:
    """Draw a static map for a slide or print: PNG, SVG or PDF, offline.

    \b
    Examples:
      tipmap plot -o atlas.png
      tipmap plot -o mekong.pdf --country MM --country VN --label-lang both --title "Mekong corridors"
      tipmap plot -o gobi.svg --corridor cn-mn-erenhot-gobi --size a4 --dpi 300
    """
    # numpy's OpenBLAS starts a thread per core at import, which spin for ~0.1 s of CPU; a plot
    # does no linear algebra (a user's own setting is kept)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from tipmap.maps.static import parse_size, write_static
    from tipmap.routes.output import output_format

    output_format("plot", output, force=force)
    parse_size(size, dpi)  # bad sizes fail before the work
    table = _flows_table(kwargs, force)
    atlas_drawn = not kwargs.get("no_atlas")
    result = _framed(_atlas_result(kwargs), kwargs.pop("extent"))
    _write_flows_table(result, table, force)
    report = write_static(
        result, output, title=title, subtitle=subtitle, size=size, dpi=dpi, labels=labels, label_lang=label_lang, force=force,
        atlas_drawn=atlas_drawn,
    )  # fmt: skip
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(
        f"{output}: {report.corridors} corridors, {report.hotspots} hotspots, {report.support} support points; "
        f"{len(report.labels)} labels ({len(report.dropped_labels)} left out to avoid overlaps)",
        err=True,
    )
    _report(result)


@main.command()
@click.option("--near", multiple=True, metavar="PLACE", help="Base: an atlas place, a GeoNames town, or LAT,LON (repeatable).")
@click.option("--bases", type=click.Path(dir_okay=False), metavar="FILE", help="Bases from a file (name, lat, lon).")
@click.option("--radius", metavar="DIST", help="With --near: e.g. 50km, 800m, 30mi.")
@click.option("--along", metavar="CORRIDOR", help="A corridor id: sites along it.")
@click.option("--buffer", metavar="DIST", help="With --along (default 25km).")
@click.option("--near-country", metavar="CC", help="Country of --near when the name is ambiguous.")
@click.option("--no-atlas", is_flag=True, help="Plan on your own sites (--data) only, without the atlas's.")
@click.option("--online", is_flag=True, help="Web tiles under the map (default: the offline basemap, no network).")
@click.option("--paper", type=click.Choice(("a4", "letter")), default="a4", show_default=True, help="Page size of the PDF.")
@click.option(
    "-o",
    "--output",
    "directory",
    required=True,
    type=click.Path(file_okay=False),
    help="Directory for the plan: CSV, Markdown, PDF, HTML map, GPX, KML, GeoPackage and ODK site list.",
)
@options("title", *FILTERS, "team_audience", "atlas", "data", "data_sensitivity", "force")
def outreach(
    directory: str,
    near: tuple[str, ...],
    bases: str | None,
    radius: str | None,
    along: str | None,
    buffer: str | None,
    near_country: str | None,
    no_atlas: bool,
    online: bool,
    paper: str,
    title: str | None,
    force: bool,
    **kwargs: Any,
) -> None:
    """Plan outreach: your own sites, hotspots and support points near a base or along a corridor.

    Sites are ranked by intensity (your sites by their priority column), then distance
    (geodesic); the visiting order is a round trip from the base (nearest neighbour,
    improved by 2-opt). Several bases (--near repeated, or --bases FILE) give one plan per
    base, in a folder each, every site in the plan of its nearest base. The plan is for
    the team (--audience internal) unless told otherwise. Writes a CSV, a printable list,
    a PDF (map and table), an HTML map that works offline on a phone, and GPX, KML,
    GeoPackage and ODK site lists.

    \b
    Examples:
      tipmap outreach --near Ruili --radius 50km -o ruili/ --data our-sites.csv
      tipmap outreach --near Ruili --near Muse --radius 30km -o plans/ --data sites.csv --no-atlas
      tipmap outreach --along vn-cn-mong-cai-dongxing --buffer 25km -o mongcai/
      tipmap outreach --near Hanoi --radius 100km -o public/ --audience public --online
    """
    from tipmap.maps.outreach import write_outreach
    from tipmap.maps.outreach_files import to_text
    from tipmap.routes.jobs import outreach_job

    result = outreach_job(
        near=near,
        radius=radius,
        along=along,
        buffer=buffer,
        near_country=near_country,
        selection=_selection(kwargs),
        data_dir=kwargs["data_dir"],
        data=kwargs["data_files"],
        data_sensitivity=kwargs["data_sensitivity"],
        title=title,
        bases=bases,
        with_atlas=not no_atlas,
    )
    written = write_outreach(result, directory, force=force, offline=not online, paper=paper)
    for plan in result.plans or (result.plan,):
        click.echo(to_text(plan), nl=False)
    for report in result.reports:  # the team's files: rows used, and every row not used and why
        click.echo(report.describe(), err=True)
    click.echo(f"wrote {len(written)} files in {directory}", err=True)
    click.echo(result.plan.withheld, err=True)


@main.command()
@click.option(
    "-f",
    "--format",
    "fmt",
    required=True,
    type=click.Choice(EXPORT_FORMATS),
    help="geojson (RFC 7946), gpkg (one layer per atlas layer), kml (folders and styles), gpx (waypoints and "
    "routes), csv (lat/lon for points, WKT for lines), odk (site list: .csv or .geojson).",
)
@click.option("-o", "--output", required=True, metavar="FILE", help="File to write, or - for GeoJSON on stdout.")
@options(*RECORDS, *FLOWS, "force")
def export(fmt: str, output: str, force: bool, **kwargs: Any) -> None:
    """Export the atlas for phones, GPS units, QGIS/QField and ODK/KoboToolbox.

    \b
    Examples:
      tipmap export -f kml -o atlas.kml
      tipmap export -f gpx -o mekong.gpx --country VN --country MM
      tipmap export -f odk -o sites.csv --country MN
      tipmap export -f geojson -o - | jq '.features | length'
    """
    from tipmap.maps.fieldfiles import check_export, export_atlas

    check_export(fmt, output, force=force)
    table = _flows_table(kwargs, force)
    result = _atlas_result(kwargs)
    _write_flows_table(result, table, force)
    counts = export_atlas(result, fmt, output, force=force)
    summary = ", ".join(f"{n} {layer}" for layer, n in counts.items())
    click.echo(f"{'stdout' if output == '-' else output}: {summary}", err=True)
    _report(result)


@main.command()
@click.argument("source", metavar="INPUT")
@click.option("-o", "--output", required=True, metavar="FILE", help="map.html, or cells.gpkg / .geojson / .parquet.")
@click.option("--resolution", type=int, default=None, help="H3 resolution 0-11 (default: chosen from the extent).")
@click.option("--weight", default=None, metavar="COLUMN", help="Sum this column instead of counting points.")
@click.option("--by", default=None, metavar="COLUMN", help="One layer per value of this column (e.g. exploitation type).")
@click.option("--lat", default=None, metavar="COLUMN", help="Latitude column (default: detected).")
@click.option("--lon", default=None, metavar="COLUMN", help="Longitude column (default: detected).")
@click.option("--place", default=None, metavar="COLUMN", help="Place-name column, resolved with the offline gazetteer.")
@click.option(
    "--crs", default=None, help="CRS of CSV coordinates (e.g. EPSG:32647); files that name theirs are read as they say."
)
@click.option("--classes", type=click.Choice(("quantiles", "natural")), default="quantiles", show_default=True)
@click.option(
    "--engine",
    type=click.Choice(("pandas", "dask")),
    default="pandas",
    show_default=True,
    help="dask: INPUT may be a directory or glob of CSV/Parquet partitions.",
)
@click.option(
    "--scheduler", default=None, metavar="ADDRESS", help="With --engine dask: a dask scheduler (default: a local cluster)."
)
@click.option("--strict", is_flag=True, help="Any unusable row is an error (default: counted and reported).")
@options("title", *RECORDS, "force")
def hotspots(
    source: str,
    output: str,
    resolution: int | None,
    weight: str | None,
    by: str | None,
    lat: str | None,
    lon: str | None,
    place: str | None,
    crs: str | None,
    classes: str,
    engine: str,
    scheduler: str | None,
    strict: bool,
    title: str | None,
    force: bool,
    **kwargs: Any,
) -> None:
    """Aggregate incident points into H3 hexagons: a map over the atlas, or the cells as a file.

    INPUT's sensitivity is --data-sensitivity (restricted unless you say otherwise); --data
    adds more point files of the same shape.

    \b
    Examples:
      tipmap hotspots incidents.csv -o hotspots.html
      tipmap hotspots incidents.csv -o hotspots.html --by exploitation --weight victims
      tipmap hotspots incidents.csv -o cells.gpkg --resolution 6 --data-sensitivity public
      tipmap hotspots 'parts/*.parquet' -o map.html --engine dask
    """
    from tipmap.routes.hotjob import hotspots_job
    from tipmap.routes.output import output_format
    from tipmap.routes.pointspec import PointColumns, estimated_rows
    from tipmap.routes.preload import preload

    preload("tipmap.maps.hexmap", "tipmap.maps.hexpage")  # the writer, imported while the points are read

    fmt = output_format("hotspots", output, force=force)
    if engine == "dask" and kwargs["data_files"]:
        raise click.UsageError("--engine dask reads INPUT only (a directory or glob of partitions); drop --data")
    expected = estimated_rows(source) if engine != "dask" else 0
    bar = click.progressbar(length=max(expected, 1), label="points", file=sys.stderr) if expected > 100_000 else None
    try:
        result = hotspots_job(
            source,
            more=kwargs["data_files"],
            columns=PointColumns(lat=lat, lon=lon, place=place, crs=crs, weight=weight, by=by),
            resolution=resolution,
            engine=engine,
            scheduler=scheduler,
            strict=strict,
            sensitivity=kwargs["data_sensitivity"],
            selection=_selection(kwargs),
            data_dir=kwargs["data_dir"],
            scheme=classes,
            with_atlas=fmt == "html",
            min_count=kwargs["min_count"],
            count_base=kwargs["count_base"],
            progress=(lambda n: bar.update(min(n, max(bar.length - bar.pos, 0)))) if bar else None,
        )
    finally:
        if bar is not None:
            bar.render_finish()
    from tipmap.maps.hexmap import write_hotspots

    write_hotspots(result, output, title=title or f"Hotspots: {Path(source).name}", weighted=weight is not None, force=force)
    for report in result.reports:
        click.echo(report.describe(), err=True)
    binning = result.binning
    if binning.capped:
        click.echo(binning.capped, err=True)
    click.echo(
        f"{output}: {len(binning.cells):,} cells at H3 resolution {binning.resolution} from {binning.points:,} points", err=True
    )


@main.command("list")
@click.argument("layer", type=click.Choice(LAYERS), default="corridors")
@click.option("--format", "fmt", type=click.Choice(("table", "csv", "json")), default="table", show_default=True)
@options(*FILTERS, "audience", "atlas")
def list_(layer: str, fmt: str, **kwargs: Any) -> None:
    """List atlas records: corridors, hotspots, places, support or sources.

    CSV and JSON carry every column and the geometry: lon/lat for points, WKT (CSV) or
    GeoJSON (JSON) for corridor lines.

    \b
    Examples:
      tipmap list
      tipmap list hotspots --country MN
      tipmap list corridors --format json > corridors.json
    """
    from tipmap.routes import listing
    from tipmap.routes.jobs import atlas_job

    atlas = atlas_job(_selection(kwargs), data_dir=kwargs["data_dir"], allow_empty=True).atlas
    records = listing.rows(atlas, layer, geometry="geojson" if fmt == "json" else "wkt")
    text = {"csv": listing.to_csv, "json": listing.to_json}.get(fmt)
    sys.stdout.write(text(records) if text else listing.to_table(records, layer))


@main.command()
@click.argument("path", type=click.Path(exists=True, file_okay=False))
@click.option(
    "--provenance", is_flag=True, help="Also check every claim (years, volumes, places, types, direction) against its quotes."
)
def validate(path: str, provenance: bool = False) -> None:
    """Check an atlas directory (the CSV files of the atlas format).

    Every problem is printed on its own line naming file, row and field; the exit
    status is 1 when there is any.

    \b
    Example:
      tipmap validate my-atlas/
      tipmap validate --provenance my-atlas/
    """
    from tipmap.routes.atlas import load_atlas
    from tipmap.routes.errors import AtlasDataError

    try:
        atlas = load_atlas(path)
    except AtlasDataError as err:
        for problem in err.problems:
            click.echo(f"{path}/{problem}", err=True)
        raise click.ClickException(f"{path}: {len(err.problems)} problem{'s' if len(err.problems) != 1 else ''}") from None
    if provenance:
        from tipmap.routes.provenance import check_provenance

        unsupported = check_provenance(path)
        for problem in unsupported:
            click.echo(f"{path}/{problem}", err=True)
        if unsupported:
            n = len(unsupported)
            raise click.ClickException(f"{path}: {n} unsupported claim{'s' if n != 1 else ''}")
    drafts = sum(int((frame.get("status") == "draft").sum()) for frame in (atlas.corridors, atlas.hotspots) if "status" in frame)
    click.echo(
        f"{path}: valid ({len(atlas.corridors)} corridors, {len(atlas.hotspots)} hotspots, "
        f"{len(atlas.places)} places, {len(atlas.support)} support points, {len(atlas.sources)} sources"
        + (f"; {drafts} drafts to review)" if drafts else ")")
        + ("; every claim is in its quotes" if provenance else "")
    )


@main.command()
@click.argument("reports", nargs=-1, required=True, type=click.Path(dir_okay=True))
@click.option("-o", "--output", required=True, type=click.Path(), metavar="DIR", help="Directory for the drafts.")
@click.option("--title", default=None, help="Title of the report(s) (default: the first line of each).")
@click.option("--encoding", default=None, help="Text encoding of the reports when not UTF-8 (e.g. cp1252, gb18030).")
@click.option("--map/--no-map", "draw_map", default=True, help="Write drafts.html, the map of the drafts (default: yes).")
@click.option("--offline", is_flag=True, help="Draw drafts.html without web tiles (an offline basemap).")
@options("atlas", "force")
def extract(
    reports: tuple[str, ...],
    output: str,
    title: str | None,
    encoding: str | None,
    data_dir: str | None,
    force: bool,
    draw_map: bool = True,
    offline: bool = False,
) -> None:
    """Propose draft corridors and hotspots from report text, each with its quote.

    Reads plain text, Markdown or HTML. Places come from the atlas, then the offline
    gazetteer (GeoNames); movement ("trafficked from X to Y", "into", "across the border")
    gives corridors, sites ("casinos", "brick kilns") give hotspots. Writes a drafts
    directory in the atlas format (status draft, score, reason), review.md and drafts.html.

    \b
    Examples:
      tipmap extract tip-report-2026.txt -o drafts/
      tipmap validate drafts/
      tipmap render --data drafts/ -o with-drafts.html
    """
    from tipmap.maps.review import write_drafts_directory
    from tipmap.routes.extractjob import extract_job  # not routes.jobs: no geopandas without a map
    from tipmap.routes.output import check_directory

    out = check_directory(output, force=force)  # before the work, not only after it
    job = extract_job(list(reports), data_dir=data_dir, encoding=encoding, title=title, label=out.name, draw_map=draw_map)
    write_drafts_directory(job, out, force=force, offline=offline)
    result = job.extraction
    corridors = sum(d.layer == "corridors" for d in result.drafts)
    for report, readings in result.reports:
        click.echo(f"{report.document}: {len(readings)} sentences; title: {report.title}", err=True)
    click.echo(
        f"{out}: {corridors} draft corridors, {len(result.drafts) - corridors} draft hotspots; review {out / 'review.md'}",
        err=True,
    )


@main.command()
@click.argument("drafts", type=click.Path(exists=True, file_okay=False))
@click.option("--accept", multiple=True, metavar="ID", help="A draft id to accept (repeat; ids are in review.md).")
@click.option("--reject", multiple=True, metavar="ID", help="A draft id to reject (repeat).")
@click.option("--atlas", "atlas_dir", required=True, type=click.Path(file_okay=False), metavar="DIR",
              help="The atlas directory accepted drafts go into (created when absent).")  # fmt: skip
def review(drafts: str, accept: tuple[str, ...], reject: tuple[str, ...], atlas_dir: str) -> None:
    """Accept or reject drafts from tipmap extract; accepted ones move into an atlas directory.

    Accepted drafts get new ids (without the d- prefix) and bring their places, sources and
    quotes; the atlas is checked before it is written. Accepted and rejected drafts leave
    the drafts directory.

    \b
    Example:
      tipmap review drafts/ --accept d-la-th --reject d-cn-mo-casino --atlas my-atlas/
      tipmap render --atlas my-atlas/ -o my-atlas.html
    """
    from tipmap.routes.review import review_drafts

    result = review_drafts(drafts, accept=accept, reject=reject, atlas=atlas_dir)
    for old, new in result.accepted.items():
        click.echo(f"accepted {old} -> {result.atlas}/{new}", err=True)
    counts = f"{len(result.accepted)} accepted, {len(result.rejected)} rejected, {result.left} drafts left in {drafts}"
    click.echo(f"{result.atlas}: {counts}", err=True)
    for problem in result.problems:  # the provenance check on the accepted records
        click.echo(f"{result.atlas}/{problem}", err=True)
    if result.problems:
        n = len(result.problems)
        claims = f"{n} unsupported claim{'s' if n != 1 else ''}"
        raise click.ClickException(f"{result.atlas}: written, but {claims} to fix (provenance)")


if __name__ == "__main__":  # pragma: no cover
    main()
