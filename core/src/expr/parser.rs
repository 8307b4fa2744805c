//! Recursive-descent (precedence-climbing) parser from tokens to [`Expr`].

use super::ExprError;
use super::ast::{BinaryOp, Expr, ExprKind, UnaryOp};
use super::lexer::{Tok, Token, tokenize};

/// Deepest nesting accepted, so that hostile input cannot overflow the stack.
const MAX_DEPTH: usize = 200;

/// Parses an expression into its syntax tree (no name resolution, no type check).
///
/// # Errors
/// [`ExprError::Parse`] with the character position and what was expected.
///
/// # Example
/// ```
/// let e = ecociv::expr::parse("tertiary_va / gdp * 100 >= 40")?;
/// assert_eq!(e.to_string(), "(((tertiary_va / gdp) * 100) >= 40)");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse(source: &str) -> Result<Expr, ExprError> {
    let tokens = tokenize(source)?;
    let mut p = Parser {
        tokens,
        at: 0,
        depth: 0,
    };
    if p.peek().kind == Tok::Eof {
        return Err(ExprError::Parse {
            position: p.peek().position,
            message: "expected an expression, found end of expression".into(),
        });
    }
    let e = p.expr()?;
    let t = p.peek();
    if t.kind != Tok::Eof {
        return Err(ExprError::Parse {
            position: t.position,
            message: format!(
                "expected an operator or end of expression, found {}",
                t.kind.describe()
            ),
        });
    }
    Ok(e)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> &Token {
        &self.tokens[self.at]
    }

    fn next(&mut self) -> Token {
        let t = self.tokens[self.at].clone();
        if t.kind != Tok::Eof {
            self.at += 1;
        }
        t
    }

    /// Runs `parse` one nesting level deeper, refusing (at `position`) an expression nested
    /// more than [`MAX_DEPTH`] levels: the guard against stack exhaustion on hostile input.
    fn nested(
        &mut self,
        position: usize,
        parse: impl FnOnce(&mut Self) -> Result<Expr, ExprError>,
    ) -> Result<Expr, ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ExprError::Parse {
                position,
                message: format!("expression nested more than {MAX_DEPTH} levels deep"),
            });
        }
        let r = parse(self);
        self.depth -= 1;
        r
    }

    /// A prefix operator (the current token) applied to what `operand` parses.
    fn prefix(
        &mut self,
        op: UnaryOp,
        operand: fn(&mut Self) -> Result<Expr, ExprError>,
    ) -> Result<Expr, ExprError> {
        let t = self.next();
        let e = self.nested(t.position, operand)?;
        Ok(Expr {
            kind: ExprKind::Unary(op, Box::new(e)),
            position: t.position,
        })
    }

    fn expr(&mut self) -> Result<Expr, ExprError> {
        let position = self.peek().position;
        self.nested(position, Self::or)
    }

    fn or(&mut self) -> Result<Expr, ExprError> {
        let mut lhs = self.and()?;
        while self.peek().kind == Tok::Or {
            self.next();
            let rhs = self.and()?;
            lhs = bin(BinaryOp::Or, lhs, rhs);
        }
        Ok(lhs)
    }

    fn and(&mut self) -> Result<Expr, ExprError> {
        let mut lhs = self.not()?;
        while self.peek().kind == Tok::And {
            self.next();
            let rhs = self.not()?;
            lhs = bin(BinaryOp::And, lhs, rhs);
        }
        Ok(lhs)
    }

    fn not(&mut self) -> Result<Expr, ExprError> {
        if self.peek().kind == Tok::Not {
            return self.prefix(UnaryOp::Not, Self::not);
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, ExprError> {
        let lhs = self.additive()?;
        let Some(op) = comparison_op(&self.peek().kind) else {
            return Ok(lhs);
        };
        self.next();
        let rhs = self.additive()?;
        if let Some(op2) = comparison_op(&self.peek().kind) {
            return Err(ExprError::Parse {
                position: self.peek().position,
                message: format!(
                    "comparisons cannot be chained ('{}' after '{}'); expected 'and' between them",
                    op2.symbol(),
                    op.symbol()
                ),
            });
        }
        Ok(bin(op, lhs, rhs))
    }

    fn additive(&mut self) -> Result<Expr, ExprError> {
        let mut lhs = self.multiplicative()?;
        loop {
            let op = match self.peek().kind {
                Tok::Plus => BinaryOp::Add,
                Tok::Minus => BinaryOp::Sub,
                _ => return Ok(lhs),
            };
            self.next();
            let rhs = self.multiplicative()?;
            lhs = bin(op, lhs, rhs);
        }
    }

    fn multiplicative(&mut self) -> Result<Expr, ExprError> {
        let mut lhs = self.unary()?;
        loop {
            let op = match self.peek().kind {
                Tok::Star => BinaryOp::Mul,
                Tok::Slash => BinaryOp::Div,
                _ => return Ok(lhs),
            };
            self.next();
            let rhs = self.unary()?;
            lhs = bin(op, lhs, rhs);
        }
    }

    fn unary(&mut self) -> Result<Expr, ExprError> {
        if self.peek().kind == Tok::Minus {
            return self.prefix(UnaryOp::Neg, Self::unary);
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, ExprError> {
        let t = self.next();
        match t.kind {
            Tok::Number(v) => Ok(Expr {
                kind: ExprKind::Number(v),
                position: t.position,
            }),
            Tok::Ident(name) => {
                if self.peek().kind != Tok::LParen {
                    return Ok(Expr {
                        kind: ExprKind::Name(name),
                        position: t.position,
                    });
                }
                self.next();
                let mut args = Vec::new();
                if self.peek().kind == Tok::RParen {
                    self.next();
                } else {
                    loop {
                        args.push(self.expr()?);
                        let sep = self.next();
                        match sep.kind {
                            Tok::Comma => {}
                            Tok::RParen => break,
                            other => {
                                return Err(ExprError::Parse {
                                    position: sep.position,
                                    message: format!(
                                        "expected ',' or ')' after argument {} of {name}(), found {}",
                                        args.len(),
                                        other.describe()
                                    ),
                                });
                            }
                        }
                    }
                }
                Ok(Expr {
                    kind: ExprKind::Call { name, args },
                    position: t.position,
                })
            }
            Tok::LParen => {
                let e = self.expr()?;
                let close = self.next();
                if close.kind != Tok::RParen {
                    return Err(ExprError::Parse {
                        position: close.position,
                        message: format!(
                            "expected ')' to close the '(' at position {}, found {}",
                            t.position,
                            close.kind.describe()
                        ),
                    });
                }
                Ok(e)
            }
            other => Err(ExprError::Parse {
                position: t.position,
                message: format!(
                    "expected a number, a name, '(', '-' or 'not', found {}",
                    other.describe()
                ),
            }),
        }
    }
}

fn comparison_op(t: &Tok) -> Option<BinaryOp> {
    Some(match t {
        Tok::Lt => BinaryOp::Lt,
        Tok::Le => BinaryOp::Le,
        Tok::Gt => BinaryOp::Gt,
        Tok::Ge => BinaryOp::Ge,
        Tok::EqEq => BinaryOp::Eq,
        Tok::Ne => BinaryOp::Ne,
        _ => return None,
    })
}

fn bin(op: BinaryOp, a: Expr, b: Expr) -> Expr {
    let position = a.position;
    Expr {
        kind: ExprKind::Binary(op, Box::new(a), Box::new(b)),
        position,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(s: &str) -> String {
        parse(s).unwrap().to_string()
    }

    fn err(s: &str) -> (usize, String) {
        match parse(s).unwrap_err() {
            ExprError::Parse { position, message } => (position, message),
            e => panic!("not a parse error: {e}"),
        }
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(show("a - b - c"), "((a - b) - c)");
        assert_eq!(show("a / b * 100"), "((a / b) * 100)");
        assert_eq!(show("a + b * c"), "(a + (b * c))");
        assert_eq!(
            show("a <= b and c or not d"),
            "(((a <= b) and c) or (not d))"
        );
        assert_eq!(show("-a * -2"), "((-a) * (-2))");
        assert_eq!(
            show("(forest_land_area / lag(forest_land_area, 1) - 1) * 100"),
            "(((forest_land_area / lag(forest_land_area, 1)) - 1) * 100)"
        );
        assert_eq!(show("share(children, verdict)"), "share(children, verdict)");
        assert_eq!(show("f()"), "f()");
    }

    #[test]
    fn parse_errors_name_position_and_expectation() {
        assert_eq!(
            err("lag(x, 1 x"),
            (
                9,
                "expected ',' or ')' after argument 2 of lag(), found 'x'".into()
            )
        );
        assert_eq!(
            err("(a + b"),
            (
                6,
                "expected ')' to close the '(' at position 0, found end of expression".into()
            )
        );
        assert_eq!(
            err("a +"),
            (
                3,
                "expected a number, a name, '(', '-' or 'not', found end of expression".into()
            )
        );
        assert_eq!(
            err(""),
            (0, "expected an expression, found end of expression".into())
        );
        assert_eq!(
            err("a b"),
            (
                2,
                "expected an operator or end of expression, found 'b'".into()
            )
        );
        assert_eq!(err("a < b < c").0, 6);
        assert_eq!(err("a * )").0, 4);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let s = "(".repeat(10_000) + "1" + &")".repeat(10_000);
        assert!(err(&s).1.contains("nested"));
        let s = "-".repeat(10_000) + "1";
        assert!(err(&s).1.contains("nested"));
        let s = "not ".repeat(10_000) + "a";
        assert!(err(&s).1.contains("nested"));
    }
}
