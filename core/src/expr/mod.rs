//! The expression language items use to say what they measure.
//!
//! An item's `measure` (and its optional `requires`) is a small expression over metrics,
//! parsed into a typed, checked tree when the programme loads. There is no `eval` and nothing
//! in it can run code: the only things an expression can do are listed here.
//!
//! ```
//! use ecociv::expr::{check, ExprType};
//! use ecociv::model::{MetricDef, MetricKind};
//! let metric = |code: &str, kind| MetricDef {
//!     code: code.into(), name: code.into(), unit: None, kind, categories: vec![], description: None,
//! };
//! let metrics = [metric("tertiary_va", MetricKind::Number), metric("gdp", MetricKind::Number),
//!                metric("air_quality_meets", MetricKind::Boolean)];
//! assert_eq!(check("tertiary_va / gdp * 100", &metrics)?, ExprType::Number);
//! assert_eq!(check("air_quality_meets and gdp >= lag(gdp, 1)", &metrics)?, ExprType::Boolean);
//! assert!(check("air_quality_meets + 1", &metrics).is_err()); // a condition is not a number
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Syntax
//!
//! | form | meaning |
//! |---|---|
//! | `12`, `0.5`, `1e3` | numbers |
//! | `gdp` | a metric of the programme; a `boolean` metric is a condition (`value != 0`) |
//! | `+ - * /` (also `− × ÷`) | arithmetic, IEEE f64, evaluated in the written order |
//! | `< <= > >= == !=` (also `≤ ≥ ≠`) | comparisons (not chainable); conditions only with `==`, `!=` |
//! | `and`, `or`, `not` | logic on conditions |
//! | `lag(x, k)` | `x` in the period `k` steps earlier — the literal earlier period, not the previous available row |
//! | `diff(x)`, `diff(x, k)` | `x - lag(x, k)` |
//! | `pct_change(x)`, `pct_change(x, k)` | `(x / lag(x, k) - 1) * 100`, in percent |
//! | `sum(x, n)`, `mean(x, n)`, `min(x, n)`, `max(x, n)` | over the last `n` periods, current included; all `n` must be present |
//! | `no_worse(x, lower)` / `no_worse(x, higher)` | no worse than last period: `x <= lag(x, 1)` / `x >= lag(x, 1)` |
//! | `share(children, c)` | `100 * k / n`: percentage of the region's `n` children where condition `c` holds |
//! | `count(children, c)` | `k`: the number of children where `c` holds |
//! | `verdict` | inside `share`/`count` only: the child meets the programme |
//!
//! Precedence, loosest first: `or`, `and`, `not`, comparisons, `+ -`, `* /`, unary `-`.
//!
//! ## Presence
//!
//! A value is *present* only when every leaf value it needs is present — lags and every period
//! of a window included. `and` / `or` follow the same rule (no three-valued logic: `missing and
//! false` is missing). Inside `share` / `count`, a child where the condition is missing makes the
//! aggregate missing, except `verdict`, which is always known (a child that does not meet,
//! whether failing or incomplete, simply does not count). `share` over no children is missing;
//! `count` over no children is 0.
//!
//! ## Errors
//!
//! Parse errors carry the character position and what was expected
//! (`expected ',' or ')' after argument 2 of lag(), found 'x'`); type errors (a condition
//! compared with a number, an unknown metric or function, a wrong number of arguments,
//! `verdict` outside `share`) are found by [`check`] when the programme loads, never while it
//! runs.
//!
//! ## Design
//!
//! `lexer` → `parser` (precedence climbing, a syntax tree [`Expr`] with positions) → the
//! checker ([`compile`]: names resolved to metric indices, types checked, `diff` /
//! `pct_change` / `no_worse` rewritten into `lag` and arithmetic) → a typed [`Node`] tree that
//! the [`crate::eval`] engine runs over whole region × period columns, once per node.

mod ast;
mod lexer;
mod parser;
mod typed;

use thiserror::Error;

use crate::model::MetricDef;

pub use ast::{BinaryOp, Expr, ExprKind, UnaryOp};
pub use parser::parse;
pub use typed::{Arith, Checked, ChildAgg, Compare, Node, Window};

/// The type of an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExprType {
    /// A real number.
    Number,
    /// A condition (true / false).
    Boolean,
}

/// An expression failed to parse or type-check.
///
/// Every variant carries the character offset (0-based, in characters not bytes) of the
/// offending part, so that a programme loader can point at it.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum ExprError {
    /// The text is not a well-formed expression.
    #[error("at position {position}: {message}")]
    Parse {
        /// Character offset (0-based) in the expression where the problem is.
        position: usize,
        /// What was found and what was expected.
        message: String,
    },
    /// The expression is well-formed but its parts have the wrong types or are misplaced.
    #[error("at position {position}: {message}")]
    Type {
        /// Character offset (0-based) of the offending part.
        position: usize,
        /// What is wrong.
        message: String,
    },
    /// A name that is neither a metric of the programme nor a reserved word.
    #[error("at position {position}: unknown metric '{name}'")]
    UnknownMetric {
        /// Character offset (0-based) of the name.
        position: usize,
        /// The name as written.
        name: String,
    },
    /// A call of a function the language does not have.
    #[error(
        "at position {position}: unknown function '{name}' (expected lag, diff, pct_change, sum, mean, min, max, no_worse, share or count)"
    )]
    UnknownFunction {
        /// Character offset (0-based) of the call.
        position: usize,
        /// The name as written.
        name: String,
    },
    /// A function called with the wrong number of arguments.
    #[error("at position {position}: {function}() takes {expected} arguments, found {found}")]
    Arity {
        /// Character offset (0-based) of the call.
        position: usize,
        /// The function.
        function: String,
        /// How many it takes (e.g. `2`, `1 or 2`).
        expected: String,
        /// How many were given.
        found: usize,
    },
}

impl ExprError {
    /// The character offset (0-based) the error points at.
    #[must_use]
    pub fn position(&self) -> usize {
        match self {
            ExprError::Parse { position, .. }
            | ExprError::Type { position, .. }
            | ExprError::UnknownMetric { position, .. }
            | ExprError::UnknownFunction { position, .. }
            | ExprError::Arity { position, .. } => *position,
        }
    }
}

/// Parses and type-checks an expression against the programme's metrics, returning its type.
///
/// # Errors
/// [`ExprError`] with the position and what was expected, or the type problem.
///
/// # Example
/// ```
/// use ecociv::expr::{check, ExprError};
/// let err = check("lag(x, 1 x", &[]).unwrap_err();
/// assert_eq!(err.to_string(), "at position 9: expected ',' or ')' after argument 2 of lag(), found 'x'");
/// assert!(matches!(check("gdp", &[]), Err(ExprError::UnknownMetric { position: 0, .. })));
/// ```
pub fn check(source: &str, metrics: &[MetricDef]) -> Result<ExprType, ExprError> {
    compile(source, metrics).map(|c| c.ty)
}

/// Parses and type-checks an expression, returning its typed tree (metric references are
/// indices into `metrics`).
///
/// # Errors
/// As [`check`].
///
/// # Example
/// ```
/// use ecociv::expr::{compile, ExprType, Node, Window};
/// use ecociv::model::MetricDef;
/// let m = MetricDef { code: "major_incidents".into(), name: "重大事件".into(), unit: None,
///     kind: Default::default(), categories: vec![], description: None };
/// let c = compile("sum(major_incidents, 3)", &[m])?;
/// assert_eq!(c.ty, ExprType::Number);
/// assert_eq!(c.node, Node::Window(Window::Sum, Box::new(Node::Metric(0)), 3));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn compile(source: &str, metrics: &[MetricDef]) -> Result<Checked, ExprError> {
    let e = parse(source)?;
    typed::Checker { metrics }.check(&e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MetricKind;

    fn metrics() -> Vec<MetricDef> {
        let m = |code: &str, kind| MetricDef {
            code: code.into(),
            name: code.into(),
            unit: None,
            kind,
            categories: vec![],
            description: None,
        };
        vec![
            m("gdp", MetricKind::Number),
            m("tertiary_va", MetricKind::Number),
            m("air_quality_meets", MetricKind::Boolean),
            m("cross_border_class", MetricKind::Category),
        ]
    }

    fn ty(s: &str) -> ExprType {
        check(s, &metrics()).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn err(s: &str) -> ExprError {
        check(s, &metrics()).unwrap_err()
    }

    #[test]
    fn types_of_valid_expressions() {
        use ExprType::{Boolean, Number};
        assert_eq!(ty("tertiary_va / gdp * 100"), Number);
        assert_eq!(ty("gdp - lag(gdp, 1) >= 0.3"), Boolean);
        assert_eq!(ty("air_quality_meets"), Boolean);
        assert_eq!(ty("lag(air_quality_meets, 2)"), Boolean);
        assert_eq!(
            ty("air_quality_meets == lag(air_quality_meets, 1)"),
            Boolean
        );
        assert_eq!(
            ty("cross_border_class <= lag(cross_border_class, 1)"),
            Boolean
        );
        assert_eq!(ty("diff(gdp)"), Number);
        assert_eq!(ty("pct_change(gdp, 2)"), Number);
        for f in ["sum", "mean", "min", "max"] {
            assert_eq!(ty(&format!("{f}(gdp, 3)")), Number);
        }
        assert_eq!(ty("no_worse(cross_border_class, lower)"), Boolean);
        assert_eq!(ty("share(children, verdict)"), Number);
        assert_eq!(ty("count(children, air_quality_meets and gdp > 1)"), Number);
        assert_eq!(ty("not (true or false)"), Boolean);
        assert_eq!(ty("-gdp"), Number);
    }

    #[test]
    fn desugaring_keeps_the_written_order() {
        let c = compile("pct_change(gdp)", &metrics()).unwrap();
        let written = compile("(gdp / lag(gdp, 1) - 1) * 100", &metrics()).unwrap();
        assert_eq!(c.node, written.node);
        let d = compile("diff(gdp, 2)", &metrics()).unwrap();
        assert_eq!(
            d.node,
            compile("gdp - lag(gdp, 2)", &metrics()).unwrap().node
        );
        let n = compile("no_worse(gdp, higher)", &metrics()).unwrap();
        assert_eq!(
            n.node,
            compile("gdp >= lag(gdp, 1)", &metrics()).unwrap().node
        );
    }

    #[test]
    fn type_errors_are_caught_with_positions() {
        assert!(matches!(
            err("air_quality_meets > 1"),
            ExprError::Type { position: 20, .. }
        ));
        assert!(matches!(
            err("gdp + air_quality_meets"),
            ExprError::Type { position: 6, .. }
        ));
        assert!(matches!(
            err("gdp and air_quality_meets"),
            ExprError::Type { position: 0, .. }
        ));
        assert!(matches!(
            err("not gdp"),
            ExprError::Type { position: 4, .. }
        ));
        assert!(matches!(
            err("air_quality_meets < air_quality_meets"),
            ExprError::Type { position: 0, .. }
        ));
        assert_eq!(
            err("gdp / pop"),
            ExprError::UnknownMetric {
                position: 6,
                name: "pop".into()
            }
        );
        assert_eq!(
            err("gdp + foo(1)"),
            ExprError::UnknownFunction {
                position: 6,
                name: "foo".into()
            }
        );
        assert_eq!(
            err("lag(gdp)"),
            ExprError::Arity {
                position: 0,
                function: "lag".into(),
                expected: "2".into(),
                found: 1
            }
        );
        assert_eq!(
            err("diff()").to_string(),
            "at position 0: diff() takes 1 or 2 arguments, found 0"
        );
        assert!(matches!(
            err("lag(gdp, 0)"),
            ExprError::Type { position: 9, .. }
        ));
        assert!(matches!(
            err("lag(gdp, 1.5)"),
            ExprError::Type { position: 9, .. }
        ));
        assert!(matches!(
            err("sum(gdp, gdp)"),
            ExprError::Type { position: 9, .. }
        ));
        assert!(matches!(
            err("no_worse(gdp, up)"),
            ExprError::Type { position: 14, .. }
        ));
        assert!(matches!(
            err("verdict"),
            ExprError::Type { position: 0, .. }
        ));
        assert!(matches!(
            err("children"),
            ExprError::Type { position: 0, .. }
        ));
        assert!(matches!(
            err("share(gdp, verdict)"),
            ExprError::Type { position: 6, .. }
        ));
        assert!(matches!(
            err("share(children, gdp)"),
            ExprError::Type { position: 16, .. }
        ));
        assert!(matches!(
            err("share(children, count(children, verdict) > 1)"),
            ExprError::Type { position: 16, .. }
        ));
        assert_eq!(err("gdp >= ").position(), 7);
    }

    #[test]
    fn uses_verdict_and_metric_lists() {
        let c = compile("share(children, verdict) >= 80", &metrics()).unwrap();
        assert!(c.node.uses_verdict());
        let c = compile("tertiary_va / gdp * 100 + gdp", &metrics()).unwrap();
        assert!(!c.node.uses_verdict());
        let mut ms = Vec::new();
        c.node.metrics(&mut ms);
        assert_eq!(ms, vec![1, 0]);
    }
}
