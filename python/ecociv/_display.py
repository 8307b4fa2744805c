"""Text and HTML renderings of a programme's indicator table.

Both renderings group the items by category, in the programme's category order, and show for
each item its code, name, requirement (comparator, threshold and unit), attribute and lead units.

>>> requirement(">=", "6000", "元/人")
'≥ 6000 元/人'
>>> requirement("holds", None, None)
'holds'
>>> display_width("ab森林")
6
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

_SYMBOLS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "=", "between": "in", "in": "="}

#: Column headers of the rendered table, in order.
HEADERS = ("code", "item", "requirement", "attribute", "lead")

Columns = Mapping[str, Sequence[Any]]


def requirement(comparator: str, threshold: str | None, unit: str | None) -> str:
    """The requirement as one readable phrase, e.g. ``≥ 6000 元/人``."""
    if comparator == "holds" or threshold is None:
        return comparator
    parts = [_SYMBOLS.get(comparator, comparator), threshold]
    if unit:
        parts.append(unit)
    return " ".join(parts)


def display_width(text: str) -> int:
    """Terminal columns `text` takes: East Asian wide and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


#: Widest item and lead cells in the text table (display columns); longer text is clipped.
TEXT_LIMITS = {"item": 40, "lead": 32}


def clip(text: str, width: int) -> str:
    """`text` cut to at most `width` display columns, ending in ``…`` when cut.

    >>> clip("主要污染物排放完成总量控制目标", 10)
    '主要污染…'
    """
    if display_width(text) <= width:
        return text
    out, used = [], 1
    for ch in text:
        used += display_width(ch)
        if used > width:
            break
        out.append(ch)
    return "".join(out) + "…"


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def rows(columns: Columns) -> list[tuple[str, tuple[str, ...]]]:
    """``(category, cells)`` per item, cells in :data:`HEADERS` order, in table order."""
    out: list[tuple[str, tuple[str, ...]]] = []
    for i, code in enumerate(columns["code"]):
        cells = (
            str(code),
            str(columns["item"][i]),
            requirement(columns["comparator"][i], columns["threshold"][i], columns["unit"][i]),
            str(columns["attribute"][i]),
            "、".join(columns["lead"][i]),
        )
        out.append((str(columns["category"][i]), cells))
    return out


def _grouped(
    body: list[tuple[str, tuple[str, ...]]], categories: Sequence[str]
) -> list[tuple[str, list[tuple[str, ...]]]]:
    """Rows grouped by category: the programme's order first, then any category not listed."""
    groups: dict[str, list[tuple[str, ...]]] = {c: [] for c in categories}
    for category, cells in body:
        groups.setdefault(category, []).append(cells)
    return [(c, r) for c, r in groups.items() if r]


def text_table(columns: Columns, categories: Sequence[str], title: str) -> str:
    """An aligned plain-text table (wide characters accounted for), grouped by category."""
    limits = [TEXT_LIMITS.get(h) for h in HEADERS]
    body = [
        (category, tuple(c if n is None else clip(c, n) for c, n in zip(cells, limits, strict=True)))
        for category, cells in rows(columns)
    ]
    widths = [display_width(h) for h in HEADERS]
    for _, cells in body:
        widths = [max(w, display_width(c)) for w, c in zip(widths, cells, strict=True)]
    lines = [title, ""]
    lines.append("  ".join(_pad(h, w) for h, w in zip(HEADERS, widths, strict=True)).rstrip())
    lines.append("  ".join("-" * w for w in widths))
    for category, group in _grouped(body, categories):
        lines.append(f"[{category}]")
        for cells in group:
            lines.append("  ".join(_pad(c, w) for c, w in zip(cells, widths, strict=True)).rstrip())
    lines.append("")
    lines.append(f"{len(body)} items")
    return "\n".join(lines)


def html_table(columns: Columns, categories: Sequence[str], title: str) -> str:
    """An HTML table for notebooks, grouped by category, with attribute and units."""
    esc = html.escape
    out = [
        "<div class='ecociv-programme'>",
        f"<strong>{esc(title)}</strong>",
        "<table>",
        "<thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in HEADERS) + "</tr></thead>",
        "<tbody>",
    ]
    for category, group in _grouped(rows(columns), categories):
        out.append(
            f"<tr><th colspan='{len(HEADERS)}' style='text-align:left'>{esc(category)}</th></tr>"
        )
        for cells in group:
            out.append("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in cells) + "</tr>")
    out += ["</tbody>", "</table>", "</div>"]
    return "\n".join(out)
