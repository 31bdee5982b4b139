//! The names a string annotation reads (`pd` in `df: "pd.DataFrame"`).
//! Python does not evaluate the string, but type checkers and
//! `typing.get_type_hints` do: they read the names in it as if the string's
//! content stood there as code. The content is read as a type expression:
//! dotted names, subscripts, calls, `|`, literals and nested strings. Text
//! that is not one (`x: "the count"`) reads nothing.

/// Python's keywords that cannot be part of a type expression.
const KEYWORDS: &[&str] = &[
    "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
    "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
    "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

/// Names that are literals, not variables.
const CONSTANTS: &[&str] = &["None", "True", "False"];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Token {
    Name,
    Dot,
    Open,
    Close,
    Comma,
    Operator,
    Literal,
}

/// What the content of a string annotation reads: each name that starts a
/// dotted chain, with its offset in `text`. `None` when `text` is not a
/// type expression.
pub(crate) fn names_read(text: &str) -> Option<Vec<(usize, &str)>> {
    let mut names = Vec::new();
    read(text, 0, &mut names)?;
    Some(names)
}

/// What a subscript's brackets hold: `Literal[...]` holds values, not
/// types; `Annotated[T, ...]` holds a type, then metadata. The names of
/// values are read all the same; their strings are not forward references.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Holds {
    Types,
    Values,
    TypeThenValues,
}

fn read<'t>(text: &'t str, base: usize, names: &mut Vec<(usize, &'t str)>) -> Option<()> {
    let bytes = text.as_bytes();
    let mut previous: Option<Token> = None;
    // The last dotted chain's final name, for the subscript that may follow.
    let mut last_name: &str = "";
    let mut brackets: Vec<(u8, Holds)> = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let c = text[at..].chars().next()?;
        let holds = |brackets: &[(u8, Holds)]| brackets.last().map_or(Holds::Types, |b| b.1);
        let token = if c.is_whitespace() {
            at += c.len_utf8();
            continue;
        } else if c.is_alphabetic() || c == '_' {
            let end = text[at..]
                .char_indices()
                .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
                .map_or(text.len(), |(offset, _)| at + offset);
            let word = &text[at..end];
            if KEYWORDS.contains(&word) {
                return None;
            }
            let attribute = previous == Some(Token::Dot);
            if matches!(previous, Some(Token::Name | Token::Literal | Token::Close)) {
                return None;
            }
            if !attribute && !CONSTANTS.contains(&word) {
                names.push((base + at, word));
            }
            last_name = word;
            at = end;
            Token::Name
        } else if c.is_ascii_digit() {
            let end = text[at..]
                .char_indices()
                .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '.'))
                .map_or(text.len(), |(offset, _)| at + offset);
            at = end;
            Token::Literal
        } else if c == '"' || c == '\'' {
            let end = text[at + 1..].find(c).map(|offset| at + 1 + offset)?;
            let inner = &text[at + 1..end];
            if inner.contains('\\') {
                return None;
            }
            // A nested string is a forward reference, unless it is a value.
            if holds(&brackets) != Holds::Values {
                read(inner, base + at + 1, names)?;
            }
            at = end + 1;
            Token::Literal
        } else if text[at..].starts_with("...") {
            at += 3;
            Token::Literal
        } else {
            at += 1;
            match c {
                '.' => {
                    if !matches!(previous, Some(Token::Name | Token::Close)) {
                        return None;
                    }
                    Token::Dot
                }
                '[' | '(' => {
                    let opens_subscript =
                        c == '[' && matches!(previous, Some(Token::Name | Token::Close));
                    let holds = match last_name {
                        "Literal" if opens_subscript => Holds::Values,
                        "Annotated" if opens_subscript => Holds::TypeThenValues,
                        _ if holds(&brackets) == Holds::Values => Holds::Values,
                        _ => Holds::Types,
                    };
                    brackets.push((c as u8, holds));
                    last_name = "";
                    Token::Open
                }
                ']' | ')' => {
                    let open = if c == ']' { b'[' } else { b'(' };
                    if brackets.pop()?.0 != open {
                        return None;
                    }
                    Token::Close
                }
                ',' => {
                    if let Some(last) = brackets.last_mut()
                        && last.1 == Holds::TypeThenValues
                    {
                        last.1 = Holds::Values;
                    }
                    Token::Comma
                }
                '|' | '-' | '*' => Token::Operator,
                _ => return None,
            }
        };
        if token != Token::Name {
            last_name = if token == Token::Dot { last_name } else { "" };
        }
        previous = Some(token);
    }
    (brackets.is_empty() && previous != Some(Token::Dot)).then_some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_names(text: &str) -> Option<Vec<&str>> {
        names_read(text).map(|names| names.into_iter().map(|(_, name)| name).collect())
    }

    #[test]
    fn dotted_names_subscripts_and_nested_strings() {
        assert_eq!(read_names("pd.DataFrame"), Some(vec!["pd"]));
        assert_eq!(names_read("  np.ndarray"), Some(vec![(2, "np")]));
        assert_eq!(
            read_names("Optional[Dict[str, 'np.ndarray']] | None"),
            Some(vec!["Optional", "Dict", "str", "np"])
        );
        assert_eq!(read_names("Callable[..., T]"), Some(vec!["Callable", "T"]));
        assert_eq!(read_names("Literal['a', \"b\"]"), Some(vec!["Literal"]));
        // Values are read too (`Literal[Color.RED]`), but their strings are not types.
        assert_eq!(
            read_names("Annotated[pd.Series, 'metadata', Gt(0)]"),
            Some(vec!["Annotated", "pd", "Gt"])
        );
        assert_eq!(read_names("typing.Literal[1, -2]"), Some(vec!["typing"]));
        assert_eq!(read_names("tuple[int, *Ts]"), Some(vec!["tuple", "int", "Ts"]));
        let nested = names_read("List['Frame']").unwrap();
        assert_eq!(nested, vec![(0, "List"), (6, "Frame")]);
    }

    #[test]
    fn text_that_is_not_a_type_reads_nothing() {
        assert_eq!(read_names("the count"), None);
        assert_eq!(read_names("int or None"), None);
        assert_eq!(read_names("List[int"), None);
        assert_eq!(read_names("a.b."), None);
        assert_eq!(read_names("x = 1"), None);
        assert_eq!(read_names("'a\\'b'"), None);
        assert_eq!(read_names(""), Some(vec![]));
    }
}
