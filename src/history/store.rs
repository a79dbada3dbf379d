//! The history kept in the build cache folder, one file per repository and content folder,
//! valid for one HEAD commit: a rebuild at the same commit reads it instead of walking.
//!
//! Like the page cache it never lives in the site (a pull request could plant one), it is
//! read only when it is a regular file (never through a link) and up to [`MAX_BYTES`], and it
//! is written by the rules of [`crate::fence`]. Any failure means walking again, never an error.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::History;
use crate::fence;

/// A stored history larger than this is not read (10k documents over 20k commits is ~4 MB).
const MAX_BYTES: u64 = 256 * 1024 * 1024;
/// Bumped when [`History`] or the way it is computed changes.
const FORMAT: u32 = 1;

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
    fn matches(&self, other: &Key) -> bool {
        (self.format, &self.version, &self.head, &self.prefix)
            == (other.format, &other.version, &other.head, &other.prefix)
    }
}

#[derive(Deserialize)]
struct Stored {
    key: Key,
    history: History,
}

#[derive(Serialize)]
struct StoredRef<'a> {
    key: &'a Key,
    history: &'a History,
}

fn path(dir: &Path, key: &Key) -> PathBuf {
    dir.join("history").join(&key.file)
}

/// The stored history for `key`, if there is one and it matches.
pub fn load(dir: &Path, key: &Key) -> Option<History> {
    let file = path(dir, key);
    if fence::first_link(dir, file.parent()?).is_some() {
        return None;
    }
    let bytes = fence::read_regular(&file, false, MAX_BYTES).ok()?;
    let stored: Stored = serde_json::from_slice(&bytes).ok()?;
    stored.key.matches(key).then_some(stored.history)
}

/// Stores `history` for `key`, replacing the one stored for an older HEAD.
pub fn save(dir: &Path, key: &Key, history: &History) {
    let Ok(folder) = fence::real_dirs(dir, Path::new("history")) else {
        return;
    };
    let stored = StoredRef { key, history };
    if let Ok(json) = serde_json::to_vec(&stored) {
        let _ = fence::replace(&folder.join(&key.file), &json);
    }
}
