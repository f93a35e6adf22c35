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
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
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

impl SpecError {
    pub(crate) fn new(location: Location, message: impl Into<String>) -> Self {
        // A message is one line whatever its source said (serde_yaml and saphyr
        // messages can carry newlines).
        let message = message
            .into()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        Self { location, message }
    }
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
