//! The read stage: walks `content/` and reads every document, plus the list of other files
//! (images and attachments) to copy beside them.
//!
//! The only content I/O of a build. Text is normalised here (BOM dropped, CRLF and CR turned
//! into LF), so every later stage sees one line-ending convention; non-UTF-8 files become
//! diagnostics naming the file and the line of the first bad byte.

use std::path::Path;

use rayon::prelude::*;

use crate::diag::{Diagnostics, LineIndex, Pos};
use crate::error::{Error, Result};
use crate::fence::{Entry, Fence, ReadError, outside_message};
use crate::names::SourcePath;

mod changed;
pub use changed::{Found, Reread, read_one};

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

/// Documents larger than this are refused rather than read: no real document comes near it,
/// and reading a multi-gigabyte file (or `/dev/zero` behind a link) would exhaust memory.
pub const MAX_DOC_BYTES: u64 = 10 * 1024 * 1024;

/// Reads every document under `dir` (see [`SourcePath::is_document`]), sorted by path.
///
/// Names starting with `.` are hidden and skipped, as git and editors use them for their own
/// files; a hidden document is reported so that it is not lost silently. Symbolic links are
/// followed when they stay inside the site folder (the parent of `dir`) and refused when they
/// lead out of it, so a link cannot publish `/etc/passwd` or a CI runner's keys; `dir` itself
/// being a link out of the site is an error.
pub fn read_content(dir: &Path) -> Result<(Sources, Diagnostics)> {
    read_content_named(dir, false)
}

/// [`read_content`], where `named` says `site.yaml` names the folder explicitly: it may then
/// be a link out of the site, and links inside it may lead anywhere inside its target too.
pub fn read_content_named(dir: &Path, named: bool) -> Result<(Sources, Diagnostics)> {
    if !dir.is_dir() {
        return Err(Error::io(
            dir,
            std::io::Error::new(std::io::ErrorKind::NotFound, "content folder not found"),
        ));
    }
    let fence = Fence::for_content(dir, named)
        .map_err(|target| Error::io(dir, std::io::Error::other(outside_message(&target))))?;
    let mut diags = Diagnostics::new();
    let mut doc_paths = Vec::new();
    let mut assets = Vec::new();
    for entry in fence.walk(dir) {
        let (path, rel) = match entry {
            Entry::File { path, rel } => (path, rel),
            Entry::Folder { .. } => continue,
            Entry::Hidden { path, file } => {
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                if file && crate::names::strip_doc_ext(&name).is_some() {
                    diags.warning(&display(dir, &path), Pos::START, HIDDEN_DOCUMENT);
                }
                continue;
            }
            Entry::Outside { path, target } => {
                diags.error(&display(dir, &path), Pos::START, outside_message(&target));
                continue;
            }
            Entry::Repeated { path } => {
                diags.warning(
                    &display(dir, &path),
                    Pos::START,
                    "symbolic link to a folder already read through another link; skipped",
                );
                continue;
            }
            Entry::Special { path } => {
                diags.warning(&display(dir, &path), Pos::START, NOT_REGULAR);
                continue;
            }
            Entry::Broken { path, why } => {
                let shown = path.map_or_else(|| CONTENT_DIR.into(), |p| display(dir, &p));
                diags.error(&shown, Pos::START, why);
                continue;
            }
            Entry::TooMany => {
                diags.error(
                    CONTENT_DIR,
                    Pos::START,
                    format!(
                        "more than {} files and folders (symbolic links leading to one folder \
                         many times?); stopped reading",
                        crate::fence::MAX_ENTRIES
                    ),
                );
                break;
            }
        };
        let Some(rel) = rel.to_str() else {
            diags.error(
                &display(dir, &path),
                Pos::START,
                "file name is not valid UTF-8; rename it (skipped)",
            );
            continue;
        };
        let rel = SourcePath::new(rel.replace(std::path::MAIN_SEPARATOR, "/"));
        if rel.is_document() {
            doc_paths.push(rel);
        } else {
            assets.push(rel);
        }
    }

    let read: Vec<_> = doc_paths
        .into_par_iter()
        .map(|path| match read_document(&dir.join(path.as_str())) {
            Ok(text) => Ok(SourceFile { path, text }),
            Err((pos, msg)) => Err((path, pos, msg)),
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

/// One document's text, normalised, or where and why it cannot be read. Also used by the
/// incremental rebuilds of `cairn serve`, so a changed file meets the same rules.
pub fn read_document(path: &Path) -> Result<String, (Pos, String)> {
    match crate::fence::read_regular(path, true, MAX_DOC_BYTES) {
        Ok(bytes) => normalize(&bytes).map_err(|bad| {
            let good = String::from_utf8_lossy(&bytes[..bad]);
            let pos = LineIndex::new(&good).pos(&good, good.len());
            (
                pos,
                format!("not valid UTF-8 (byte {bad}); save the file as UTF-8"),
            )
        }),
        Err(ReadError::TooBig(_)) => Err((
            Pos::START,
            format!(
                "larger than {}; documents this big are refused (split it or move it out of content/)",
                crate::fence::size(MAX_DOC_BYTES)
            ),
        )),
        Err(ReadError::NotAFile) => Err((
            Pos::START,
            "not a regular file or folder (a pipe, socket or device); skipped".into(),
        )),
        Err(e) => Err((Pos::START, format!("cannot read: {e}"))),
    }
}

/// Why a fresh read would leave a file out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Excluded {
    /// A name on its path starts with `.` (an editor's lock file, `.git`); `document` when
    /// the file itself is a hidden document, which is worth a warning.
    Hidden { document: bool },
    /// Behind a symbolic link that leads out of the site: an error with this message.
    Outside(String),
}

/// Whether a changed file under `content/` is one a fresh read would skip or refuse, so the
/// incremental rebuilds of `cairn serve` treat it the same way.
pub fn excluded(content: &Path, path: &Path) -> Option<Excluded> {
    let rel = path.strip_prefix(content).ok()?;
    let hidden = |c: &std::path::Component| c.as_os_str().to_string_lossy().starts_with('.');
    if rel.components().any(|c| hidden(&c)) {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let document = rel.components().filter(|c| hidden(c)).count() == 1
            && name
                .is_some_and(|n| n.starts_with('.') && crate::names::strip_doc_ext(&n).is_some());
        return Some(Excluded::Hidden { document });
    }
    let fence = match Fence::for_content(content, false) {
        Ok(f) => f,
        Err(target) => return Some(Excluded::Outside(outside_message(&target))),
    };
    let mut at = content.to_path_buf();
    for c in rel.components() {
        at.push(c);
        if at.is_symlink() {
            if let Some(target) = fence.outside(&at) {
                return Some(Excluded::Outside(outside_message(&target)));
            }
        }
    }
    None
}

/// The warning for a file that is neither a regular file nor a folder.
const NOT_REGULAR: &str = "not a regular file or folder (a pipe, socket or device); skipped";

/// The warning for a hidden document, from a fresh read or an incremental one.
pub const HIDDEN_DOCUMENT: &str =
    "hidden file (its name starts with `.`) is not published; rename it to publish it";

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
    // All of them: a tool that adds a BOM to a file that has one makes two, and front matter
    // after the second would otherwise be read as body text.
    let text = text.trim_start_matches('\u{feff}');
    if !text.contains('\r') {
        return Ok(text.to_string());
    }
    Ok(text.replace("\r\n", "\n").replace('\r', "\n"))
}

#[cfg(test)]
mod tests;
