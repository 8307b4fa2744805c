"""The output formats of ``ecociv evaluate``: table, Markdown, CSV, JSON and HTML.

Each takes the evaluation rows and verdicts (dicts, as ``Evaluation.display_rows`` returns
them) and returns the text.

>>> rows = [{"region": "530502", "region_name": "隆阳区", "period": "2017", "item": "I01",
...          "name": "农民收入", "status": "pass", "value": 6800.0, "threshold": ">= 6000 元/人",
...          "margin": 800.0, "projection": None}]
>>> print(text(rows, []))
region  period  item          status  value  threshold      margin
------  ------  ------------  ------  -----  -------------  ------
隆阳区  2017    I01 农民收入  pass    6800   >= 6000 元/人  +800
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Sequence
from typing import Any

from ecociv._display import display_width

Row = dict[str, Any]

#: The columns of the table, Markdown and HTML formats.
COLUMNS = ("region", "period", "item", "status", "value", "threshold", "margin")
#: The columns of the CSV format, in order.
CSV_COLUMNS = (
    "region", "region_name", "period", "item", "name", "group", "attribute", "binding", "status",
    "value", "threshold", "margin", "unit", "lead", "cooperating", "projection",
)
FORMATS = ("table", "markdown", "csv", "json", "html")


def number(v: float | None, signed: bool = False) -> str:
    """Up to three decimals without trailing zeros; ``—`` for no value.

    >>> number(1.5), number(2.0), number(-0.25, signed=True), number(3.0, signed=True), number(None)
    ('1.5', '2', '-0.25', '+3', '—')
    """
    if v is None:
        return "—"
    s = f"{v:.3f}".rstrip("0").rstrip(".")
    s = "0" if s == "-0" else s
    return f"+{s}" if signed and not s.startswith("-") else s


def _cells(row: Row) -> list[str]:
    return [
        row["region_name"], row["period"], f"{row['item']} {row['name']}", row["status"],
        number(row["value"]), row["threshold"], number(row["margin"], signed=True),
    ]


def _with_projection(rows: Sequence[Row]) -> bool:
    return any(r.get("projection") for r in rows)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def text(rows: Sequence[Row], verdicts: Sequence[Row]) -> str:
    """An aligned plain-text table (East Asian wide characters count two columns), then the
    verdicts."""
    header = list(COLUMNS)
    body = [_cells(r) for r in rows]
    if _with_projection(rows):
        header.append("projection")
        for cells, r in zip(body, rows, strict=True):
            cells.append(r.get("projection") or "")
    widths = [max([display_width(h)] + [display_width(c[i]) for c in body]) for i, h in enumerate(header)]
    lines = ["  ".join(_pad(h, w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(c, w) for c, w in zip(cells, widths, strict=True)).rstrip() for cells in body]
    if verdicts:
        lines.append("")
        lines += [f"{v['region_name']} {v['period']}: {v['verdict']}" for v in verdicts]
    return "\n".join(lines)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(rows: Sequence[Row], verdicts: Sequence[Row]) -> str:
    """A Markdown pipe table of the rows, then one of the verdicts."""
    header = list(COLUMNS) + (["projection"] if _with_projection(rows) else [])
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for r in rows:
        cells = _cells(r) + ([r.get("projection") or ""] if len(header) > len(COLUMNS) else [])
        out.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
    if verdicts:
        out += ["", "| region | period | verdict |", "|---|---|---|"]
        out += [f"| {_md_cell(v['region_name'])} | {v['period']} | {v['verdict']} |" for v in verdicts]
    return "\n".join(out)


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "、".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def csv_text(rows: Sequence[Row], verdicts: Sequence[Row]) -> str:
    """One CSV line per row (every field; lists joined with 、; empty for no value)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        writer.writerow([_csv_value(r.get(c)) for c in CSV_COLUMNS])
    return buffer.getvalue().rstrip("\n")


def json_text(rows: Sequence[Row], verdicts: Sequence[Row]) -> str:
    """``{"verdicts": [...], "rows": [...]}``; no value is ``null``."""
    return json.dumps({"verdicts": list(verdicts), "rows": list(rows)}, ensure_ascii=False, indent=1)


_STYLE = (
    "body{font-family:system-ui,'Noto Sans CJK SC',sans-serif;margin:2em;color:#222}"
    "table{border-collapse:collapse;font-size:.9em}th,td{border:1px solid #bbb;padding:.25em .5em}"
    "th{background:#eee}td.num{text-align:right}.pass{background:#c8e6c9}.fail{background:#ffcdd2}"
    ".missing{background:#fff3c4}.not_applicable{background:#eee;color:#888}"
    ".meets{background:#c8e6c9}.fails{background:#ffcdd2}.incomplete{background:#fff3c4}"
    "@media print{body{margin:0;-webkit-print-color-adjust:exact;print-color-adjust:exact}}"
)


def html_page(rows: Sequence[Row], verdicts: Sequence[Row], title: str = "ecociv evaluation") -> str:
    """A self-contained, printable HTML page: the verdicts, then the rows coloured by status."""
    e = html.escape
    out = [
        f"<!DOCTYPE html><html lang=\"zh\"><head><meta charset=\"utf-8\"><title>{e(title)}</title>"
        f"<style>{_STYLE}</style></head><body><h1>{e(title)}</h1>"
    ]
    if verdicts:
        out.append("<table><tr><th>region</th><th>period</th><th>verdict</th></tr>")
        out += [
            f"<tr class=\"{e(v['verdict'])}\"><td>{e(v['region_name'])}</td><td>{e(v['period'])}</td>"
            f"<td>{e(v['verdict'])}</td></tr>"
            for v in verdicts
        ]
        out.append("</table>")
    projection = _with_projection(rows)
    header = list(COLUMNS) + (["projection"] if projection else [])
    out.append("<table><tr>" + "".join(f"<th>{h}</th>" for h in header) + "</tr>")
    for r in rows:
        cells = _cells(r) + ([r.get("projection") or ""] if projection else [])
        tds = "".join(
            f"<td class=\"num\">{e(c)}</td>" if i in (4, 6) else f"<td>{e(c)}</td>"
            for i, c in enumerate(cells)
        )
        out.append(f"<tr class=\"{e(r['status'])}\">{tds}</tr>")
    out.append("</table><p><small>Generated by ecociv.</small></p></body></html>")
    return "".join(out)


def render(fmt: str, rows: Sequence[Row], verdicts: Sequence[Row], title: str) -> str:
    """The rows and verdicts in format `fmt` (one of :data:`FORMATS`)."""
    if fmt == "table":
        return text(rows, verdicts)
    if fmt == "markdown":
        return markdown(rows, verdicts)
    if fmt == "csv":
        return csv_text(rows, verdicts)
    if fmt == "json":
        return json_text(rows, verdicts)
    return html_page(rows, verdicts, title)
