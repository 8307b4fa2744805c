//! Expressions of items (`measure`, `requires`) checked with [`crate::expr::check`], with every
//! unknown metric of an expression reported (the checker stops at the first).

use crate::expr::{self, ExprError, ExprType};
use crate::model::MetricDef;

/// Words of the expression language that are not metrics (keywords, reserved names and the
/// arguments of `no_worse`); function names are recognised by the `(` that follows them.
const RESERVED: &[&str] = &[
    "and",
    "or",
    "not",
    "true",
    "false",
    "verdict",
    "children",
    "lower",
    "higher",
    "lag",
    "diff",
    "pct_change",
    "sum",
    "mean",
    "min",
    "max",
    "share",
    "count",
    "no_worse",
];

/// Whether `name` is a word of the expression language, so cannot be a metric code.
pub(crate) fn is_reserved(name: &str) -> bool {
    RESERVED.contains(&name)
}

/// What is wrong with an expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum MeasureError {
    /// These names (with their character positions) are not declared metrics.
    UnknownMetrics(Vec<(usize, String)>),
    /// The expression checker refused the text; its message names the position.
    Invalid(String),
}

/// Checks `source` against `metrics` and returns its type.
pub(crate) fn check(source: &str, metrics: &[MetricDef]) -> Result<ExprType, MeasureError> {
    match expr::check(source, metrics) {
        Ok(t) => Ok(t),
        Err(ExprError::UnknownMetric { position, name }) => {
            let mut unknown: Vec<(usize, String)> = identifiers(source)
                .into_iter()
                .filter(|(_, n, call)| {
                    !*call && !is_reserved(n) && !metrics.iter().any(|m| &m.code == n)
                })
                .map(|(pos, n, _)| (pos, n))
                .collect();
            if !unknown.iter().any(|(p, _)| *p == position) {
                unknown.push((position, name));
                unknown.sort();
            }
            Err(MeasureError::UnknownMetrics(unknown))
        }
        Err(e) => Err(MeasureError::Invalid(e.to_string())),
    }
}

/// Identifiers with their character position and whether a `(` follows (a call).
fn identifiers(source: &str) -> Vec<(usize, String, bool)> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() || c == '.' {
            // A number, with its exponent (`1e-3` does not contain the identifier `e`).
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                let exp = matches!(chars[i], 'e' | 'E');
                i += 1;
                if exp && i < chars.len() && matches!(chars[i], '+' | '-') {
                    i += 1;
                }
            }
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let name: String = chars[start..i].iter().collect();
            let mut j = i;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            out.push((start, name, j < chars.len() && chars[j] == '('));
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MetricKind;

    fn metric(code: &str, kind: MetricKind) -> MetricDef {
        MetricDef {
            code: code.into(),
            name: code.into(),
            unit: None,
            kind,
            categories: vec![],
            description: None,
        }
    }

    #[test]
    fn every_unknown_metric_is_named_with_its_position() {
        let ms = [metric("gdp", MetricKind::Number)];
        assert_eq!(
            check("tertiary_va / gdp * 1e2 + lag(gpd, 1)", &ms),
            Err(MeasureError::UnknownMetrics(vec![
                (0, "tertiary_va".into()),
                (30, "gpd".into())
            ]))
        );
        assert_eq!(check("share(children, verdict)", &ms), Ok(ExprType::Number));
    }

    #[test]
    fn types_come_from_the_checker() {
        let ms = [
            metric("a", MetricKind::Number),
            metric("ok", MetricKind::Boolean),
        ];
        assert_eq!(check("ok", &ms), Ok(ExprType::Boolean));
        assert_eq!(check("a <= lag(a, 1)", &ms), Ok(ExprType::Boolean));
        assert_eq!(check("a", &ms), Ok(ExprType::Number));
        assert!(
            matches!(check("a +", &ms), Err(MeasureError::Invalid(m)) if m.contains("position"))
        );
    }
}
