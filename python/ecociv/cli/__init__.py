"""The ``ecociv`` command.

Every command works on the embedded default store (``$ECOCIV_STORE``, else
``$XDG_DATA_HOME/ecociv/store.redb``, else ``~/.local/share/ecociv/store.redb``) unless
``--store PATH`` names another. Exit codes:

- 0: success;
- 1: ``evaluate --check`` found a region-period that does not meet the programme;
- 2: bad input or usage: bad arguments, an unknown programme, region, period or task, a missing
  or invalid file — every problem is printed with its file, line (row) and field;
- 3: the store cannot be used (not an ecociv store, locked by another process, corrupt, newer);
- 70: internal failure (a bug: the traceback is printed; please report it);
- 130: interrupted.

>>> main(["programme", "show", "no-such-programme"])
2
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import traceback
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import ecociv
from ecociv import _display
from ecociv import _ecociv as _core
from ecociv.cli import _formats
from ecociv.cli._inputs import InputError, Problem, read_metrics, read_regions
from ecociv.cli._progress import Progress
from ecociv.exceptions import (
    EcocivError,
    EvaluationError,
    ExpressionError,
    IngestError,
    ProgrammeError,
    StoreError,
)
from ecociv.programme import Programme
from ecociv.store import REGION_LEVELS, TASK_STATES, Store

__all__ = [
    "EXIT_BAD_INPUT", "EXIT_CHECK_FAILED", "EXIT_INTERNAL", "EXIT_INTERRUPTED", "EXIT_OK",
    "EXIT_STORE", "main",
]

#: Success.
EXIT_OK = 0
#: ``evaluate --check``: some region-period does not meet the programme.
EXIT_CHECK_FAILED = 1
#: Bad input or usage (argparse uses 2 as well).
EXIT_BAD_INPUT = 2
#: The store cannot be used.
EXIT_STORE = 3
#: Internal failure (EX_SOFTWARE).
EXIT_INTERNAL = 70
#: Interrupted (Ctrl-C).
EXIT_INTERRUPTED = 130

#: The programme commands use when ``--programme`` is not given.
DEFAULT_PROGRAMME = "baoshan-2017"

_PERIOD = re.compile(r"^\d{4}(Q[1-4]|-(0[1-9]|1[0-2]))?$")
_STATES = TASK_STATES
_REPORTS = ("scorecard", "unit", "bulletin", "history")


# --- argument types: bad values become argparse usage errors (exit 2) ----------------------

def _period(text: str) -> str:
    if not _PERIOD.match(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a period (YYYY, YYYYQn or YYYY-MM)")
    return text


def _period_spec(text: str) -> tuple[str, str]:
    lo, sep, hi = text.partition("..")
    first = _period(lo)
    last = _period(hi) if sep else first
    if len(first) != len(last) or last < first:
        raise argparse.ArgumentTypeError(f"{text!r} is not a period range (e.g. 2015..2017)")
    return first, last


def _date(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _instant(text: str) -> str:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date or time (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[+00:00])") from None
    return text


def _key_value(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"{text!r} is not KEY=VALUE")
    return key, value


# --- the parser ----------------------------------------------------------------------------

def _parser() -> argparse.ArgumentParser:
    store = argparse.ArgumentParser(add_help=False)
    store.add_argument("--store", metavar="PATH", type=Path,
                       help="store file (default: $ECOCIV_STORE or the embedded default store)")
    programme_opt = argparse.ArgumentParser(add_help=False)
    programme_opt.add_argument("--programme", "-p", metavar="ID|FILE", default=DEFAULT_PROGRAMME,
                               help="a built-in programme id or a programme file (default: %(default)s)")
    output = argparse.ArgumentParser(add_help=False)
    output.add_argument("--output", "-o", metavar="PATH", type=Path,
                        help="write to this file instead of standard output")

    parser = argparse.ArgumentParser(
        prog="ecociv",
        description="Indicator programmes, regional series and their evaluation.",
        epilog="Exit codes: 0 ok, 1 evaluate --check found failures, 2 bad input or usage, "
               "3 store unusable, 70 internal error, 130 interrupted. On a terminal, import "
               "shows a progress bar on stderr (bytes of the file read, then the checking and "
               "writing, which has no fraction); evaluations show a spinner and the elapsed time "
               "(an evaluation reports no fraction done). ECOCIV_NO_PROGRESS=1 turns both off.",
    )
    parser.add_argument("--version", action="version", version=f"ecociv {_core.__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser(
        "demo", parents=[store],
        help="the main job: load the Baoshan demo into a store, evaluate, report")
    demo.add_argument("--html", metavar="PATH", default="ecociv-demo-report.html",
                      help="where to write the HTML report (default: %(default)s)")

    programme = commands.add_parser("programme", help="show, list, check or export programmes")
    actions = programme.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = actions.add_parser("show", help="print a programme's indicator table")
    source = show.add_mutually_exclusive_group(required=True)
    source.add_argument("id", nargs="?", help="a built-in programme id (or a file), e.g. baoshan-2017")
    source.add_argument("--file", metavar="PATH", help="a programme file (TOML)")
    actions.add_parser("list", help="list the built-in programmes")
    check = actions.add_parser("check", help="load programme files and print every problem")
    check.add_argument("files", nargs="+", metavar="FILE", type=Path)
    export = actions.add_parser("export", parents=[output], help="write a programme as TOML")
    export.add_argument("programme", metavar="ID|FILE")
    register = actions.add_parser("register", parents=[store],
                                  help="register a programme's regions and metrics in the store")
    register.add_argument("programme", metavar="ID|FILE")

    regions = commands.add_parser("regions", help="the store's regions")
    ractions = regions.add_subparsers(dest="action", required=True, metavar="ACTION")
    rimport = ractions.add_parser("import", parents=[store],
                                  help="add regions from a CSV file: code,name,level,parent,+attributes")
    rimport.add_argument("file", type=Path, metavar="FILE")
    ractions.add_parser("list", parents=[store], help="list the store's regions")

    metrics = commands.add_parser("metrics", help="the store's metrics")
    mactions = metrics.add_subparsers(dest="action", required=True, metavar="ACTION")
    mimport = mactions.add_parser(
        "import", parents=[store],
        help="add metrics from a CSV file: code,name,unit,kind[,description,categories]")
    mimport.add_argument("file", type=Path, metavar="FILE")

    ingest = commands.add_parser(
        "import", parents=[store],
        help="ingest observations from a CSV file: region,metric,period,value[,unit,source,note]")
    ingest.add_argument("file", type=Path, metavar="FILE")
    ingest.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
    ingest.add_argument("--programme", "-p", metavar="ID|FILE",
                        help="register this programme's regions and metrics first")
    ingest.add_argument("--source", metavar="TEXT", help="the source of rows that name none")

    evaluate = commands.add_parser("evaluate", parents=[store, programme_opt, output],
                                   help="evaluate a programme on the store")
    evaluate.add_argument("--format", "-f", choices=_formats.FORMATS, default="table")
    evaluate.add_argument("--region", "-r", action="append", metavar="CODE",
                          help="only this region (repeatable)")
    evaluate.add_argument("--period", action="append", type=_period_spec, metavar="P[..P]",
                          help="only this period or range, e.g. 2017 or 2015..2017 (repeatable)")
    evaluate.add_argument("--unit", metavar="NAME", help="only items this unit leads or cooperates on")
    evaluate.add_argument("--attribute", action="append", type=_key_value, metavar="KEY=VALUE",
                          help="only regions with this attribute, e.g. terrain=mountain (repeatable)")
    evaluate.add_argument("--as-of", type=_instant, metavar="TIME",
                          help="the values as known at this date or time")
    evaluate.add_argument("--check", action="store_true",
                          help="exit 1 unless every region-period shown meets the programme")

    history = commands.add_parser("history", parents=[store],
                                  help="every vintage of one cell, with its source")
    history.add_argument("region")
    history.add_argument("metric")
    history.add_argument("period", type=_period)
    history.add_argument("--format", "-f", choices=("table", "json"), default="table")

    report = commands.add_parser("report", help="scorecard, unit, bulletin or history report")
    kinds = report.add_subparsers(dest="kind", required=True, metavar="KIND")
    common = [store, programme_opt, output]
    helps = {
        "scorecard": "a region's scorecard for a period (verdict, items, projections)",
        "unit": "a unit's accountability report",
        "bulletin": "the progress bulletin as of a date",
        "history": "items × periods for one region",
    }
    for kind in _REPORTS:
        k = kinds.add_parser(kind, parents=common, help=helps[kind])
        k.add_argument("--html", action="store_true", help="a self-contained HTML page instead of Markdown")
        k.add_argument("--periods", type=_period_spec, metavar="P..P",
                       help="evaluate only these periods, e.g. 2012..2020 (default: every stored one)")
        k.add_argument("--data-as-of", type=_instant, metavar="TIME",
                       help="evaluate the values as known at this date or time")
        if kind in ("scorecard", "history", "bulletin"):
            k.add_argument("--region", "-r", metavar="CODE", required=kind != "bulletin")
        if kind in ("scorecard", "bulletin"):
            k.add_argument("--period", type=_period, metavar="P")
        if kind == "unit":
            k.add_argument("--unit", required=True, metavar="NAME")
        if kind == "bulletin":
            k.add_argument("--as-of", type=_date, required=True, metavar="DATE")

    task = commands.add_parser("task", help="record or list task statuses")
    tactions = task.add_subparsers(dest="action", required=True, metavar="ACTION")
    tset = tactions.add_parser("set", parents=[store, programme_opt], help="record a task's status")
    tset.add_argument("task", metavar="CODE")
    tset.add_argument("state", choices=_STATES)
    tset.add_argument("--date", type=_date, metavar="DATE", help="the day it was done (required for done)")
    tset.add_argument("--evidence", metavar="TEXT", help="a document number, address or note")
    tlist = tactions.add_parser("list", parents=[store, programme_opt],
                                help="every task and how it stands")
    tlist.add_argument("--as-of", type=_date, metavar="DATE", help="default: today")
    return parser


# --- helpers -------------------------------------------------------------------------------

#: The kinds of StoreError that mean the request was refused (bad input, exit 2); every other
#: kind means the store itself cannot be used (exit 3).
_INPUT_KINDS = frozenset({
    "unknown_region", "unknown_metric", "unknown_parent", "metric_change", "bad_metric",
    "bad_request", "bad_input",
})


def _load_programme(spec: str) -> Programme:
    """A built-in id, or a file when `spec` names an existing file or ends in .toml."""
    if spec.endswith(".toml") or os.sep in spec or Path(spec).is_file():
        return Programme.from_file(spec)
    return Programme.builtin(spec)


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        print(text)
    else:
        output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        print(f"written to {output.resolve()}", file=sys.stderr)


def _store_path(args: argparse.Namespace) -> str | None:
    path: Path | None = getattr(args, "store", None)
    return os.fspath(path) if path is not None else None


def _open(args: argparse.Namespace) -> Store:
    """The store named by ``--store``, else the default store (created if absent)."""
    path = _store_path(args)
    return ecociv.open(path if path is not None else Store.default_path())


def _text(value: Any) -> str:
    return "" if value is None or value != value else str(value)


# --- commands ------------------------------------------------------------------------------

def _demo(args: argparse.Namespace) -> int:
    with Progress("loading and evaluating the Baoshan demo"):
        out = _core.run_demo(_store_path(args))
    print(f"store: {out['store']} ({out['rows']} demo observations loaded)\n")
    print(out["scorecard"])
    print(out["bulletin"])
    html = Path(args.html).resolve()
    html.write_text(out["html"], encoding="utf-8")
    print(f"HTML report written to {html}")
    return EXIT_OK


def _programme(args: argparse.Namespace) -> int:
    if args.action == "list":
        for programme_id in Programme.builtin_ids():
            print(programme_id)
        return EXIT_OK
    if args.action == "check":
        bad = 0
        for path in args.files:
            try:
                p = Programme.from_file(path)
            except (ProgrammeError, OSError) as error:
                bad += 1
                _report_error(error)
                continue
            print(f"{path}: ok — {p.id}, {len(p.indicators())} items")
        return EXIT_BAD_INPUT if bad else EXIT_OK
    if args.action == "export":
        _emit(_load_programme(args.programme).to_toml().rstrip("\n"), args.output)
        return EXIT_OK
    if args.action == "register":
        p = _load_programme(args.programme)
        with _open(args) as store:
            store.register_programme(p)
            counts = store.stats()
        print(f"{p.id}: regions and metrics registered; the store has {counts['regions']} regions, "
              f"{counts['metrics']} metrics")
        return EXIT_OK
    programme = (Programme.from_file(args.file) if args.file else _load_programme(args.id))
    print(_display.text_table(programme._inner.indicator_columns(), programme.categories,
                              f"{programme.title} ({programme.id})"))
    return EXIT_OK


def _regions(args: argparse.Namespace) -> int:
    import pandas as pd

    if args.action == "list":
        with _open(args) as store:
            regions = store.regions()
        for r in regions.to_dict("records"):
            attrs = " ".join(f"{k}={v}" for k, v in sorted(r["attributes"].items()))
            print("\t".join([r["code"], r["name"], r["level"], _text(r["parent"]), attrs]).rstrip())
        return EXIT_OK
    rows = read_regions(args.file, REGION_LEVELS)
    frame = pd.DataFrame(rows, columns=["code", "name", "level", "parent", "attributes"])
    with _open(args) as store:
        store.put_regions(frame)
    print(f"{len(rows)} region(s) imported from {args.file}")
    return EXIT_OK


def _metrics(args: argparse.Namespace) -> int:
    import pandas as pd

    rows = read_metrics(args.file)
    frame = pd.DataFrame(rows, columns=["code", "name", "unit", "kind", "categories", "description"])
    with _open(args) as store:
        store.put_metrics(frame)
    print(f"{len(rows)} metric(s) imported from {args.file}")
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    if not args.file.exists():  # before touching the store (a named pipe is fine)
        raise FileNotFoundError(2, "No such file", os.fspath(args.file))
    programme = _load_programme(args.programme) if args.programme else None
    with _open(args) as store:
        if programme is not None:
            store.register_programme(programme)
        after = "checking" if args.dry_run else "writing"
        with Progress(f"importing {args.file}", after=after) as bar:
            # the bar's callable only when it shows: at the end of the file the ingest waits
            # (up to 50 ms) until the callable has been told
            r = store.ingest_csv(args.file, dry_run=args.dry_run, source=args.source,
                                 progress=bar.update if bar.active else None)
    what = "would add" if r["dry_run"] else "added"
    print(f"{args.file}: {r['rows']} rows read; {what} {r['vintages_added']} vintages "
          f"({r['cells_added']} new cells); {r['unchanged']} unchanged"
          + (" — dry run, nothing written" if r["dry_run"] else ""))
    return EXIT_OK


def _in_periods(period: str, specs: Sequence[tuple[str, str]] | None) -> bool:
    return specs is None or any(len(lo) == len(period) and lo <= period <= hi for lo, hi in specs)


def _evaluate(args: argparse.Namespace) -> int:
    programme = _load_programme(args.programme)
    if args.period and len({len(lo) for lo, _ in args.period}) != 1:
        raise InputError("--period: mixed frequencies", [
            Problem("--period", None, "period", "give periods of one frequency", "bad_period")])
    with _open(args) as store:
        regions = args.region
        if args.attribute:
            wanted = dict(args.attribute)
            table = store.regions()
            matching = [code for code, attrs in zip(table["code"], table["attributes"], strict=True)
                        if all(attrs.get(k) == v for k, v in wanted.items())]
            regions = [r for r in (regions or matching) if r in matching]
            if not regions:
                raise InputError("--attribute: no region has "
                                 + ", ".join(f"{k}={v}" for k, v in args.attribute))
        with Progress(f"evaluating {programme.id}"):
            # every stored period is evaluated (projections need the history); --period filters
            evaluation = store.evaluate(programme, regions=regions, as_of=args.as_of)
            all_rows, all_verdicts = evaluation.display_rows(regions)
    rows = [r for r in all_rows if _in_periods(r["period"], args.period)]
    verdicts = [v for v in all_verdicts if _in_periods(v["period"], args.period)]
    if args.unit:
        rows = [r for r in rows if args.unit in r["lead"] or args.unit in r["cooperating"]]
    _emit(_formats.render(args.format, rows, verdicts, programme.title), args.output)
    if args.check and any(v["verdict"] != "meets" for v in verdicts):
        return EXIT_CHECK_FAILED
    return EXIT_OK


def _history(args: argparse.Namespace) -> int:
    with _open(args) as store:
        frame = store.history(args.region, args.metric, args.period)
        latest = store.latest(args.region, args.metric, args.period)
        source_notes = {(s["document"], s["publisher"], s["address"]): s["note"]
                        for s in store.sources()}
    vintages = [
        {
            "seq": int(v["seq"]),
            "value": None if v["withdrawn"] else float(v["value"]),
            "recorded_at": v["recorded_at"].isoformat(),
            "document": v["source"],
            "publisher": v["publisher"],
            "address": v["address"],
            "note": _text(v["note"]) or source_notes.get(
                (v["source"], v["publisher"], v["address"])) or None,
            "withdrawal": bool(v["withdrawn"]),
        }
        for v in frame.to_dict("records")
    ]
    current: float | None = None if latest is None else latest["value"]
    out = {"vintages": vintages, "latest": current}
    if args.format == "json":
        import json

        print(json.dumps(out, ensure_ascii=False, indent=1))
        return EXIT_OK
    print(f"{args.region} · {args.metric} · {args.period}: current value "
          f"{_formats.number(current)}")
    if not vintages:
        print("no vintages recorded")
        return EXIT_OK
    header = ("seq", "recorded at", "value", "source", "publisher", "address", "note")
    body = [
        (str(v["seq"]), v["recorded_at"],
         "withdrawn" if v["withdrawal"] else _formats.number(v["value"]),
         v["document"], v["publisher"], v["address"], v["note"] or "")
        for v in vintages
    ]
    widths = [max(_display.display_width(c) for c in col) for col in zip(header, *body, strict=True)]
    for line in [header, tuple("-" * w for w in widths), *body]:
        print("  ".join(c + " " * (w - _display.display_width(c))
                        for c, w in zip(line, widths, strict=True)).rstrip())
    return EXIT_OK


def _report(args: argparse.Namespace) -> int:
    programme = _load_programme(args.programme)
    with _open(args) as store, Progress(f"evaluating {programme.id}"):
        evaluation = store.evaluate(programme, periods=args.periods, as_of=args.data_as_of)
    render = evaluation.report_html if args.html else evaluation.report_markdown
    try:
        text = render(args.kind, region=getattr(args, "region", None),
                      period=getattr(args, "period", None), unit=getattr(args, "unit", None),
                      as_of=getattr(args, "as_of", None))
    except (KeyError, ValueError) as error:  # a region or period not evaluated, a bad option
        raise InputError(str(error.args[0]) if error.args else str(error)) from None
    _emit(text.rstrip("\n"), args.output)
    return EXIT_OK


def _task(args: argparse.Namespace) -> int:
    programme = _load_programme(args.programme)
    if args.action == "set":
        codes = programme.task_codes()
        if args.task not in codes:
            raise InputError(f"task: {args.task!r} is not a task of {programme.id}", [
                Problem("task", None, "CODE", f"one of {', '.join(codes)}", "unknown_task")])
        if args.state == "done" and not args.date:
            raise InputError("task set … done needs --date (the day it was done)")
        if args.state != "done" and args.date:
            raise InputError("--date is the day a task was done: give it with state done only")
        with _open(args) as store:
            store.record_task(programme, args.task, args.state, done_on=args.date,
                              evidence=args.evidence)
        print(f"{programme.id} {args.task}: {args.state}"
              + (f" on {args.date}" if args.date else "")
              + (f" ({args.evidence})" if args.evidence else ""))
        return EXIT_OK
    with _open(args) as store:
        tasks = store.tasks(programme, as_of=args.as_of)
    for t in tasks.to_dict("records"):
        state = _text(t["state"]) or "—"
        done = f" on {t['done_on']}" if _text(t["done_on"]) else ""
        evidence = f" [{t['evidence']}]" if _text(t["evidence"]) else ""
        print(f"{t['code']}\t{t['due']}\t{t['standing']}\t{state}{done}{evidence}\t"
              f"{'、'.join(t['lead'])}\t{t['text']}")
    return EXIT_OK


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "demo": _demo, "programme": _programme, "regions": _regions, "metrics": _metrics,
    "import": _import, "evaluate": _evaluate, "history": _history, "report": _report, "task": _task,
}


# --- errors --------------------------------------------------------------------------------

def _format_problem(problem: dict[str, object]) -> str:
    where = ":".join(
        str(problem[k]) for k in ("file", "line", "column") if problem.get(k) is not None
    )
    field = problem.get("field")
    head = f"{where}: " if where else ""
    head += f"{field}: " if field else ""
    return f"  {head}{problem.get('message')} [{problem.get('type')}]"


def _format_row(origin: str | None, problem: dict[str, object]) -> str:
    where = ":".join(str(x) for x in (origin, problem.get("row")) if x is not None)
    column = problem.get("column")
    value = problem.get("value")
    field = f"column {column}" + (f" = {value!r}" if value not in (None, "") else "") if column else ""
    head = ": ".join(x for x in (where, field) if x)
    return f"  {head}: {problem.get('message')} [{problem.get('type')}]"


def _report_error(error: BaseException, origin: str | None = None) -> None:
    """Prints the error to stderr: one headline, then each problem with its location."""
    lines = str(error).splitlines() or [type(error).__name__]
    if isinstance(error, InputError):
        print(f"ecociv: error: {lines[0]}", file=sys.stderr)
        for p in error.problems:
            print(f"  {p}", file=sys.stderr)
        return
    if isinstance(error, IngestError):
        print(f"ecociv: error: {lines[0]}", file=sys.stderr)
        for problem in error.errors():
            print(_format_row(origin, problem), file=sys.stderr)
        return
    problems = error.errors() if isinstance(error, ProgrammeError) else []
    if len(lines) == 1 and len(problems) == 1:
        print(f"ecociv: error: {lines[0]} [{problems[0].get('type')}]", file=sys.stderr)
        return
    print(f"ecociv: error: {lines[0]}", file=sys.stderr)
    if problems:
        for problem in problems:
            print(_format_problem(problem), file=sys.stderr)
    else:
        for line in lines[1:]:
            print(line, file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    origin = os.fspath(args.file) if isinstance(getattr(args, "file", None), Path) else None
    try:
        return _COMMANDS[args.command](args)
    except BrokenPipeError:  # pragma: no cover - e.g. `ecociv programme show x | head`
        return EXIT_OK
    except KeyboardInterrupt:  # pragma: no cover
        print("ecociv: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except StoreError as error:
        _report_error(error)
        return EXIT_BAD_INPUT if error.kind in _INPUT_KINDS else EXIT_STORE
    except (InputError, ProgrammeError, IngestError, ExpressionError, EvaluationError,
            OSError) as error:
        _report_error(error, origin)
        return EXIT_BAD_INPUT
    except EcocivError as error:  # e.g. a Rust panic caught at the boundary
        _report_error(error)
        traceback.print_exc(file=sys.stderr)
        return EXIT_INTERNAL
    except Exception as error:  # an internal failure: say so, with the traceback
        _report_error(error)
        traceback.print_exc(file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
