//! Local inputs: an HTML file, or a folder of built pages (a CMS's output in CI).

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use url::Url;

use super::{FetchError, FetchErrorKind, RawPage};

/// File extensions audited in a folder (case-insensitive).
pub const HTML_EXTENSIONS: &[&str] = &["html", "htm", "shtml", "xhtml"];

/// What walking a folder found: the HTML files (sorted) and the entries it could not read
/// (symlink loops, permission errors), each with a message.
#[derive(Debug, Default)]
pub struct Discovery {
    /// HTML files, sorted by path.
    pub files: Vec<PathBuf>,
    /// Entries skipped, with why.
    pub skipped: Vec<(PathBuf, String)>,
}

/// Whether a path has an HTML extension.
pub fn has_html_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| HTML_EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// Lists the HTML files under a folder, following symbolic links but not loops.
pub fn discover(root: &Path) -> Discovery {
    let mut out = Discovery::default();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name();
    for entry in walker {
        match entry {
            Ok(e) => {
                if e.file_type().is_file() && has_html_extension(e.path()) {
                    out.files.push(e.into_path());
                }
            }
            Err(err) => {
                let path = err
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| root.to_path_buf());
                let msg = if err.loop_ancestor().is_some() {
                    "symbolic link loop".to_string()
                } else {
                    err.io_error()
                        .map_or_else(|| err.to_string(), ToString::to_string)
                };
                out.skipped.push((path, msg));
            }
        }
    }
    out.files.sort();
    out
}

/// The `file:` URL of a path (made absolute against the working folder).
pub fn file_url(path: &Path) -> Url {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let abs = normalise_path(&abs);
    Url::from_file_path(&abs)
        .unwrap_or_else(|()| Url::parse("file:///").expect("static URL parses"))
}

/// Removes `.` and resolves `..` lexically (no file-system access, symlinks kept).
fn normalise_path(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for comp in path.components() {
        match comp {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Reads a local file, at most `max_bytes` (the rest is reported as truncated).
pub fn read(path: &Path, max_bytes: u64) -> Result<RawPage, FetchError> {
    let started = Instant::now();
    let url = file_url(path);
    let file = File::open(path).map_err(|e| io_error(path, &e))?;
    let meta = file.metadata().map_err(|e| io_error(path, &e))?;
    if meta.is_dir() {
        return Err(FetchError::new(
            FetchErrorKind::Io,
            format!("{} is a folder", path.display()),
        ));
    }
    let mut body = Vec::with_capacity(meta.len().min(max_bytes) as usize);
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut body)
        .map_err(|e| io_error(path, &e))?;
    let truncated = body.len() as u64 > max_bytes;
    if truncated {
        body.truncate(max_bytes as usize);
    }
    Ok(RawPage {
        final_url: url.clone(),
        url,
        display: path.display().to_string(),
        local_path: Some(path.to_path_buf()),
        status: None,
        content_type: None,
        headers: Vec::new(),
        body,
        truncated,
        depth: 0,
        redirects: Vec::new(),
        elapsed_ms: started.elapsed().as_millis() as u64,
        wire_bytes: meta.len(),
        tls_error: None,
    })
}

fn io_error(path: &Path, e: &std::io::Error) -> FetchError {
    FetchError::new(
        FetchErrorKind::Io,
        format!("cannot read {}: {e}", path.display()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovers_html_files_sorted() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("b/c")).expect("mkdir");
        for f in [
            "b/c/z.SHTML",
            "a.html",
            "b/x.htm",
            "b/readme.txt",
            "b/y.css",
        ] {
            std::fs::write(root.join(f), "<p>").expect("write");
        }
        let d = discover(root);
        let names: Vec<String> = d
            .files
            .iter()
            .map(|p| p.strip_prefix(root).expect("prefix").display().to_string())
            .collect();
        assert_eq!(names, vec!["a.html", "b/c/z.SHTML", "b/x.htm"]);
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loop_is_skipped_not_fatal() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("sub")).expect("mkdir");
        std::fs::write(root.join("sub/a.html"), "<p>").expect("write");
        std::os::unix::fs::symlink(root, root.join("sub/loop")).expect("symlink");
        let d = discover(root);
        assert_eq!(d.files.len(), 1);
        assert!(d.skipped.iter().any(|(_, m)| m.contains("loop")));
    }

    #[test]
    fn read_caps_size() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("big.html");
        std::fs::write(&p, vec![b'a'; 1000]).expect("write");
        let raw = read(&p, 100).expect("read");
        assert!(raw.truncated);
        assert_eq!(raw.body.len(), 100);
        assert!(read(&dir.path().join("missing.html"), 100).is_err());
    }
}
