//! Readings of documents written for other tools: decision records of adr-tools (Nygard),
//! MADR and Log4brains, and the habits of other site generators. Each reading takes what the
//! author meant from text Cairn's own format would not accept as it is; under `--strict` the
//! caller reports instead what a native document would get. Pure: text in, values out; no
//! diagnostics are made here.

use jiff::civil::Date;

use crate::kinds::{Kind, Meaning};
use crate::schema::parse_date;
use crate::yaml::{Node, Value};

/// What a front-matter key of another generator or record format means in Cairn's.
pub(super) fn synonym(key: &str) -> Option<&'static str> {
    Some(match key {
        "description" => "summary",
        "lastmod" | "last_modified" | "modified" | "last_modified_at" => "updated",
        "author" | "authors" | "deciders" | "decision-makers" => "owners",
        "redirect_from" => "aliases",
        "weight" | "nav_order" | "sidebar_position" => "order",
        "slug" => "id",
        _ => return None,
    })
}

/// Whether a file is the page of its folder as other generators name it (`index.md`, as
/// Jekyll, MkDocs and Eleventy do, or a `README.md` GitHub shows): never a record, whatever
/// folder it is in, and its folder's introduction when the folder is listed (`link::intros`).
pub fn folder_page(path: &crate::names::SourcePath) -> bool {
    let stem = path.stem();
    stem.eq_ignore_ascii_case("index") || stem.eq_ignore_ascii_case("readme")
}

/// Whether a file is a template for new documents, as record tools keep one beside the
/// records (MADR's `adr-template.md`, Log4brains' `template.md`, `pattern.template.md`):
/// published as a page, never counted as a record of its folder's kind.
pub fn template(path: &crate::names::SourcePath) -> bool {
    let stem = path.stem().to_ascii_lowercase();
    stem == "template"
        || ["-template", "_template", ".template"]
            .iter()
            .any(|end| stem.ends_with(end))
}

/// Keys of record formats shown as they are (MADR's `consulted`, `informed`).
pub(super) const SHOWN_KEYS: [&str; 2] = ["consulted", "informed"];

/// Text as written in a body: its byte offset in the body and its length in characters.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Said {
    pub text: String,
    pub offset: usize,
    pub len: u32,
}

/// What a decision record says about itself in its body, as adr-tools (`Date:` and a
/// `## Status` section), MADR 2 (`* Status:` lines) and Log4brains (`- Status:`) write it.
#[derive(Debug, Default, PartialEq)]
pub(super) struct RecordBody {
    pub status: Option<Said>,
    pub date: Option<(Date, Said)>,
    pub deciders: Vec<String>,
    /// Records this one supersedes (`Supersedes [..](0003-x.md)`), by id.
    pub supersedes: Vec<Said>,
    /// Records that supersede this one (`Superseded by [..](0005-y.md)`), by id.
    pub superseded_by: Vec<Said>,
    /// Records this one amends (`Amends [..](..)`), by id.
    pub amends: Vec<Said>,
    /// Whether it has MADR's `## Decision Outcome` section: a decision was taken.
    pub outcome: bool,
}

impl RecordBody {
    /// Whether the body reads as a decision record at all.
    pub fn is_record(&self) -> bool {
        self.status.is_some() || self.date.is_some()
    }
}

/// Reads the `Key: value` lines before the first `##` section and the `## Status` section.
pub(super) fn record_body(body: &str) -> RecordBody {
    let mut out = RecordBody::default();
    let mut offset = 0;
    let mut in_preamble = true;
    let mut in_status = false;
    let mut in_code = false;
    for line in body.split_inclusive('\n') {
        let at = offset;
        offset += line.len();
        let text = line.trim_end();
        let bare = text.trim_start();
        if bare.starts_with("```") || bare.starts_with("~~~") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        if bare.starts_with('#') {
            let level = bare.len() - bare.trim_start_matches('#').len();
            let name = bare.trim_start_matches('#').trim();
            if level >= 2 {
                in_preamble = false;
            }
            in_status = level == 2 && name.eq_ignore_ascii_case("status");
            out.outcome |= level == 2 && name.eq_ignore_ascii_case("decision outcome");
            continue;
        }
        let lead = text.len() - bare.len();
        if in_status {
            status_line(bare, at + lead, &mut out);
        } else if in_preamble {
            meta_line(bare, at + lead, &mut out);
        }
    }
    out
}

/// `* Status: accepted`, `- Date: 2020-09-25`, `Date: 2019-03-06`, `**Deciders:** A, B`.
fn meta_line(line: &str, at: usize, out: &mut RecordBody) {
    let item = line
        .strip_prefix("* ")
        .or_else(|| line.strip_prefix("- "))
        .or_else(|| line.strip_prefix("+ "))
        .unwrap_or(line);
    let skipped = line.len() - item.len();
    let Some((key, value)) = item.split_once(':') else {
        return;
    };
    // Most lines before a record's first section are prose: nothing is copied until the key
    // is one of these.
    let key = key.trim_matches(['*', '_', ' ']);
    let is = |name: &str| key.eq_ignore_ascii_case(name);
    let wanted = (is("status") && out.status.is_none())
        || (is("date") && out.date.is_none())
        || ((is("deciders") || is("decision-makers") || is("decision makers"))
            && out.deciders.is_empty());
    if !wanted {
        return;
    }
    let value = value.trim_start_matches(['*', '_']);
    let lead = value.len() - value.trim_start().len();
    let value = value.trim();
    if value.is_empty() {
        return;
    }
    let said = || Said {
        text: value.to_string(),
        offset: at + skipped + key_len(item) + lead,
        len: value.chars().count() as u32,
    };
    if is("status") {
        out.status = Some(said());
    } else if is("date") {
        if let Some(d) = loose_date(value) {
            out.date = Some((d, said()));
        }
    } else {
        out.deciders = value
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    }
}

/// The bytes up to and including the first `:` and any `*`/`_` after it.
fn key_len(item: &str) -> usize {
    item.find(':').map_or(0, |i| i + 1)
        + item[item.find(':').map_or(0, |i| i + 1)..]
            .chars()
            .take_while(|c| matches!(c, '*' | '_'))
            .count()
}

/// A line of a `## Status` section: the first gives the status (`Accepted`, `✅ Accepted`,
/// `Superseded by [3. X](0003-x.md)`); `Supersedes [..](..)`, `Superseded by [..](..)` and
/// `Amends [..](..)` name others.
fn status_line(line: &str, at: usize, out: &mut RecordBody) {
    let words = line.split('[').next().unwrap_or("");
    let lower = words.trim().to_lowercase();
    if out.status.is_none() {
        let start = line
            .char_indices()
            .find(|(_, c)| c.is_alphanumeric())
            .map_or(line.len(), |(i, _)| i);
        let shown = line[start..].split('[').next().unwrap_or("").trim();
        if !shown.is_empty() {
            out.status = Some(Said {
                text: shown.trim_end_matches([':', '.', ' ']).to_string(),
                offset: at + start,
                len: shown.chars().count() as u32,
            });
        }
    }
    let list = if lower.starts_with("supersedes") {
        &mut out.supersedes
    } else if lower.starts_with("superseded by") || lower.starts_with("replaced by") {
        &mut out.superseded_by
    } else if lower.starts_with("amends") {
        &mut out.amends
    } else {
        return;
    };
    let mut rest = line;
    let mut base = at;
    while let Some(i) = rest.find("](") {
        let after = &rest[i + 2..];
        let Some(end) = after.find(')') else { break };
        let dest = after[..end].trim().trim_matches(['<', '>']);
        let id = record_id(dest);
        if !id.is_empty() {
            let open = rest[..i].rfind('[').unwrap_or(i);
            list.push(Said {
                text: id,
                offset: base + open,
                len: rest[open..i + 3 + end].chars().count() as u32,
            });
        }
        base += i + 3 + end;
        rest = &after[end + 1..];
    }
}

/// `0003-use-x.md#part` → `0003-use-x`: the id the linked record has.
fn record_id(dest: &str) -> String {
    let path = dest.split(['#', '?']).next().unwrap_or("");
    if path.contains("://") {
        return String::new();
    }
    let name = path.rsplit('/').next().unwrap_or("");
    let stem = crate::names::strip_doc_ext(name).unwrap_or(name);
    crate::names::slugify(stem)
}

/// Whether `written` is a status record tools use that means none of Cairn's (`on hold`):
/// kept as written rather than refused as a typo.
pub(super) fn foreign_status(written: &str) -> bool {
    let norm = written.trim().to_lowercase();
    [
        "on hold",
        "paused",
        "postponed",
        "blocked",
        "amended",
        "unknown",
        "n/a",
    ]
    .iter()
    .any(|w| norm == *w || norm.starts_with(&format!("{w} ")))
}

/// The status of `kind`'s vocabulary that `written` means, when only one fits: the word
/// itself in any case, or the word other tools use for it (`approved`, `superseded by X`,
/// `declined`, `obsolete`).
pub(super) fn closest_status(written: &str, kind: &Kind) -> Option<String> {
    let norm: String = written
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if let Some(s) = kind.statuses.iter().find(|s| **s == norm) {
        return Some(s.clone());
    }
    let first = norm.split(' ').next().unwrap_or("");
    let canonical = match first {
        "superseded" | "replaced" => "superseded",
        "accepted" | "approved" | "adopted" | "agreed" | "decided" | "done" | "implemented" => {
            "accepted"
        }
        "proposed" | "proposal" | "open" | "pending" | "wip" | "inprogress" => "proposed",
        "in" if norm == "in progress" => "proposed",
        "rejected" | "declined" | "refused" => "rejected",
        "deprecated" | "obsolete" | "retired" | "withdrawn" | "abandoned" => "deprecated",
        "draft" => "draft",
        "active" => "active",
        _ => match norm.as_str() {
            "in review" | "under review" | "in progress" | "under discussion" => "proposed",
            "not accepted" => "rejected",
            _ => return None,
        },
    };
    if let Some(s) = kind.statuses.iter().find(|s| *s == canonical) {
        return Some(s.clone());
    }
    let meaning = Meaning::of_builtin(canonical);
    let mut same = kind.statuses.iter().filter(|s| kind.meaning(s) == meaning);
    match (same.next(), same.next()) {
        (Some(s), None) => Some(s.clone()),
        _ => None,
    }
}

/// `1. Record architecture decisions` → `(1, "Record architecture decisions")`: the number
/// adr-tools puts before a record's title.
pub(super) fn numbered_title(title: &str) -> Option<(u32, &str)> {
    let digits = title.len() - title.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || digits > 6 {
        return None;
    }
    let rest = title[digits..].strip_prefix(". ")?.trim_start();
    if rest.is_empty() {
        return None;
    }
    Some((title[..digits].parse().ok()?, rest))
}

/// The number a file name starts with (`0003-use-x` → 3), as adr-tools and MADR name records.
pub(super) fn file_number(stem: &str) -> Option<u32> {
    let digits = stem.len() - stem.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || digits > 6 {
        return None;
    }
    stem[..digits].parse().ok()
}

/// A date as other tools write it: a timestamp (`2018-01-10T00:00:00.000Z`, `2020-01-02
/// 10:00`) gives its calendar date; `05/02/2018` (or `05-02-2018`, `05.02.2018`) is
/// day/month/year, as adr-tools' users in most of the world write it; `2018/02/05` is
/// year/month/day.
pub(super) fn loose_date(s: &str) -> Option<Date> {
    let s = s.trim();
    if let Some(d) = s.get(..10).and_then(parse_date) {
        let rest = &s[10..];
        if rest.is_empty() || rest.starts_with(['T', 't', ' ']) {
            return Some(d);
        }
        return None;
    }
    let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
    let [a, b, c] = parts[..] else {
        return None;
    };
    let num = |p: &str| (!p.is_empty() && p.len() <= 4).then(|| p.parse::<i16>().ok())?;
    let (y, m, d) = if a.len() == 4 {
        (num(a)?, num(b)?, num(c)?)
    } else if c.len() == 4 {
        (num(c)?, num(b)?, num(a)?)
    } else {
        return None;
    };
    Date::new(y, i8::try_from(m).ok()?, i8::try_from(d).ok()?).ok()
}

/// The keys whose text is a link in relations written as mappings.
const LINK_KEYS: [&str; 6] = ["url", "href", "link", "path", "target", "id"];

/// The link targets in a relation written as mappings or lists of them (`- title: X` /
/// `url: /y/`, or `sections: [{items: [{text, href}]}]`), with the node of each. Links to other
/// sites are left out: a relation names a document of this site.
pub(super) fn link_targets<'n>(n: &'n Node, out: &mut Vec<(String, &'n Node)>) {
    fn push<'n>(s: &str, node: &'n Node, out: &mut Vec<(String, &'n Node)>) {
        if !s.contains("://") && !s.starts_with("mailto:") && !s.trim().is_empty() {
            out.push((s.to_string(), node));
        }
    }
    match &n.value {
        Value::Str(s) => push(s, n, out),
        Value::Seq(items) => items.iter().for_each(|i| link_targets(i, out)),
        Value::Map(entries) => {
            for e in entries {
                match &e.node.value {
                    Value::Str(s) if LINK_KEYS.contains(&e.key.as_str()) => push(s, &e.node, out),
                    Value::Seq(_) | Value::Map(_) => link_targets(&e.node, out),
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i16, m: i8, d: i8) -> Option<Date> {
        Some(Date::new(y, m, d).unwrap())
    }

    fn decision() -> Kind {
        let kinds = crate::kinds::KindTable::default();
        kinds.get(kinds.find("decision").unwrap()).clone()
    }

    #[test]
    fn statuses_map_to_the_closest_when_only_one_fits() {
        let d = decision();
        let c = |s: &str| closest_status(s, &d);
        assert_eq!(c("Accepted").as_deref(), Some("accepted"));
        assert_eq!(c("✅ Accepted").as_deref(), Some("accepted"));
        assert_eq!(c("Superseded by 3. Use X").as_deref(), Some("superseded"));
        assert_eq!(c("approved").as_deref(), Some("accepted"));
        assert_eq!(c("Obsolete").as_deref(), Some("deprecated"));
        assert_eq!(c("under review").as_deref(), Some("proposed"));
        assert_eq!(c("Inprogress").as_deref(), Some("proposed"));
        assert_eq!(c("In progress").as_deref(), Some("proposed"));
        assert_eq!(c("in doubt"), None);
        assert_eq!(c("on hold"), None);
        let kinds = crate::kinds::KindTable::default();
        let strategy = kinds.get(kinds.find("strategy").unwrap());
        // `deprecated` means retired, which a strategy calls `retired`.
        assert_eq!(
            closest_status("deprecated", strategy).as_deref(),
            Some("retired")
        );
        assert_eq!(closest_status("accepted", strategy), None);
    }

    #[test]
    fn nygard_records_say_their_status_date_and_supersedes() {
        let body = "# 3. Use X\n\nDate: 05/02/2018\n\n## Status\n\n✅ Accepted\n\nSupersedes [1. Old](0001-old.md) and [2. Older](./0002-older.md)\n\nAmends [4. Y](0004-y.md)\n\n## Context\n\nStatus: not this\n";
        let r = record_body(body);
        let status = r.status.unwrap();
        assert_eq!(status.text, "Accepted");
        assert_eq!(&body[status.offset..status.offset + 8], "Accepted");
        let (date, said) = r.date.unwrap();
        assert_eq!(date, Date::new(2018, 2, 5).unwrap());
        assert_eq!(&body[said.offset..said.offset + 10], "05/02/2018");
        let ids: Vec<&str> = r.supersedes.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(ids, ["0001-old", "0002-older"]);
        assert_eq!(&body[r.supersedes[0].offset..][..5], "[1. O");
        assert_eq!(r.amends[0].text, "0004-y");
        let r = record_body("# T\n\n## Status\n\nSuperseded by [3. New](0003-new.md)\n");
        assert_eq!(r.status.unwrap().text, "Superseded by");
        assert!(r.supersedes.is_empty());
        let ids: Vec<&str> = r.superseded_by.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(ids, ["0003-new"]);
    }

    #[test]
    fn madr_2_and_log4brains_lists_give_status_date_and_deciders() {
        for (body, status) in [
            (
                "# T\n\n* Status: accepted\n* Deciders: Ann, Bo\n* Date: 2020-09-25\n\n## Context and Problem Statement\n",
                "accepted",
            ),
            (
                "# T\n\n- Status: superseded by [x](x.md)\n- Date: 2020-09-25\n- Deciders: Ann, Bo\n",
                "superseded by [x](x.md)",
            ),
            (
                "# T\n\n**Status:** accepted\n\n- Date: 2020-09-25\n- **Deciders:** Ann, Bo\n",
                "accepted",
            ),
        ] {
            let r = record_body(body);
            let s = r.status.unwrap();
            assert_eq!(s.text, status, "{body}");
            assert_eq!(&body[s.offset..s.offset + s.text.len()], status, "{body}");
            assert_eq!(r.date.unwrap().0, Date::new(2020, 9, 25).unwrap());
            assert_eq!(r.deciders, ["Ann", "Bo"]);
        }
        assert!(!record_body("# Page\n\nJust text: here.\n").is_record());
    }

    #[test]
    fn dates_as_other_tools_write_them() {
        assert_eq!(loose_date("2018-01-10T00:00:00.000Z"), date(2018, 1, 10));
        assert_eq!(loose_date("2020-01-02 10:00:00 +0100"), date(2020, 1, 2));
        assert_eq!(loose_date("2019-03-06"), date(2019, 3, 6));
        assert_eq!(loose_date("05/02/2018"), date(2018, 2, 5));
        assert_eq!(loose_date("2018/02/05"), date(2018, 2, 5));
        assert_eq!(loose_date("21-02-2023"), date(2023, 2, 21));
        assert_eq!(loose_date("21.02.2023"), date(2023, 2, 21));
        assert_eq!(loose_date("21-13-2023"), None);
        assert_eq!(loose_date("31/02/2018"), None);
        assert_eq!(loose_date("2019-03-06x"), None);
        assert_eq!(loose_date("soon"), None);
        assert_eq!(loose_date("1/2/3"), None);
    }

    #[test]
    fn links_written_as_mappings_are_their_targets() {
        let n = crate::yaml::parse(
            "sections:\n  - title: Related links\n    items:\n      - text: Secrets\n        href: /standards/secrets/\n      - text: Out\n        href: https://example.org/\n",
        )
        .unwrap();
        let mut found = Vec::new();
        link_targets(&n, &mut found);
        let targets: Vec<&str> = found.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(targets, ["/standards/secrets/"]);
        assert_eq!(found[0].1.pos.line, 5);
        let n = crate::yaml::parse("- title: A\n  url: a\n- b\n").unwrap();
        let mut found = Vec::new();
        link_targets(&n, &mut found);
        let targets: Vec<&str> = found.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(targets, ["a", "b"]);
    }

    #[test]
    fn adr_tools_numbers_come_off_the_title() {
        assert_eq!(
            numbered_title("1. Record architecture decisions"),
            Some((1, "Record architecture decisions"))
        );
        assert_eq!(numbered_title("12.  Use X"), Some((12, "Use X")));
        assert_eq!(numbered_title("2024 plans"), None);
        assert_eq!(numbered_title("1.5 release"), None);
        assert_eq!(numbered_title("3. "), None);
        assert_eq!(numbered_title("Use X"), None);
    }

    #[test]
    fn file_numbers_are_leading_digits() {
        assert_eq!(file_number("0003-use-x"), Some(3));
        assert_eq!(file_number("use-x"), None);
    }
}
