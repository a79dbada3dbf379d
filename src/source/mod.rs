//! The read stage: walks `content/` and reads every document, plus the list of other files
//! (images and attachments) to copy beside them.
//!
//! The only content I/O of a build. Text is normalised here (BOM dropped, CRLF and CR turned
//! into LF), so every later stage sees one line-ending convention; non-UTF-8 files become
//! diagnostics naming the file and the line of the first bad byte.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diag::{Diagnostics, LineIndex, Pos};
use crate::error::{Error, Result};
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
/// lead out of it, so a link cannot publish `/etc/passwd` or a CI runner's keys.
pub fn read_content(dir: &Path) -> Result<(Sources, Diagnostics)> {
    if !dir.is_dir() {
        return Err(Error::io(
            dir,
            std::io::Error::new(std::io::ErrorKind::NotFound, "content folder not found"),
        ));
    }
    let fence = Fence::new(dir);
    let mut diags = Diagnostics::new();
    // Filled by the entry filter, which runs before the loop body sees an entry.
    let mut pruned = Diagnostics::new();
    let mut doc_paths = Vec::new();
    let mut assets = Vec::new();
    let walker = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            let shown = display(dir, e.path());
            if e.file_name().to_string_lossy().starts_with('.') {
                if e.file_type().is_file()
                    && crate::names::strip_doc_ext(&e.file_name().to_string_lossy()).is_some()
                {
                    pruned.warning(&shown, Pos::START, HIDDEN_DOCUMENT);
                }
                return false;
            }
            if e.path_is_symlink() {
                if let Some(target) = fence.outside(e.path()) {
                    pruned.error(&shown, Pos::START, outside_message(&target));
                    return false;
                }
            }
            true
        });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let shown = e
                    .path()
                    .map(|p| display(dir, p))
                    .unwrap_or_else(|| CONTENT_DIR.into());
                diags.error(&shown, Pos::START, walk_error(&e));
                continue;
            }
        };
        let kind = entry.file_type();
        if kind.is_dir() {
            continue;
        }
        let shown = display(dir, entry.path());
        if !kind.is_file() {
            diags.warning(&shown, Pos::START, NOT_REGULAR);
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let Some(rel) = rel.to_str() else {
            diags.error(
                &shown,
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
    diags.extend(pruned);

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
    match read_limited(path) {
        Ok(Some(bytes)) => normalize(&bytes).map_err(|bad| {
            let good = String::from_utf8_lossy(&bytes[..bad]);
            let pos = LineIndex::new(&good).pos(&good, good.len());
            (
                pos,
                format!("not valid UTF-8 (byte {bad}); save the file as UTF-8"),
            )
        }),
        Ok(None) => Err((
            Pos::START,
            format!(
                "larger than {} MB; documents this big are refused (split it or move it out of content/)",
                MAX_DOC_BYTES / (1024 * 1024)
            ),
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
    let fence = Fence::new(content);
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

fn outside_message(target: &Path) -> String {
    format!(
        "symbolic link to `{}`, outside the site folder; refused",
        target.display()
    )
}

/// Reads at most [`MAX_DOC_BYTES`]; `None` when the file is bigger.
fn read_limited(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(MAX_DOC_BYTES + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= MAX_DOC_BYTES).then_some(bytes))
}

/// What a failed walk step means for the user: a loop, a dangling link, or an unreadable folder.
fn walk_error(e: &walkdir::Error) -> String {
    if e.loop_ancestor().is_some() {
        return "symbolic link loop (it leads back to a folder above it); skipped".into();
    }
    let io = e.io_error();
    if io.and_then(std::io::Error::raw_os_error) == Some(libc::ELOOP) {
        return "symbolic link loop (it leads back to itself); skipped".into();
    }
    if let Some(path) = e.path() {
        if io.is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound) {
            if let Ok(target) = std::fs::read_link(path) {
                return format!(
                    "symbolic link to `{}`, which does not exist",
                    target.display()
                );
            }
        }
    }
    format!(
        "cannot read: {}",
        io.map_or_else(|| e.to_string(), std::io::Error::to_string)
    )
}

/// The folder symbolic links may point into: the site folder (the parent of `content/`), so a
/// site can share files between its own folders but cannot reach outside.
struct Fence {
    roots: Vec<PathBuf>,
}

impl Fence {
    fn new(content: &Path) -> Fence {
        let site = match content.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        // `content/` may itself be a link (a site sharing documents with another repository);
        // what it points at is then inside too.
        let roots = [site, content]
            .iter()
            .filter_map(|p| std::fs::canonicalize(p).ok())
            .collect();
        Fence { roots }
    }

    /// The link's real target when it lies outside the site folder. Dangling links and loops
    /// are left to the walker, which reports them.
    fn outside(&self, link: &Path) -> Option<PathBuf> {
        let target = std::fs::canonicalize(link).ok()?;
        (!self.roots.iter().any(|r| target.starts_with(r))).then_some(target)
    }
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
