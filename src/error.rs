//! The library's error type. Every variant carries a user-facing message with a hint of what
//! to do; the binary prints it on one line and exits with code 2.

use std::path::PathBuf;

/// Errors that stop an audit before or while it runs (usage, configuration, unreadable input).
///
/// Problems with individual pages (a 500, a malformed page, a wrong encoding) are not errors:
/// they become findings and the audit goes on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input is neither an http(s) URL nor an existing file or folder.
    #[error("input not found: {0} (give an http(s) URL, an HTML file or a folder)")]
    InputNotFound(String),
    /// An input URL has an unsupported scheme or cannot be parsed.
    #[error("invalid URL {url}: {reason} (only http:// and https:// URLs are audited)")]
    InvalidUrl { url: String, reason: String },
    /// A folder input holds no HTML files.
    #[error("no HTML files (.html, .htm, .shtml) found under {0}")]
    NoHtmlFiles(PathBuf),
    /// A rule id on the command line or in the config is not in the catalog.
    #[error("unknown rule id: {0} (run `govaudit rules` to list the rule ids)")]
    UnknownRule(String),
    /// A configuration value is invalid.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// No input was given.
    #[error("no input given (usage: govaudit audit <URL | FILE | FOLDER>...)")]
    NoInput,
    /// An I/O error with the path it concerns.
    #[error("{action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The embedded rule catalog is malformed (a build defect, caught by the tests).
    #[error("rule catalog {file}: {message}")]
    Catalog { file: String, message: String },
    /// The HTTP client could not be built (TLS setup, proxy).
    #[error("cannot set up the HTTP client: {0}")]
    HttpClient(String),
    /// A report could not be serialised.
    #[error("cannot write the report: {0}")]
    Report(String),
}

/// Result alias of the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Wraps an I/O error with what was being done and to which path.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}
