//! Tokens of the expression language, with their character positions.

use super::ExprError;

/// One token and the character offset (0-based) where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub kind: Tok,
    pub position: usize,
}

/// The kinds of token.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    Number(f64),
    Ident(String),
    LParen,
    RParen,
    Comma,
    Plus,
    Minus,
    Star,
    Slash,
    Lt,
    Le,
    Gt,
    Ge,
    EqEq,
    Ne,
    And,
    Or,
    Not,
    Eof,
}

impl Tok {
    /// How the token is shown in error messages.
    pub fn describe(&self) -> String {
        match self {
            Tok::Number(v) => format!("number {v}"),
            Tok::Ident(s) => format!("'{s}'"),
            Tok::LParen => "'('".into(),
            Tok::RParen => "')'".into(),
            Tok::Comma => "','".into(),
            Tok::Plus => "'+'".into(),
            Tok::Minus => "'-'".into(),
            Tok::Star => "'*'".into(),
            Tok::Slash => "'/'".into(),
            Tok::Lt => "'<'".into(),
            Tok::Le => "'<='".into(),
            Tok::Gt => "'>'".into(),
            Tok::Ge => "'>='".into(),
            Tok::EqEq => "'=='".into(),
            Tok::Ne => "'!='".into(),
            Tok::And => "'and'".into(),
            Tok::Or => "'or'".into(),
            Tok::Not => "'not'".into(),
            Tok::Eof => "end of expression".into(),
        }
    }
}

/// Splits `source` into tokens (ending with [`Tok::Eof`]).
///
/// Accepts ASCII operators and their typographic forms (`−`, `×`, `÷`, `≤`, `≥`, `≠`).
pub(crate) fn tokenize(source: &str) -> Result<Vec<Token>, ExprError> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        let single = |k: Tok| Token {
            kind: k,
            position: start,
        };
        match c {
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '(' => out.push(single(Tok::LParen)),
            ')' => out.push(single(Tok::RParen)),
            ',' => out.push(single(Tok::Comma)),
            '+' => out.push(single(Tok::Plus)),
            '-' | '−' => out.push(single(Tok::Minus)),
            '*' | '×' => out.push(single(Tok::Star)),
            '/' | '÷' => out.push(single(Tok::Slash)),
            '≤' => out.push(single(Tok::Le)),
            '≥' => out.push(single(Tok::Ge)),
            '≠' => out.push(single(Tok::Ne)),
            '<' | '>' | '=' | '!' => {
                let eq = chars.get(i + 1) == Some(&'=');
                let kind = match (c, eq) {
                    ('<', true) => Tok::Le,
                    ('<', false) => Tok::Lt,
                    ('>', true) => Tok::Ge,
                    ('>', false) => Tok::Gt,
                    ('=', true) => Tok::EqEq,
                    ('!', true) => Tok::Ne,
                    ('=', false) => {
                        return Err(ExprError::Parse {
                            position: start,
                            message: "expected '==' for equality, found '='".into(),
                        });
                    }
                    _ => {
                        return Err(ExprError::Parse {
                            position: start,
                            message: "expected '!=' or 'not', found '!'".into(),
                        });
                    }
                };
                out.push(single(kind));
                if eq {
                    i += 1;
                }
            }
            c if c.is_ascii_digit()
                || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) =>
            {
                let mut j = i;
                while j < chars.len() && chars[j].is_ascii_digit() {
                    j += 1;
                }
                if j < chars.len() && chars[j] == '.' {
                    j += 1;
                    while j < chars.len() && chars[j].is_ascii_digit() {
                        j += 1;
                    }
                }
                if j < chars.len() && (chars[j] == 'e' || chars[j] == 'E') {
                    let mut k = j + 1;
                    if k < chars.len() && (chars[k] == '+' || chars[k] == '-') {
                        k += 1;
                    }
                    if k < chars.len() && chars[k].is_ascii_digit() {
                        while k < chars.len() && chars[k].is_ascii_digit() {
                            k += 1;
                        }
                        j = k;
                    } else {
                        return Err(ExprError::Parse {
                            position: k.min(chars.len()),
                            message: "expected digits in the exponent of a number".into(),
                        });
                    }
                }
                let text: String = chars[i..j].iter().collect();
                let v: f64 = text.parse().map_err(|_| ExprError::Parse {
                    position: start,
                    message: format!("expected a number, found {text:?}"),
                })?;
                if !v.is_finite() {
                    return Err(ExprError::Parse {
                        position: start,
                        message: format!("number {text} is too large"),
                    });
                }
                out.push(Token {
                    kind: Tok::Number(v),
                    position: start,
                });
                i = j;
                continue;
            }
            c if c.is_alphabetic() || c == '_' => {
                let mut j = i;
                while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_') {
                    j += 1;
                }
                let word: String = chars[i..j].iter().collect();
                let kind = match word.as_str() {
                    "and" => Tok::And,
                    "or" => Tok::Or,
                    "not" => Tok::Not,
                    _ => Tok::Ident(word),
                };
                out.push(Token {
                    kind,
                    position: start,
                });
                i = j;
                continue;
            }
            other => {
                return Err(ExprError::Parse {
                    position: start,
                    message: format!(
                        "expected a number, a name, an operator or a parenthesis, found {other:?}"
                    ),
                });
            }
        }
        i += 1;
    }
    out.push(Token {
        kind: Tok::Eof,
        position: chars.len(),
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<Tok> {
        tokenize(s).unwrap().into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn tokens_and_positions() {
        let t = tokenize("a >= 1.5e2 and not b").unwrap();
        let pos: Vec<usize> = t.iter().map(|t| t.position).collect();
        assert_eq!(pos, vec![0, 2, 5, 11, 15, 19, 20]);
        assert_eq!(t[2].kind, Tok::Number(150.0));
    }

    #[test]
    fn typographic_operators() {
        assert_eq!(kinds("a × b ÷ c − d ≥ e"), kinds("a * b / c - d >= e"));
        assert_eq!(kinds("≤ ≠"), vec![Tok::Le, Tok::Ne, Tok::Eof]);
    }

    #[test]
    fn positions_count_characters_not_bytes() {
        let t = tokenize("甲 + $").unwrap_err();
        assert_eq!(
            t,
            ExprError::Parse {
                position: 4,
                message: "expected a number, a name, an operator or a parenthesis, found '$'"
                    .into()
            }
        );
    }

    #[test]
    fn single_equals_is_refused() {
        assert!(matches!(
            tokenize("a = 1"),
            Err(ExprError::Parse { position: 2, .. })
        ));
        assert!(matches!(
            tokenize("1e"),
            Err(ExprError::Parse { position: 2, .. })
        ));
    }
}
