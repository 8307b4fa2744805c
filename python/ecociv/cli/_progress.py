"""A progress indicator on stderr, shown only on a terminal.

The long operations (an import, an evaluation) run in Rust with the GIL released, as one call
that reports no fraction done; the indicator therefore shows what is running, a spinner and the
elapsed time, and erases itself when the call returns. Off a terminal (a pipe, a file, CI) it
prints nothing, and ``ECOCIV_NO_PROGRESS=1`` turns it off everywhere.

>>> import io
>>> with Progress("evaluating", stream=io.StringIO()) as p:
...     p.active
False
"""

from __future__ import annotations

import os
import sys
import threading
import time
from types import TracebackType
from typing import TextIO

_FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


class Progress:
    """``with Progress("importing x.csv"):`` shows ``⠋ importing x.csv 1.2 s`` while it runs."""

    def __init__(self, label: str, *, stream: TextIO | None = None, delay: float = 0.3) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.delay = delay
        isatty = getattr(self.stream, "isatty", None)
        self.active = bool(isatty and isatty()) and not os.environ.get("ECOCIV_NO_PROGRESS")
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _run(self) -> None:
        start = time.monotonic()
        if self._stop.wait(self.delay):  # quick calls show nothing
            return
        i = 0
        while not self._stop.is_set():
            elapsed = time.monotonic() - start
            self.stream.write(f"\r{_FRAMES[i % len(_FRAMES)]} {self.label} {elapsed:.1f} s ")
            self.stream.flush()
            i += 1
            self._stop.wait(0.1)
        self.stream.write("\r\x1b[2K")
        self.stream.flush()

    def __enter__(self) -> Progress:
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
