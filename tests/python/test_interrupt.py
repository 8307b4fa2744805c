"""Ctrl-C interrupts a long call: ``KeyboardInterrupt`` arrives promptly, the store is left as
it was, and stays usable.

The long calls read from or write to a named pipe that a helper thread feeds (or drains) a
little at a time and never finishes on its own, so without the interrupt the call would not
return at all. SIGINT is sent to the process from a timer thread with ``os.kill`` (what a
terminal's Ctrl-C does); ``_thread.interrupt_main`` is checked too.
"""

from __future__ import annotations

import _thread
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

import ecociv

pytestmark = pytest.mark.skipif(
    sys.platform == "win32" or not hasattr(os, "mkfifo"), reason="needs POSIX signals and FIFOs"
)

#: When the interrupt is sent, and how long after it the call must have returned at the latest.
SEND_AFTER = 0.3
PROMPT = 3.0


def _sigint() -> None:
    os.kill(os.getpid(), signal.SIGINT)


@pytest.fixture()
def store(tmp_path: Path, baoshan: ecociv.Programme) -> Iterator[ecociv.Store]:
    with ecociv.open(tmp_path / "s.redb") as s:
        s.register_programme(baoshan)
        s.ingest(region="530502", metric="rural_income", period=["2016", "2017"], value=[6000.0, 6800.0])
        yield s


class SlowWriter(threading.Thread):
    """Writes CSV rows into a FIFO, one every few milliseconds, until stopped."""

    def __init__(self, fifo: Path) -> None:
        super().__init__(daemon=True)
        self.fifo = fifo
        self.stop = threading.Event()
        self.rows = 0

    def run(self) -> None:
        try:
            with open(self.fifo, "w", encoding="utf-8") as pipe:  # blocks until the reader opens
                pipe.write("region,metric,period,value\n")
                while not self.stop.is_set():
                    pipe.write(f"530502,rural_income,{1900 + self.rows % 100},{self.rows}.5\n")
                    pipe.flush()
                    self.rows += 1
                    time.sleep(0.002)
        except OSError:  # the reader went away (BrokenPipeError): expected once cancelled
            pass


class SlowReader(threading.Thread):
    """Reads a FIFO a few bytes at a time (all at once after `drain`) until it is closed."""

    def __init__(self, fifo: Path) -> None:
        super().__init__(daemon=True)
        self.fifo = fifo
        self.drain = threading.Event()
        self.bytes = 0

    def run(self) -> None:
        with open(self.fifo, "rb") as pipe:  # blocks until the writer opens
            while chunk := pipe.read(64):
                self.bytes += len(chunk)
                if not self.drain.is_set():
                    time.sleep(0.01)


def _interrupted(call: Callable[[], object], send: Callable[[], None] = _sigint) -> float:
    """Runs `call`, sends SIGINT after SEND_AFTER s; returns how long the call took in all."""
    timer = threading.Timer(SEND_AFTER, send)
    started = time.perf_counter()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            call()
    finally:
        timer.cancel()
    return time.perf_counter() - started


def _interrupted_fifo_ingest(
    store: ecociv.Store, tmp_path: Path, send: Callable[[], None] = _sigint
) -> tuple[float, int]:
    """`store.ingest_csv` of a FIFO fed slowly by a `SlowWriter`, interrupted by `send` after
    SEND_AFTER s; returns how long the call took and how many rows the writer wrote."""
    fifo = tmp_path / "rows.csv"
    os.mkfifo(fifo)
    writer = SlowWriter(fifo)
    writer.start()
    try:
        took = _interrupted(lambda: store.ingest_csv(fifo), send=send)
    finally:
        writer.stop.set()
        writer.join(timeout=10)
    return took, writer.rows


def test_ctrl_c_stops_a_reading_ingest_before_it_commits(store: ecociv.Store, tmp_path: Path) -> None:
    before = store.stats()
    took, written = _interrupted_fifo_ingest(store, tmp_path)
    assert took < SEND_AFTER + PROMPT, took
    assert written > 10  # the ingest was really reading when it was interrupted
    assert store.stats() == before  # all or nothing: nothing
    assert store.latest("530502", "rural_income", 1950) is None
    # still usable: a write and an evaluation after the interrupt
    store.ingest(region="530502", metric="rural_income", period="2018", value=[7000.0])
    assert store.stats()["vintages"] == before["vintages"] + 1
    assert len(store.evaluate(ecociv.Programme.builtin("baoshan-2017")).verdicts()) > 0


def test_interrupt_main_works_too(store: ecociv.Store, tmp_path: Path) -> None:
    before = store.stats()
    took, _ = _interrupted_fifo_ingest(store, tmp_path, send=_thread.interrupt_main)
    assert took < SEND_AFTER + PROMPT, took
    assert store.stats() == before


def test_ctrl_c_stops_an_export_and_removes_the_partial_file(store: ecociv.Store, tmp_path: Path) -> None:
    # enough rows that the export outlasts the pipe's buffer with a slow reader
    n = 20_000
    store.ingest(region="530502", metric="rural_income", period=[f"{1000 + i // 12}-{i % 12 + 1:02d}"
                                                               for i in range(n)], value=[1.0] * n)
    before = store.stats()
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    reader = SlowReader(fifo)
    reader.start()
    try:
        took = _interrupted(lambda: store.export_csv(fifo))
    finally:
        reader.drain.set()
        reader.join(timeout=10)
    assert took < SEND_AFTER + PROMPT, took
    assert 0 < reader.bytes < 20 * n  # it was writing, and stopped well before the end
    assert not fifo.exists()  # the partial output is removed
    assert store.stats() == before
    assert store.export_csv(tmp_path / "all.csv") == n + 2  # and the store still exports


def test_a_quick_call_is_not_disturbed(store: ecociv.Store) -> None:
    # no interrupt: the worker thread's result comes back as before
    result = store.evaluate(ecociv.Programme.builtin("baoshan-2017"), regions=["530502"])
    frame = result.to_pandas()
    assert frame.loc[(frame["item"] == "I01") & (frame["period"] == "2017"), "value"].tolist() == [6800.0]


def test_the_command_line_exits_130_on_ctrl_c(tmp_path: Path, baoshan: ecociv.Programme) -> None:
    import subprocess

    store = tmp_path / "c.redb"
    with ecociv.open(store) as s:
        s.register_programme(baoshan)
        before = s.stats()
    fifo = tmp_path / "rows.csv"
    os.mkfifo(fifo)
    writer = SlowWriter(fifo)
    writer.start()
    script = Path(sys.executable).parent / "ecociv"
    proc = subprocess.Popen([str(script), "import", str(fifo), "--store", str(store)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while writer.rows < 20 and time.monotonic() < deadline:  # the import is reading
            time.sleep(0.01)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=PROMPT + 10)
    finally:
        writer.stop.set()
        writer.join(timeout=10)
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "ecociv: interrupted" in err and "Traceback" not in err
    with ecociv.open(store) as s:
        assert s.stats() == before


def test_ctrl_c_rolls_back_a_batch_ingest(store: ecociv.Store) -> None:
    # A batch big enough to take seconds: 6 regions × 10 metrics × 24 000 months.
    metrics = store.metrics()
    codes = [c for c, k in zip(metrics["code"], metrics["kind"], strict=True) if k == "number"][:10]
    regions = ["530500", "530502", "530521", "530523", "530524", "530581"]
    months = [f"{y}-{m:02d}" for y in range(1000, 3000) for m in range(1, 13)]
    pairs = [(r, c) for r in regions for c in codes]
    region = [r for r, _ in pairs for _ in months]
    metric = [c for _, c in pairs for _ in months]
    period = months * len(pairs)
    value = np.random.default_rng(5).random(len(period))
    before = store.stats()
    started = time.perf_counter()
    report = store.ingest(region=region, metric=metric, period=period, value=value, dry_run=True)
    whole = time.perf_counter() - started  # validating alone, without writing
    assert report["rows"] == len(period) and store.stats() == before
    timer = threading.Timer(0.4 * whole, _sigint)
    started = time.perf_counter()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            store.ingest(region=region, metric=metric, period=period, value=value)
    finally:
        timer.cancel()
    took = time.perf_counter() - started
    print(f"dry run {whole:.2f} s; interrupted after {took:.2f} s")
    assert took < 0.4 * whole + PROMPT and took < 0.9 * whole, (took, whole)
    assert store.stats() == before  # rolled back: nothing of the batch
    assert store.latest("530500", codes[0], "1500-06") is None
    store.ingest(region="530502", metric="rural_income", period="2018", value=[7000.0])
    assert store.stats()["vintages"] == before["vintages"] + 1
