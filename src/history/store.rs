//! The history kept in the build cache folder, one file per repository and content folder,
//! for one HEAD commit: a rebuild at the same commit reads it instead of walking, and a build
//! at a later commit carries it forward (`resume`).
//!
//! Like the page cache it never lives in the site (a pull request could plant one), it is
//! read only when it is a regular file (never through a link) and up to [`MAX_BYTES`], and it
//! is written by the rules of [`crate::fence`]. Any failure means walking again, never an error.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::History;
use super::resume::{Base, Resume};
use crate::fence;

/// A stored history larger than this is not read (10k documents over 20k commits is ~4 MB).
const MAX_BYTES: u64 = 256 * 1024 * 1024;
/// Bumped when [`History`] or the way it is computed changes.
const FORMAT: u32 = 2;

/// What a stored history must match to be used.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Key {
    format: u32,
    version: String,
    head: String,
    prefix: String,
    /// The file it is stored in: one per repository and content folder.
    #[serde(skip)]
    file: String,
}

impl Key {
    pub fn new(head: &str, prefix: &str, git_dir: &Path) -> Key {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (git_dir, prefix).hash(&mut h);
        Key {
            format: FORMAT,
            version: env!("CARGO_PKG_VERSION").into(),
            head: head.into(),
            prefix: prefix.into(),
            file: format!("{:016x}.json", h.finish()),
        }
    }
}

impl Key {
    /// The same format, program version and content folder: a history for some commit.
    fn matches(&self, other: &Key) -> bool {
        (self.format, &self.version, &self.prefix) == (other.format, &other.version, &other.prefix)
    }
}

#[derive(Deserialize)]
struct Stored {
    key: Key,
    history: History,
    resume: Resume,
}

#[derive(Serialize)]
struct StoredRef<'a> {
    key: &'a Key,
    history: &'a History,
    resume: &'a Resume,
}

fn path(dir: &Path, key: &Key) -> PathBuf {
    dir.join("history").join(&key.file)
}

/// The stored history for `key`'s repository and content folder, at whichever commit it was
/// stored for (its `head`), if there is one and it can be read.
pub fn load(dir: &Path, key: &Key) -> Option<Base> {
    let file = path(dir, key);
    if fence::first_link(dir, file.parent()?).is_some() {
        return None;
    }
    let bytes = fence::read_regular(&file, false, MAX_BYTES).ok()?;
    let stored: Stored = serde_json::from_slice(&bytes).ok()?;
    let fits = stored.key.matches(key) && stored.key.head == stored.history.head;
    fits.then_some(Base {
        history: stored.history,
        resume: stored.resume,
    })
}

/// Stores `history` for `key`, replacing the one stored for an older HEAD.
pub fn save(dir: &Path, key: &Key, history: &History, resume: &Resume) {
    let Ok(folder) = fence::real_dirs(dir, Path::new("history")) else {
        return;
    };
    let stored = StoredRef {
        key,
        history,
        resume,
    };
    if let Ok(json) = serde_json::to_vec(&stored) {
        let _ = fence::replace(&folder.join(&key.file), &json);
    }
}
