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

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use pyo3::prelude::*;

/// How long the calling thread waits between two looks at Python's signal flags.
const SLICE: Duration = Duration::from_millis(50);

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
        if let Err(interrupt) = py.check_signals() {
            cancel.store(true, Ordering::SeqCst);
            if on_interrupt == OnInterrupt::Wait {
                let _ = py.detach(|| worker.join());
            }
            return Err(interrupt);
        }
    }
}

/// The error a [`CancelReader`] or [`CancelWriter`] returns once cancelled (not
/// `ErrorKind::Interrupted`: `read_to_end` and `write_all` retry on that, for ever).
fn cancelled() -> io::Error {
    io::Error::other("cancelled (Ctrl-C)")
}

/// A reader that fails once `cancel` is set, so a reading ingest stops before it commits.
pub struct CancelReader<R> {
    inner: R,
    cancel: Arc<AtomicBool>,
}

impl<R> CancelReader<R> {
    /// Wraps `inner`.
    pub fn new(inner: R, cancel: Arc<AtomicBool>) -> Self {
        CancelReader { inner, cancel }
    }
}

impl<R: io::Read> io::Read for CancelReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(cancelled());
        }
        self.inner.read(buf)
    }
}

impl<R: io::BufRead> io::BufRead for CancelReader<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(cancelled());
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
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
