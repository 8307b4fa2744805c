//! Name resolution and type checking: from [`Expr`] to a typed [`Node`] tree.

use super::ast::{BinaryOp, Expr, ExprKind, UnaryOp};
use super::{ExprError, ExprType};
use crate::model::{MetricDef, MetricKind};

/// Arithmetic operators of a typed tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arith {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

/// Comparison operators of a typed tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
}

impl Compare {
    /// Applies the comparison (IEEE semantics: any comparison with NaN is false except `!=`).
    #[must_use]
    #[inline]
    pub fn apply(self, a: f64, b: f64) -> bool {
        match self {
            Compare::Lt => a < b,
            Compare::Le => a <= b,
            Compare::Gt => a > b,
            Compare::Ge => a >= b,
            Compare::Eq => a == b,
            Compare::Ne => a != b,
        }
    }
}

/// Window functions over the last `n` periods (current included; all `n` must be present).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// Sum, added from the current period backwards (`x[t] + x[t-1] + …`).
    Sum,
    /// The sum divided by `n`.
    Mean,
    /// Smallest value.
    Min,
    /// Largest value.
    Max,
}

/// Aggregations over a region's children.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildAgg {
    /// `100 * k / n`: the percentage of children for which the condition holds (missing when the
    /// region has no children).
    Share,
    /// `k`: the number of children for which the condition holds.
    Count,
}

/// A typed, resolved expression node. Boolean nodes evaluate to `1.0` / `0.0`.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A number.
    Const(f64),
    /// A metric, by its index in the metric list the expression was checked against. A boolean
    /// metric used as a condition is wrapped in `Compare(Ne, Metric, Const(0))`.
    Metric(usize),
    /// The region's verdict (1 when it meets the programme); only inside [`Node::Children`].
    Verdict,
    /// `-x`
    Neg(Box<Node>),
    /// `not c`
    Not(Box<Node>),
    /// Arithmetic.
    Arith(Arith, Box<Node>, Box<Node>),
    /// Comparison of two numbers or two conditions.
    Compare(Compare, Box<Node>, Box<Node>),
    /// `a and b` (present only when both are present — no three-valued logic).
    And(Box<Node>, Box<Node>),
    /// `a or b` (present only when both are present).
    Or(Box<Node>, Box<Node>),
    /// The value `k` periods earlier (the literal earlier period).
    Lag(Box<Node>, usize),
    /// A window function over the last `n` periods.
    Window(Window, Box<Node>, usize),
    /// An aggregation of a condition over the region's children.
    Children(ChildAgg, Box<Node>),
}

impl Node {
    /// Whether the node reads regions' verdicts (so must be evaluated after the children's).
    #[must_use]
    pub fn uses_verdict(&self) -> bool {
        match self {
            Node::Verdict => true,
            Node::Const(_) | Node::Metric(_) => false,
            Node::Neg(a)
            | Node::Not(a)
            | Node::Lag(a, _)
            | Node::Window(_, a, _)
            | Node::Children(_, a) => a.uses_verdict(),
            Node::Arith(_, a, b) | Node::Compare(_, a, b) | Node::And(a, b) | Node::Or(a, b) => {
                a.uses_verdict() || b.uses_verdict()
            }
        }
    }

    /// Every metric index the node reads.
    pub fn metrics(&self, out: &mut Vec<usize>) {
        match self {
            Node::Metric(m) => {
                if !out.contains(m) {
                    out.push(*m);
                }
            }
            Node::Const(_) | Node::Verdict => {}
            Node::Neg(a)
            | Node::Not(a)
            | Node::Lag(a, _)
            | Node::Window(_, a, _)
            | Node::Children(_, a) => a.metrics(out),
            Node::Arith(_, a, b) | Node::Compare(_, a, b) | Node::And(a, b) | Node::Or(a, b) => {
                a.metrics(out);
                b.metrics(out);
            }
        }
    }
}

/// A parsed and checked expression: its typed tree and its type.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// The typed tree; metric indices refer to the metric list given to [`super::compile`].
    pub node: Node,
    /// The expression's type.
    pub ty: ExprType,
}

/// Where in the tree the checker is.
#[derive(Clone, Copy)]
struct Scope {
    in_children: bool,
}

pub(crate) struct Checker<'a> {
    pub metrics: &'a [MetricDef],
}

fn type_name(t: ExprType) -> &'static str {
    match t {
        ExprType::Number => "a number",
        ExprType::Boolean => "a condition",
    }
}

impl Checker<'_> {
    pub fn check(&self, e: &Expr) -> Result<Checked, ExprError> {
        let (node, ty) = self.node(e, Scope { in_children: false })?;
        Ok(Checked { node, ty })
    }

    fn expect(
        &self,
        e: &Expr,
        want: ExprType,
        what: &str,
        scope: Scope,
    ) -> Result<Node, ExprError> {
        let (n, t) = self.node(e, scope)?;
        if t != want {
            return Err(ExprError::Type {
                position: e.position,
                message: format!(
                    "{what} must be {}, found {} ({e})",
                    type_name(want),
                    type_name(t)
                ),
            });
        }
        Ok(n)
    }

    #[allow(clippy::too_many_lines)]
    fn node(&self, e: &Expr, scope: Scope) -> Result<(Node, ExprType), ExprError> {
        let pos = e.position;
        match &e.kind {
            ExprKind::Number(v) => Ok((Node::Const(*v), ExprType::Number)),
            ExprKind::Name(name) => match name.as_str() {
                "verdict" => {
                    if scope.in_children {
                        Ok((Node::Verdict, ExprType::Boolean))
                    } else {
                        Err(ExprError::Type { position: pos, message: "'verdict' can only be used inside share(children, …) or count(children, …)".into() })
                    }
                }
                "children" => Err(ExprError::Type {
                    position: pos,
                    message: "'children' can only be the first argument of share() or count()"
                        .into(),
                }),
                "true" => Ok((
                    Node::Compare(
                        Compare::Eq,
                        Box::new(Node::Const(0.0)),
                        Box::new(Node::Const(0.0)),
                    ),
                    ExprType::Boolean,
                )),
                "false" => Ok((
                    Node::Compare(
                        Compare::Ne,
                        Box::new(Node::Const(0.0)),
                        Box::new(Node::Const(0.0)),
                    ),
                    ExprType::Boolean,
                )),
                _ => {
                    let Some(i) = self.metrics.iter().position(|m| m.code == *name) else {
                        return Err(ExprError::UnknownMetric {
                            position: pos,
                            name: name.clone(),
                        });
                    };
                    if self.metrics[i].kind == MetricKind::Boolean {
                        Ok((
                            Node::Compare(
                                Compare::Ne,
                                Box::new(Node::Metric(i)),
                                Box::new(Node::Const(0.0)),
                            ),
                            ExprType::Boolean,
                        ))
                    } else {
                        Ok((Node::Metric(i), ExprType::Number))
                    }
                }
            },
            ExprKind::Unary(UnaryOp::Neg, a) => Ok((
                Node::Neg(Box::new(self.expect(
                    a,
                    ExprType::Number,
                    "the operand of '-'",
                    scope,
                )?)),
                ExprType::Number,
            )),
            ExprKind::Unary(UnaryOp::Not, a) => Ok((
                Node::Not(Box::new(self.expect(
                    a,
                    ExprType::Boolean,
                    "the operand of 'not'",
                    scope,
                )?)),
                ExprType::Boolean,
            )),
            ExprKind::Binary(op, a, b) => {
                let sym = op.symbol();
                match op {
                    BinaryOp::And | BinaryOp::Or => {
                        let x = self.expect(
                            a,
                            ExprType::Boolean,
                            &format!("the left operand of '{sym}'"),
                            scope,
                        )?;
                        let y = self.expect(
                            b,
                            ExprType::Boolean,
                            &format!("the right operand of '{sym}'"),
                            scope,
                        )?;
                        let n = if *op == BinaryOp::And {
                            Node::And(Box::new(x), Box::new(y))
                        } else {
                            Node::Or(Box::new(x), Box::new(y))
                        };
                        Ok((n, ExprType::Boolean))
                    }
                    BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div => {
                        let x = self.expect(
                            a,
                            ExprType::Number,
                            &format!("the left operand of '{sym}'"),
                            scope,
                        )?;
                        let y = self.expect(
                            b,
                            ExprType::Number,
                            &format!("the right operand of '{sym}'"),
                            scope,
                        )?;
                        let k = match op {
                            BinaryOp::Add => Arith::Add,
                            BinaryOp::Sub => Arith::Sub,
                            BinaryOp::Mul => Arith::Mul,
                            _ => Arith::Div,
                        };
                        Ok((Node::Arith(k, Box::new(x), Box::new(y)), ExprType::Number))
                    }
                    _ => {
                        let (x, tx) = self.node(a, scope)?;
                        let (y, ty) = self.node(b, scope)?;
                        let c = match op {
                            BinaryOp::Lt => Compare::Lt,
                            BinaryOp::Le => Compare::Le,
                            BinaryOp::Gt => Compare::Gt,
                            BinaryOp::Ge => Compare::Ge,
                            BinaryOp::Eq => Compare::Eq,
                            _ => Compare::Ne,
                        };
                        if tx != ty {
                            return Err(ExprError::Type {
                                position: b.position,
                                message: format!(
                                    "'{sym}' compares {} with {} ({e})",
                                    type_name(tx),
                                    type_name(ty)
                                ),
                            });
                        }
                        if tx == ExprType::Boolean && !matches!(c, Compare::Eq | Compare::Ne) {
                            return Err(ExprError::Type {
                                position: a.position,
                                message: format!(
                                    "conditions can only be compared with '==' or '!=', not '{sym}' ({e})"
                                ),
                            });
                        }
                        Ok((
                            Node::Compare(c, Box::new(x), Box::new(y)),
                            ExprType::Boolean,
                        ))
                    }
                }
            }
            ExprKind::Call { name, args } => self.call(pos, name, args, scope),
        }
    }

    fn arity(
        pos: usize,
        name: &str,
        args: &[Expr],
        min: usize,
        max: usize,
    ) -> Result<(), ExprError> {
        if args.len() < min || args.len() > max {
            let expected = if min == max {
                format!("{min}")
            } else {
                format!("{min} or {max}")
            };
            return Err(ExprError::Arity {
                position: pos,
                function: name.to_owned(),
                expected,
                found: args.len(),
            });
        }
        Ok(())
    }

    /// A positive whole-number literal (a lag or a window length).
    fn count_literal(e: &Expr, what: &str) -> Result<usize, ExprError> {
        if let ExprKind::Number(v) = e.kind
            && (1.0..=1000.0).contains(&v)
            && v.fract() == 0.0
        {
            // The range check makes the conversion exact.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            return Ok(v as usize);
        }
        Err(ExprError::Type {
            position: e.position,
            message: format!("{what} must be a whole number from 1 to 1000, found {e}"),
        })
    }

    fn call(
        &self,
        pos: usize,
        name: &str,
        args: &[Expr],
        scope: Scope,
    ) -> Result<(Node, ExprType), ExprError> {
        let num = |i: usize, scope| {
            self.expect(
                &args[i],
                ExprType::Number,
                &format!("argument {} of {name}()", i + 1),
                scope,
            )
        };
        match name {
            "lag" => {
                Self::arity(pos, name, args, 2, 2)?;
                let (x, t) = self.node(&args[0], scope)?;
                let k = Self::count_literal(&args[1], "the lag of lag()")?;
                Ok((Node::Lag(Box::new(x), k), t))
            }
            "diff" | "pct_change" => {
                Self::arity(pos, name, args, 1, 2)?;
                let x = num(0, scope)?;
                let k = if args.len() == 2 {
                    Self::count_literal(&args[1], &format!("the lag of {name}()"))?
                } else {
                    1
                };
                let lagged = Node::Lag(Box::new(x.clone()), k);
                let n = if name == "diff" {
                    Node::Arith(Arith::Sub, Box::new(x), Box::new(lagged))
                } else {
                    let ratio = Node::Arith(Arith::Div, Box::new(x), Box::new(lagged));
                    let minus =
                        Node::Arith(Arith::Sub, Box::new(ratio), Box::new(Node::Const(1.0)));
                    Node::Arith(Arith::Mul, Box::new(minus), Box::new(Node::Const(100.0)))
                };
                Ok((n, ExprType::Number))
            }
            "sum" | "mean" | "min" | "max" => {
                Self::arity(pos, name, args, 2, 2)?;
                let x = num(0, scope)?;
                let n = Self::count_literal(&args[1], &format!("the window length of {name}()"))?;
                let w = match name {
                    "sum" => Window::Sum,
                    "mean" => Window::Mean,
                    "min" => Window::Min,
                    _ => Window::Max,
                };
                Ok((Node::Window(w, Box::new(x), n), ExprType::Number))
            }
            "no_worse" => {
                Self::arity(pos, name, args, 2, 2)?;
                let x = num(0, scope)?;
                let c = match &args[1].kind {
                    ExprKind::Name(d) if d == "lower" => Compare::Le,
                    ExprKind::Name(d) if d == "higher" => Compare::Ge,
                    _ => {
                        return Err(ExprError::Type {
                            position: args[1].position,
                            message: format!(
                                "argument 2 of no_worse() must be 'lower' or 'higher' (which direction is better), found {}",
                                args[1]
                            ),
                        });
                    }
                };
                let lagged = Node::Lag(Box::new(x.clone()), 1);
                Ok((
                    Node::Compare(c, Box::new(x), Box::new(lagged)),
                    ExprType::Boolean,
                ))
            }
            "share" | "count" => {
                Self::arity(pos, name, args, 2, 2)?;
                if !matches!(&args[0].kind, ExprKind::Name(c) if c == "children") {
                    return Err(ExprError::Type {
                        position: args[0].position,
                        message: format!(
                            "argument 1 of {name}() must be 'children', found {}",
                            args[0]
                        ),
                    });
                }
                if scope.in_children {
                    return Err(ExprError::Type {
                        position: pos,
                        message: format!("{name}() cannot be nested inside share() or count()"),
                    });
                }
                let cond = self.expect(
                    &args[1],
                    ExprType::Boolean,
                    &format!("argument 2 of {name}()"),
                    Scope { in_children: true },
                )?;
                let agg = if name == "share" {
                    ChildAgg::Share
                } else {
                    ChildAgg::Count
                };
                Ok((Node::Children(agg, Box::new(cond)), ExprType::Number))
            }
            _ => Err(ExprError::UnknownFunction {
                position: pos,
                name: name.to_owned(),
            }),
        }
    }
}
