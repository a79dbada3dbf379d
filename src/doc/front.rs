//! Front matter: split from the body, parsed as YAML and read key by key into the [`Doc`],
//! against the kinds table (statuses, kind-specific fields, relations a kind may use). Pure.

use jiff::Span;

use super::text::{clean_text, shown_text};
use super::{Doc, RelationRef, Written};
use crate::config::SiteConfig;
use crate::diag::{Diagnostics, Pos, did_you_mean_hint};
use crate::frontmatter;
use crate::kinds::{Kind, KindId, KindTable};
use crate::names::{DocId, SourcePath, normalize_tag};
use crate::relation::Relation;
use crate::schema::Reader;
use crate::yaml::{self, Entry, Node, Value};

pub(super) const COMMON_KEYS: [&str; 17] = [
    "title",
    "kind",
    "id",
    "status",
    "summary",
    "owners",
    "tags",
    "created",
    "date",
    "updated",
    "review_by",
    "review_every",
    "last_reviewed",
    "draft",
    "aliases",
    "related",
    "order",
];

/// The longest `id` accepted.
const MAX_ID_LEN: usize = 100;

/// The front matter of one file, parsed but not yet read.
pub(super) struct FrontMatter {
    /// The YAML, when the file has front matter and it parsed.
    root: Option<Node>,
    /// Whether the file has a front matter block at all.
    pub present: bool,
    /// Unusable front matter (unclosed, not YAML, not a mapping): the one problem reported,
    /// so the checks that would only repeat it are skipped.
    pub broken: bool,
    /// The file line the YAML starts on.
    pub first_line: u32,
    pub body_offset: usize,
}

impl FrontMatter {
    /// Splits and parses the front matter. A leading `---` whose block is unclosed, not YAML or
    /// not a mapping, and does not start with a `key:` line, is a horizontal rule: the file is
    /// all body (under `strict`, the error a native document gets).
    pub fn read(text: &str, shown: &str, strict: bool, diags: &mut Diagnostics) -> FrontMatter {
        let rule = !strict && !frontmatter::looks_like_front_matter(text);
        let all_body = FrontMatter {
            root: None,
            present: false,
            broken: false,
            first_line: 1,
            body_offset: 0,
        };
        let (yaml_text, toml, first_line, body_offset) = match frontmatter::split(text, strict) {
            Ok(s) => (s.yaml, s.toml, s.yaml_line, s.body_offset),
            Err(_) if rule => return all_body,
            Err(e) => {
                diags.error(shown, e.pos, e.message);
                return FrontMatter {
                    broken: true,
                    body_offset: text.len(),
                    ..all_body
                };
            }
        };
        let mut broken = false;
        let parsed = yaml_text.map(|t| match toml {
            true => frontmatter::parse_toml(t)
                .map_err(|e| (e.pos, format!("invalid TOML: {}", e.message))),
            false => yaml::parse(t).map_err(|e| (e.pos, format!("invalid YAML: {}", e.message))),
        });
        let root = match parsed {
            Some(Err(_)) if rule => return all_body,
            Some(Err((pos, message))) => {
                diags.error(shown, Pos::new(pos.line + first_line - 1, pos.col), message);
                broken = true;
                None
            }
            Some(Ok(n)) => Some(n),
            None => None,
        };
        // A list or a bare string instead of `key: value` lines is the one problem to report.
        let not_a_map = root
            .as_ref()
            .is_some_and(|n| !matches!(n.value, Value::Map(_) | Value::Null));
        if not_a_map && rule {
            return all_body;
        }
        FrontMatter {
            root,
            present: yaml_text.is_some(),
            broken: broken || not_a_map,
            first_line,
            body_offset,
        }
    }

    /// The `key: value` entries (none if there is no usable front matter).
    pub fn entries<'a>(&'a self, r: &mut Reader) -> &'a [Entry] {
        self.root
            .as_ref()
            .map(|n| r.map("front matter", n))
            .unwrap_or(&[])
    }
}

/// The kind a document is: `kind:` if given, else its top folder's kind (when it has front
/// matter, or its body reads as a decision record), else a page.
pub(super) fn choose_kind(
    entries: &[Entry],
    (front, record): (&FrontMatter, bool),
    path: &SourcePath,
    kinds: &KindTable,
    r: &mut Reader,
) -> KindId {
    match entries.iter().find(|e| e.key == "kind") {
        Some(e) => match r.string("kind", &e.node) {
            Some(name) => kinds.find(&name).unwrap_or_else(|| {
                let hint = did_you_mean_hint(&name, kinds.names());
                r.error_on(&e.node, format!("unknown kind `{name}`{hint}"));
                kinds.page()
            }),
            None => kinds.page(),
        },
        // With broken front matter the document keeps its folder's kind but skips the checks
        // that would only repeat the one real problem. Without front matter only globs give
        // a kind (decision records in the ADR tools' folders have none), or the folder when
        // the body reads as a record.
        None => kinds.for_path(path, front.present || front.broken || record),
    }
}

/// What reading the entries leaves for the steps after it.
#[derive(Default)]
pub(super) struct Read {
    /// Where `title:` was written (even if its value was unusable).
    pub title_pos: Option<Pos>,
    review_every: Option<(Span, Pos, u32)>,
    last_reviewed: Option<jiff::civil::Date>,
}

impl Read {
    /// `review_every` counts from `last_reviewed` (or `updated`, or `created`).
    pub fn schedule_review(&self, doc: &mut Doc, r: &mut Reader) {
        let Some((span, pos, len)) = self.review_every else {
            return;
        };
        let at = r.at(pos);
        let file = r.path.clone();
        match self.last_reviewed.or(doc.updated).or(doc.created) {
            Some(from) if doc.review_by.is_none() => doc.review_by = from.checked_add(span).ok(),
            Some(_) => r.diags.warning_spanning(
                &file,
                at,
                len,
                "`review_every` is ignored because `review_by` is given",
            ),
            None => r.diags.warning_spanning(
                &file,
                at,
                len,
                "`review_every` needs `last_reviewed` (or `updated`/`created`) to count from",
            ),
        }
    }
}

/// Reads every entry into `doc`, reporting wrong types, values and unknown keys.
pub(super) fn read_entries(
    entries: &[Entry],
    kind: &Kind,
    config: &SiteConfig,
    doc: &mut Doc,
    r: &mut Reader,
) -> Read {
    let mut read = Read::default();
    for e in entries {
        let n = &e.node;
        // Keys other generators and record formats use, read as what their authors meant.
        let key = match super::adopt::synonym(&e.key) {
            Some(k) if !config.strict => k,
            _ => e.key.as_str(),
        };
        // An empty `description:` left by another generator's template says nothing.
        if key != e.key && matches!(n.value, Value::Null) {
            continue;
        }
        match key {
            "kind" => {}
            "title" => {
                read.title_pos = Some(e.key_pos);
                doc.title = r
                    .string("title", n)
                    .map(|t| shown_text(r, "title", n, &t))
                    .unwrap_or_default();
            }
            "id" => read_id(n, config.strict, doc, r),
            "status" => doc.status = read_status(n, kind, config.strict, r),
            "summary" => {
                doc.summary = r
                    .string("summary", n)
                    .map(|s| shown_text(r, "summary", n, &s))
            }
            "owners" => {
                doc.owners = r
                    .string_items("owners", n)
                    .into_iter()
                    .map(|(s, item)| shown_text(r, "owners", item, &s))
                    .collect()
            }
            "tags" => read_tags(n, config, &mut doc.tags, r),
            "created" | "date" => {
                if doc.created.is_some() {
                    r.warning(
                        e.key_pos,
                        "`created` and `date` both given; `date` is another name for `created`",
                    );
                }
                doc.created = read_date(&e.key, n, config.strict, r).or(doc.created);
            }
            "updated" => doc.updated = read_date("updated", n, config.strict, r),
            "review_by" => doc.review_by = r.date("review_by", n),
            "last_reviewed" => read.last_reviewed = r.date("last_reviewed", n),
            "review_every" => {
                if let Some(s) = r.string("review_every", n) {
                    match super::parse_period(&s) {
                        Some(span) => read.review_every = Some((span, n.pos, n.len)),
                        None => r.error_on(n, format!("`review_every` must be like `6 months`, `2 weeks` or `1 year`, found `{s}`")),
                    }
                }
            }
            "draft" => doc.draft = r.bool("draft", n).unwrap_or(false),
            "order" => doc.order = read_order(&e.key, n, r),
            "permalink" if !config.strict => read_permalink(n, doc, r),
            shown if !config.strict && super::adopt::SHOWN_KEYS.contains(&shown) => {
                if let Some(v) = field_text(shown, n, r) {
                    doc.fields.push((shown.to_string(), v));
                }
            }
            "aliases" => {
                doc.aliases = r
                    .string_items("aliases", n)
                    .into_iter()
                    .map(|(text, item)| Written {
                        text,
                        pos: r.at(item.pos),
                        len: item.len,
                    })
                    .collect()
            }
            key => read_other(e, key, kind, config, doc, r),
        }
    }
    read
}

/// A place among its folder's documents: a whole number (`weight`, `nav_order` and
/// `sidebar_position` of other generators).
fn read_order(key: &str, n: &Node, r: &mut Reader) -> Option<i64> {
    match &n.value {
        Value::Int(i) => Some(*i),
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Some(*f as i64),
        other => {
            r.error_on(
                n,
                format!(
                    "`{key}` must be a whole number, found {}",
                    other.type_name()
                ),
            );
            None
        }
    }
}

/// Jekyll's `permalink`: a plain path is one more address of the page (an alias); a pattern
/// with `:placeholders` says nothing about this page alone and is left out.
fn read_permalink(n: &Node, doc: &mut Doc, r: &mut Reader) {
    if let Value::Str(s) = &n.value {
        if s.starts_with('/') && !s.contains(':') && s.trim_matches('/') != doc.id.as_str() {
            doc.aliases.push(Written {
                text: s.clone(),
                pos: r.at(n.pos),
                len: n.len,
            });
        }
    }
}

fn read_id(n: &Node, strict: bool, doc: &mut Doc, r: &mut Reader) {
    let Some(s) = r.string("id", n) else {
        return;
    };
    let slug = crate::names::slugify(&s);
    let id = match DocId::parse(&s) {
        Some(id) => id,
        // Ids written for other tools (`SEGAS-00003`) keep working as their slug; anything
        // that looks like a path stays refused.
        None if !strict
            && !slug.is_empty()
            && s.chars().all(|c| c.is_alphanumeric() || " -_".contains(c)) =>
        {
            r.warning_on(
                n,
                format!(
                    "`id` `{s}` is not lower-case letters, digits, `-` or `_`; read as `{slug}`"
                ),
            );
            DocId::parse(&slug).expect("slugify makes a slug")
        }
        None => {
            return r.error_on(
                n,
                format!("`id` must be lower-case letters, digits, `-` or `_`, found `{s}`"),
            );
        }
    };
    // It becomes a folder name in the output; file systems stop at 255 bytes.
    if id.as_str().len() > MAX_ID_LEN {
        return r.error_on(n, format!("`id` is longer than {MAX_ID_LEN} characters"));
    }
    doc.id = id;
    doc.id_pos = r.at(n.pos);
    doc.id_len = n.len;
}

/// A status from the kind's vocabulary. A kind without one (a page) keeps whatever is written
/// as free text; under `strict` it has no status, as in Cairn's own format.
fn read_status(n: &Node, kind: &Kind, strict: bool, r: &mut Reader) -> Option<String> {
    let s = r.string("status", n)?;
    if kind.statuses.is_empty() {
        if strict {
            r.error_on(n, format!("a {} has no status", kind.name));
            return None;
        }
        return Some(s);
    }
    if kind.statuses.contains(&s) {
        return Some(s);
    }
    // The words other tools use (`Accepted`, `superseded by ADR-0005`) mean one status, and
    // theirs that mean none (`on hold`) are kept with a warning; any other word stays an
    // error here, as a typo in front matter most often is.
    if !strict {
        if let Some(mapped) = super::adopt::closest_status(&s, kind) {
            return Some(mapped);
        }
        if super::adopt::foreign_status(&s) {
            return Some(adopted_status(&s, kind, n.pos, n.len, r));
        }
    }
    let hint = did_you_mean_hint(&s, kind.statuses.iter().map(String::as_str));
    r.error_on(
        n,
        format!(
            "unknown status `{s}` for a {}{hint}; expected one of {}",
            kind.name,
            kind.statuses.join(", ")
        ),
    );
    None
}

/// A status outside the vocabulary, as a record's body writes it: the one status it means
/// when only one fits, else the words as written, with a warning.
pub(super) fn adopted_status(s: &str, kind: &Kind, pos: Pos, len: u32, r: &mut Reader) -> String {
    if let Some(mapped) = super::adopt::closest_status(s, kind) {
        return mapped;
    }
    let at = r.at(pos);
    let file = r.path.clone();
    r.diags.warning_spanning(
        &file,
        at,
        len,
        format!(
            "status `{s}` is not one of a {}'s ({}); kept as written{}",
            kind.name,
            kind.statuses.join(", "),
            did_you_mean_hint(s, kind.statuses.iter().map(String::as_str)),
        ),
    );
    s.trim().to_string()
}

/// A date: `YYYY-MM-DD`, or (not under `strict`) a timestamp or a day/month/year date as
/// other tools write them, taken as its calendar date.
fn read_date(key: &str, n: &Node, strict: bool, r: &mut Reader) -> Option<jiff::civil::Date> {
    if !strict {
        if let Value::Str(s) = &n.value {
            if let Some(d) = super::adopt::loose_date(s) {
                return Some(d);
            }
        }
    }
    r.date(key, n)
}

/// Tags, normalised, each once, from the site's list when it has one.
fn read_tags(n: &Node, config: &SiteConfig, tags: &mut Vec<String>, r: &mut Reader) {
    for (t, item) in r.string_items("tags", n) {
        let tag = normalize_tag(&t);
        if crate::names::slugify(&tag).is_empty() {
            r.error_on(item, format!("tag `{t}` has no letters or digits"));
        } else if let Some(vocab) = config.tags.as_ref().filter(|v| !v.contains(&tag)) {
            let hint = did_you_mean_hint(&tag, vocab.iter().map(String::as_str));
            r.error_on(
                item,
                format!("tag `{tag}` is not in the site's tag list{hint}"),
            );
        } else if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
}

/// A relation, a kind-specific field, or an unknown key.
fn read_other(
    e: &Entry,
    key: &str,
    kind: &Kind,
    config: &SiteConfig,
    doc: &mut Doc,
    r: &mut Reader,
) {
    let n = &e.node;
    if let Some(rel) = Relation::from_key(key) {
        read_relation(rel, n, kind, config.strict, r, &mut doc.relations);
    } else if kind.fields.iter().any(|f| f.name == key) {
        if let Some(v) = field_text(key, n, r) {
            if v == crate::kinds::FIELD_PLACEHOLDER {
                r.warning_on(
                    n,
                    format!("`{key}` is still the template's prompt (`{v}`); fill it in"),
                );
            }
            doc.fields.push((key.to_string(), v));
        }
    } else {
        let known: Vec<&str> = COMMON_KEYS
            .iter()
            .copied()
            .chain(["serves", "uses", "supersedes"])
            .chain(kind.fields.iter().map(|f| f.name.as_str()))
            .collect();
        // Keys a team keeps for other tools: `site.yaml` `front_matter:` says how loud.
        if let Some(severity) = config.front_matter.unknown(key) {
            r.unknown_key_as(severity, e, "front matter", &known);
        }
    }
}

fn read_relation(
    rel: Relation,
    n: &Node,
    kind: &Kind,
    strict: bool,
    r: &mut Reader,
    out: &mut Vec<RelationRef>,
) {
    if !kind.allows(rel) {
        r.error_on(n, format!("a {} cannot use `{}`", kind.name, rel.key()));
        return;
    }
    let items = match &n.value {
        // Links written as mappings (`- title: X` / `url: Y`), as other generators' themes
        // want them: their targets are the links.
        Value::Map(_) | Value::Seq(_) if !strict && has_mapping(n) => {
            let mut found = Vec::new();
            super::adopt::link_targets(n, &mut found);
            found
        }
        _ => r.string_items(rel.key(), n),
    };
    for (target, item) in items {
        let target = target
            .trim()
            .trim_start_matches("[[")
            .trim_end_matches("]]")
            .to_string();
        out.push(RelationRef {
            relation: rel,
            target,
            pos: r.at(item.pos),
            len: item.len,
            reversed: false,
        });
    }
}

fn has_mapping(n: &Node) -> bool {
    match &n.value {
        Value::Map(_) => true,
        Value::Seq(items) => items.iter().any(|i| matches!(i.value, Value::Map(_))),
        _ => false,
    }
}

/// A kind-specific field shown as text: a scalar, or a list of scalars joined by commas.
fn field_text(key: &str, n: &Node, r: &mut Reader) -> Option<String> {
    let scalar = |v: &Value| match v {
        Value::Str(s) => Some(clean_text(s).0),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(f.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    match &n.value {
        Value::Seq(items) => items
            .iter()
            .map(|i| scalar(&i.value))
            .collect::<Option<Vec<_>>>()
            .map(|v| v.join(", ")),
        v => scalar(v),
    }
    .or_else(|| {
        r.error_on(
            n,
            format!(
                "`{key}` must be text or a list of text, found {}",
                n.value.type_name()
            ),
        );
        None
    })
}
