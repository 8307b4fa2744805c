//! Where things are in a programme file: byte offsets → line/column, and field paths → spans.

use std::collections::HashMap;
use std::ops::Range;

use toml::de::{DeTable, DeValue};

/// The text of a programme file with the location of every table, array element and key.
pub(crate) struct SourceMap<'t> {
    text: &'t str,
    /// Byte offset of the start of each line.
    line_starts: Vec<usize>,
    /// Field path (`indicators[3].items[1].threshold`) → span of its value.
    spans: HashMap<String, Range<usize>>,
}

impl<'t> SourceMap<'t> {
    /// Indexes `text`, whose parsed document is `root`.
    pub(crate) fn new(text: &'t str, root: &DeTable<'_>) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let mut spans = HashMap::new();
        index_table(root, "", &mut spans);
        SourceMap {
            text,
            line_starts,
            spans,
        }
    }

    /// A map of the text alone (no document), for syntax errors.
    pub(crate) fn text_only(text: &'t str) -> Self {
        SourceMap::new(text, &DeTable::new())
    }

    /// 1-based (line, column) of a byte offset; the column counts characters.
    pub(crate) fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let start = self.line_starts[line - 1];
        let column = self
            .text
            .get(start..offset)
            .map_or(1, |s| s.chars().count() + 1);
        (line, column)
    }

    /// 1-based (line, column) of `path`, or of its nearest ancestor present in the file (a
    /// missing key is reported at the table that lacks it); (1, 1) if nothing matches.
    pub(crate) fn locate(&self, path: &str) -> (usize, usize) {
        let mut p = path;
        loop {
            if let Some(span) = self.spans.get(p) {
                return self.line_col(span.start);
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => return (1, 1),
            }
        }
    }

    /// The deepest field path whose span contains `span` (empty for the document itself,
    /// whose span the parser gives as empty).
    pub(crate) fn path_of(&self, span: Range<usize>) -> String {
        if span.is_empty() {
            return String::new();
        }
        self.spans
            .iter()
            .filter(|(_, s)| s.start <= span.start && span.end <= s.end.max(s.start + 1))
            .min_by_key(|(p, s)| (s.end - s.start, std::cmp::Reverse(p.len())))
            .map(|(p, _)| p.clone())
            .unwrap_or_default()
    }
}

fn index_table(table: &DeTable<'_>, prefix: &str, spans: &mut HashMap<String, Range<usize>>) {
    for (key, value) in table {
        let path = if prefix.is_empty() {
            key.get_ref().to_string()
        } else {
            format!("{prefix}.{}", key.get_ref())
        };
        // A `[[table]]` element's span is its header; a key's value span is the value. Keep
        // the earliest of key and value so that a field is reported where it is written.
        let span = key.span().start.min(value.span().start)..value.span().end.max(key.span().end);
        spans.insert(path.clone(), span);
        index_value(value.get_ref(), &path, spans);
    }
}

fn index_value(value: &DeValue<'_>, path: &str, spans: &mut HashMap<String, Range<usize>>) {
    match value {
        DeValue::Table(t) => index_table(t, path, spans),
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let p = format!("{path}[{i}]");
                spans.insert(p.clone(), item.span());
                index_value(item.get_ref(), &p, spans);
            }
        }
        _ => {}
    }
}

/// Turns TOML local dates (`start = 2017-01-01`) into strings so that `chrono` types accept
/// both written forms; spans are kept.
pub(crate) fn dates_to_strings(table: &mut DeTable<'_>) {
    for (_, value) in table.iter_mut() {
        date_value_to_string(value.get_mut());
    }
}

fn date_value_to_string(value: &mut DeValue<'_>) {
    match value {
        DeValue::Datetime(d) if d.date.is_some() && d.time.is_none() => {
            *value = DeValue::String(d.to_string().into());
        }
        DeValue::Table(t) => dates_to_strings(t),
        DeValue::Array(items) => {
            for item in items.iter_mut() {
                date_value_to_string(item.get_mut());
            }
        }
        _ => {}
    }
}
