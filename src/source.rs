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
                    pruned.warning(
                        &shown,
                        Pos::START,
                        "hidden file (its name starts with `.`) is not published; rename it to publish it",
                    );
                }
                return false;
            }
            if e.path_is_symlink() {
                if let Some(target) = fence.outside(e.path()) {
                    pruned.error(
                        &shown,
                        Pos::START,
                        format!(
                            "symbolic link to `{}`, outside the site folder; refused",
                            target.display()
                        ),
                    );
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
            diags.warning(
                &shown,
                Pos::START,
                "not a regular file or folder (a pipe, socket or device); skipped",
            );
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
        .map(|path| {
            let full = dir.join(path.as_str());
            match read_limited(&full) {
                Ok(Some(bytes)) => match normalize(&bytes) {
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
                Ok(None) => Err((
                    path,
                    Pos::START,
                    format!(
                        "larger than {} MB; documents this big are refused (split it or move it out of content/)",
                        MAX_DOC_BYTES / (1024 * 1024)
                    ),
                )),
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
mod tests {
    use super::*;

    #[test]
    fn normalisation() {
        assert_eq!(normalize(b"a\r\nb\rc\n").unwrap(), "a\nb\nc\n");
        assert_eq!(normalize("\u{feff}x".as_bytes()).unwrap(), "x");
        // Found by the property test.
        assert_eq!(
            normalize("\u{feff}\u{feff}---\n".as_bytes()).unwrap(),
            "---\n"
        );
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
            [
                "content/.hidden.md:1:1: warning: hidden file (its name starts with `.`) is not published; rename it to publish it",
                "content/bad.md:2:1: error: not valid UTF-8 (byte 5); save the file as UTF-8"
            ]
        );
    }

    #[test]
    fn markdown_extensions_in_any_case_are_documents() {
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path();
        for name in [
            "a.md",
            "b.MD",
            "c.markdown",
            "d.Markdown",
            "e.mdx",
            "f.md.orig",
        ] {
            std::fs::write(c.join(name), "x").unwrap();
        }
        let (sources, diags) = read_content(c).unwrap();
        let docs: Vec<_> = sources.docs.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(docs, ["a.md", "b.MD", "c.markdown", "d.Markdown"]);
        let assets: Vec<_> = sources.assets.iter().map(|d| d.as_str()).collect();
        assert_eq!(assets, ["e.mdx", "f.md.orig"]);
        assert!(diags.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn links_inside_are_followed_and_links_out_refused() {
        use std::os::unix::fs::symlink;
        let site = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.md"), "s").unwrap();
        let c = site.path().join("content");
        std::fs::create_dir_all(c.join("real")).unwrap();
        std::fs::create_dir_all(site.path().join("shared")).unwrap();
        std::fs::write(c.join("real/r.md"), "r").unwrap();
        std::fs::write(site.path().join("shared/s.md"), "s").unwrap();
        symlink("real/r.md", c.join("file-link.md")).unwrap();
        symlink("real", c.join("dir-link")).unwrap();
        symlink("../shared", c.join("shared")).unwrap();
        symlink("missing.md", c.join("dangling.md")).unwrap();
        symlink("self", c.join("self")).unwrap();
        symlink("..", c.join("real/up")).unwrap();
        symlink(outside.path(), c.join("out")).unwrap();
        symlink(outside.path().join("secret.md"), c.join("secret.md")).unwrap();
        let (sources, diags) = read_content(&c).unwrap();
        let docs: Vec<_> = sources.docs.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(
            docs,
            ["dir-link/r.md", "file-link.md", "real/r.md", "shared/s.md"]
        );
        let out = outside.path().canonicalize().unwrap();
        let msgs: Vec<String> = diags.into_sorted().iter().map(|d| d.to_string()).collect();
        assert_eq!(
            msgs,
            [
                "content/dangling.md:1:1: error: symbolic link to `missing.md`, which does not exist".to_string(),
                "content/dir-link/up:1:1: error: symbolic link loop (it leads back to a folder above it); skipped".into(),
                format!("content/out:1:1: error: symbolic link to `{}`, outside the site folder; refused", out.display()),
                "content/real/up:1:1: error: symbolic link loop (it leads back to a folder above it); skipped".into(),
                format!("content/secret.md:1:1: error: symbolic link to `{}`, outside the site folder; refused", out.join("secret.md").display()),
                "content/self:1:1: error: symbolic link loop (it leads back to itself); skipped".into(),
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn pipes_and_oversized_files_are_reported_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path();
        let fifo = std::ffi::CString::new(c.join("pipe.md").to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
        let big = std::fs::File::create(c.join("big.md")).unwrap();
        big.set_len(MAX_DOC_BYTES + 1).unwrap();
        std::fs::write(c.join("ok.md"), "x").unwrap();
        let (sources, diags) = read_content(c).unwrap();
        assert_eq!(sources.docs.len(), 1);
        let msgs: Vec<String> = diags.into_sorted().iter().map(|d| d.to_string()).collect();
        assert_eq!(
            msgs,
            [
                "content/big.md:1:1: error: larger than 10 MB; documents this big are refused (split it or move it out of content/)",
                "content/pipe.md:1:1: warning: not a regular file or folder (a pipe, socket or device); skipped",
            ]
        );
    }
}
