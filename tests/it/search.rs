//! The search index of a large site stays in small files: the first search of a phone
//! downloads the manifest and a few parts, never the index.

use crate::support::*;

/// A word of two to four syllables, the `i`th of a fixed, pseudo-random vocabulary.
fn word(i: u64) -> String {
    const SYLLABLES: [&str; 16] = [
        "ka", "lo", "mi", "ne", "ru", "sa", "te", "vo", "zi", "pe", "da", "fu", "gri", "sto",
        "ble", "an",
    ];
    let mut x = i.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 20;
    let n = 2 + x % 3;
    (0..n)
        .map(|_| {
            x /= 7;
            SYLLABLES[(x % 16) as usize]
        })
        .collect()
}

#[test]
fn a_site_of_thousands_of_documents_is_searched_from_small_files() {
    const DOCS: u64 = 3000;
    let site = Site::copy("basic");
    let mut seed = 1u64;
    for i in 0..DOCS {
        let words: Vec<String> = (0..60)
            .map(|_| {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                // Skewed towards the first words of the vocabulary, as prose is.
                let r = (seed >> 33) % 20_000;
                word(r * r / 20_000)
            })
            .collect();
        site.write(
            &format!("content/notes/n{i:04}.md"),
            &format!(
                "---\ntitle: Note {i} on {}\nsummary: About {}.\n---\n{}\n",
                words[0],
                words[1],
                words.join(" ")
            ),
        );
    }
    let report = cairn::build(&site.options()).unwrap();
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);

    let manifest = site.read("search.json");
    let parsed: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    assert_eq!(parsed["docs"], DOCS + 7);
    let parts = parsed["parts"].as_array().unwrap();
    assert!(parts.len() > 10, "{} parts", parts.len());
    assert!(
        manifest.len() < 8 * 1024,
        "the manifest is {} bytes",
        manifest.len()
    );

    let out = site.out();
    let files = |dir: &str| -> Vec<(String, u64)> {
        std::fs::read_dir(out.join(dir))
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    e.metadata().unwrap().len(),
                )
            })
            .collect()
    };
    let words = files("search/words");
    assert_eq!(
        words.len(),
        parts.len(),
        "one file per part the manifest names"
    );
    let (name, largest) = words.iter().max_by_key(|(_, n)| *n).unwrap();
    assert!(*largest <= 32 * 1024, "{name} is {largest} bytes");
    let total: u64 = words.iter().map(|(_, n)| n).sum();
    assert!(total > 200 * 1024, "the whole index is {total} bytes");
    // Each part the manifest names is there.
    for part in parts {
        let key = part.as_str().unwrap();
        let hex: String = key.bytes().map(|b| format!("{b:02x}")).collect();
        let name = if hex.is_empty() { "_".to_string() } else { hex };
        assert!(
            out.join(format!("search/words/{name}.json")).is_file(),
            "{key:?}"
        );
    }
    let records = files("search/docs");
    assert_eq!(records.len() as u64, (DOCS + 7).div_ceil(32));
    let (name, largest) = records.iter().max_by_key(|(_, n)| *n).unwrap();
    assert!(*largest <= 4 * 1024, "{name} is {largest} bytes");
}
