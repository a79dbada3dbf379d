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

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use rayon::prelude::*;
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
    /// Every word with its postings, sorted by word.
    words: Words,
    /// The parts, sorted by key.
    pub parts: Vec<Part>,
}

/// Every word of the index, sorted, in three flat arrays rather than a `String` and a `Vec`
/// each: at 100,000 documents there are 1.8 million distinct words and 29 million postings,
/// and two allocations per word cost more than the words themselves.
struct Words {
    /// The words, one after another; word `i` ends at `ends[i]`.
    text: String,
    ends: Vec<u32>,
    /// Each word's postings (`number << 4 | fields`, by number): word `i`'s are
    /// `postings[at[i].0..at[i].1]`.
    postings: Vec<u32>,
    at: Vec<(u32, u32)>,
}

impl Words {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn text(&self, i: usize) -> &str {
        let from = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[from..self.ends[i] as usize]
    }

    fn postings(&self, i: usize) -> &[u32] {
        let (from, to) = self.at[i];
        &self.postings[from as usize..to as usize]
    }
}

/// A run of words, the first of which begins with `key`.
pub struct Part {
    pub key: String,
    words: std::ops::Range<usize>,
    /// The size of its file, exactly.
    pub bytes: usize,
}

/// Documents whose body words are taken at once (in parallel) while the index is built: the
/// lists of a batch are held only until its words are numbered.
const BATCH: usize = 2048;

/// The documents the index numbers (indices into `site.docs`), in title order: every
/// document of the site but folder introductions (drafts are not in a built site's
/// documents). A document's position is its number.
pub fn order(site: &Site) -> Vec<usize> {
    let mut order: Vec<usize> = (0..site.docs.len())
        .filter(|&i| !site.docs[i].is_index)
        .collect();
    order.sort_by(|&a, &b| {
        (site.docs[a].title.as_str(), site.urls[a].as_str())
            .cmp(&(site.docs[b].title.as_str(), site.urls[b].as_str()))
    });
    order
}

/// A digest of everything the index of `site` is made from: each document's path and text
/// (its body's words), title, tags, summary and address, and whether it is a folder's
/// introduction. Two sites with the same digest have the same [`Split`], word for word, so a
/// build may take the parts' digests from an earlier build instead of making the index.
pub fn inputs(site: &Site) -> u64 {
    let mut d = Digest::new();
    d.u64(site.docs.len() as u64);
    for (doc, url) in site.docs.iter().zip(&site.urls) {
        d.u64(doc.hash)
            .u64(u64::from(doc.is_index))
            .str(&doc.title)
            .str(url.as_str())
            .u64(doc.tags.len() as u64);
        doc.tags.iter().for_each(|t| {
            d.str(t);
        });
        d.u64(u64::from(doc.summary.is_some()))
            .str(doc.summary.as_deref().unwrap_or(""));
    }
    d.finish()
}

impl Split {
    /// The index of the documents `order` numbers (see [`order`]).
    pub fn new(site: &Site, order: &[usize]) -> Split {
        // Each distinct word gets a number in order of first appearance; each document's
        // words go into `held` as `word << 4 | fields`, document after document (`ends`).
        let mut ids: HashMap<Box<str>, u32, BuildHasherDefault<Digest>> = HashMap::default();
        let mut held: Vec<u32> = Vec::new();
        let mut doc_ends: Vec<usize> = Vec::with_capacity(order.len());
        // Per word: the last document (number + 1) that holds it and where, in `held`.
        let mut last: Vec<(u32, usize)> = Vec::new();
        let mut id_of = |w: &str, last: &mut Vec<(u32, usize)>| -> u32 {
            if let Some(&id) = ids.get(w) {
                return id;
            }
            let id = u32::try_from(last.len()).expect("fewer than 2^28 words");
            ids.insert(w.into(), id);
            last.push((0, 0));
            id
        };
        for (b, batch) in order.chunks(BATCH).enumerate() {
            let lists: Vec<String> = batch
                .par_iter()
                .map(|&i| super::body_words(&site.docs[i]))
                .collect();
            for (k, (&i, list)) in batch.iter().zip(&lists).enumerate() {
                let d = &site.docs[i];
                let n = u32::try_from(b * BATCH + k + 1).expect("fewer than 2^28 documents");
                // The body's words are split, lower-case, distinct and without stop words; a
                // word of the title, tags or summary that the document already holds adds
                // its field to that posting.
                for w in list.split(' ').filter(|w| !w.is_empty()) {
                    let id = id_of(w, &mut last);
                    last[id as usize] = (n, held.len());
                    held.push(id << 4 | BODY);
                }
                let mut add = |text: &str, field: u32| {
                    for w in words(text).filter(|w| !is_stop(w)) {
                        let id = id_of(&w, &mut last);
                        match last[id as usize] {
                            (m, at) if m == n => held[at] |= field,
                            _ => {
                                last[id as usize] = (n, held.len());
                                held.push(id << 4 | field);
                            }
                        }
                    }
                };
                add(&d.title, TITLE);
                d.tags.iter().for_each(|t| add(t, TAGS));
                if let Some(s) = &d.summary {
                    add(s, SUMMARY);
                }
                doc_ends.push(held.len());
            }
        }
        drop(last);
        // Postings by word (a counting sort of `held`), documents in number order.
        let mut start = vec![0u32; ids.len() + 1];
        for &h in &held {
            start[(h >> 4) as usize + 1] += 1;
        }
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        let mut postings = vec![0u32; held.len()];
        let mut next = start.clone();
        let mut from = 0;
        for (n, &to) in doc_ends.iter().enumerate() {
            let number = u32::try_from(n).expect("fewer than 2^28 documents") << 4;
            for &h in &held[from..to] {
                let slot = &mut next[(h >> 4) as usize];
                postings[*slot as usize] = number | (h & 0xf);
                *slot += 1;
            }
            from = to;
        }
        drop((held, next, doc_ends));
        // Sorted: each word's text into one string, its postings found by its number.
        let mut sorted: Vec<(Box<str>, u32)> = ids.into_iter().collect();
        sorted.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let bytes: usize = sorted.iter().map(|(w, _)| w.len()).sum();
        let mut words = Words {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(sorted.len()),
            postings,
            at: Vec::with_capacity(sorted.len()),
        };
        for (w, id) in sorted {
            words.text.push_str(&w);
            words
                .ends
                .push(u32::try_from(words.text.len()).expect("under 4 GiB of words"));
            words.at.push((start[id as usize], start[id as usize + 1]));
        }
        // `ends[i]`: the size of words `..i` as a part writes them, but for the brackets and
        // commas between words.
        let mut ends = Vec::with_capacity(words.len() + 1);
        ends.push(0);
        for i in 0..words.len() {
            ends.push(ends.last().copied().unwrap_or(0) + word_bytes(&words, i));
        }
        let size =
            |r: std::ops::Range<usize>| 2 + ends[r.end] - ends[r.start] + r.len().saturating_sub(1);
        let mut parts = Vec::new();
        divide(&words, 0..words.len(), String::new(), &size, &mut parts);
        Split { words, parts }
    }

    /// Part `i`'s file, as a view: what it is written from and its digest is taken from.
    pub fn part(&self, i: usize) -> PartView<'_> {
        PartView(&self.words, self.parts[i].words.clone())
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
    words: &Words,
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
    if words.text(at).len() == key.len() {
        groups.push((key.clone(), at..at + 1));
        at += 1;
    }
    while at < range.end {
        let next = words.text(at)[key.len()..]
            .chars()
            .next()
            .expect("longer than the key");
        let mut child = key.clone();
        child.push(next);
        let len = (at..range.end)
            .take_while(|&i| words.text(i).starts_with(child.as_str()))
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
fn word_bytes(words: &Words, i: usize) -> usize {
    let mut last = 0;
    let postings: usize = words
        .postings(i)
        .iter()
        .map(|&p| 1 + digits(gap(p, &mut last)))
        .sum();
    4 + words.text(i).len() + postings
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
pub struct PartView<'s>(&'s Words, std::ops::Range<usize>);

struct WordView<'s>(&'s Words, usize);

impl Serialize for PartView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.1.len()))?;
        for i in self.1.clone() {
            seq.serialize_element(&WordView(self.0, i))?;
        }
        seq.end()
    }
}

impl Serialize for WordView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let postings = self.0.postings(self.1);
        let mut seq = s.serialize_seq(Some(1 + postings.len()))?;
        seq.serialize_element(self.0.text(self.1))?;
        let mut last = 0;
        for &p in postings {
            seq.serialize_element(&gap(p, &mut last))?;
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests;
