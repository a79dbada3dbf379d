//! The index split into parts by the first letters of its words.
//!
//! Every word of every document, with the documents holding it, sorted; then divided like a
//! trie: while the words beginning with some letters exceed [`PART_BYTES`], they are divided
//! by their next letter (`"l"` into `"la"`, `"le"`…; the word equal to those letters goes
//! first), and neighbouring divisions are packed together again while they fit. A part
//! holding one word is never divided, however many documents hold it. A small site is one
//! part; a change touches only the parts of the words it changed.
//!
//! A part is a JSON array of words, each an array of the word and its postings:
//! `[["ledger",24,40,9],…]`. A posting is `gap << 4 | fields`: the document's number minus the
//! previous posting's (the first counts from 0), and which of [`TITLE`], [`TAGS`],
//! [`SUMMARY`] and [`BODY`] hold the word. Documents are numbered in title order, so ranking
//! ties break by title without fetching records.
//!
//! Parts are keyed by letters that begin their first word, sorted: a part holds the words from
//! its key up to the next part's. The words beginning with a term are in the last part keyed
//! at or before it and in the parts whose keys begin with it ([`Split::parts_for`]).

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

/// A run of words, the first of which begins with `key`.
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
        // `ends[i]`: the size of words `..i` as a part writes them, but for the brackets and
        // commas between words.
        let mut ends = Vec::with_capacity(words.len() + 1);
        ends.push(0);
        for w in &words {
            ends.push(ends.last().copied().unwrap_or(0) + word_bytes(w));
        }
        let size =
            |r: std::ops::Range<usize>| 2 + ends[r.end] - ends[r.start] + r.len().saturating_sub(1);
        let mut parts = Vec::new();
        divide(&words, 0..words.len(), String::new(), &size, &mut parts);
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

    /// The parts holding the words that begin with `term`, by the rule `search.js` follows:
    /// the last part keyed at or before `term`, and the parts whose keys begin with it.
    pub fn parts_for(&self, term: &str) -> Vec<usize> {
        let after = self.parts.partition_point(|p| p.key.as_str() <= term);
        let more = self.parts[after..]
            .iter()
            .take_while(|p| p.key.starts_with(term))
            .count();
        (after.saturating_sub(1)..after + more).collect()
    }
}

/// Appends the parts of `words[range]` (sorted, all beginning with `key`) to `parts`;
/// `size` is the size of a part of the given words.
fn divide(
    words: &[Word],
    range: std::ops::Range<usize>,
    key: String,
    size: &dyn Fn(std::ops::Range<usize>) -> usize,
    parts: &mut Vec<Part>,
) {
    if range.len() == 1 || size(range.clone()) <= PART_BYTES {
        if !range.is_empty() {
            let bytes = size(range.clone());
            parts.push(Part {
                key,
                words: range,
                bytes,
            });
        }
        return;
    }
    // The word that is the key itself sorts first, then the words by their next letter.
    let mut groups: Vec<(String, std::ops::Range<usize>)> = Vec::new();
    let mut at = range.start;
    if words[at].text.len() == key.len() {
        groups.push((key.clone(), at..at + 1));
        at += 1;
    }
    while at < range.end {
        let next = words[at].text[key.len()..]
            .chars()
            .next()
            .expect("longer than the key");
        let mut child = key.clone();
        child.push(next);
        let len = words[at..range.end]
            .iter()
            .take_while(|w| w.text.starts_with(child.as_str()))
            .count();
        groups.push((child, at..at + len));
        at += len;
    }
    // Neighbours packed while they fit; a group too large alone is divided in turn.
    let mut open: Option<(String, std::ops::Range<usize>)> = None;
    let close = |open: &mut Option<(String, std::ops::Range<usize>)>, parts: &mut Vec<Part>| {
        if let Some((key, words)) = open.take() {
            let bytes = size(words.clone());
            parts.push(Part { key, words, bytes });
        }
    };
    for (child, group) in groups {
        if group.len() > 1 && size(group.clone()) > PART_BYTES {
            close(&mut open, parts);
            divide(words, group, child, size, parts);
            continue;
        }
        match &mut open {
            Some((_, run)) if size(run.start..group.end) <= PART_BYTES => run.end = group.end,
            _ => {
                close(&mut open, parts);
                open = Some((child, group));
            }
        }
    }
    close(&mut open, parts);
}

/// The size of one word as a part writes it: `["text"`, `,n` per posting, `]`.
fn word_bytes(w: &Word) -> usize {
    let mut last = 0;
    let postings: usize = w
        .postings
        .iter()
        .map(|&p| 1 + digits(gap(p, &mut last)))
        .sum();
    4 + w.text.len() + postings
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
