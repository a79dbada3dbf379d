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

const COMMON_KEYS: [&str; 16] = [
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
    pub fn read(text: &str, shown: &str, diags: &mut Diagnostics) -> FrontMatter {
        let (yaml_text, first_line, body_offset, mut broken) = match frontmatter::split(text) {
            Ok(s) => (s.yaml, s.yaml_line, s.body_offset, false),
            Err(e) => {
                diags.error(shown, e.pos, e.message);
                (None, 1, text.len(), true)
            }
        };
        let root = yaml_text.and_then(|y| match yaml::parse(y) {
            Ok(n) => Some(n),
            Err(e) => {
                diags.error(
                    shown,
                    Pos::new(e.pos.line + first_line - 1, e.pos.col),
                    format!("invalid YAML: {}", e.message),
                );
                broken = true;
                None
            }
        });
        // A list or a bare string instead of `key: value` lines is the one problem to report.
        broken |= root
            .as_ref()
            .is_some_and(|n| !matches!(n.value, Value::Map(_) | Value::Null));
        FrontMatter {
            root,
            present: yaml_text.is_some(),
            broken,
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
/// matter), else a page.
pub(super) fn choose_kind(
    entries: &[Entry],
    front: &FrontMatter,
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
        // that would only repeat the one real problem.
        None if front.present || front.broken => path
            .top_folder()
            .and_then(|f| kinds.by_folder(f))
            .unwrap_or(kinds.page()),
        None => kinds.page(),
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
        match e.key.as_str() {
            "kind" => {}
            "title" => {
                read.title_pos = Some(e.key_pos);
                doc.title = r
                    .string("title", n)
                    .map(|t| shown_text(r, "title", n, &t))
                    .unwrap_or_default();
            }
            "id" => read_id(n, doc, r),
            "status" => doc.status = read_status(n, kind, r),
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
                doc.created = r.date(&e.key, n).or(doc.created);
            }
            "updated" => doc.updated = r.date("updated", n),
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
            key => read_other(e, key, kind, doc, r),
        }
    }
    read
}

fn read_id(n: &Node, doc: &mut Doc, r: &mut Reader) {
    let Some(s) = r.string("id", n) else {
        return;
    };
    match DocId::parse(&s) {
        // It becomes a folder name in the output; file systems stop at 255 bytes.
        Some(_) if s.len() > MAX_ID_LEN => {
            r.error_on(n, format!("`id` is longer than {MAX_ID_LEN} characters"))
        }
        Some(id) => {
            doc.id = id;
            doc.id_pos = r.at(n.pos);
            doc.id_len = n.len;
        }
        None => r.error_on(
            n,
            format!("`id` must be lower-case letters, digits, `-` or `_`, found `{s}`"),
        ),
    }
}

/// A status from the kind's vocabulary.
fn read_status(n: &Node, kind: &Kind, r: &mut Reader) -> Option<String> {
    let s = r.string("status", n)?;
    if kind.statuses.is_empty() {
        r.error_on(n, format!("a {} has no status", kind.name));
        return None;
    }
    if kind.statuses.contains(&s) {
        return Some(s);
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
fn read_other(e: &Entry, key: &str, kind: &Kind, doc: &mut Doc, r: &mut Reader) {
    let n = &e.node;
    if let Some(rel) = Relation::from_key(key) {
        read_relation(rel, n, kind, r, &mut doc.relations);
    } else if kind.fields.iter().any(|f| f.name == key) {
        if let Some(v) = field_text(key, n, r) {
            doc.fields.push((key.to_string(), v));
        }
    } else {
        let known: Vec<&str> = COMMON_KEYS
            .iter()
            .copied()
            .chain(["serves", "uses", "supersedes"])
            .chain(kind.fields.iter().map(|f| f.name.as_str()))
            .collect();
        r.unknown_key(e, "front matter", &known);
    }
}

fn read_relation(rel: Relation, n: &Node, kind: &Kind, r: &mut Reader, out: &mut Vec<RelationRef>) {
    if !kind.allows(rel) {
        r.error_on(n, format!("a {} cannot use `{}`", kind.name, rel.key()));
        return;
    }
    for (target, item) in r.string_items(rel.key(), n) {
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
        });
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
