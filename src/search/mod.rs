//! The offline search index, written at build time in parts that the theme's `search.js`
//! fetches as a query needs them: a reader's first search downloads a small manifest, the
//! parts holding its words, and the records of the results it shows, never the whole index.
//!
//! - `search.json`, the manifest: the stop words, the kinds, how many documents and how many
//!   records a chunk holds, where parts and chunks live, and every part's key.
//! - `search/words/<key>.json` ([`split`]): the words that begin with `key`, each with the
//!   documents holding it and in which fields.
//! - `search/docs/<n>.json`: the records (title, URL, kind, status, summary) of documents
//!   `n × chunk` onwards, documents being numbered in title order.
//!
//! Each document contributes the words of its title, tags and summary and a deduplicated list
//! of the words of its headings and body (lower-case, stop words dropped, capped per
//! document), never the body itself. URLs are relative to the site's base path, so the files
//! are the same under any prefix. The browser splits queries with the same rule as [`words`]
//! and drops the same `stop` words, which is why the list travels in the manifest. Pure: no
//! I/O, no tera.

use std::borrow::Cow;
use std::collections::HashSet;
use std::hash::BuildHasherDefault;

use serde::Serialize;

use crate::config::SiteConfig;
use crate::digest::Digest;
use crate::link::Site;

pub mod split;
pub use split::{CHUNK, PART_BYTES, Split, order};

/// Words too common to tell documents apart, sorted. The browser drops them from queries too.
pub const STOP_WORDS: [&str; 47] = [
    "an", "and", "are", "as", "at", "be", "but", "by", "do", "does", "for", "from", "had", "has",
    "have", "he", "her", "his", "if", "in", "into", "is", "it", "its", "no", "not", "of", "on",
    "or", "our", "she", "so", "than", "that", "the", "their", "them", "then", "there", "they",
    "this", "to", "was", "we", "were", "with", "you",
];

/// Most documents have a few hundred distinct words; the cap only bounds pathological ones
/// (generated reference pages) so one file cannot dominate the index.
pub const MAX_WORDS_PER_DOC: usize = 1500;

/// Longer "words" are hashes, URLs or identifiers nobody types into a search box.
const MAX_WORD_CHARS: usize = 40;

/// Splits text the way the browser splits a query: runs of letters and digits, lower-cased,
/// at least two characters long. Words already in lower case are not copied.
pub fn words(text: &str) -> impl Iterator<Item = Cow<'_, str>> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| {
            let n = if w.is_ascii() {
                w.len()
            } else {
                w.chars().count()
            };
            (2..=MAX_WORD_CHARS).contains(&n)
        })
        .map(|w| {
            if w.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            {
                Cow::Borrowed(w)
            } else {
                Cow::Owned(w.to_lowercase())
            }
        })
}

fn is_stop(word: &str) -> bool {
    // Every word of every document is asked, so the question is one integer compared with
    // 47 others: a stop word's bytes fit in a `u64` with room for its length to be implied.
    word.len() <= 5 && STOP_PACKED.contains(&pack(word.as_bytes()))
}

/// Up to eight bytes as one integer, zero-padded; no word holds a zero byte.
const fn pack(bytes: &[u8]) -> u64 {
    let mut out = 0u64;
    let mut i = 0;
    while i < bytes.len() && i < 8 {
        out |= (bytes[i] as u64) << (8 * i);
        i += 1;
    }
    out
}

const STOP_PACKED: [u64; STOP_WORDS.len()] = {
    let mut out = [0u64; STOP_WORDS.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = pack(STOP_WORDS[i].as_bytes());
        i += 1;
    }
    out
};

/// The distinct, non-stop words of `parts`, in order of first appearance, at most `cap`.
pub fn word_list<'t>(parts: impl IntoIterator<Item = &'t str> + Clone, cap: usize) -> String {
    // Every word of every document passes through here: one hash per word, no copies, and
    // room for about one distinct word per dozen bytes up front.
    let bytes: usize = parts.clone().into_iter().map(str::len).sum();
    let mut seen: HashSet<Cow<'t, str>, BuildHasherDefault<Digest>> =
        HashSet::with_capacity_and_hasher((bytes / 12).min(cap), BuildHasherDefault::default());
    let mut out = String::with_capacity(bytes / 2);
    for part in parts {
        for w in words(part) {
            if seen.len() >= cap {
                out.shrink_to_fit();
                return out;
            }
            if is_stop(&w) {
                continue;
            }
            let before = out.len();
            if before > 0 {
                out.push(' ');
            }
            out.push_str(&w);
            if !seen.insert(w) {
                out.truncate(before);
            }
        }
    }
    // The list lives as long as the build; the room reserved for it up front does not.
    out.shrink_to_fit();
    out
}

/// The distinct words of a document's headings and body, as the index takes them: made from
/// its text when the index is built rather than kept from the parse stage, since held for
/// every document through the whole build they would take two thirds as much memory as the
/// text itself.
pub fn body_words(doc: &crate::doc::Doc) -> String {
    let outline = crate::markdown::analyse(doc.body());
    let headings = outline.headings.iter().map(|h| h.text.as_str());
    word_list(headings.chain([outline.text.as_str()]), MAX_WORDS_PER_DOC)
}

/// `search.json`: what the browser reads before any part.
#[derive(Serialize)]
pub struct Manifest<'a> {
    v: u32,
    stop: &'a [&'a str],
    kinds: Vec<[&'a str; 2]>,
    /// How many documents are numbered, and how many records a chunk holds.
    docs: usize,
    chunk: usize,
    /// Where parts and chunks are, relative to the base path.
    words: &'a str,
    records: &'a str,
    /// Every part's key, sorted.
    parts: Vec<&'a str>,
}

/// The manifest of `split` of `docs` documents, with parts under `words` and chunks under
/// `records`.
pub fn manifest<'a>(
    split: &'a Split,
    docs: usize,
    config: &'a SiteConfig,
    words: &'a str,
    records: &'a str,
) -> Manifest<'a> {
    Manifest {
        v: 2,
        stop: &STOP_WORDS,
        kinds: config
            .kinds
            .iter()
            .map(|(_, k)| [k.name.as_str(), k.label.as_str()])
            .collect(),
        docs,
        chunk: CHUNK,
        words,
        records,
        parts: split.parts.iter().map(|p| p.key.as_str()).collect(),
    }
}

/// One document as a result shows it: title, URL (relative to the base path), kind (an
/// index into the manifest's `kinds`), status and summary, `""` when it has none.
pub type Record<'a> = (&'a str, String, usize, &'a str, &'a str);

/// The records of chunk `n`: documents `n × CHUNK` onwards of `order` (see [`order`]).
pub fn records<'a>(
    order: &[usize],
    site: &'a Site,
    config: &SiteConfig,
    n: usize,
) -> Vec<Record<'a>> {
    let base = &config.base_url;
    let prefix = base.prefix().len();
    let from = (n * CHUNK).min(order.len());
    let to = (from + CHUNK).min(order.len());
    order[from..to]
        .iter()
        .map(|&i| {
            let d = &site.docs[i];
            let mut url = base.href(&site.urls[i]);
            url.drain(..prefix);
            (
                d.title.as_str(),
                url,
                config
                    .kinds
                    .iter()
                    .position(|(k, _)| k == d.kind)
                    .unwrap_or(0),
                d.status.as_deref().unwrap_or(""),
                d.summary.as_deref().unwrap_or(""),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_like_the_browser() {
        let got: Vec<Cow<str>> =
            words("Harbour's merchant_balances: 14 flows, Ünïcode a I").collect();
        assert_eq!(
            got,
            ["harbour", "merchant", "balances", "14", "flows", "ünïcode"]
        );
    }

    #[test]
    fn word_lists_are_distinct_without_stop_words_and_capped() {
        assert_eq!(
            word_list(["The ledger and the Ledger", "ledger outbox"], 100),
            "ledger outbox"
        );
        assert_eq!(word_list(["one two three four"], 2), "one two");
        // A repeated word is dropped without leaving its separator behind.
        assert_eq!(word_list(["Alpha alpha", "beta"], 10), "alpha beta");
        let long = "x".repeat(MAX_WORD_CHARS + 1);
        assert_eq!(word_list([long.as_str(), "kept"], 10), "kept");
    }

    #[test]
    fn stop_words_are_sorted_and_short() {
        assert!(
            STOP_WORDS.windows(2).all(|w| w[0] < w[1]),
            "binary search needs order"
        );
        assert!(STOP_WORDS.iter().all(|w| w.len() <= 5));
        assert!(is_stop("the") && !is_stop("ledger"));
        assert!(STOP_WORDS.iter().all(|w| is_stop(w)));
        assert!(!is_stop("th") && !is_stop("thee") && !is_stop("theirs") && !is_stop(""));
    }

    #[test]
    fn stop_words_are_what_words_produces() {
        // A stop word the tokenizer could never emit would be dead weight in every index.
        for w in STOP_WORDS {
            assert_eq!(words(w).collect::<Vec<_>>(), [Cow::Borrowed(w)], "{w}");
        }
    }
}
