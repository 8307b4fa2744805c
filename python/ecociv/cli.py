"""The ``ecociv`` command.

Exit codes: 0 success, 2 bad input (unknown programme, invalid or missing file, bad
arguments), 1 internal failure. Errors go to stderr and name the file, line and field.

>>> main(["programme", "show", "no-such-programme"])
2
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from ecociv import _display
from ecociv._ecociv import __version__, run_demo
from ecociv.exceptions import EcocivError, ProgrammeError
from ecociv.programme import Programme

#: Exit status for bad input (argparse uses 2 as well).
EXIT_BAD_INPUT = 2
#: Exit status for an internal failure.
EXIT_INTERNAL = 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ecociv", description="Indicator programmes, regional series and their evaluation."
    )
    parser.add_argument("--version", action="version", version=f"ecociv {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    programme = commands.add_parser("programme", help="show or list indicator programmes")
    actions = programme.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = actions.add_parser("show", help="print a programme's indicator table")
    source = show.add_mutually_exclusive_group(required=True)
    source.add_argument("id", nargs="?", help="a built-in programme id, e.g. baoshan-2017")
    source.add_argument("--file", metavar="PATH", help="a programme file (TOML)")
    actions.add_parser("list", help="list the built-in programmes")

    demo = commands.add_parser(
        "demo", help="the main job: load the Baoshan demo into a store, evaluate, report"
    )
    demo.add_argument("--store", metavar="PATH", help="store file (default: the embedded default store)")
    demo.add_argument("--html", metavar="PATH", default="ecociv-demo-report.html",
                      help="where to write the HTML report (default: %(default)s)")
    return parser


def _demo(args: argparse.Namespace) -> int:
    out = run_demo(args.store)
    print(f"store: {out['store']} ({out['rows']} demo observations loaded)\n")
    print(out["scorecard"])
    print(out["bulletin"])
    html = Path(args.html).resolve()
    html.write_text(out["html"], encoding="utf-8")
    print(f"HTML report written to {html}")
    return 0


def _format_problem(problem: dict[str, object]) -> str:
    where = ":".join(
        str(problem[k]) for k in ("file", "line", "column") if problem.get(k) is not None
    )
    field = problem.get("field")
    head = f"{where}: " if where else ""
    head += f"{field}: " if field else ""
    return f"  {head}{problem.get('message')} [{problem.get('type')}]"


def _report(error: BaseException) -> None:
    """Prints the error to stderr: one headline, then each problem with file:line:column."""
    lines = str(error).splitlines() or [type(error).__name__]
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


def _programme(args: argparse.Namespace) -> int:
    if args.action == "list":
        for programme_id in Programme.builtin_ids():
            print(programme_id)
        return 0
    programme = Programme.from_file(args.file) if args.file else Programme.builtin(args.id)
    print(_display.text_table(programme._inner.indicator_columns(), programme.categories,
                              f"{programme.title} ({programme.id})"))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        return _demo(args) if args.command == "demo" else _programme(args)
    except BrokenPipeError:  # pragma: no cover - e.g. `ecociv programme show x | head`
        return 0
    except (EcocivError, OSError) as error:
        _report(error)
        return EXIT_BAD_INPUT
    except Exception as error:  # an internal failure: say so, with the traceback
        _report(error)
        traceback.print_exc(file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
