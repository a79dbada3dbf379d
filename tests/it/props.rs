//! Property tests: the pure stages on documents assembled from the pieces that break parsers
//! (fences, BOMs, CRs, tabs, YAML indicators, wikilinks, template code, invisible
//! characters). A short, always-on companion to the cargo-fuzz targets in `fuzz/`; the
//! regressions those found are kept at the bottom.

use cairn::config::SiteConfig;
use cairn::diag::Diagnostic;
use cairn::highlight::Highlighter;
use cairn::markdown::{self, RenderOptions};
use cairn::names::SourcePath;
use cairn::source::SourceFile;
use proptest::prelude::*;

const PIECES: &[&str] = &[
    "---\n",
    "+++\n",
    "...\n",
    "\n",
    "\r\n",
    "\r",
    "\u{feff}",
    "\t",
    " ",
    "  ",
    "title: ",
    "id: ",
    "status: ",
    "tags: ",
    "owners: ",
    "serves: ",
    "aliases: ",
    "created: ",
    "review_every: ",
    "related: ",
    "kind: ",
    "2026-01-01",
    "6 months",
    "x",
    "é",
    "Ü",
    "-",
    "- ",
    ":",
    ": ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "\"",
    "'",
    "&a ",
    "*a",
    "!!str ",
    "? ",
    "|",
    ">",
    "#",
    "## ",
    "# ",
    "```",
    "`",
    "[[",
    "]]",
    "[x](",
    ")",
    "../",
    ".md",
    "#a",
    "{{",
    "}}",
    "{%",
    "\u{200b}",
    "\u{202e}",
    "\u{1b}",
    "\u{0}",
    "%2e%2e",
    "javascript:",
    "data:",
    "<script>",
    "[^1]",
    "{#a}",
    "*",
    "_",
    "\\",
    "😀",
];

/// Mostly documents that open front matter, so the YAML side gets its share.
fn document() -> impl Strategy<Value = String> {
    let start =
        prop::sample::select(&["---\n", "---\ntitle: T\n", "\u{feff}---\r\n", "+++\n", ""][..]);
    let pieces = prop::collection::vec(prop::sample::select(PIECES), 0..60);
    (start, pieces).prop_map(|(s, p)| format!("{s}{}", p.concat()))
}

fn parse(path: &str, text: &str) -> (cairn::doc::Doc, Vec<Diagnostic>) {
    let (doc, diags) = cairn::doc::parse(
        SourceFile {
            path: SourcePath::new(path),
            text: text.to_string(),
        },
        &SiteConfig::default(),
    );
    (doc, diags.into_sorted())
}

/// Every diagnostic points at a line of the file and a column on it (or just past its end).
fn assert_inside(text: &str, diags: &[Diagnostic]) {
    let lines: Vec<&str> = text.split('\n').collect();
    for d in diags {
        let line = lines
            .get(d.line as usize - 1)
            .unwrap_or_else(|| panic!("{d}: past the last line of {text:?}"));
        let width = line.chars().count() as u32;
        assert!(
            d.col >= 1 && d.col <= width + 1,
            "{d}: past the end of line {:?}",
            line
        );
    }
}

proptest! {

    #[test]
    fn parsing_never_panics_and_points_inside_the_file(raw in document()) {
        let text = cairn::source::normalize(raw.as_bytes()).unwrap();
        let clean = !text.contains('\r') && !text.starts_with('\u{feff}');
        prop_assert!(clean, "not normalised: {:?}", text);
        for path in ["strategies/s.md", "notes/n.md", "visions/_index.md"] {
            let (_, diags) = parse(path, &text);
            assert_inside(&text, &diags);
        }
    }

    #[test]
    fn linking_and_rendering_never_panic_or_open_a_script(a in document(), b in document()) {
        let hl = highlighter();
        let config = SiteConfig::default();
        let docs = vec![
            parse("strategies/cloud.md", &cairn::source::normalize(a.as_bytes()).unwrap()).0,
            parse("visions/north-star.md", &cairn::source::normalize(b.as_bytes()).unwrap()).0,
        ];
        let (site, _) = cairn::link::link(docs, &config, true, &[]);
        for (i, d) in site.docs.iter().enumerate() {
            prop_assert_eq!(site.links[i].len(), d.outline.links.len());
            let html = markdown::render(
                d.body(), &d.outline, &site.link_targets(i, &config.base_url), d.title_heading, hl, RenderOptions::default(),
            );
            prop_assert!(!html.contains("<script"), "{}", html);
        }
    }
}

/// Runs `check` on every input the fuzzers kept in `fuzz/corpus/<target>/`, so what they
/// found stays covered by plain `cargo test`, without libFuzzer or a nightly toolchain.
fn replay(target: &str, check: impl Fn(&[u8])) -> usize {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&data)));
        assert!(result.is_ok(), "{} fails", path.display());
        n += 1;
    }
    n
}

#[test]
fn the_fuzz_corpus_replays_cleanly() {
    let n = replay("frontmatter", |data| {
        let Ok(text) = cairn::source::normalize(data) else {
            return;
        };
        if let Ok(split) = cairn::frontmatter::split(&text) {
            if let Some(yaml) = split.yaml {
                let _ = cairn::yaml::parse(yaml);
                let _ = cairn::config::parse(yaml);
            }
        }
        for path in ["strategies/s.md", "notes/n.md", "visions/_index.md"] {
            assert_inside(&text, &parse(path, &text).1);
        }
    });
    assert!(n > 50, "{n} inputs");
    let paths = [
        "strategies/cloud.md",
        "visions/north-star.md",
        "runbooks/ops/backups.md",
        "notes/_index.md",
    ];
    let n = replay("markdown_links", |data| {
        let Ok(text) = std::str::from_utf8(data) else {
            return;
        };
        let docs = text
            .split('\0')
            .zip(paths)
            .map(|(t, p)| parse(p, t).0)
            .collect();
        let assets = [SourcePath::new("img/a.png")];
        let config = SiteConfig::default();
        let (site, _) = cairn::link::link(docs, &config, true, &assets);
        for (i, d) in site.docs.iter().enumerate() {
            let html = markdown::render(
                d.body(),
                &d.outline,
                &site.link_targets(i, &config.base_url),
                d.title_heading,
                highlighter(),
                RenderOptions::default(),
            );
            assert!(!html.contains("<script"), "{html}");
        }
    });
    assert!(n > 50, "{n} inputs");
}

fn highlighter() -> &'static Highlighter {
    static HL: std::sync::OnceLock<Highlighter> = std::sync::OnceLock::new();
    HL.get_or_init(Highlighter::new)
}
