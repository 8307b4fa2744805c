"""A progress indicator on stderr, shown only on a terminal.

The long operations run in Rust with the GIL released. An import reports how many bytes of its
file it has read (:meth:`Progress.update` is the ``progress`` callable of
:meth:`ecociv.Store.ingest_csv`), so it shows a bar::

    importing x.csv [####......]  42% 12.3/29.1 MB 1.2 s

and, once the whole file is read, the phase that follows (checking and writing the rows, which
reports no fraction) with a spinner::

    importing x.csv [##########] 100% of 29.1 MB read; ⠙ writing… (no fraction) 2.1 s
 An evaluation reports no fraction done, and neither does
an import from a pipe (no size): they show a spinner and the elapsed time. The indicator
erases itself when the call returns.

Off a terminal (a pipe, a file, CI) it prints nothing; ``ECOCIV_NO_PROGRESS=1`` turns it off
everywhere, and ``ECOCIV_PROGRESS=force`` turns it on even off a terminal and without the
initial delay (for tests; ``ECOCIV_NO_PROGRESS`` still wins).

>>> import io
>>> with Progress("evaluating", stream=io.StringIO()) as p:
...     p.active
False
>>> render("importing x.csv", (420, 1000), 1.25, 0)
'importing x.csv [####......]  42% 0.4/1.0 kB 1.2 s'
"""

from __future__ import annotations

import os
import sys
import threading
import time
from types import TracebackType
from typing import TextIO

__all__ = ["Progress", "render"]

_FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
#: Cells of the bar.
_BAR = 10
#: Decimal size units, smallest first.
_UNITS = ((1e9, "GB"), (1e6, "MB"), (1e3, "kB"))


def _sizes(done: int, total: int) -> str:
    """``12.3/29.1 MB``: both sizes in the unit of the total."""
    for scale, unit in _UNITS:
        if total >= scale:
            return f"{done / scale:.1f}/{total / scale:.1f} {unit}"
    return f"{done}/{total} B"


def _size(n: int) -> str:
    """``12.3 MB``."""
    for scale, unit in _UNITS:
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"


def render(
    label: str,
    state: tuple[int, int | None] | None,
    elapsed: float,
    frame: int,
    *,
    after: str = "writing",
    width: int = 0,
) -> str:
    """One line of the indicator (no ``\\r``): a spinner while no fraction is known (`state`
    is ``None`` or its total is ``None`` or 0), a bar while bytes are read, and the bar full
    with a spinner and `after` once everything is read. `width` > 0 shortens the label so
    that the line fits."""
    spin = _FRAMES[frame % len(_FRAMES)]
    clock = f"{elapsed:.1f} s"
    if state is None or not state[1]:
        prefix, rest = f"{spin} ", f" {clock}"
        if state is not None and state[0]:
            rest = f" {_size(state[0])} read{rest}"
    else:
        done, total = state[0], state[1]
        done = min(max(done, 0), total)
        filled = _BAR * done // total
        bar = f"[{'#' * filled}{'.' * (_BAR - filled)}] {100 * done // total:3d}% {_sizes(done, total)}"
        full = f"[{'#' * _BAR}] 100% of {_size(total)}"
        prefix = ""
        if done < total:
            rest = f" {bar} {clock}"
        else:
            rest = f" {full} read; {spin} {after}… (no fraction) {clock}"
    room = width - 1 - len(prefix) - len(rest) if width > 0 else len(label)
    if len(label) > room:
        label = "…" + label[len(label) - max(room - 1, 0):] if room > 1 else ""
    return f"{prefix}{label}{rest}"


def _env_flag(name: str) -> str:
    return os.environ.get(name, "").strip().lower()


class Progress:
    """``with Progress("importing x.csv") as p:`` shows ``⠋ importing x.csv 1.2 s`` while it
    runs; once ``p.update(done, total)`` has been called with a total, a bar instead.

    `after` names what follows the reading (``writing``, ``checking``); `delay` keeps quick
    calls silent.
    """

    def __init__(
        self,
        label: str,
        *,
        stream: TextIO | None = None,
        delay: float = 0.3,
        after: str = "writing",
    ) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.delay = delay
        self.after = after
        isatty = getattr(self.stream, "isatty", None)
        off = _env_flag("ECOCIV_NO_PROGRESS") not in ("", "0")
        forced = _env_flag("ECOCIV_PROGRESS") == "force"
        self.active = not off and (forced or bool(isatty and isatty()))
        if forced:
            self.delay = 0.0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._state: tuple[int, int | None] | None = None
        self._start = time.monotonic()
        self._frame = 0
        self._shown = False

    def update(self, done: int, total: int | None) -> None:
        """Records that `done` of `total` bytes are read (`total` ``None``: unknown) and
        redraws: the ``progress`` callable of :meth:`ecociv.Store.ingest_csv`."""
        state = (done, total)
        changed, self._state = state != self._state, state
        if self.active and changed:  # the thread redraws the clock and the spinner
            self._draw()

    def _width(self) -> int:
        """The terminal's width; 0 (do not shorten) off a terminal (forced on)."""
        try:
            return os.get_terminal_size(self.stream.fileno()).columns
        except (AttributeError, OSError, ValueError):
            return 0

    def _draw(self) -> None:
        with self._lock:
            elapsed = time.monotonic() - self._start
            if self._stop.is_set() or elapsed < self.delay:
                return
            line = render(self.label, self._state, elapsed, self._frame, after=self.after,
                          width=self._width())
            self._frame += 1
            self.stream.write(f"\r{line}\x1b[K")
            self.stream.flush()
            self._shown = True

    def _run(self) -> None:
        if self._stop.wait(self.delay):  # quick calls show nothing
            return
        while not self._stop.is_set():
            self._draw()
            self._stop.wait(0.1)

    def __enter__(self) -> Progress:
        self._start = time.monotonic()
        if self.active:
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        with self._lock:
            if self._shown:
                self.stream.write("\r\x1b[2K")
                self.stream.flush()
