//! The index split into parts by the first letters of its words.
//!
//! Every word of every document, with the documents holding it, sorted; then divided like a
//! trie: the part keyed `""` holds every word until it would exceed [`PART_BYTES`], and a part
//! too large is divided by the next letter of its words (`"l"` into `"la"`, `"le"`…; the word
//! equal to the key, if any, keeps a part of its own). A part holding one word is never
//! divided, however many documents hold it. A small site is one part, a large one a few
//! thousand, each change touching only the parts of the words it changed.
//!
//! A part is a JSON array of words, each an array of the word and its postings:
//! `[["ledger",24,40,9],…]`. A posting is `gap << 4 | fields`: the document's number minus the
//! previous posting's (the first counts from 0), and which of [`TITLE`], [`TAGS`],
//! [`SUMMARY`] and [`BODY`] hold the word. Documents are numbered in title order, so ranking
//! ties break by title without fetching records.
//!
//! The browser finds the words beginning with a term `t` in the parts whose key is `t`, or
//! begins with `t`, or is the one undivided part whose key `t` begins ([`Split::parts_for`]).

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};

use super::{is_stop, words};
use crate::digest::Digest;
use crate::link::Site;

/// A part's largest size in bytes, unless it holds one word. Around 32 KiB (8 KiB over the
/// wire, compressed) keeps a query's download small and a 100,000-document site's manifest
/// at a few thousand parts.
pub const PART_BYTES: usize = 32 * 1024;

/// Records per chunk: a results menu of eight fetches at most eight chunks of a few KiB.
pub const CHUNK: usize = 32;

/// Which of a document's fields hold a word (the low four bits of a posting).
pub const TITLE: u32 = 1;
pub const TAGS: u32 = 2;
pub const SUMMARY: u32 = 4;
pub const BODY: u32 = 8;

/// The index of a site, in parts.
pub struct Split {
    /// The indexed documents (indices into `site.docs`) in title order: position is number.
    pub order: Vec<usize>,
    /// Every word with its postings (`number << 4 | fields`, by number), sorted by word.
    words: Vec<Word>,
    /// The parts, sorted by key.
    pub parts: Vec<Part>,
}

struct Word {
    text: String,
    postings: Vec<u32>,
}

/// A run of words sharing the first letters `key`.
pub struct Part {
    pub key: String,
    words: std::ops::Range<usize>,
    /// The size of its file, exactly.
    pub bytes: usize,
}

impl Split {
    /// The index of every document of the site but folder introductions (drafts are not in
    /// a built site's documents).
    pub fn new<'a>(site: &'a Site) -> Split {
        let mut order: Vec<usize> = (0..site.docs.len())
            .filter(|&i| !site.docs[i].is_index)
            .collect();
        order.sort_by(|&a, &b| {
            (site.docs[a].title.as_str(), site.urls[a].as_str())
                .cmp(&(site.docs[b].title.as_str(), site.urls[b].as_str()))
        });
        type Map<'a, V> = HashMap<Cow<'a, str>, V, BuildHasherDefault<Digest>>;
        let mut index: Map<'a, Vec<u32>> = Map::default();
        for (n, &i) in order.iter().enumerate() {
            let d = &site.docs[i];
            let number = u32::try_from(n).expect("fewer than 2^28 documents") << 4;
            // One hash per word: the body's words are already split, lower-case, distinct and
            // without stop words; a word of the title, tags or summary that the document
            // already holds adds its field to that posting.
            for w in d.search_words.split(' ').filter(|w| !w.is_empty()) {
                index
                    .entry(Cow::Borrowed(w))
                    .or_default()
                    .push(number | BODY);
            }
            let mut add = |text: &'a str, field: u32| {
                for w in words(text).filter(|w| !is_stop(w)) {
                    let postings = index.entry(w).or_default();
                    match postings.last_mut() {
                        Some(last) if *last >> 4 == number >> 4 => *last |= field,
                        _ => postings.push(number | field),
                    }
                }
            };
            add(&d.title, TITLE);
            d.tags.iter().for_each(|t| add(t, TAGS));
            if let Some(s) = &d.summary {
                add(s, SUMMARY);
            }
        }
        // Each distinct word is copied once; its occurrences were borrowed.
        let mut words: Vec<Word> = index
            .into_iter()
            .map(|(text, postings)| Word {
                text: text.into_owned(),
                postings,
            })
            .collect();
        words.sort_unstable_by(|a, b| a.text.cmp(&b.text));
        let mut parts = Vec::new();
        divide(&words, 0, String::new(), &mut parts);
        Split {
            order,
            words,
            parts,
        }
    }

    /// Part `i`'s file, as a view: what it is written from and its digest is taken from.
    pub fn part(&self, i: usize) -> PartView<'_> {
        PartView(&self.words[self.parts[i].words.clone()])
    }

    /// The part keyed `key`.
    pub fn find(&self, key: &str) -> Option<usize> {
        self.parts
            .binary_search_by(|p| p.key.as_str().cmp(key))
            .ok()
    }

    /// Whether part `i` holds every word beginning with its key (it was not divided).
    fn whole(&self, i: usize) -> bool {
        let key = &self.parts[i].key;
        self.parts
            .get(i + 1)
            .is_none_or(|next| !next.key.starts_with(key.as_str()))
    }

    /// The parts holding the words that begin with `term`, by the rule `search.js` follows:
    /// the part keyed `term`, the parts whose keys begin with it, and the undivided part
    /// whose key `term` begins.
    pub fn parts_for(&self, term: &str) -> Vec<usize> {
        (0..self.parts.len())
            .filter(|&i| {
                let key = self.parts[i].key.as_str();
                key.starts_with(term) || (term.starts_with(key) && self.whole(i))
            })
            .collect()
    }
}

/// Appends the parts of `words` (sorted, all beginning with `key`, the first at `offset` in
/// the whole list) to `parts`.
fn divide(words: &[Word], offset: usize, key: String, parts: &mut Vec<Part>) {
    let bytes = part_bytes(words);
    if bytes <= PART_BYTES || words.len() == 1 {
        if !words.is_empty() {
            parts.push(Part {
                key,
                words: offset..offset + words.len(),
                bytes,
            });
        }
        return;
    }
    let mut at = 0;
    // The word that is the key itself sorts first and has no next letter.
    if words[0].text.len() == key.len() {
        parts.push(Part {
            key: key.clone(),
            words: offset..offset + 1,
            bytes: part_bytes(&words[..1]),
        });
        at = 1;
    }
    while at < words.len() {
        let next = words[at].text[key.len()..]
            .chars()
            .next()
            .expect("longer than the key");
        let mut child = key.clone();
        child.push(next);
        let len = words[at..]
            .iter()
            .take_while(|w| w.text.starts_with(child.as_str()))
            .count();
        divide(&words[at..at + len], offset + at, child, parts);
        at += len;
    }
}

/// The size of the JSON array of `words`, as [`PartView`] writes it.
fn part_bytes(words: &[Word]) -> usize {
    // `[` `]` and a comma between words; each word `["text"` `]` and `,n` per posting.
    let each: usize = words
        .iter()
        .map(|w| {
            let mut last = 0;
            let postings: usize = w
                .postings
                .iter()
                .map(|&p| {
                    let n = gap(p, &mut last);
                    1 + digits(n)
                })
                .sum();
            4 + w.text.len() + postings
        })
        .sum();
    2 + each + words.len().saturating_sub(1)
}

/// A posting as written: its number's gap from the previous one, and its fields.
fn gap(posting: u32, last: &mut u32) -> u32 {
    let number = posting >> 4;
    let out = (number - *last) << 4 | (posting & 0xf);
    *last = number;
    out
}

fn digits(n: u32) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// A part's words as its file holds them.
pub struct PartView<'s>(&'s [Word]);

struct WordView<'s>(&'s Word);

impl Serialize for PartView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for w in self.0 {
            seq.serialize_element(&WordView(w))?;
        }
        seq.end()
    }
}

impl Serialize for WordView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let w = self.0;
        let mut seq = s.serialize_seq(Some(1 + w.postings.len()))?;
        seq.serialize_element(w.text.as_str())?;
        let mut last = 0;
        for &p in &w.postings {
            seq.serialize_element(&gap(p, &mut last))?;
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests;
