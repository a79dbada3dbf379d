use std::collections::BTreeMap;

use super::*;
use crate::config::SiteConfig;
use crate::testing::linked;

/// A site of `n` documents of `per` words each, every word shared by a few documents and
/// some sharing long prefixes, so that a large enough site is divided several levels deep.
fn site_of(n: usize, per: usize) -> Site {
    let config = SiteConfig::default();
    let files: Vec<(String, String)> = (0..n)
        .map(|i| {
            let body: Vec<String> = (0..per)
                .map(|w| format!("ledger{}x{}", (i * 7 + w) % 997, w % 5))
                .collect();
            (
                format!("patterns/p{i}.md"),
                format!(
                    "---\ntitle: Pattern {i} Über\ntags: [cost, t{}]\nsummary: Summary of {i}.\n---\n# Heading h{i}\n\n{}\n",
                    i % 3,
                    body.join(" ")
                ),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    linked(&config, &refs)
}

/// Each part's file, parsed: word → (document number → fields).
fn files(split: &Split) -> Vec<BTreeMap<String, BTreeMap<u32, u32>>> {
    (0..split.parts.len())
        .map(|i| {
            let bytes = serde_json::to_vec(&split.part(i)).unwrap();
            assert_eq!(bytes.len(), split.parts[i].bytes, "the size is exact");
            let words: Vec<Vec<serde_json::Value>> = serde_json::from_slice(&bytes).unwrap();
            words
                .into_iter()
                .map(|w| {
                    let mut number = 0;
                    let postings = w[1..]
                        .iter()
                        .map(|p| {
                            let p = p.as_u64().unwrap() as u32;
                            number += p >> 4;
                            (number, p & 0xf)
                        })
                        .collect();
                    (w[0].as_str().unwrap().to_string(), postings)
                })
                .collect()
        })
        .collect()
}

/// Every word a document is found by, with its fields.
fn words_of(site: &Site, i: usize) -> BTreeMap<String, u32> {
    let d = &site.docs[i];
    let mut out: BTreeMap<String, u32> = BTreeMap::new();
    let mut add = |text: &str, field: u32| {
        for w in words(text).filter(|w| !is_stop(w)) {
            *out.entry(w.into_owned()).or_default() |= field;
        }
    };
    add(&d.title, TITLE);
    d.tags.iter().for_each(|t| add(t, TAGS));
    add(d.summary.as_deref().unwrap_or(""), SUMMARY);
    add(&crate::search::body_words(d), BODY);
    out
}

#[test]
fn every_word_of_every_document_is_found_from_every_prefix_in_bounded_parts() {
    let site = site_of(600, 60);
    let split = Split::new(&site, &order(&site));
    let parsed = files(&split);
    assert!(
        split.parts.len() > 5,
        "{} parts: the site is divided",
        split.parts.len()
    );
    assert!(
        split.parts.iter().any(|p| p.key.chars().count() >= 4),
        "divided more than one letter deep"
    );
    assert!(
        split.parts.windows(2).all(|w| w[0].key < w[1].key),
        "sorted, distinct"
    );
    for (part, file) in split.parts.iter().zip(&parsed) {
        assert!(
            part.bytes <= PART_BYTES || file.len() == 1,
            "{:?} holds {} words in {} bytes",
            part.key,
            file.len(),
            part.bytes
        );
    }
    // A part holds the words from its key up to the next part's.
    for (i, file) in parsed.iter().enumerate() {
        let next = split.parts.get(i + 1).map(|p| p.key.as_str());
        for w in file.keys() {
            assert!(w.as_str() >= split.parts[i].key.as_str(), "{w}");
            assert!(next.is_none_or(|n| w.as_str() < n), "{w} before {next:?}");
        }
    }
    let mut checked = 0;
    for (n, &i) in order(&site).iter().enumerate() {
        for (word, fields) in words_of(&site, i) {
            let chars: Vec<char> = word.chars().collect();
            for len in 2..=chars.len() {
                let term: String = chars[..len].iter().collect();
                let found: Vec<u32> = split
                    .parts_for(&term)
                    .into_iter()
                    .filter_map(|p| parsed[p].get(&word)?.get(&(n as u32)).copied())
                    .collect();
                assert_eq!(found, [fields], "{word:?} of document {n} from {term:?}");
                checked += 1;
            }
        }
    }
    assert!(checked > 600 * 60 * 5, "{checked}");
}

#[test]
fn a_prefix_reaches_only_the_parts_of_its_words() {
    let site = site_of(600, 60);
    let split = Split::new(&site, &order(&site));
    let parsed = files(&split);
    for term in ["le", "ledger4", "ledger41x", "pa", "zz", "0"] {
        let found = split.parts_for(term);
        // The part keyed at or before the term, then only parts keyed by its letters.
        for &p in found.iter().skip(1) {
            assert!(split.parts[p].key.starts_with(term), "{term:?}");
        }
        for w in parsed.iter().flat_map(|f| f.keys()) {
            if w.starts_with(term) {
                assert!(
                    found.iter().any(|&p| parsed[p].contains_key(w)),
                    "{w} from {term:?}"
                );
            }
        }
    }
    // A long term reaches one part.
    assert_eq!(split.parts_for("ledger417x2").len(), 1);
    // Divisions too small alone are packed with their neighbours.
    let total: usize = split.parts.iter().map(|p| p.bytes).sum();
    assert!(
        total / split.parts.len() > PART_BYTES / 2,
        "{} parts for {total} bytes",
        split.parts.len()
    );
}

#[test]
fn a_small_site_is_one_part_and_documents_are_numbered_by_title() {
    let config = SiteConfig::default();
    let site = linked(
        &config,
        &[
            ("_index.md", "---\ntitle: Home\n---\nIntro words.\n"),
            ("patterns/b.md", "---\ntitle: Beta\n---\nThe ledger.\n"),
            (
                "patterns/a.md",
                "---\ntitle: Alpha\ntags: [Ledger]\n---\nOther.\n",
            ),
        ],
    );
    let split = Split::new(&site, &order(&site));
    assert_eq!(split.parts.len(), 1);
    assert_eq!(split.parts[0].key, "");
    assert_eq!(split.parts_for("le"), [0]);
    let titles: Vec<&str> = order(&site)
        .iter()
        .map(|&i| site.docs[i].title.as_str())
        .collect();
    assert_eq!(titles, ["Alpha", "Beta"], "no folder introduction");
    let part = String::from_utf8(serde_json::to_vec(&split.part(0)).unwrap()).unwrap();
    // Alpha (0) holds "ledger" as a tag; Beta (1) in its body: gap 0 then gap 1.
    assert!(
        part.contains(&format!("[\"ledger\",{},{}]", TAGS, 1 << 4 | BODY)),
        "{part}"
    );
    assert!(!part.contains("\"the\""), "no stop words: {part}");
    assert!(!part.contains("intro"), "no folder introduction: {part}");
}

#[test]
fn the_same_site_gives_the_same_bytes() {
    let site = site_of(300, 40);
    let bytes = |s: &Split| -> Vec<Vec<u8>> {
        (0..s.parts.len())
            .map(|i| serde_json::to_vec(&s.part(i)).unwrap())
            .collect()
    };
    assert_eq!(
        bytes(&Split::new(&site, &order(&site))),
        bytes(&Split::new(&site, &order(&site)))
    );
}

#[test]
fn a_body_edit_changes_only_the_parts_of_the_words_it_changed() {
    let body = |extra: &str| {
        let mut files: Vec<(String, String)> = (0..600)
            .map(|i| {
                let words: Vec<String> = (0..60)
                    .map(|w| format!("ledger{}x{}", (i * 7 + w) % 997, w % 5))
                    .collect();
                (
                    format!("patterns/p{i}.md"),
                    format!("---\ntitle: Pattern {i}\n---\n{}\n", words.join(" ")),
                )
            })
            .collect();
        files[10].1.push_str(extra);
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let site = linked(&SiteConfig::default(), &refs);
        let split = Split::new(&site, &order(&site));
        split
            .parts
            .iter()
            .enumerate()
            .map(|(i, p)| (p.key.clone(), serde_json::to_vec(&split.part(i)).unwrap()))
            .collect::<BTreeMap<String, Vec<u8>>>()
    };
    let before = body("");
    let after = body("\nzebra\n");
    let changed: Vec<&String> = after
        .iter()
        .filter(|(k, bytes)| before.get(*k) != Some(bytes))
        .map(|(k, _)| k)
        .collect();
    assert_eq!(changed.len(), 1, "one new word, one part: {changed:?}");
    assert!(before.len() <= after.len() && after.len() <= before.len() + 1);
}
