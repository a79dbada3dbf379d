//! One file under `content/` read again after it changed, under the rules of a fresh read of
//! the whole folder ([`super::read_content`]): hidden names are left out (a hidden document
//! with a warning), links out of the site are refused, files that are not regular are skipped
//! with a warning, documents are read with [`super::read_document`] and everything else is an
//! asset. `cairn serve` asks this for every path its watcher reports, so an edit can never
//! make a site a full build would not.
//!
//! It decides and reads; what the caller's state does with the answer is the caller's.

use std::path::Path;

use super::{Excluded, HIDDEN_DOCUMENT, NOT_REGULAR, SourceFile, display_source, excluded};
use crate::diag::{Diagnostics, Pos};
use crate::names::SourcePath;

/// What a fresh read would make of one file now.
#[derive(Debug, PartialEq)]
pub enum Found {
    Document(SourceFile),
    Asset,
    /// Not part of the site: gone, hidden, refused or unreadable (the diagnostics say which,
    /// as a fresh read would).
    Nothing,
}

#[derive(Debug)]
pub struct Reread {
    pub path: SourcePath,
    pub found: Found,
    /// What a fresh read reports about this file, and only that.
    pub diags: Diagnostics,
}

/// Reads `file` (a path under the `content` folder) again. `None` for a path outside the
/// folder or one whose name is not UTF-8, which a fresh read reports and skips.
pub fn read_one(content: &Path, file: &Path) -> Option<Reread> {
    let rel = file.strip_prefix(content).ok()?.to_str()?;
    let path = SourcePath::new(rel.replace(std::path::MAIN_SEPARATOR, "/"));
    let shown = display_source(&path);
    let mut diags = Diagnostics::new();
    let found = match excluded(content, file) {
        Some(Excluded::Outside(refused)) => {
            diags.error(&shown, Pos::START, refused);
            Found::Nothing
        }
        Some(Excluded::Hidden { document }) => {
            if document && file.is_file() {
                diags.warning(&shown, Pos::START, HIDDEN_DOCUMENT);
            }
            Found::Nothing
        }
        // Links are followed, as the walk follows them.
        None => match std::fs::metadata(file) {
            Err(_) => Found::Nothing,
            Ok(m) if m.is_dir() => Found::Nothing,
            Ok(m) if !m.is_file() => {
                diags.warning(&shown, Pos::START, NOT_REGULAR);
                Found::Nothing
            }
            Ok(_) if !path.is_document() => Found::Asset,
            Ok(_) => match super::read_document(file) {
                Ok(text) => Found::Document(SourceFile {
                    path: path.clone(),
                    text,
                }),
                Err((pos, msg)) => {
                    diags.error(&shown, pos, msg);
                    Found::Nothing
                }
            },
        },
    };
    Some(Reread { path, found, diags })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind of file a fresh read meets, read one by one: the same documents, the same
    /// assets and the same diagnostics as the whole folder read at once.
    #[cfg(unix)]
    #[test]
    fn a_file_read_again_meets_the_rules_of_a_fresh_read() {
        let site = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let c = site.path().join("content");
        std::fs::create_dir_all(c.join("notes/.drafts")).unwrap();
        std::fs::write(c.join("a.md"), "a").unwrap();
        std::fs::write(c.join("notes/pic.png"), [0u8, 1]).unwrap();
        std::fs::write(c.join(".hidden.md"), "h").unwrap();
        std::fs::write(c.join("notes/.drafts/x.md"), "x").unwrap();
        std::fs::write(c.join("bad.md"), b"line\n\xfe").unwrap();
        std::fs::write(outside.path().join("secret.md"), "s").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret.md"), c.join("out.md")).unwrap();
        std::os::unix::fs::symlink(c.join("a.md"), c.join("notes/inside.md")).unwrap();
        let fifo = std::ffi::CString::new(c.join("pipe.md").to_str().unwrap()).unwrap();
        // SAFETY: a plain call with a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);

        let (fresh, fresh_diags) = super::super::read_content(&c).unwrap();
        let mut docs = Vec::new();
        let mut assets = Vec::new();
        let mut diags = Diagnostics::new();
        for rel in [
            "a.md",
            "notes/pic.png",
            ".hidden.md",
            "notes/.drafts/x.md",
            "bad.md",
            "out.md",
            "notes/inside.md",
            "pipe.md",
            "gone.md",
        ] {
            let r = read_one(&c, &c.join(rel)).unwrap();
            assert_eq!(r.path.as_str(), rel);
            match r.found {
                Found::Document(f) => docs.push(f),
                Found::Asset => assets.push(r.path),
                Found::Nothing => {}
            }
            diags.extend(r.diags);
        }
        docs.sort_by(|a, b| a.path.cmp(&b.path));
        assets.sort();
        assert_eq!(docs, fresh.docs);
        assert_eq!(assets, fresh.assets);
        assert_eq!(diags.into_sorted(), fresh_diags.into_sorted());
    }

    #[test]
    fn paths_outside_the_folder_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path().join("content");
        assert!(read_one(&c, &dir.path().join("site.yaml")).is_none());
    }
}
