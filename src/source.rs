//! The read stage: walks `content/` and reads every document, plus the list of other files
//! (images and attachments) to copy beside them.
//!
//! The only content I/O of a build. Text is normalised here (BOM dropped, CRLF and CR turned
//! into LF), so every later stage sees one line-ending convention; non-UTF-8 files become
//! diagnostics naming the file and the line of the first bad byte.

use std::path::Path;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diag::{Diagnostics, LineIndex, Pos};
use crate::error::{Error, Result};
use crate::names::SourcePath;

/// One document's normalised text.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceFile {
    pub path: SourcePath,
    pub text: String,
}

#[derive(Debug, Default)]
pub struct Sources {
    pub docs: Vec<SourceFile>,
    /// Files that are not documents, copied to the same path in the site.
    pub assets: Vec<SourcePath>,
}

/// The folder documents live in, relative to the site root; diagnostics name files under it.
pub const CONTENT_DIR: &str = "content";

/// Reads every `*.md` under `dir`, sorted by path.
pub fn read_content(dir: &Path) -> Result<(Sources, Diagnostics)> {
    if !dir.is_dir() {
        return Err(Error::io(
            dir,
            std::io::Error::new(std::io::ErrorKind::NotFound, "content folder not found"),
        ));
    }
    let mut diags = Diagnostics::new();
    let mut doc_paths = Vec::new();
    let mut assets = Vec::new();
    let walker = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    for entry in
        walker.filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
    {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let shown = e
                    .path()
                    .map(|p| display(dir, p))
                    .unwrap_or_else(|| CONTENT_DIR.into());
                let message = match e.loop_ancestor() {
                    Some(_) => "symbolic link loop; skipped".to_string(),
                    None => format!(
                        "cannot read: {}",
                        e.io_error()
                            .map_or_else(|| e.to_string(), |io| io.to_string())
                    ),
                };
                diags.error(&shown, Pos::START, message);
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let Some(rel) = rel.to_str() else {
            diags.error(
                &display(dir, entry.path()),
                Pos::START,
                "file name is not valid UTF-8; skipped",
            );
            continue;
        };
        let rel = SourcePath::new(rel.replace(std::path::MAIN_SEPARATOR, "/"));
        if rel.file_name().ends_with(".md") {
            doc_paths.push(rel);
        } else {
            assets.push(rel);
        }
    }

    let read: Vec<_> = doc_paths
        .into_par_iter()
        .map(|path| {
            let full = dir.join(path.as_str());
            match std::fs::read(&full) {
                Ok(bytes) => match normalize(&bytes) {
                    Ok(text) => Ok(SourceFile { path, text }),
                    Err(bad) => {
                        let good = String::from_utf8_lossy(&bytes[..bad]);
                        let pos = LineIndex::new(&good).pos(&good, good.len());
                        Err((
                            path,
                            pos,
                            format!("not valid UTF-8 (byte {bad}); save the file as UTF-8"),
                        ))
                    }
                },
                Err(e) => Err((path, Pos::START, format!("cannot read: {e}"))),
            }
        })
        .collect();
    let mut docs = Vec::with_capacity(read.len());
    for r in read {
        match r {
            Ok(f) => docs.push(f),
            Err((path, pos, msg)) => diags.error(&display_source(&path), pos, msg),
        }
    }
    Ok((Sources { docs, assets }, diags))
}

/// How diagnostics name a document: `content/strategies/x.md`.
pub fn display_source(path: &SourcePath) -> String {
    format!("{CONTENT_DIR}/{path}")
}

fn display(dir: &Path, p: &Path) -> String {
    match p.strip_prefix(dir) {
        Ok(rel) => format!("{CONTENT_DIR}/{}", rel.display()),
        Err(_) => p.display().to_string(),
    }
}

/// UTF-8 check and line-end normalisation. `Err` holds the offset of the first invalid byte.
pub fn normalize(bytes: &[u8]) -> Result<String, usize> {
    let text = std::str::from_utf8(bytes).map_err(|e| e.valid_up_to())?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if !text.contains('\r') {
        return Ok(text.to_string());
    }
    Ok(text.replace("\r\n", "\n").replace('\r', "\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation() {
        assert_eq!(normalize(b"a\r\nb\rc\n").unwrap(), "a\nb\nc\n");
        assert_eq!(normalize("\u{feff}x".as_bytes()).unwrap(), "x");
        assert_eq!(normalize(b"ok\n\xff"), Err(3));
    }

    #[test]
    fn reads_sorted_and_reports_bad_files() {
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path();
        std::fs::create_dir_all(c.join("b")).unwrap();
        std::fs::write(c.join("b/z.md"), "z").unwrap();
        std::fs::write(c.join("a.md"), "a").unwrap();
        std::fs::write(c.join("b/pic.png"), [0u8, 1]).unwrap();
        std::fs::write(c.join(".hidden.md"), "h").unwrap();
        std::fs::write(c.join("bad.md"), b"line\n\xfe").unwrap();
        let (sources, diags) = read_content(c).unwrap();
        let paths: Vec<_> = sources.docs.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(paths, ["a.md", "b/z.md"]);
        assert_eq!(
            sources
                .assets
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>(),
            ["b/pic.png"]
        );
        let msgs: Vec<String> = diags.into_sorted().iter().map(|d| d.to_string()).collect();
        assert_eq!(
            msgs,
            ["content/bad.md:2:1: error: not valid UTF-8 (byte 5); save the file as UTF-8"]
        );
    }
}
