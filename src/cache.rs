//! The build cache: the bytes of pages rendered by earlier builds, filed by page digest in a
//! folder outside the site (`default_dir`, a folder a CI job can keep between runs).
//!
//! A page's digest covers everything its bytes depend on (its document, the documents it
//! shows, the theme, the config, the program's version and its highlighter), so an entry is
//! either exactly right or never looked up. The cache is an optimisation only: any failure to
//! read or write it means rendering again, never an error. Entries not used by the latest
//! build are removed, so it holds one copy of the site at most.
//!
//! The cache never lives in the site folder. Digests are public (anyone with the same content
//! and version computes them), so a cache inside the checkout could be seeded by a change
//! (a pull request) with a file named like a page's digest, and the next build would publish
//! it instead of the rendered page. Within the cache folder, entries are created and replaced
//! by the rules of [`crate::fence`]: an entry or shard that is a symbolic link is never read,
//! written through or pruned into.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::fence;

/// The cache folder when none is given: `$CAIRN_CACHE_DIR`, else `$XDG_CACHE_HOME/cairn`,
/// else `$HOME/.cache/cairn`; `None` when none of them is set (then nothing is cached).
pub fn default_dir() -> Option<PathBuf> {
    let var = |name| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    var("CAIRN_CACHE_DIR")
        .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("cairn")))
        .or_else(|| var("HOME").map(|d| d.join(".cache").join("cairn")))
}

#[derive(Debug)]
pub struct PageCache {
    /// The cache folder given (the caller's own; folders below it are checked for links).
    base: PathBuf,
    dir: PathBuf,
    /// Which of the 256 shard folders exist, so a page costs no `mkdir` when its does.
    shards: [std::sync::OnceLock<bool>; 256],
}

impl PageCache {
    /// The cache of one kind of build in the cache folder `dir` (`namespace` separates sites,
    /// and builds of one site that differ by base URL or drafts, which would otherwise evict
    /// each other's pages).
    pub fn open(dir: &Path, namespace: &str) -> PageCache {
        PageCache {
            base: dir.to_path_buf(),
            dir: dir.join(namespace),
            shards: [const { std::sync::OnceLock::new() }; 256],
        }
    }

    fn file(&self, digest: u64) -> PathBuf {
        let hex = format!("{digest:016x}");
        self.dir.join(&hex[..2]).join(&hex[2..])
    }

    /// The cached file for `digest`, if there is one. Only a regular file counts: a link
    /// under an entry's name is never followed into the site.
    pub fn get(&self, digest: u64) -> Option<PathBuf> {
        let f = self.file(digest);
        std::fs::symlink_metadata(&f)
            .is_ok_and(|m| m.is_file())
            .then_some(f)
    }

    /// The bytes filed under `digest`, if they are a regular file of at most `limit` bytes.
    pub fn read(&self, digest: u64, limit: u64) -> Option<Vec<u8>> {
        fence::read_regular(&self.get(digest)?, false, limit).ok()
    }

    /// Files a page. Written beside and renamed into place, so a killed build never leaves a
    /// half-written entry, and never through a link (the folders on the way are checked).
    pub fn put(&self, digest: u64, bytes: &[u8]) {
        let f = self.file(digest);
        let Some(dir) = f.parent() else { return };
        let shard = &self.shards[(digest >> 56) as usize];
        let made = shard.get_or_init(|| {
            dir.strip_prefix(&self.base)
                .is_ok_and(|rel| fence::real_dirs(&self.base, rel).is_ok())
        });
        if *made {
            let _ = fence::replace(&f, bytes);
        }
    }

    /// Removes every entry but `keep` (and leftovers of killed writes). Only real folders
    /// of this cache are looked into: a link is removed, never followed.
    pub fn prune(&self, keep: &HashSet<u64>) {
        if !std::fs::symlink_metadata(&self.dir).is_ok_and(|m| m.is_dir()) {
            return;
        }
        let Ok(shards) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for shard in shards.flatten() {
            if !shard.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            let Ok(files) = std::fs::read_dir(shard.path()) else {
                continue;
            };
            let prefix = shard.file_name().to_string_lossy().into_owned();
            for f in files.flatten() {
                let name = f.file_name().to_string_lossy().into_owned();
                let digest = u64::from_str_radix(&format!("{prefix}{name}"), 16).ok();
                if !digest.is_some_and(|d| keep.contains(&d)) {
                    if f.file_type().is_ok_and(|t| t.is_dir()) {
                        fence::remove_tree(&f.path());
                    } else {
                        let _ = std::fs::remove_file(f.path());
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_get_prune() {
        let dir = tempfile::tempdir().unwrap();
        let c = PageCache::open(dir.path(), "build");
        assert!(c.get(42).is_none());
        c.put(42, b"page");
        c.put(7, b"other");
        assert_eq!(std::fs::read(c.get(42).unwrap()).unwrap(), b"page");
        let leftover = c.file(42).with_file_name(format!(".{:014x}.cairn-new", 42));
        std::fs::write(leftover, b"half").unwrap();
        c.prune(&HashSet::from([42]));
        assert!(c.get(42).is_some());
        assert!(c.get(7).is_none());
        let left: Vec<_> = std::fs::read_dir(c.file(42).parent().unwrap())
            .unwrap()
            .collect();
        assert_eq!(left.len(), 1, "the leftover temporary file is gone");
    }

    #[cfg(unix)]
    #[test]
    fn links_in_the_cache_are_never_read_or_pruned_into() {
        let dir = tempfile::tempdir().unwrap();
        let victim = tempfile::tempdir().unwrap();
        std::fs::write(victim.path().join("0000000000000"), "keep").unwrap();
        let c = PageCache::open(dir.path(), "build");
        c.put(42, b"page");
        let entry = c.file(42);
        std::fs::remove_file(&entry).unwrap();
        std::os::unix::fs::symlink(victim.path().join("0000000000000"), &entry).unwrap();
        assert!(c.get(42).is_none(), "a link is no entry");
        std::os::unix::fs::symlink(victim.path(), dir.path().join("build/ff")).unwrap();
        c.prune(&HashSet::new());
        assert!(victim.path().join("0000000000000").is_file());
        // A shard folder that is a link is not written through either.
        let other = PageCache::open(dir.path(), "other");
        std::fs::create_dir_all(dir.path().join("other")).unwrap();
        std::os::unix::fs::symlink(victim.path(), dir.path().join("other/00")).unwrap();
        other.put(7, b"page");
        assert_eq!(std::fs::read_dir(victim.path()).unwrap().count(), 1);
    }
}
