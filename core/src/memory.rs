//! Large result columns on transparent huge pages.
//!
//! An evaluation writes tens to hundreds of megabytes of fresh columns (values, statuses,
//! margins, every monitoring method's results). On Linux each fresh 4 KiB page costs a page
//! fault when first written; on the virtual machines the benchmarks run on that doubles or
//! triples the cost of filling a column. numpy asks for transparent huge pages for its large
//! arrays (`madvise(MADV_HUGEPAGE)`), and the columns here do the same: a 2 MiB page is one
//! fault instead of 512. Where the kernel does not offer huge pages (or on other systems) the
//! advice is ignored and nothing else changes.
//!
//! ```
//! let v: Vec<f64> = ecociv::memory::zeroed(1 << 20);
//! assert_eq!(v.len(), 1 << 20);
//! assert!(v.iter().all(|&x| x == 0.0));
//! let w: Vec<i8> = ecociv::memory::with_capacity(10);
//! assert!(w.is_empty() && w.capacity() >= 10);
//! let squares: Vec<u64> = ecociv::memory::collect(4, (1..=4).map(|i| i * i));
//! assert_eq!(squares, [1, 4, 9, 16]);
//! ```

/// Buffers smaller than this are left alone (a huge page is 2 MiB).
const HUGE: usize = 4 << 20;

/// `n` zeros (or `T::default()`: the zero bit pattern for numbers), allocated untouched
/// (`calloc`) and advised onto huge pages, so the pages are faulted in by whoever fills them.
#[must_use]
pub fn zeroed<T: Clone + Default>(n: usize) -> Vec<T> {
    let v = vec![T::default(); n];
    advise(&v);
    v
}

/// An empty vector with room for `n` elements, advised onto huge pages before it is filled.
#[must_use]
pub fn with_capacity<T>(n: usize) -> Vec<T> {
    let v = Vec::with_capacity(n);
    advise(&v);
    v
}

/// The items of `iter` (about `n` of them) in a vector advised onto huge pages before it is
/// filled.
#[must_use]
pub fn collect<T>(n: usize, iter: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut v = with_capacity(n);
    v.extend(iter);
    v
}

/// Advises the kernel to back the whole allocation of `v` (its capacity) with transparent
/// huge pages. Pages already written keep their 4 KiB pages; the advice never changes
/// contents.
pub fn advise<T>(v: &Vec<T>) {
    let bytes = v.capacity().saturating_mul(size_of::<T>());
    if bytes >= HUGE {
        sys::advise_huge_pages(v.as_ptr().cast(), bytes);
    }
}

#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
mod sys {
    /// `madvise(MADV_HUGEPAGE)` over the pages spanning `[start, start + len)`.
    pub(super) fn advise_huge_pages(start: *const u8, len: usize) {
        let page = 4096usize;
        let begin = (start as usize) & !(page - 1);
        let end = (start as usize).saturating_add(len);
        // SAFETY: the range lies within one live allocation (rounded out to whole pages of
        // that mapping); MADV_HUGEPAGE is advisory only: it neither reads, writes nor unmaps
        // memory, so no Rust reference is affected. A failure (no THP support) is ignored.
        unsafe {
            libc::madvise(begin as *mut libc::c_void, end - begin, libc::MADV_HUGEPAGE);
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod sys {
    /// Huge-page advice is a Linux facility; elsewhere nothing is done.
    pub(super) fn advise_huge_pages(_start: *const u8, _len: usize) {}
}
