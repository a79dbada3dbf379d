//! What a build remembers of the search index's pages for the next one: the parts' keys and
//! every index page's digest, filed under a digest of everything the index is made from
//! ([`crate::search::split::inputs`] and the renderer's globals).
//!
//! Listing the parts, and taking their digests, means building the whole index: most of an
//! unchanged rebuild's work. A build whose index inputs are those of the remembered one lists
//! the same parts with the same digests, so it takes them from the memo; the index is built
//! only if a page's bytes are missing from the cache and must be made.

use serde::{Deserialize, Serialize};

use crate::digest::Digest;
use crate::names::OutPath;

/// The index pages of one build: the manifest's digest and each part's key and digest, by key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchMemo {
    manifest: u64,
    parts: Vec<(String, u64)>,
}

/// A memo is a few bytes per part; anything larger is not one.
const LIMIT: u64 = 16 << 20;

impl SearchMemo {
    /// The memo of the pages listed: the manifest at `manifest` and the parts keyed by `keys`
    /// at their addresses, with the digests `digest_of` gives; `None` if one has none.
    pub(super) fn of(
        manifest: &OutPath,
        parts: impl Iterator<Item = (String, OutPath)>,
        digest_of: impl Fn(&OutPath) -> Option<u64>,
    ) -> Option<SearchMemo> {
        let mut memo = SearchMemo {
            manifest: digest_of(manifest)?,
            parts: parts
                .map(|(key, out)| Some((key, digest_of(&out)?)))
                .collect::<Option<_>>()?,
        };
        memo.parts.sort();
        Some(memo)
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a memo is plain data")
    }

    /// A memo read back; `None` for anything that is not one, which means building the index.
    pub fn from_bytes(bytes: &[u8]) -> Option<SearchMemo> {
        if bytes.len() as u64 > LIMIT {
            return None;
        }
        let memo: SearchMemo = serde_json::from_slice(bytes).ok()?;
        memo.parts
            .windows(2)
            .all(|w| w[0].0 < w[1].0)
            .then_some(memo)
    }

    pub fn limit() -> u64 {
        LIMIT
    }

    pub(super) fn manifest(&self) -> u64 {
        self.manifest
    }

    pub(super) fn keys(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().map(|(k, _)| k.as_str())
    }

    /// The digest of the part keyed `key`.
    pub(super) fn part(&self, key: &str) -> Option<u64> {
        self.parts
            .binary_search_by(|(k, _)| k.as_str().cmp(key))
            .ok()
            .map(|i| self.parts[i].1)
    }
}

/// Where the memo of an index made from `inputs` is filed, for pages made with `global`.
pub(super) fn key(global: u64, inputs: u64) -> u64 {
    let mut d = Digest::new();
    d.str("search pages").u64(global).u64(inputs);
    d.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_memo_reads_back_and_nothing_else_does() {
        let memo = SearchMemo {
            manifest: 7,
            parts: vec![("".into(), 1), ("le".into(), 2), ("lo".into(), 3)],
        };
        assert_eq!(SearchMemo::from_bytes(&memo.to_bytes()), Some(memo.clone()));
        assert_eq!(memo.part("le"), Some(2));
        assert_eq!(memo.part("l"), None);
        assert_eq!(SearchMemo::from_bytes(b"{\"manifest\":1"), None);
        assert_eq!(SearchMemo::from_bytes(b"<html>"), None);
        // Out of order, a key could not be found: not a memo.
        let unsorted = br#"{"manifest":1,"parts":[["lo",3],["le",2]]}"#;
        assert_eq!(SearchMemo::from_bytes(unsorted), None);
    }

    #[test]
    fn the_key_covers_the_globals_and_the_inputs() {
        assert_ne!(key(1, 2), key(1, 3));
        assert_ne!(key(1, 2), key(4, 2));
        assert_eq!(key(1, 2), key(1, 2));
    }
}
