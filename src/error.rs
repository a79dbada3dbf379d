//! Fatal errors: problems that stop a run before it can report content diagnostics, such as
//! an unreadable folder, a broken config or a template that does not compile. Every variant
//! names the file it is about.

use std::path::PathBuf;

use crate::diag::Diagnostic;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("{} has {} error(s)", path.display(), crate::diag::error_count(diagnostics))]
    Config {
        path: PathBuf,
        diagnostics: Vec<Diagnostic>,
    },

    #[error("template `{name}`: {message}")]
    Template { name: String, message: String },

    #[error("{0}")]
    Usage(String),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
