//! Documents written for other tools, parsed from strings: what each reading gives, and what
//! `--strict` makes of it.

use super::*;
use crate::config::SiteConfig;

fn parse_in(strict: bool, path: &str, text: &str) -> (Doc, Vec<String>) {
    let config = SiteConfig {
        strict,
        ..SiteConfig::default()
    };
    let file = SourceFile {
        path: SourcePath::new(path),
        text: text.to_string(),
    };
    let (doc, diags) = parse(file, &config);
    let shown = diags.into_sorted().iter().map(|d| d.to_string()).collect();
    (doc, shown)
}

fn parse_str(path: &str, text: &str) -> (Doc, Vec<String>) {
    parse_in(false, path, text)
}

#[test]
fn the_first_heading_titles_front_matter_without_a_title() {
    let (d, diags) = parse_str("guides/g.md", "---\nowners: [ann]\n---\n# Guide\n\nText\n");
    assert_eq!(d.title, "Guide");
    assert!(diags.is_empty(), "{diags:?}");
}

#[test]
fn no_title_and_no_heading_is_a_warning_and_an_error_under_strict() {
    let text = "---\nowners: [ann]\n---\nText\n";
    let (d, diags) = parse_str("guides/on-call.md", text);
    assert_eq!(d.title, "On call");
    assert_eq!(
        diags,
        [
            "content/guides/on-call.md:1:1: warning: missing `title` and no `# heading`; titled from the file name"
        ]
    );
    let (_, diags) = parse_in(true, "guides/on-call.md", text);
    assert_eq!(
        diags,
        ["content/guides/on-call.md:1:1: error: missing `title`"]
    );
}

#[test]
fn an_adr_tools_number_becomes_the_records_number() {
    let (d, _) = parse_str(
        "decisions/0001-record-architecture-decisions.md",
        "---\nstatus: accepted\n---\n# 1. Record architecture decisions\n",
    );
    assert_eq!(d.title, "Record architecture decisions");
    assert_eq!(d.number, Some(1));
    // On a page, only when the file name carries the same number.
    let (d, _) = parse_str("guides/intro.md", "# 1. Introduction\n");
    assert_eq!((d.title.as_str(), d.number), ("1. Introduction", None));
    let (d, _) = parse_str("guides/0007-use-x.md", "# 7. Use X\n");
    assert_eq!((d.title.as_str(), d.number), ("Use X", Some(7)));
    // A title given in front matter is kept as written.
    let (d, _) = parse_str(
        "decisions/x.md",
        "---\ntitle: 2. Keep\nstatus: accepted\n---\n",
    );
    assert_eq!((d.title.as_str(), d.number), ("2. Keep", None));
}
