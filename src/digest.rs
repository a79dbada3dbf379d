//! A small stable hash for fingerprints that outlive a process: page digests kept in the
//! build cache, document content hashes. FNV-1a over the bytes, with every field
//! length-prefixed so `("ab", "c")` and `("a", "bc")` differ. Stable by construction (unlike
//! the standard library's hasher, whose algorithm may change between Rust releases). Not for
//! anything an attacker chooses to collide: a collision only costs a stale cache entry for the
//! person who crafted it.

const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0000_0100_0000_01b3;

#[derive(Debug, Clone, Copy)]
pub struct Digest(u64);

impl Default for Digest {
    fn default() -> Self {
        Digest(OFFSET)
    }
}

impl Digest {
    pub fn new() -> Self {
        Self::default()
    }

    fn bytes(&mut self, b: &[u8]) {
        let mut h = self.0;
        for &x in b {
            h = (h ^ u64::from(x)).wrapping_mul(PRIME);
        }
        self.0 = h;
    }

    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.bytes(&v.to_le_bytes());
        self
    }

    pub fn str(&mut self, s: &str) -> &mut Self {
        self.u64(s.len() as u64);
        self.bytes(s.as_bytes());
        self
    }

    pub fn opt_str(&mut self, s: Option<&str>) -> &mut Self {
        match s {
            Some(s) => self.u64(1).str(s),
            None => self.u64(0),
        }
    }

    pub fn finish(&self) -> u64 {
        self.0
    }
}

/// The digest of one text, e.g. a document's path and contents.
pub fn of(parts: &[&str]) -> u64 {
    let mut d = Digest::new();
    for p in parts {
        d.str(p);
    }
    d.finish()
}

/// Also a [`std::hash::Hasher`], for hash sets of many short keys from the site's own files
/// (the search index's words), where it is several times cheaper than the standard SipHash.
impl std::hash::Hasher for Digest {
    fn write(&mut self, b: &[u8]) {
        self.bytes(b);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_and_length_prefixed() {
        // Fixed values: a change here would silently invalidate every cache.
        assert_eq!(of(&[]), 0xcbf2_9ce4_8422_2325);
        assert_eq!(of(&["a"]), 0x529a_4ddc_8ff5_6bbf);
        assert_ne!(of(&["ab", "c"]), of(&["a", "bc"]));
        assert_ne!(
            Digest::new().opt_str(None).finish(),
            Digest::new().opt_str(Some("")).finish()
        );
    }
}
