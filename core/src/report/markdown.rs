use std::fmt::Write as _;

/// A Markdown pipe table built row by row; cells are escaped so `|` and newlines never break
/// the layout.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headings.
    #[must_use]
    pub fn new<S: AsRef<str>>(header: &[S]) -> Table {
        Table { header: header.iter().map(|h| h.as_ref().to_owned()).collect(), rows: Vec::new() }
    }

    /// Appends a row (missing cells are left empty, extra cells dropped).
    pub fn row<S: AsRef<str>>(&mut self, cells: &[S]) {
        let mut r: Vec<String> = cells.iter().take(self.header.len()).map(|c| c.as_ref().to_owned()).collect();
        r.resize(self.header.len(), String::new());
        self.rows.push(r);
    }

    /// Whether no row was added.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The Markdown text, ending with a newline.
    #[must_use]
    pub fn render(&self) -> String {
        let esc = |s: &str| s.replace('|', "\\|").replace('\n', " ");
        let mut out = String::new();
        let line = |cells: &[String]| format!("| {} |", cells.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | "));
        let _ = writeln!(out, "{}", line(&self.header));
        let _ = writeln!(out, "|{}|", vec!["---"; self.header.len()].join("|"));
        for r in &self.rows {
            let _ = writeln!(out, "{}", line(r));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_pipes_and_pads_rows() {
        let mut t = Table::new(&["a", "b"]);
        t.row(&["x|y"]);
        assert_eq!(t.render(), "| a | b |\n|---|---|\n| x\\|y |  |\n");
    }
}
