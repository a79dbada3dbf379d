//! The text of a document written by `cairn new`: front matter from the kind's rules and a
//! `##` heading with a one-line prompt for each required section.
//!
//! Pure: everything it needs (kind, title, date, owners, relations) is handed in, so the exact
//! text is tested from strings. It does not check that relation targets exist; `new` does that
//! against the site before calling it.

use jiff::ToSpan;
use jiff::civil::Date;

use crate::kinds::Kind;
use crate::names::slugify;
use crate::relation::Relation;

/// Everything that goes into a new document.
#[derive(Debug, Clone)]
pub struct Draft<'a> {
    pub kind: &'a Kind,
    /// Write `kind:`, for a kind that its folder alone does not name.
    pub write_kind: bool,
    pub title: &'a str,
    pub today: Date,
    pub owners: &'a [String],
    /// Relation targets as the writer gave them, e.g. `(Serves, "north-star")`.
    pub relations: &'a [(Relation, String)],
}

pub use crate::kinds::FIELD_PLACEHOLDER;

/// File names stay well under the 255-byte limit of common file systems even for a long title.
const MAX_SLUG_BYTES: usize = 80;

/// The status a new document starts in: `draft` when the kind has it, else the kind's first
/// status; `None` for kinds without statuses (pages).
pub fn initial_status(kind: &Kind) -> Option<&str> {
    if kind.statuses.iter().any(|s| s == "draft") {
        Some("draft")
    } else {
        kind.statuses.first().map(String::as_str)
    }
}

/// The file stem for a title: its slug (the same slug that becomes the document's id),
/// cut at a word boundary when very long. `None` when the title has no letters or digits.
pub fn file_slug(title: &str) -> Option<String> {
    let slug = slugify(title);
    if slug.len() <= MAX_SLUG_BYTES {
        return (!slug.is_empty()).then_some(slug);
    }
    let mut cut = String::new();
    for word in slug.split('-') {
        if cut.len() + 1 + word.len() > MAX_SLUG_BYTES {
            break;
        }
        if !cut.is_empty() {
            cut.push('-');
        }
        cut.push_str(word);
    }
    if cut.is_empty() {
        // One very long word: cut it on a character boundary.
        let end = (0..=MAX_SLUG_BYTES)
            .rev()
            .find(|&i| slug.is_char_boundary(i))
            .unwrap_or(0);
        cut = slug[..end].to_string();
    }
    Some(cut)
}

/// The whole document: front matter, a blank line, then the sections.
pub fn render(d: &Draft) -> String {
    let kind = d.kind;
    let mut out = String::from("---\n");
    out.push_str(&format!("title: {}\n", quote(d.title)));
    if d.write_kind {
        out.push_str(&format!("kind: {}\n", kind.name));
    }
    if let Some(status) = initial_status(kind) {
        out.push_str(&format!("status: {}\n", plain_or_quoted(status)));
    }
    out.push_str(&format!("created: {}\n", d.today));
    if d.owners.is_empty() {
        out.push_str("# owners: [your-name, your-team]\n");
    } else {
        out.push_str(&format!("owners: {}\n", flow_list(d.owners)));
    }
    out.push_str("# summary: \"One sentence for index pages, feeds and link previews.\"\n");
    out.push_str("# tags: []\n");
    if !kind.is_page() {
        let review = d.today.checked_add(6.months()).unwrap_or(d.today);
        out.push_str(&format!("# review_by: {review}\n"));
    }
    for field in &kind.fields {
        if field.required {
            out.push_str(&format!(
                "{}: {} # required for a {}\n",
                field.name,
                quote(FIELD_PLACEHOLDER),
                kind.name
            ));
        } else {
            out.push_str(&format!("# {}: \"\"\n", field.name));
        }
    }
    for rel in Relation::ALL {
        let targets: Vec<String> = d
            .relations
            .iter()
            .filter(|(r, _)| *r == rel)
            .map(|(_, t)| t.clone())
            .collect();
        if !targets.is_empty() {
            out.push_str(&format!("{}: {}\n", rel.key(), flow_list(&targets)));
        }
    }
    out.push_str("---\n");
    for section in &kind.sections {
        out.push_str(&format!(
            "\n## {}\n\n{}\n",
            section.name,
            section.prompt_line()
        ));
    }
    out
}

/// A YAML double-quoted scalar; every title round-trips, whatever punctuation it holds.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Ids and paths like `north-star` or `visions/north-star` are written bare, as people write
/// them by hand; anything else is quoted.
fn plain_or_quoted(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars().next().is_some_and(char::is_alphanumeric)
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'))
        && !matches!(s, "true" | "false" | "null" | "yes" | "no" | "on" | "off")
        && s.parse::<f64>().is_err();
    if plain { s.to_string() } else { quote(s) }
}

fn flow_list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|s| plain_or_quoted(s)).collect();
    format!("[{}]", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::KindTable;
    use crate::yaml::{self, Value};

    fn today() -> Date {
        "2026-05-01".parse().unwrap()
    }

    #[test]
    fn a_strategy_with_relations() {
        let table = KindTable::default();
        let kind = table.get(table.find("strategy").unwrap());
        let owners = ["Ada Lovelace".to_string(), "team-platform".to_string()];
        let relations = [
            (Relation::Uses, "small-batches".to_string()),
            (Relation::Serves, "visions/ship-any-day".to_string()),
            (Relation::Uses, "two-way-doors".to_string()),
        ];
        let text = render(&Draft {
            kind,
            write_kind: false,
            title: "Faster builds",
            today: today(),
            owners: &owners,
            relations: &relations,
        });
        assert_eq!(
            text,
            "---
title: \"Faster builds\"
status: draft
created: 2026-05-01
owners: [\"Ada Lovelace\", team-platform]
# summary: \"One sentence for index pages, feeds and link previews.\"
# tags: []
# review_by: 2026-11-01
# horizon: \"\"
serves: [visions/ship-any-day]
uses: [small-batches, two-way-doors]
---

## Problem

_Name the one obstacle this strategy attacks, honestly and with numbers._

## Guiding policy

_Choose one way through and say what you will not do._

## Actions

_List the first concrete steps, each with an owner and a date._

## Non-goals

_Optional: name what this strategy deliberately will not do, so that work outside it can be declined by pointing here. Delete this section if there is nothing to say._
"
        );
    }

    #[test]
    fn required_fields_get_a_placeholder_and_kinds_without_draft_their_first_status() {
        let mut table = KindTable::default();
        let node = yaml::parse(
            "rfc:\n  statuses: [open, closed]\n  required: [number]\n  sections: [Summary]\n",
        )
        .unwrap();
        let mut diags = crate::diag::Diagnostics::new();
        table.apply_config(
            &node,
            &mut crate::schema::Reader::new("site.yaml", 1, &mut diags),
        );
        let kind = table.get(table.find("rfc").unwrap());
        let text = render(&Draft {
            kind,
            write_kind: true,
            title: "Why: \"quotes\" # and \\ things",
            today: today(),
            owners: &[],
            relations: &[],
        });
        assert!(text.contains("\nkind: rfc\nstatus: open\n"), "{text}");
        assert!(
            text.contains("# owners: [your-name, your-team]\n"),
            "{text}"
        );
        assert!(
            text.contains("number: \"to be decided\" # required for a rfc\n"),
            "{text}"
        );
        assert!(
            text.ends_with("---\n\n## Summary\n\n_Write the summary here._\n"),
            "{text}"
        );
        // The front matter parses back to the same title.
        let fm = crate::frontmatter::split(&text, true)
            .unwrap()
            .yaml
            .unwrap();
        let Value::Map(entries) = yaml::parse(fm).unwrap().value else {
            panic!("not a mapping");
        };
        assert_eq!(
            entries[0].node.value,
            Value::Str("Why: \"quotes\" # and \\ things".into())
        );
    }

    #[test]
    fn a_page_has_no_status_and_no_sections() {
        let table = KindTable::default();
        let text = render(&Draft {
            kind: table.get(table.page()),
            write_kind: false,
            title: "On call",
            today: today(),
            owners: &["Grace".to_string()],
            relations: &[(Relation::Related, "ship-any-day".to_string())],
        });
        assert_eq!(
            text,
            "---\ntitle: \"On call\"\ncreated: 2026-05-01\nowners: [Grace]\n# summary: \"One sentence for index pages, feeds and link previews.\"\n# tags: []\nrelated: [ship-any-day]\n---\n"
        );
    }

    #[test]
    fn file_slugs() {
        assert_eq!(
            file_slug("Faster builds!").as_deref(),
            Some("faster-builds")
        );
        assert_eq!(
            file_slug("  Ünïcode Straße ").as_deref(),
            Some("ünïcode-straße")
        );
        assert_eq!(file_slug("?!"), None);
        let long = "word ".repeat(40);
        let slug = file_slug(&long).unwrap();
        assert!(slug.len() <= 80 && slug.ends_with("word"), "{slug}");
        let one = "ü".repeat(100);
        let slug = file_slug(&one).unwrap();
        assert_eq!(slug.len(), 80);
    }

    #[test]
    fn quoting() {
        assert_eq!(quote("a \"b\" \\ c\n"), "\"a \\\"b\\\" \\\\ c\\n\"");
        assert_eq!(plain_or_quoted("north-star"), "north-star");
        assert_eq!(plain_or_quoted("visions/north-star"), "visions/north-star");
        assert_eq!(plain_or_quoted("yes"), "\"yes\"");
        assert_eq!(plain_or_quoted("2024"), "\"2024\"");
        assert_eq!(plain_or_quoted("a b"), "\"a b\"");
        assert_eq!(plain_or_quoted("x: y"), "\"x: y\"");
    }
}
