"""`Programme`: an indicator programme, with a pandas view and notebook display.

The compiled :class:`ecociv._ecociv.Programme` does the loading, validation and saving; this
class adds the DataFrame conversion and the notebook rendering, and keeps the Rust object in
``_inner``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ecociv import _display
from ecociv._ecociv import Programme as _RawProgramme

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Programme"]


class Programme:
    """An indicator programme: indicators, their items, thresholds, units and lead units.

    Get one with :meth:`builtin`, :meth:`from_file` or :meth:`from_str`.

    >>> programme = Programme.builtin("baoshan-2017")
    >>> programme.id
    'baoshan-2017'
    >>> table = programme.indicators()
    >>> list(table.columns[:4])
    ['code', 'indicator', 'category', 'item']
    >>> Programme.from_str(programme.to_toml()) == programme
    True
    """

    __slots__ = ("_inner",)

    def __init__(self, inner: _RawProgramme) -> None:
        if not isinstance(inner, _RawProgramme):
            raise TypeError(
                "use Programme.builtin(id), Programme.from_file(path) or Programme.from_str(text)"
            )
        self._inner = inner

    @classmethod
    def builtin(cls, id: str) -> Programme:
        """The built-in programme with this id.

        Raises:
            ProgrammeError: no built-in programme has this id.
        """
        return cls(_RawProgramme.builtin(id))

    @staticmethod
    def builtin_ids() -> list[str]:
        """The ids of the built-in programmes.

        >>> "baoshan-2017" in Programme.builtin_ids()
        True
        """
        return _RawProgramme.builtin_ids()

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Programme:
        """Loads and validates a programme file (TOML).

        Raises:
            FileNotFoundError: there is no such file.
            ProgrammeError: the file is not valid TOML or not a valid programme;
                ``.errors()`` lists every problem with its line, column and field.
        """
        return cls(_RawProgramme.from_file(os.fspath(path)))

    @classmethod
    def from_str(cls, text: str, origin: str = "<string>") -> Programme:
        """Parses and validates a programme from TOML text.

        ``origin`` names the text in error messages and in the ``file`` field of ``.errors()``.

        Raises:
            ProgrammeError: as for :meth:`from_file`.
        """
        return cls(_RawProgramme.from_str(text, origin))

    def to_toml(self) -> str:
        """The programme as TOML text, loadable again with :meth:`from_str`."""
        return self._inner.to_toml()

    def save(self, path: str | os.PathLike[str]) -> None:
        """Writes the programme to a TOML file."""
        self._inner.save(os.fspath(path))

    @property
    def id(self) -> str:
        """Stable id, e.g. ``baoshan-2017``."""
        return self._inner.id

    @property
    def title(self) -> str:
        """Title as written."""
        return self._inner.title

    @property
    def issued_by(self) -> list[str]:
        """Issuing bodies."""
        return self._inner.issued_by

    @property
    def issued_on(self) -> str | None:
        """Date issued (``YYYY-MM-DD``), or ``None``."""
        return self._inner.issued_on

    @property
    def source(self) -> str | None:
        """Where the text was published, or ``None``."""
        return self._inner.source

    @property
    def categories(self) -> list[str]:
        """Indicator categories, in the programme's order."""
        return self._inner.categories

    @property
    def notes(self) -> list[str]:
        """Free-text notes (e.g. how ambiguous wording was read)."""
        return self._inner.notes

    def milestones(self) -> list[dict[str, str | None]]:
        """The programme's milestones: dicts with ``code``, ``name``, ``due`` (ISO date) and
        ``authority``.

        >>> [m["due"] for m in Programme.builtin("baoshan-2017").milestones()]
        ['2017-12-31', '2018-06-30']
        """
        return self._inner.milestones()

    def indicators(self) -> pd.DataFrame:
        """The indicator table: one row per measurable item.

        The items of the construction indicators come first, then the measurable items of the
        basic conditions (category ``基本条件``, ``indicator`` and ``name`` are the condition's
        code and text). Columns: ``code`` (item code), ``indicator`` (indicator or condition
        code), ``category``, ``item`` (item name), ``name`` (indicator name or condition text),
        ``measure`` (expression), ``comparator``,
        ``threshold`` (as text), ``unit``, ``attribute`` (binding, guiding, …), ``lead`` and
        ``cooperating`` (lists of unit names).
        """
        import pandas as pd

        return pd.DataFrame(self._inner.indicator_columns())

    def task_codes(self) -> list[str]:
        """The codes a task status may be recorded for (:meth:`Store.record_task`): every task
        of every phase, and each phase without numbered tasks.

        >>> Programme.builtin("baoshan-2017").task_codes()[:2]
        ['P1.1', 'P1.2']
        """
        return self._inner.task_codes()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Programme):
            return NotImplemented
        return self._inner == other._inner

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._inner)

    def _repr_html_(self) -> str:
        return _display.html_table(self._inner.indicator_columns(), self.categories, self.title)

    def __str__(self) -> str:
        return _display.text_table(self._inner.indicator_columns(), self.categories, self.title)
