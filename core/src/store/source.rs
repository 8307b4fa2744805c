//! Where a value comes from.

use serde::{Deserialize, Serialize};

/// The source of an observation: the document it was taken from, who published it, where to
/// find it, and a note. Sources are interned in the store; two sources are the same iff every
/// field is equal. The all-empty `Source::default()` is the *unspecified* source.
///
/// ```
/// use ecociv::store::Source;
/// let s = Source::document("2021年腾冲市国民经济和社会发展统计公报").publisher("腾冲市统计局");
/// assert_eq!(s.publisher, "腾冲市统计局");
/// assert!(!s.is_unspecified());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Source {
    /// The document (title of a bulletin, yearbook table, …).
    pub document: String,
    /// Who published it.
    pub publisher: String,
    /// Where to find it (URL, archive reference).
    pub address: String,
    /// A free note.
    pub note: String,
}

impl Source {
    /// A source with only its document set.
    #[must_use]
    pub fn document(document: impl Into<String>) -> Source {
        Source { document: document.into(), ..Source::default() }
    }

    /// The same source with `publisher` set.
    #[must_use]
    pub fn publisher(mut self, publisher: impl Into<String>) -> Source {
        self.publisher = publisher.into();
        self
    }

    /// The same source with `address` set.
    #[must_use]
    pub fn address(mut self, address: impl Into<String>) -> Source {
        self.address = address.into();
        self
    }

    /// Whether every field is empty (the unspecified source).
    #[must_use]
    pub fn is_unspecified(&self) -> bool {
        *self == Source::default()
    }
}
