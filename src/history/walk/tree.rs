//! A tree object's bytes: its entries found once, and what two versions of a folder share.
//! Pure, over the bytes the walk (`super`) reads.

use gix::ObjectId;
use gix::bstr::ByteSlice;

/// A tree's entries: offsets into its bytes, so runs of bytes two versions share are skipped.
#[derive(Default)]
pub struct Parsed {
    pub data: Vec<u8>,
    /// (start, name end, end) of each entry; the id is the 20 bytes before `end`.
    pub entries: Vec<(u32, u32, u32)>,
}

impl Parsed {
    /// Parses `data` beside `known`, a tree parsed before that it likely shares most bytes
    /// with (the same folder one commit apart): the entries inside the bytes both start with
    /// are `known`'s; those after a boundary both have at the same distance from the end,
    /// inside the bytes both end with, are `known`'s moved; only the rest is read.
    pub fn parse_beside(data: Vec<u8>, known: &Parsed) -> Result<Parsed, String> {
        let same = common_prefix(&data, &known.data);
        let n = known.entries.partition_point(|e| e.2 as usize <= same);
        let mut entries = Vec::with_capacity(known.entries.len() + 1);
        entries.extend_from_slice(&known.entries[..n]);
        let mut at = entries.last().map_or(0, |e| e.2 as usize);
        let tail = common_suffix(&data, &known.data);
        let hash = gix::hash::Kind::Sha1.len_in_bytes();
        while at < data.len() {
            let left = data.len() - at;
            if left <= tail {
                let want = known.data.len() - left;
                let k = known.entries.partition_point(|e| (e.0 as usize) < want);
                if known.entries.get(k).is_some_and(|e| e.0 as usize == want) {
                    let moved = |o: u32| (o as usize - want + at) as u32;
                    entries.extend(
                        known.entries[k..]
                            .iter()
                            .map(|&(a, b, c)| (moved(a), moved(b), moved(c))),
                    );
                    return Ok(Parsed { data, entries });
                }
            }
            let nul = data[at..].find_byte(0).ok_or("a tree object is damaged")? + at;
            let end = nul + 1 + hash;
            if end > data.len() {
                return Err("a tree object is damaged".into());
            }
            entries.push((at as u32, nul as u32, end as u32));
            at = end;
        }
        Ok(Parsed { data, entries })
    }

    pub fn entry(&self, i: usize) -> (&[u8], &[u8], ObjectId) {
        let (start, nul, end) = self.entries[i];
        let head = &self.data[start as usize..nul as usize];
        let (mode, name) = head.split_at(head.find_byte(b' ').unwrap_or(0));
        let name = name.get(1..).unwrap_or_default();
        let id = ObjectId::from_bytes_or_panic(&self.data[nul as usize + 1..end as usize]);
        (mode, name, id)
    }

    pub fn find(&self, name: &str) -> Option<(bool, ObjectId)> {
        (0..self.entries.len()).find_map(|i| {
            let (mode, n, id) = self.entry(i);
            (n == name.as_bytes()).then_some((is_tree(mode), id))
        })
    }
}

pub fn is_tree(mode: &[u8]) -> bool {
    mode == b"40000" || mode == b"040000"
}

pub fn is_file(mode: &[u8]) -> bool {
    mode.starts_with(b"100")
}

/// Git orders tree entries by name, a folder's name as if it ended in `/`.
pub fn entry_order(
    a: &(&[u8], &[u8], ObjectId),
    b: &(&[u8], &[u8], ObjectId),
) -> std::cmp::Ordering {
    let key = |(mode, name, _): &(&[u8], &[u8], ObjectId)| {
        let mut k = name.to_vec();
        if is_tree(mode) {
            k.push(b'/');
        }
        k
    };
    if a.1 == b.1 {
        return std::cmp::Ordering::Equal;
    }
    key(a).cmp(&key(b))
}

/// How many leading entries two trees share byte for byte. Parsing from the start over equal
/// bytes finds the same entries, so those wholly inside the shared bytes are the same.
pub fn skip_same(a: &Parsed, b: &Parsed) -> (usize, usize) {
    let same = common_prefix(&a.data, &b.data);
    let n = a.entries.partition_point(|e| e.2 as usize <= same);
    let n = n.min(b.entries.partition_point(|e| e.2 as usize <= same));
    (n, n)
}

/// Where the trailing entries two trees share byte for byte begin, not before `i`, `j`. Going
/// backwards, entry boundaries are only known once both trees have one at the same distance
/// from their end; from that point on the entries are the same.
pub fn skip_same_end(a: &Parsed, b: &Parsed, i: usize, j: usize) -> (usize, usize) {
    let same = common_suffix(&a.data, &b.data);
    let from_end = |p: &Parsed, k: usize| p.data.len() - p.entries[p.entries.len() - k].0 as usize;
    let in_tail = |p: &Parsed| {
        let len = p.data.len();
        p.entries.len() - p.entries.partition_point(|e| len - e.0 as usize > same)
    };
    let mut n = in_tail(a)
        .min(in_tail(b))
        .min(a.entries.len() - i)
        .min(b.entries.len() - j);
    while n > 0 && from_end(a, n) != from_end(b, n) {
        n -= 1;
    }
    (a.entries.len() - n, b.entries.len() - n)
}

/// The length of the bytes two slices start with alike, compared a block at a time.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 256;
    let len = a.len().min(b.len());
    let mut at = 0;
    while at + BLOCK <= len && a[at..at + BLOCK] == b[at..at + BLOCK] {
        at += BLOCK;
    }
    at + a[at..len]
        .iter()
        .zip(&b[at..len])
        .position(|(x, y)| x != y)
        .unwrap_or(len - at)
}

/// The length of the bytes two slices end with alike.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 256;
    let len = a.len().min(b.len());
    let (ea, eb) = (a.len(), b.len());
    let mut n = 0;
    while n + BLOCK <= len && a[ea - n - BLOCK..ea - n] == b[eb - n - BLOCK..eb - n] {
        n += BLOCK;
    }
    n + a[..ea - n]
        .iter()
        .rev()
        .zip(b[..eb - n].iter().rev())
        .position(|(x, y)| x != y)
        .unwrap_or(len - n)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tree's bytes from (mode, name, id byte) entries.
    fn tree(entries: &[(&str, &str, u8)]) -> Vec<u8> {
        let mut out = Vec::new();
        for (mode, name, id) in entries {
            out.extend_from_slice(format!("{mode} {name}\0").as_bytes());
            // Ids hold NUL bytes and spaces, which must not pass for entry boundaries.
            out.extend_from_slice(&[
                *id, 0, b' ', 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0, 0, 1, 2, 3, 4,
            ]);
        }
        out
    }

    fn plain(data: &[u8]) -> Vec<(u32, u32, u32)> {
        Parsed::parse_beside(data.to_vec(), &Parsed::default())
            .unwrap()
            .entries
    }

    #[test]
    fn a_tree_parsed_beside_another_has_the_entries_a_plain_parse_finds() {
        let base: Vec<(&str, &str, u8)> = (0..40)
            .map(|i| {
                (
                    "100644",
                    ["a.md", "bb.md", "c", "d.markdown"][i % 4],
                    i as u8,
                )
            })
            .collect();
        let known = Parsed::parse_beside(tree(&base), &Parsed::default()).unwrap();
        let mut cases = Vec::new();
        for at in [0, 1, 17, 39] {
            let mut changed = base.clone();
            changed[at].2 ^= 0x55;
            cases.push(changed.clone());
            changed.insert(at, ("40000", "sub", 0));
            cases.push(changed.clone());
            changed.remove(at);
            changed.remove(at);
            cases.push(changed);
        }
        cases.push(Vec::new());
        for entries in cases {
            let data = tree(&entries);
            let beside = Parsed::parse_beside(data.clone(), &known).unwrap();
            assert_eq!(beside.entries, plain(&data), "{entries:?}");
        }
    }

    #[test]
    fn a_damaged_tree_is_an_error_beside_another_too() {
        let data = tree(&[("100644", "a.md", 1), ("100644", "b.md", 2)]);
        let known = Parsed::parse_beside(data.clone(), &Parsed::default()).unwrap();
        let cut = data[..data.len() - 3].to_vec();
        assert!(Parsed::parse_beside(cut, &known).is_err());
    }
}
