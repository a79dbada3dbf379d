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
use scraper::{Html, Selector};

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

/// Every diagnostic points at a line of the file and a column on it (or just past its end),
/// and the text it covers stays on that line.
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
        assert!(
            d.col + d.len.saturating_sub(1) <= width + 1,
            "{d}: covers {} characters past the end of line {:?}",
            d.len,
            line
        );
        if d.len > 0 && line.len() <= cairn::diag::MAX_SHOWN_LINE {
            assert_eq!(d.source_line.as_deref(), Some(*line), "{d}");
        }
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

/// Markdown that holds links, and the `<a>` elements (text, `href`) each must render as, in
/// order. Images, broken links and code spans are links to the parser (or look like them) but
/// render no `<a>`: they are here so a miscount would shift the ones after them.
const LINK_PIECES: &[(&str, &[(&str, &str)])] = &[
    ("[[cat]]", &[("Cat", "/cat/")]),
    ("[[bee|the bee]]", &[("the bee", "/bee/")]),
    ("[[dog#dog]]", &[("Dog", "/dog/#dog")]),
    ("[dog](dog.md)", &[("dog", "/dog/")]),
    (
        "[ext](https://example.org/)",
        &[("ext", "https://example.org/")],
    ),
    ("[site](/abs/path)", &[("site", "/abs/path")]),
    (
        "<https://example.com/auto>",
        &[("https://example.com/auto", "https://example.com/auto")],
    ),
    ("![pic](img.png)", &[]),
    ("[[nobody]]", &[]),
    ("[gone](gone.md)", &[]),
    ("`[[cat]]`", &[]),
    ("`[x](dog.md)`", &[]),
    ("*[em](cat.md)*", &[("em", "/cat/")]),
    ("**[_both_ here](bee.md)**", &[("both here", "/bee/")]),
    ("[![badge](img.png)](dog.md)", &[("", "/dog/")]),
    ("[ref][r1]", &[("ref", "/bee/")]),
    ("[r2]", &[("r2", "https://example.net/r")]),
    ("word", &[]),
    ("_under_", &[]),
];

/// Where a run of pieces is written.
const BLOCKS: &[&str] = &["", "## ", "- ", "> ", "1. "];

/// A document built from [`LINK_PIECES`] (maybe titled by a first `# heading` full of links,
/// maybe with front matter giving the title instead), and the links it must render.
fn linked_document() -> impl Strategy<Value = (String, Vec<(String, String)>)> {
    let pieces = || prop::collection::vec(0..LINK_PIECES.len(), 0..6);
    let title = prop::option::of(pieces());
    let blocks = prop::collection::vec((0..BLOCKS.len(), pieces()), 0..6);
    (any::<bool>(), title, blocks).prop_map(|(front, title, blocks)| {
        let mut text = String::new();
        let mut expected = Vec::new();
        let mut write = |text: &mut String, pieces: &[usize], shown: bool| {
            for &p in pieces {
                let (md, links) = LINK_PIECES[p];
                text.push_str(md);
                text.push(' ');
                if shown {
                    expected.extend(links.iter().map(|(t, h)| (t.to_string(), h.to_string())));
                }
            }
        };
        if front {
            text.push_str("---\ntitle: Notes\n---\n");
        }
        if let Some(pieces) = &title {
            text.push_str("# Notes ");
            // Without front matter the first heading becomes the title and is not repeated.
            write(&mut text, pieces, front);
            text.push_str("\n\n");
        }
        for (block, pieces) in &blocks {
            text.push_str(BLOCKS[*block]);
            text.push_str("x ");
            write(&mut text, pieces, true);
            text.push_str("\n\n");
        }
        text.push_str("[r1]: bee.md\n[r2]: https://example.net/r\n");
        (text, expected)
    })
}

proptest! {
    #[test]
    fn every_link_renders_with_its_own_text_and_target((text, expected) in linked_document()) {
        let config = SiteConfig::default();
        let docs = [
            ("notes.md", text.as_str()),
            ("bee.md", "# Bee\n"),
            ("cat.md", "# Cat\n"),
            ("dog.md", "# Dog\n"),
        ]
        .into_iter()
        .map(|(p, t)| parse(p, t).0)
        .collect();
        let (site, _) = cairn::link::link(docs, &config, false, &[SourcePath::new("img.png")]);
        let html = markdown::render(
            site.docs[0].body(),
            &site.docs[0].outline,
            &site.link_targets(0, &config.base_url),
            site.docs[0].title_heading,
            highlighter(),
            RenderOptions::default(),
        );
        let page = Html::parse_fragment(&html);
        let anchors = Selector::parse("a:not(.anchor)").unwrap();
        let found: Vec<(String, String)> = page
            .select(&anchors)
            .map(|a| {
                let text = a.text().collect::<String>();
                (text, a.attr("href").unwrap_or("").to_string())
            })
            .collect();
        prop_assert_eq!(found, expected, "{}\n{}", text, html);
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
