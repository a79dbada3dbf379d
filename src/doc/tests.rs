use super::*;
use crate::config::SiteConfig;

fn parse_with(config: &SiteConfig, path: &str, text: &str) -> (Doc, Vec<String>) {
    let file = SourceFile {
        path: SourcePath::new(path),
        text: text.to_string(),
    };
    let (doc, diags) = parse(file, config);
    (
        doc,
        diags.into_sorted().iter().map(|d| d.to_string()).collect(),
    )
}

fn parse_str(path: &str, text: &str) -> (Doc, Vec<String>) {
    parse_with(&SiteConfig::default(), path, text)
}

const STRATEGY: &str = "---
title: Cloud cost
status: active
serves: [north-star]
uses:
  - grand-migration
tags: [Cost, Site Reliability]
created: 2026-01-05
updated: 2026-02-01
---
## Problem

Too expensive.

## Guiding policy

Spend less.

## Actions

1. Cut.
";

#[test]
fn a_complete_strategy_parses_cleanly() {
    let (d, diags) = parse_str("strategies/cloud-cost.md", STRATEGY);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(d.title, "Cloud cost");
    assert_eq!(d.id.as_str(), "cloud-cost");
    assert_eq!(d.status.as_deref(), Some("active"));
    assert_eq!(d.tags, ["cost", "site-reliability"]);
    assert_eq!(d.created.unwrap().to_string(), "2026-01-05");
    let rels: Vec<_> = d
        .relations
        .iter()
        .map(|r| (r.relation, r.target.as_str(), r.pos))
        .collect();
    assert_eq!(
        rels,
        [
            (Relation::Serves, "north-star", Pos::new(4, 10)),
            (Relation::Uses, "grand-migration", Pos::new(6, 5))
        ]
    );
    assert!(d.body().starts_with("## Problem"));
}

#[test]
fn kind_comes_from_front_matter_then_folder_then_page() {
    let t = |path: &str, text: &str| {
        let (d, _) = parse_str(path, text);
        SiteConfig::default().kinds.get(d.kind).name.clone()
    };
    assert_eq!(t("strategies/x.md", "---\ntitle: X\n---\n"), "strategy");
    assert_eq!(
        t("notes/x.md", "---\ntitle: X\nkind: decision\n---\n"),
        "decision"
    );
    assert_eq!(t("notes/x.md", "---\ntitle: X\n---\n"), "page");
    // No front matter: a page, even in a kind's folder.
    assert_eq!(t("visions/x.md", "# X\n"), "page");
}

#[test]
fn pages_without_front_matter_take_their_first_heading_or_file_name() {
    let (d, diags) = parse_str("guides/on-call.md", "Intro\n\n# On-call guide\n\nText");
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(d.title, "On-call guide");
    assert_eq!(d.title_heading, Some(0));
    let (d, _) = parse_str("guides/on-call_rota.md", "No heading here.");
    assert_eq!(d.title, "On call rota");
}

#[test]
fn problems_point_at_the_offending_key_in_the_file() {
    let text = "---\ntitle: 42\nstatus: actve\nowner: me\ntags: {a: b}\ncreated: 2026-13-01\nserves: [x]\n---\n";
    let (_, diags) = parse_str("patterns/p.md", text);
    assert_eq!(
        diags,
        [
            "content/patterns/p.md:1:1: warning: missing section `## Examples`, which a pattern should have",
            "content/patterns/p.md:1:1: warning: missing section `## Failure modes`, which a pattern should have",
            "content/patterns/p.md:1:1: warning: missing section `## When it works` (or Success modes), which a pattern should have",
            "content/patterns/p.md:2:1: error: `title` must be a string, found a number (put it in quotes)",
            "content/patterns/p.md:3:1: error: unknown status `actve` for a pattern (did you mean `active`?); expected one of draft, proposed, active, retired, superseded",
            "content/patterns/p.md:4:1: warning: unknown key `owner` in front matter (did you mean `owners`?)",
            "content/patterns/p.md:5:1: error: `tags` must be a list of strings, found a mapping",
            "content/patterns/p.md:6:1: error: `created` must be a date (YYYY-MM-DD), found `2026-13-01`",
            "content/patterns/p.md:7:1: error: a pattern cannot use `serves`",
        ]
    );
}

#[test]
fn crlf_and_bom_positions_match_the_file() {
    let raw = b"\xEF\xBB\xBF---\r\ntitle: T\r\nstatus: nope\r\nhorizon: 2030\r\n---\r\n## Vision statement\r\n\r\nYes.\r\n";
    let text = crate::source::normalize(raw).unwrap();
    let (_, diags) = parse_str("visions/v.md", &text);
    assert_eq!(
        diags,
        [
            "content/visions/v.md:3:1: error: unknown status `nope` for a vision; expected one of draft, proposed, active, retired, superseded"
        ]
    );
}

#[test]
fn invalid_yaml_is_reported_at_its_file_line() {
    let body = "## Problem\n\nx\n\n## Policy\n\ny\n\n## Actions\n\nz\n";
    let (d, diags) = parse_str(
        "strategies/s.md",
        &format!("---\ntitle: Fine\nstatus: [active\n---\n{body}"),
    );
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(
        diags[0].starts_with("content/strategies/s.md:4:"),
        "{diags:?}"
    );
    assert!(diags[0].contains("error: invalid YAML"), "{diags:?}");
    // The document still exists so links to it resolve.
    assert_eq!(d.id.as_str(), "s");
}

#[test]
fn unterminated_front_matter_is_one_error() {
    let (_, diags) = parse_str("about.md", "---\ntitle: About\n\nBody never starts");
    assert_eq!(
        diags,
        [
            "content/about.md:1:1: error: front matter opened with `---` on line 1 is never closed (add a `---` line after it)"
        ]
    );
}

#[test]
fn required_fields_and_sections_come_from_the_kind() {
    let (_, diags) = parse_str(
        "visions/v.md",
        "---\ntitle: V\nstatus: active\n---\n## Vision statement\n\n## Later\n\nx\n",
    );
    assert_eq!(
        diags,
        [
            "content/visions/v.md:1:1: error: missing `horizon`, which a vision requires",
            "content/visions/v.md:5:1: warning: section `## Vision statement` is empty",
        ]
    );
}

#[test]
fn section_synonyms_are_accepted() {
    let text = "---\ntitle: S\nstatus: draft\n---\n## Diagnosis\n\nx\n\n## Policy\n\ny\n\n## Coherent actions\n\nz\n";
    let (_, diags) = parse_str("strategies/s.md", text);
    assert!(diags.is_empty(), "{diags:?}");
}

#[test]
fn custom_kinds_from_config_need_no_code() {
    let (mut config, d) = crate::config::parse(
        "title: T\nkinds:\n  rfc:\n    statuses: [open, closed]\n    required: [number]\n    sections: [Summary]\n    serves: [strategy]\n",
    );
    assert!(d.is_empty());
    config.title = "T".into();
    let (doc, diags) = parse_with(
        &config,
        "rfcs/r1.md",
        "---\ntitle: R1\nstatus: open\nnumber: 7\nserves: [s]\n---\n## Summary\n\nx\n",
    );
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(config.kinds.get(doc.kind).name, "rfc");
    assert_eq!(doc.fields, [("number".to_string(), "7".to_string())]);
    let (_, diags) = parse_with(
        &config,
        "rfcs/r2.md",
        "---\ntitle: R2\nstatus: active\n---\n## Summary\n\nx\n",
    );
    assert_eq!(
        diags,
        [
            "content/rfcs/r2.md:1:1: error: missing `number`, which a rfc requires",
            "content/rfcs/r2.md:3:1: error: unknown status `active` for a rfc; expected one of open, closed",
        ]
    );
}

#[test]
fn review_every_counts_from_last_reviewed() {
    let text = "---\ntitle: P\nreview_every: 6 months\nlast_reviewed: 2026-03-31\n---\n";
    let (d, diags) = parse_str("notes/p.md", text);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(d.review_by.unwrap().to_string(), "2026-09-30");
    assert!(parse_period("2 weeks").is_some());
    assert!(parse_period("soon").is_none());
}

#[test]
fn ids_must_be_slugs_and_default_to_the_file_stem() {
    let strict = SiteConfig {
        strict: true,
        ..SiteConfig::default()
    };
    let (d, diags) = parse_with(
        &strict,
        "decisions/ADR 0001 Use Postgres.md",
        "---\ntitle: T\nid: Bad Id\n---\n",
    );
    assert_eq!(d.id.as_str(), "adr-0001-use-postgres");
    assert!(diags.iter().any(|d| d == "content/decisions/ADR 0001 Use Postgres.md:3:1: error: `id` must be lower-case letters, digits, `-` or `_`, found `Bad Id`"), "{diags:?}");
}

#[test]
fn closed_tag_vocabulary_is_enforced() {
    let (config, _) = crate::config::parse("title: T\ntags: [cost, reliability]\n");
    let (_, diags) = parse_with(
        &config,
        "notes/n.md",
        "---\ntitle: N\ntags: [cost, relability]\n---\n",
    );
    assert_eq!(
        diags,
        [
            "content/notes/n.md:3:14: error: tag `relability` is not in the site's tag list (did you mean `reliability`?)"
        ]
    );
}

#[test]
fn control_and_zero_width_characters_are_removed_from_titles() {
    let (d, _) = parse_str(
        "notes/n.md",
        "---\ntitle: \"Zero\u{200b}width\\u0007 title\"\n---\n",
    );
    assert_eq!(d.title, "Zerowidth title");
}

#[test]
fn invisible_characters_are_left_out_with_a_warning_naming_them() {
    let (d, diags) = parse_str(
        "notes/n.md",
        "---\ntitle: \"Pay\u{202e}roll\"\nsummary: \"a\u{200b}b\"\nowners: [\"x\\u001b[31m\", \"emoji 👩\u{200d}💻\"]\n---\n",
    );
    assert_eq!(d.title, "Payroll");
    assert_eq!(d.summary.as_deref(), Some("ab"));
    assert_eq!(d.owners, ["x[31m", "emoji 👩\u{200d}💻"]);
    assert_eq!(
        diags,
        [
            "content/notes/n.md:2:1: warning: `title` contains invisible or control characters (U+202E); they are left out",
            "content/notes/n.md:3:1: warning: `summary` contains invisible or control characters (U+200B); they are left out",
            // A quoted item with escapes is not found in the text; it falls back to its key.
            "content/notes/n.md:4:1: warning: `owners` contains invisible or control characters (U+001B); they are left out",
        ]
    );
    let (d, diags) = parse_str("notes/h.md", "# Head\u{200b}line\n");
    assert_eq!(d.title, "Headline");
    assert_eq!(
        diags,
        [
            "content/notes/h.md:1:1: warning: the title heading contains invisible or control characters (U+200B); they are left out"
        ]
    );
}

#[test]
fn an_empty_file_is_a_page_with_a_warning() {
    let (d, diags) = parse_str("notes/blank.md", " \n\n");
    assert_eq!(d.title, "Blank");
    assert_eq!(
        diags,
        [
            "content/notes/blank.md:1:1: warning: the file is empty; it is published as an empty page"
        ]
    );
    assert!(parse_str("notes/_index.md", "").1.is_empty());
}

#[test]
fn front_matter_that_is_not_a_mapping_is_one_error() {
    let strict = SiteConfig {
        strict: true,
        ..SiteConfig::default()
    };
    let (_, diags) = parse_with(&strict, "strategies/s.md", "---\n- a\n- b\n---\n");
    assert_eq!(
        diags,
        [
            "content/strategies/s.md:2:1: error: front matter must be a mapping of `key: value` lines, found a list"
        ]
    );
}

#[test]
fn ids_that_cannot_be_folder_names_are_refused() {
    let long = "a".repeat(101);
    let (_, diags) = parse_str("notes/n.md", &format!("---\ntitle: N\nid: {long}\n---\n"));
    assert_eq!(
        diags,
        ["content/notes/n.md:3:1: error: `id` is longer than 100 characters"]
    );
    for bad in ["../x", "/etc/passwd", "%2e%2e", "a\\u0000b"] {
        let (d, diags) = parse_str(
            "notes/n.md",
            &format!("---\ntitle: N\nid: \"{bad}\"\n---\n"),
        );
        assert_eq!(d.id.as_str(), "n", "{bad}");
        assert_eq!(diags.len(), 1, "{bad}: {diags:?}");
    }
}

#[test]
fn the_word_count_is_kept_but_not_a_second_copy_of_the_body_nor_its_words() {
    let (doc, _) = parse_str(
        "patterns/p.md",
        "---\ntitle: P\n---\nOne *two* three.\n\n```rust\nfn not_counted() {}\n```\n\n## Four five\n",
    );
    assert_eq!(doc.words, 3, "prose only: not code, not headings");
    assert_eq!(crate::search::body_words(&doc), "four five one two three");
    assert!(doc.outline.text.is_empty(), "{:?}", doc.outline.text);
}

#[test]
fn prompts_left_as_new_wrote_them_warn_and_optional_sections_may_be_missing() {
    let text = "---\ntitle: V\nstatus: active\nhorizon: \"to be decided\"\n---\n## Vision statement\n\n_Describe the future in the present tense, concretely enough to judge designs against._\n";
    let (_, got) = parse_str("visions/v.md", text);
    assert_eq!(
        got,
        [
            "content/visions/v.md:4:1: warning: `horizon` is still the template's prompt (`to be decided`); fill it in",
            "content/visions/v.md:6:1: warning: section `## Vision statement` is still the template's prompt; write it, or delete the section",
        ]
    );
    // Written over, or with more than the prompt, it is the writer's text.
    let written = text.replace("\"to be decided\"", "2030").replace(
        "designs against._\n",
        "designs against._\n\nWe ship daily.\n",
    );
    assert!(parse_str("visions/v.md", &written).1.is_empty());
    // A strategy's Non-goals is optional.
    let strategy = "---\ntitle: S\nstatus: active\n---\n## Problem\n\nx\n\n## Guiding policy\n\nx\n\n## Actions\n\nx\n";
    assert!(parse_str("strategies/s.md", strategy).1.is_empty());
}

#[test]
fn a_written_draft_status_makes_a_draft_and_a_missing_status_does_not() {
    let d = |status: &str| {
        let text = format!(
            "---\ntitle: S\n{status}---\n## Problem\n\nx\n\n## Guiding policy\n\nx\n\n## Actions\n\nx\n"
        );
        parse_str("strategies/s.md", &text).0.draft
    };
    assert!(d("status: draft\n"));
    assert!(d("draft: true\nstatus: active\n"));
    assert!(!d("status: proposed\n"));
    assert!(!d(""), "a missing status reads as `draft` but is not one");
}
