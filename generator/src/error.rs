//! The generator's one error type: every failure names where it happened.

use std::fmt;
use std::path::PathBuf;

/// A place in a spec file: the file, and the line and column when they are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The spec file, as the caller named it.
    pub file: PathBuf,
    /// 1-based line and column, when the YAML gives them.
    pub line_col: Option<(usize, usize)>,
}

impl Location {
    /// A location covering a whole file.
    pub fn file(file: impl Into<PathBuf>) -> Self {
        Self {
            file: file.into(),
            line_col: None,
        }
    }

    /// A location at a line and column (both 1-based).
    pub fn at(file: impl Into<PathBuf>, line: usize, column: usize) -> Self {
        Self {
            file: file.into(),
            line_col: Some((line, column)),
        }
    }
}

impl fmt::Display for Location {
    /// `file:line:column`, with control and bidirectional-formatting characters of the file
    /// name escaped like those of a message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.file.display().to_string().chars() {
            if c.is_control() || is_bidi_control(c) {
                write!(f, "\\u{{{:x}}}", u32::from(c))?;
            } else {
                write!(f, "{c}")?;
            }
        }
        if let Some((line, column)) = self.line_col {
            write!(f, ":{line}:{column}")?;
        }
        Ok(())
    }
}

/// One thing wrong with a spec, on one line: `file:line:column: what is wrong`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// Where the problem is.
    pub location: Location,
    /// What is wrong, lowercase, without a trailing period.
    pub message: String,
}

/// The longest message a [`SpecError`] carries, in characters; a longer one (only a hostile
/// spec quotes that much of itself) is cut, and says so.
pub const MAX_MESSAGE_CHARS: usize = 1000;

impl SpecError {
    /// An error at `location`. The message becomes one line whatever its source said
    /// (serde_yaml and saphyr messages can carry newlines, and messages quote spec text):
    /// whitespace runs become one space, control and bidirectional-formatting characters are
    /// escaped (`\u{1b}`) so that none reaches a terminal raw, and it is cut to
    /// [`MAX_MESSAGE_CHARS`].
    pub(crate) fn new(location: Location, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut line = String::with_capacity(message.len().min(MAX_MESSAGE_CHARS + 16));
        let mut chars = 0;
        for (i, word) in message.split_whitespace().enumerate() {
            if i > 0 {
                line.push(' ');
                chars += 1;
            }
            for c in word.chars() {
                if chars >= MAX_MESSAGE_CHARS {
                    line.push_str("... (cut)");
                    return Self {
                        location,
                        message: line,
                    };
                }
                if c.is_control() || is_bidi_control(c) {
                    let escaped = format!("\\u{{{:x}}}", u32::from(c));
                    chars += escaped.len();
                    line.push_str(&escaped);
                } else {
                    line.push(c);
                    chars += 1;
                }
            }
        }
        Self {
            location,
            message: line,
        }
    }
}

/// The characters that reorder how text around them is displayed (the "Trojan Source" ones).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Everything that can go wrong between spec files and formatted Rust.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A spec file or folder could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// One or more specs are invalid; each error is one line.
    #[error("{}", join_lines(.0))]
    Spec(Vec<SpecError>),
    /// The generator produced code that does not parse: a bug in a template, never in a spec.
    #[error(
        "internal error: the code rendered for {what} does not parse ({message}); this is a generator bug"
    )]
    Render {
        /// What was being rendered.
        what: String,
        /// The parser's complaint, with its line and column in the rendered text.
        message: String,
    },
}

impl Error {
    /// The spec errors, if this is a spec error.
    pub fn spec_errors(&self) -> &[SpecError] {
        match self {
            Error::Spec(errors) => errors,
            _ => &[],
        }
    }
}

impl From<SpecError> for Error {
    fn from(error: SpecError) -> Self {
        Error::Spec(vec![error])
    }
}

fn join_lines(errors: &[SpecError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The generator's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    fn message(text: &str) -> String {
        SpecError::new(Location::file("x.yaml"), text).message
    }

    #[test]
    fn a_message_is_one_line() {
        assert_eq!(message(" a\n  b\tc\r\n"), "a b c");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(
            message("key `\u{1b}[31mred\u{7}` and \u{202e}evil"),
            "key `\\u{1b}[31mred\\u{7}` and \\u{202e}evil"
        );
    }

    #[test]
    fn control_characters_in_a_file_name_are_escaped() {
        let location = Location::at("spec/\u{1b}[2Jx\n.yaml", 1, 2);
        assert_eq!(location.to_string(), "spec/\\u{1b}[2Jx\\u{a}.yaml:1:2");
    }

    #[test]
    fn a_long_message_is_cut() {
        let long = message(&format!("duplicate key `{}`", "k".repeat(1_000_000)));
        assert_eq!(long.chars().count(), MAX_MESSAGE_CHARS + "... (cut)".len());
        assert!(long.starts_with("duplicate key `kkk"));
        assert!(long.ends_with("kkk... (cut)"));
        let short = "x".repeat(MAX_MESSAGE_CHARS);
        assert_eq!(message(&short), short);
    }
}
