//! The offline search index: one compact JSON file written at build time and read by the
//! theme's `search.js` in the browser.
//!
//! Each document contributes its title, summary, tags, kind, status, URL and a deduplicated
//! list of the words of its headings and body (lower-case, stop words dropped, capped per
//! document), never the body itself: a 10,000-document site must stay a few megabytes. The
//! shape, with short keys because the file is downloaded whole:
//!
//! ```json
//! {"v":1,"stop":["the",…],"kinds":[["strategy","Strategy"],…],
//!  "docs":[{"t":"Title","u":"strategies/x/","k":0,"s":"active","d":"Summary","g":["cost"],"w":"words …"}]}
//! ```
//!
//! `u` is relative to the site's base path, so the file is the same under any prefix; `k`
//! indexes `kinds`. The browser splits queries with the same rule as [`words`] and drops the
//! same `stop` words, which is why the list travels in the file. Pure: no I/O, no tera.

use std::borrow::Cow;
use std::collections::HashSet;
use std::hash::BuildHasherDefault;

use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};

use crate::config::SiteConfig;
use crate::digest::Digest;
use crate::kinds::KindId;
use crate::link::Site;

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

/// The index as data, before it is written.
#[derive(Serialize)]
pub struct Index<'a> {
    v: u32,
    stop: &'a [&'a str],
    kinds: Vec<[&'a str; 2]>,
    docs: Entries<'a>,
}

/// The documents, each entry built as it is written: the word lists of a large site never
/// exist all at once, only the finished file does.
struct Entries<'a> {
    site: &'a Site,
    config: &'a SiteConfig,
    kinds: Vec<KindId>,
}

#[derive(Serialize)]
struct Entry<'a> {
    t: &'a str,
    u: &'a str,
    k: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    s: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    d: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    g: &'a [String],
    w: Words<'a>,
}

/// A document's search words. They are made from its text alone, so the compact form a page
/// digest takes (see `render::digest`) is the hash of that text: the index's digest does not
/// hash a few megabytes of words to learn what the documents' hashes already say.
struct Words<'a> {
    words: &'a str,
    text_hash: u64,
}

impl Serialize for Words<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_str(self.words)
        } else {
            s.serialize_u64(self.text_hash)
        }
    }
}

impl Serialize for Entries<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (site, base) = (self.site, &self.config.base_url);
        let prefix = base.prefix().len();
        let mut seq = serializer.serialize_seq(None)?;
        for (i, d) in site.docs.iter().enumerate().filter(|(_, d)| !d.is_index) {
            let href = base.href(&site.urls[i]);
            seq.serialize_element(&Entry {
                t: &d.title,
                u: &href[prefix..],
                k: self.kinds.iter().position(|&k| k == d.kind).unwrap_or(0),
                s: d.status.as_deref(),
                d: d.summary.as_deref(),
                g: &d.tags,
                w: Words {
                    words: &d.search_words,
                    text_hash: d.hash,
                },
            })?;
        }
        seq.end()
    }
}

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

/// The index for every document of the site (folder introductions are not documents), in
/// the site's document order.
pub fn index_json(site: &Site, config: &SiteConfig) -> Vec<u8> {
    // The file is a large site's largest: grown by doubling, it would be copied a dozen
    // times and, at its last step, held twice over. Reserved once, the little the hint
    // overshoots is never touched, so it costs no memory.
    let mut out = Vec::with_capacity(size_hint(site, config));
    serde_json::to_writer(&mut out, &index(site, config)).expect("the index is plain data");
    out
}

/// A little more than the size of [`index_json`]'s output: every string it writes, its keys
/// and punctuation, and a sixteenth for escapes.
fn size_hint(site: &Site, config: &SiteConfig) -> usize {
    // `{"t":"","u":"","k":00,"s":"","d":"","g":[],"w":""},`
    const PER_DOC: usize = 48;
    const PER_TAG: usize = 3;
    let prefix = config.base_url.prefix().len();
    let docs: usize = site
        .docs
        .iter()
        .zip(&site.urls)
        .filter(|(d, _)| !d.is_index)
        .map(|(d, url)| {
            PER_DOC
                + d.title.len()
                + (url.as_str().len() + prefix)
                + d.status.as_ref().map_or(0, String::len)
                + d.summary.as_ref().map_or(0, String::len)
                + d.tags.iter().map(|t| t.len() + PER_TAG).sum::<usize>()
                + d.search_words.len()
        })
        .sum();
    let kinds: usize = config
        .kinds
        .iter()
        .map(|(_, k)| k.name.len() + k.label.len() + 8)
        .sum();
    let fixed = 64 + kinds + STOP_WORDS.iter().map(|w| w.len() + 3).sum::<usize>();
    let all = fixed + docs;
    all + all / 16
}

/// What [`index_json`] writes.
pub fn index<'a>(site: &'a Site, config: &'a SiteConfig) -> Index<'a> {
    let kinds = &config.kinds;
    Index {
        v: 1,
        stop: &STOP_WORDS,
        kinds: kinds
            .iter()
            .map(|(_, k)| [k.name.as_str(), k.label.as_str()])
            .collect(),
        docs: Entries {
            site,
            config,
            kinds: kinds.iter().map(|(id, _)| id).collect(),
        },
    }
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
    fn the_index_is_made_in_one_buffer_of_its_own_size() {
        // On a 100,000-document site the index is about 200 MB: a buffer grown by doubling
        // is copied at every step and ends up to twice that size.
        let config = SiteConfig::default();
        let mut files: Vec<(String, String)> = Vec::new();
        for i in 0..300 {
            let words: Vec<String> = (0..120).map(|w| format!("w{i}x{w}")).collect();
            files.push((
                format!("patterns/p{i}.md"),
                format!(
                    "---\ntitle: \"Pattern \\\"{i}\\\" <b>\"\nsummary: Tab\\there\ntags: [a, b]\n---\n{}\n",
                    words.join(" ")
                ),
            ));
        }
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let site = crate::testing::linked(&config, &refs);
        let json = index_json(&site, &config);
        assert!(json.len() > 300 * 120 * 5, "{}", json.len());
        let parsed: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(parsed["docs"][0]["t"], "Pattern \"0\" <b>");
        // Reserved up front, the buffer never grows; and it is not much larger than needed.
        let hint = size_hint(&site, &config);
        assert!(hint >= json.len(), "{hint} < {}", json.len());
        assert!(
            hint <= json.len() + json.len() / 8,
            "{hint} for {}",
            json.len()
        );
        assert!(json.capacity() <= hint + hint / 8);
    }

    #[test]
    fn stop_words_are_what_words_produces() {
        // A stop word the tokenizer could never emit would be dead weight in every index.
        for w in STOP_WORDS {
            assert_eq!(words(w).collect::<Vec<_>>(), [Cow::Borrowed(w)], "{w}");
        }
    }
}
