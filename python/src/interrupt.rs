//! Ctrl-C during a long call: the work runs on a worker thread with the GIL released while the
//! calling thread waits in short slices and, between them, lets Python run its signal handlers.
//!
//! On a `KeyboardInterrupt` (or any exception a signal handler raises) the cancel flag is set
//! and then, depending on [`OnInterrupt`]:
//!
//! - [`OnInterrupt::Wait`]: the caller waits for the worker to finish, so nothing is left
//!   running or half-written (writes: the work must notice the flag and abort its transaction,
//!   through the core's `IngestOptions::cancel`, or a [`CancelReader`] / [`CancelWriter`]
//!   around its input or output);
//! - [`OnInterrupt::Abandon`]: the caller returns at once and the worker's result is dropped
//!   when it finishes (reads only: the worker holds its own references to what it reads —
//!   a store read lock, so closing the store waits for it).
//!
//! The exception is returned in both cases; the worker never outlives the data it uses.
//!
//! A reading call can also report how far it is: its [`CancelReader`] counts the bytes it hands
//! on into a [`ReadProgress`], and [`interruptible_reporting`] calls a Python callable
//! `progress(done_bytes, total_bytes or None)` with them about every [`PROGRESS_EVERY`]. An
//! exception raised by the callable is treated like a `KeyboardInterrupt`. At its end of input
//! the reader waits until the callable has been told `done == total`, so the last report always
//! arrives before the work goes on to commit — and an exception from it still cancels the work.

use std::io;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use pyo3::prelude::*;

/// How long the calling thread waits between two looks at Python's signal flags.
const SLICE: Duration = Duration::from_millis(50);

/// How often a progress callable is told how far a call is.
pub const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// What to do with the worker when the call is interrupted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnInterrupt {
    /// Set the cancel flag and wait for the worker to stop (calls that write).
    Wait,
    /// Set the cancel flag and return at once, dropping the result later (calls that only read).
    Abandon,
}

/// A panic of the worker, carried to the calling thread.
type Panic = Box<dyn std::any::Any + Send + 'static>;

/// Runs `f` on a worker thread with the GIL released; on the calling thread, checks for
/// signals every [`SLICE`]. A panic in `f` is resumed on the calling thread (callers run this
/// inside [`crate::errors::guard`], which turns it into an `EcocivError`).
///
/// # Errors
/// The exception a signal handler raised (`KeyboardInterrupt` for Ctrl-C), after `cancel` has
/// been set and — with [`OnInterrupt::Wait`] — the worker has finished.
pub fn interruptible<T: Send + 'static>(
    py: Python<'_>,
    cancel: &Arc<AtomicBool>,
    on_interrupt: OnInterrupt,
    f: impl FnOnce() -> T + Send + 'static,
) -> PyResult<T> {
    interruptible_reporting(py, cancel, on_interrupt, None, f)
}

/// As [`interruptible`], and with `progress` = `(callable, counter)` calls
/// `callable(done_bytes, total_bytes or None)` with the GIL held about every
/// [`PROGRESS_EVERY`] and once more when the counter's reader reaches its end of input (that
/// reader waits for the report). `done` never decreases and never exceeds `total`.
///
/// # Errors
/// As [`interruptible`]; also the exception the progress callable raised, after `cancel` has
/// been set and — with [`OnInterrupt::Wait`] — the worker has finished.
pub fn interruptible_reporting<T: Send + 'static>(
    py: Python<'_>,
    cancel: &Arc<AtomicBool>,
    on_interrupt: OnInterrupt,
    progress: Option<(&Bound<'_, PyAny>, &ReadProgress)>,
    f: impl FnOnce() -> T + Send + 'static,
) -> PyResult<T> {
    let (tx, rx) = mpsc::sync_channel::<Result<T, Panic>>(1);
    let worker = std::thread::Builder::new()
        .name("ecociv-call".to_owned())
        .spawn(move || {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
            // The receiver is gone only when the call was abandoned: drop the result.
            let _ = tx.send(outcome);
        })
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(format!("cannot start a thread: {e}")))?;
    let mut rx = rx;
    let mut next_report = Instant::now() + PROGRESS_EVERY;
    loop {
        // `Receiver` is not `Sync`: hand it to the GIL-free section and take it back.
        let (waited, back) = py.detach(move || (rx.recv_timeout(SLICE), rx));
        rx = back;
        match waited {
            Ok(outcome) => {
                // The worker has sent its last message: joining is immediate.
                let _ = py.detach(|| worker.join());
                return outcome.map_err(|p| std::panic::resume_unwind(p));
            }
            Err(RecvTimeoutError::Disconnected) => {
                // The worker died without sending (cannot happen: the panic is caught).
                let _ = py.detach(|| worker.join());
                return Err(pyo3::exceptions::PyRuntimeError::new_err("the worker thread stopped"));
            }
            Err(RecvTimeoutError::Timeout) => {}
        }
        let mut checked = py.check_signals();
        if let (true, Some((callback, read))) = (checked.is_ok(), progress) {
            let at_end = read.end_waiting();
            if at_end || Instant::now() >= next_report {
                let (done, total) = read.snapshot();
                checked = callback.call1((done, total)).map(drop);
                next_report = Instant::now() + PROGRESS_EVERY;
                if checked.is_ok() && at_end {
                    read.end_reported();
                }
            }
        }
        if let Err(interrupt) = checked {
            cancel.store(true, Ordering::SeqCst);
            if let Some((_, read)) = progress {
                // a reader waiting at its end of input sees the flag and fails
                read.wake();
            }
            if on_interrupt == OnInterrupt::Wait {
                let _ = py.detach(|| worker.join());
            }
            return Err(interrupt);
        }
    }
}

/// Where a counting reader is with its end of input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// Still reading.
    Reading,
    /// At its end of input, waiting until the progress callable has been told.
    Waiting,
    /// Told (or cancelled): later ends of input do not wait.
    Reported,
}

/// The bytes a [`CancelReader`] has handed on out of `total` (the file's size; `None` for a
/// pipe), shared with the thread that reports them (see [`interruptible_reporting`]).
#[derive(Debug)]
pub struct ReadProgress {
    done: AtomicU64,
    total: Option<u64>,
    end: Mutex<End>,
    woken: Condvar,
}

impl ReadProgress {
    /// A counter at zero bytes of `total` (`None` when the size is unknown, e.g. a pipe).
    pub fn new(total: Option<u64>) -> Arc<Self> {
        Arc::new(ReadProgress {
            done: AtomicU64::new(0),
            total,
            end: Mutex::new(End::Reading),
            woken: Condvar::new(),
        })
    }

    /// `(done, total)`: bytes handed on so far, and the total raised to `done` if the input
    /// turned out longer than its size said (so `done <= total` always holds).
    pub fn snapshot(&self) -> (u64, Option<u64>) {
        let done = self.done.load(Ordering::Relaxed);
        (done, self.total.map(|t| t.max(done)))
    }

    fn add(&self, bytes: usize) {
        self.done.fetch_add(bytes as u64, Ordering::Relaxed);
    }

    /// Whether the reader is waiting at its end of input for the report.
    fn end_waiting(&self) -> bool {
        *self.end.lock().unwrap_or_else(PoisonError::into_inner) == End::Waiting
    }

    /// The report of the end of input was made: the reader goes on.
    fn end_reported(&self) {
        *self.end.lock().unwrap_or_else(PoisonError::into_inner) = End::Reported;
        self.woken.notify_all();
    }

    /// Wakes a waiting reader so it looks at its cancel flag.
    fn wake(&self) {
        self.woken.notify_all();
    }

    /// Called by the reader at its end of input: the first time, waits until the end has been
    /// reported or `cancel` is set (then fails, so the work stops before it commits).
    fn reach_end(&self, cancel: &AtomicBool) -> io::Result<()> {
        let mut end = self.end.lock().unwrap_or_else(PoisonError::into_inner);
        if *end == End::Reading {
            *end = End::Waiting;
        }
        while *end == End::Waiting {
            if cancel.load(Ordering::SeqCst) {
                *end = End::Reported;
                return Err(cancelled());
            }
            end = self
                .woken
                .wait_timeout(end, SLICE)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        if cancel.load(Ordering::SeqCst) {
            return Err(cancelled());
        }
        Ok(())
    }
}

/// The error a [`CancelReader`] or [`CancelWriter`] returns once cancelled (not
/// `ErrorKind::Interrupted`: `read_to_end` and `write_all` retry on that, for ever).
fn cancelled() -> io::Error {
    io::Error::other("cancelled (Ctrl-C)")
}

/// A reader that fails once `cancel` is set, so a reading ingest stops before it commits;
/// with [`CancelReader::counting`] it also counts the bytes it hands on.
pub struct CancelReader<R> {
    inner: R,
    cancel: Arc<AtomicBool>,
    progress: Option<Arc<ReadProgress>>,
}

impl<R> CancelReader<R> {
    /// Wraps `inner`.
    pub fn new(inner: R, cancel: Arc<AtomicBool>) -> Self {
        CancelReader { inner, cancel, progress: None }
    }

    /// Counts the bytes handed on into `progress`; at the end of input, waits until it has
    /// been reported (see [`interruptible_reporting`]).
    #[must_use]
    pub fn counting(mut self, progress: Arc<ReadProgress>) -> Self {
        self.progress = Some(progress);
        self
    }
}

impl<R: io::Read> io::Read for CancelReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(cancelled());
        }
        let n = self.inner.read(buf)?;
        if let Some(progress) = &self.progress {
            if n == 0 && !buf.is_empty() {
                progress.reach_end(&self.cancel)?;
            } else {
                progress.add(n);
            }
        }
        Ok(n)
    }
}

impl<R: io::BufRead> io::BufRead for CancelReader<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(cancelled());
        }
        if let Some(progress) = &self.progress
            && self.inner.fill_buf()?.is_empty()
        {
            progress.reach_end(&self.cancel)?;
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        if let Some(progress) = &self.progress {
            progress.add(amount);
        }
        self.inner.consume(amount);
    }
}

/// A writer that fails once `cancel` is set, so an export stops early.
pub struct CancelWriter<W> {
    inner: W,
    cancel: Arc<AtomicBool>,
}

impl<W> CancelWriter<W> {
    /// Wraps `inner`.
    pub fn new(inner: W, cancel: Arc<AtomicBool>) -> Self {
        CancelWriter { inner, cancel }
    }
}

impl<W: io::Write> io::Write for CancelWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(cancelled());
        }
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    /// The reader under test: a small buffer over bytes.
    type Counting = CancelReader<io::BufReader<&'static [u8]>>;

    /// Reads all of `data` through a counting reader on a thread; returns its outcome and the
    /// counter, after `at_end` has acted on the reader waiting at its end of input.
    fn read_all(
        data: &'static [u8],
        total: Option<u64>,
        at_end: impl FnOnce(&ReadProgress, &AtomicBool),
    ) -> (io::Result<Vec<u8>>, Arc<ReadProgress>) {
        read_all_by(data, total, at_end, |r, out| r.read_to_end(out).map(drop))
    }

    /// As [`read_all`], reading with `how` (`Read` or `BufRead` calls).
    fn read_all_by(
        data: &'static [u8],
        total: Option<u64>,
        at_end: impl FnOnce(&ReadProgress, &AtomicBool),
        how: fn(&mut Counting, &mut Vec<u8>) -> io::Result<()>,
    ) -> (io::Result<Vec<u8>>, Arc<ReadProgress>) {
        let cancel = Arc::new(AtomicBool::new(false));
        let progress = ReadProgress::new(total);
        let mut reader =
            CancelReader::new(io::BufReader::with_capacity(7, data), Arc::clone(&cancel))
                .counting(Arc::clone(&progress));
        let worker = std::thread::spawn(move || {
            let mut out = Vec::new();
            how(&mut reader, &mut out).map(|()| out)
        });
        while !progress.end_waiting() {
            assert!(!worker.is_finished(), "the reader must wait at its end");
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(progress.snapshot().0, data.len() as u64);
        at_end(&progress, &cancel);
        (worker.join().expect("reader thread"), progress)
    }

    #[test]
    fn counts_bytes_and_waits_at_the_end_until_reported() {
        let data = b"region,metric,period,value\nA,gdp,2017,1.5\n";
        let (read, progress) = read_all(data, Some(data.len() as u64), |p, _| p.end_reported());
        assert_eq!(read.expect("read"), data);
        let n = data.len() as u64;
        assert_eq!(progress.snapshot(), (n, Some(n)));
    }

    #[test]
    fn counts_consumed_bytes_through_bufread() {
        let data = b"line one\nline two\nthree\n";
        let lines = |r: &mut Counting, out: &mut Vec<u8>| {
            while io::BufRead::read_until(r, b'\n', out)? > 0 {}
            Ok(())
        };
        let (read, progress) =
            read_all_by(data, Some(data.len() as u64), |p, _| p.end_reported(), lines);
        assert_eq!(read.expect("read"), data);
        assert_eq!(progress.snapshot().0, data.len() as u64);
    }

    #[test]
    fn cancel_while_waiting_at_the_end_fails_the_read() {
        let (read, _) = read_all(b"a,b\n1,2\n", None, |p, cancel| {
            cancel.store(true, Ordering::SeqCst);
            p.wake();
        });
        assert!(read.is_err());
    }

    #[test]
    fn done_never_exceeds_the_total() {
        // the file grew after its size was taken
        let (_, progress) = read_all(b"0123456789", Some(4), |p, _| p.end_reported());
        assert_eq!(progress.snapshot(), (10, Some(10)));
        assert_eq!(ReadProgress::new(None).snapshot(), (0, None));
    }
}
