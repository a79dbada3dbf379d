//! Documents written for other tools, parsed from strings: what each reading gives, and what
//! `--strict` makes of it.

use super::*;
use crate::config::SiteConfig;
use jiff::civil::Date;

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

#[test]
fn a_leading_horizontal_rule_is_body() {
    for text in [
        "---\n\nSome prose, then a rule.\n\n---\n\nMore.\n",
        "---\n- a\n- b\n---\n",
        "---\nNo closing rule\n",
    ] {
        let (d, diags) = parse_str("guides/g.md", text);
        assert!(diags.is_empty(), "{text:?}: {diags:?}");
        assert_eq!(d.body_offset, 0, "{text:?}");
    }
    let (_, diags) = parse_in(true, "guides/g.md", "---\nNo closing rule\n");
    assert_eq!(diags.len(), 1, "{diags:?}");
    // Front matter that starts like front matter keeps its one error.
    let (_, diags) = parse_str("guides/g.md", "---\ntitle: A\nstatus: [x\n---\n");
    assert!(diags[0].contains("invalid YAML"), "{diags:?}");
}

#[test]
fn timestamps_and_day_month_year_dates_give_their_date() {
    let text = "---\ntitle: T\ndate: 2018-01-10T00:00:00.000Z\nupdated: 05/02/2018\n---\n";
    let (d, diags) = parse_str("guides/g.md", text);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(d.created, Some(Date::new(2018, 1, 10).unwrap()));
    assert_eq!(d.updated, Some(Date::new(2018, 2, 5).unwrap()));
    let (_, diags) = parse_in(true, "guides/g.md", text);
    assert_eq!(diags.len(), 2, "{diags:?}");
}

#[test]
fn empty_keys_of_other_generators_say_nothing() {
    let (d, diags) = parse_str(
        "guides/g.md",
        "---\ntitle: T\ndescription:\nsummary: S\n---\n",
    );
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(d.summary.as_deref(), Some("S"));
}

#[test]
fn a_page_keeps_a_free_text_status() {
    let text = "---\ntitle: T\nstatus: active\n---\n";
    let (d, diags) = parse_str("guides/g.md", text);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(d.status.as_deref(), Some("active"));
    let (_, diags) = parse_in(true, "guides/g.md", text);
    assert_eq!(
        diags,
        ["content/guides/g.md:3:1: error: a page has no status"]
    );
}

#[test]
fn ids_that_are_not_slugs_are_slugified_with_a_warning() {
    let text = "---\ntitle: T\nid: SEGAS-00003\n---\n";
    let (d, diags) = parse_str("guides/g.md", text);
    assert_eq!(d.id.as_str(), "segas-00003");
    assert_eq!(
        diags,
        [
            "content/guides/g.md:3:1: warning: `id` `SEGAS-00003` is not lower-case letters, digits, `-` or `_`; read as `segas-00003`"
        ]
    );
    let (d, diags) = parse_in(true, "guides/g.md", text);
    assert_eq!(d.id.as_str(), "g");
    assert!(diags[0].contains("error: `id` must be"), "{diags:?}");
}

#[test]
fn relations_written_as_mappings_are_read_as_links() {
    let text = "---\ntitle: T\nrelated:\n  sections:\n    - title: Related links\n      items:\n        - text: Secrets\n          href: /standards/secrets/\n        - text: Out\n          href: https://example.org/\n---\n";
    let (d, diags) = parse_str("guides/g.md", text);
    assert!(diags.is_empty(), "{diags:?}");
    let targets: Vec<(&str, u32)> = d
        .relations
        .iter()
        .map(|r| (r.target.as_str(), r.pos.line))
        .collect();
    assert_eq!(targets, [("/standards/secrets/", 8)]);
    let (d, _) = parse_str(
        "guides/g.md",
        "---\ntitle: T\nrelated:\n  - title: A\n    url: a\n---\n",
    );
    assert_eq!(d.relations[0].target, "a");
    let (d, diags) = parse_in(true, "guides/g.md", text);
    assert!(d.relations.is_empty());
    assert!(diags[0].contains("must be a list of strings"), "{diags:?}");
}

#[test]
fn front_matter_statuses_other_tools_write_map_and_unknown_words_stay_errors() {
    let (d, diags) = parse_str(
        "decisions/d.md",
        "---\ntitle: D\nstatus: superseded by ADR-0005\n---\n",
    );
    assert_eq!(d.status.as_deref(), Some("superseded"));
    assert!(!diags.iter().any(|d| d.contains("status")), "{diags:?}");
    let (d, diags) = parse_str("decisions/d.md", "---\ntitle: D\nstatus: on hold\n---\n");
    assert_eq!(d.status.as_deref(), Some("on hold"));
    assert!(
        diags
            .iter()
            .any(|d| d.contains("warning: status `on hold`")),
        "{diags:?}"
    );
    let (_, diags) = parse_str("decisions/d.md", "---\ntitle: D\nstatus: acepted\n---\n");
    assert!(
        diags
            .iter()
            .any(|d| d.contains("error: unknown status `acepted`")),
        "{diags:?}"
    );
    let (_, diags) = parse_in(
        true,
        "decisions/d.md",
        "---\ntitle: D\nstatus: Accepted\n---\n",
    );
    assert!(
        diags
            .iter()
            .any(|d| d.contains("error: unknown status `Accepted`")),
        "{diags:?}"
    );
}

#[test]
fn templates_and_folder_pages_beside_records_are_pages() {
    let record = "---\nstatus: accepted\ndate: 2020-01-02\n---\n# Use X\n";
    for path in [
        "decisions/adr-template.md",
        "decisions/template.md",
        "decisions/index.md",
        "decisions/README.md",
        "patterns/pattern.template.md",
    ] {
        let (d, _) = parse_str(path, record);
        assert_eq!(d.kind, SiteConfig::default().kinds.page(), "{path}");
    }
    let (d, _) = parse_str("decisions/0001-templates.md", record);
    assert_eq!(
        d.kind,
        SiteConfig::default().kinds.find("decision").unwrap()
    );
    // Under --strict the folder decides, as for a native document.
    let (d, _) = parse_in(true, "decisions/adr-template.md", record);
    assert_eq!(
        d.kind,
        SiteConfig::default().kinds.find("decision").unwrap()
    );
}
