//! The parse stage: one normalised source file in, one typed [`Doc`] and its diagnostics out.
//!
//! Reads front matter against the kinds table, analyses the Markdown body (headings, sections,
//! links with file positions) and checks what can be checked in one file: types, statuses,
//! unknown keys, required fields and sections. Cross-document rules belong to `link`. Pure.

use jiff::civil::Date;
use jiff::{Span, ToSpan};

use crate::config::SiteConfig;
use crate::diag::{Diagnostics, LineIndex, Pos, did_you_mean};
use crate::frontmatter;
use crate::kinds::{Kind, KindId};
use crate::markdown::{self, Outline};
use crate::names::{DocId, SourcePath, normalize_tag};
use crate::relation::Relation;
use crate::schema::Reader;
use crate::source::{SourceFile, display_source};
use crate::yaml::{self, Node, Value};

/// A reference to another document, as written in front matter.
#[derive(Debug, Clone, PartialEq)]
pub struct RelationRef {
    pub relation: Relation,
    pub target: String,
    pub pos: Pos,
}

/// One parsed document.
#[derive(Debug, Clone)]
pub struct Doc {
    pub source: SourcePath,
    /// The path diagnostics use: `content/strategies/x.md`.
    pub file: String,
    pub kind: KindId,
    pub id: DocId,
    pub id_pos: Pos,
    pub title: String,
    /// The heading that became the title (not repeated in the body).
    pub title_heading: Option<usize>,
    pub status: Option<String>,
    pub summary: Option<String>,
    pub owners: Vec<String>,
    pub tags: Vec<String>,
    pub created: Option<Date>,
    pub updated: Option<Date>,
    /// When the document is due for review: `review_by`, or `last_reviewed + review_every`.
    pub review_by: Option<Date>,
    pub draft: bool,
    pub aliases: Vec<(String, Pos)>,
    /// Kind-specific fields, as text for display (`horizon`, fields from `site.yaml`).
    pub fields: Vec<(String, String)>,
    pub relations: Vec<RelationRef>,
    /// `_index.md`: the title and introduction of its folder's index page.
    pub is_index: bool,
    pub text: String,
    /// A stable digest of the path and text: everything the document is made of.
    pub hash: u64,
    /// The distinct words of its headings and body, for the search index (see `search`).
    pub search_words: String,
    /// How many words its body has, shown on its page.
    pub words: usize,
    pub body_offset: usize,
    pub outline: Outline,
    /// File positions of `outline.links`, in the same order.
    pub link_pos: Vec<Pos>,
}

impl Doc {
    pub fn body(&self) -> &str {
        &self.text[self.body_offset..]
    }

    /// The date shown as "last changed": `updated`, else `created`.
    pub fn changed(&self) -> Option<Date> {
        self.updated.or(self.created)
    }
}

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

/// Parses one file. A document always comes back (with defaults where its front matter is
/// broken) so that links to it still resolve and one mistake is reported once.
pub fn parse(file: SourceFile, config: &SiteConfig) -> (Doc, Diagnostics) {
    let mut diags = Diagnostics::new();
    let shown = display_source(&file.path);
    let kinds = &config.kinds;
    // With broken front matter the document keeps its folder's kind but skips the checks
    // that would only repeat the one real problem.
    let mut front_broken = false;
    let (yaml_text, yaml_line, body_offset) = match frontmatter::split(&file.text) {
        Ok(s) => (s.yaml.map(str::to_string), s.yaml_line, s.body_offset),
        Err(e) => {
            diags.error(&shown, e.pos, e.message);
            front_broken = true;
            (None, 1, file.text.len())
        }
    };
    let root = yaml_text.as_deref().and_then(|y| match yaml::parse(y) {
        Ok(n) => Some(n),
        Err(e) => {
            diags.error(
                &shown,
                Pos::new(e.pos.line + yaml_line - 1, e.pos.col),
                format!("invalid YAML: {}", e.message),
            );
            front_broken = true;
            None
        }
    });
    // A list or a bare string instead of `key: value` lines is the one problem to report.
    front_broken |= root
        .as_ref()
        .is_some_and(|n| !matches!(n.value, Value::Map(_) | Value::Null));
    let has_front_matter = yaml_text.is_some();
    let mut r = Reader::new(shown.clone(), yaml_line, &mut diags);
    let entries = root
        .as_ref()
        .map(|n| r.map("front matter", n))
        .unwrap_or(&[]);

    let kind_id = match entries.iter().find(|e| e.key == "kind") {
        Some(e) => match r.string("kind", &e.node) {
            Some(name) => match kinds.find(&name) {
                Some(k) => k,
                None => {
                    let hint = did_you_mean(&name, kinds.names())
                        .map(|s| format!(" (did you mean `{s}`?)"))
                        .unwrap_or_default();
                    r.error(e.node.pos, format!("unknown kind `{name}`{hint}"));
                    kinds.page()
                }
            },
            None => kinds.page(),
        },
        None if has_front_matter || front_broken => file
            .path
            .top_folder()
            .and_then(|f| kinds.by_folder(f))
            .unwrap_or(kinds.page()),
        None => kinds.page(),
    };
    let kind = kinds.get(kind_id);
    let is_index = file.path.is_index();
    let outline = markdown::analyse(&file.text[body_offset..]);
    let lines = LineIndex::new(&file.text);
    let link_offsets: Vec<usize> = outline
        .links
        .iter()
        .map(|l| body_offset + l.offset)
        .collect();
    let link_pos = lines.positions(&file.text, &link_offsets);

    let mut doc = Doc {
        id: DocId::from_stem(file.path.stem())
            .unwrap_or_else(|| DocId::parse("untitled").expect("a slug")),
        id_pos: Pos::START,
        source: file.path.clone(),
        file: shown,
        kind: kind_id,
        title: String::new(),
        title_heading: None,
        status: None,
        summary: None,
        owners: Vec::new(),
        tags: Vec::new(),
        created: None,
        updated: None,
        review_by: None,
        draft: false,
        aliases: Vec::new(),
        fields: Vec::new(),
        relations: Vec::new(),
        is_index,
        text: String::new(),
        hash: 0,
        search_words: String::new(),
        words: 0,
        body_offset,
        outline,
        link_pos,
    };
    if file.text.trim().is_empty() && !is_index {
        r.file_warning("the file is empty; it is published as an empty page");
    }
    if DocId::from_stem(file.path.stem()).is_none() && !is_index {
        r.file_error(format!(
            "cannot make an id from the file name `{}`; add an `id:`",
            file.path.file_name()
        ));
    }

    let mut title_pos = None;
    let mut review_every: Option<(Span, Pos)> = None;
    let mut last_reviewed = None;
    for e in entries {
        let n = &e.node;
        match e.key.as_str() {
            "kind" => {}
            "title" => {
                title_pos = Some(e.key_pos);
                doc.title = r
                    .string("title", n)
                    .map(|t| shown_text(&mut r, "title", n.pos, &t))
                    .unwrap_or_default();
            }
            "id" => {
                if let Some(s) = r.string("id", n) {
                    match DocId::parse(&s) {
                        // It becomes a folder name in the output; file systems stop at 255 bytes.
                        Some(_) if s.len() > MAX_ID_LEN => r.error(
                            n.pos,
                            format!("`id` is longer than {MAX_ID_LEN} characters"),
                        ),
                        Some(id) => {
                            doc.id = id;
                            doc.id_pos = r.at(n.pos);
                        }
                        None => r.error(
                            n.pos,
                            format!(
                                "`id` must be lower-case letters, digits, `-` or `_`, found `{s}`"
                            ),
                        ),
                    }
                }
            }
            "status" => {
                if let Some(s) = r.string("status", n) {
                    if kind.statuses.is_empty() {
                        r.error(n.pos, format!("a {} has no status", kind.name));
                    } else if kind.statuses.contains(&s) {
                        doc.status = Some(s);
                    } else {
                        let hint = did_you_mean(&s, kind.statuses.iter().map(String::as_str))
                            .map(|s| format!(" (did you mean `{s}`?)"))
                            .unwrap_or_default();
                        r.error(
                            n.pos,
                            format!(
                                "unknown status `{s}` for a {}{hint}; expected one of {}",
                                kind.name,
                                kind.statuses.join(", ")
                            ),
                        );
                    }
                }
            }
            "summary" => {
                doc.summary = r
                    .string("summary", n)
                    .map(|s| shown_text(&mut r, "summary", n.pos, &s))
            }
            "owners" => {
                doc.owners = r
                    .string_list("owners", n)
                    .into_iter()
                    .map(|(s, pos)| shown_text(&mut r, "owners", pos, &s))
                    .collect()
            }
            "tags" => {
                for (t, pos) in r.string_list("tags", n) {
                    let tag = normalize_tag(&t);
                    if crate::names::slugify(&tag).is_empty() {
                        r.error(pos, format!("tag `{t}` has no letters or digits"));
                    } else if config
                        .tags
                        .as_ref()
                        .is_some_and(|vocab| !vocab.contains(&tag))
                    {
                        let vocab = config.tags.as_deref().unwrap_or_default();
                        let hint = did_you_mean(&tag, vocab.iter().map(String::as_str))
                            .map(|s| format!(" (did you mean `{s}`?)"))
                            .unwrap_or_default();
                        r.error(
                            pos,
                            format!("tag `{tag}` is not in the site's tag list{hint}"),
                        );
                    } else if !doc.tags.contains(&tag) {
                        doc.tags.push(tag);
                    }
                }
            }
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
            "last_reviewed" => last_reviewed = r.date("last_reviewed", n),
            "review_every" => {
                if let Some(s) = r.string("review_every", n) {
                    match parse_period(&s) {
                        Some(span) => review_every = Some((span, n.pos)),
                        None => r.error(n.pos, format!("`review_every` must be like `6 months`, `2 weeks` or `1 year`, found `{s}`")),
                    }
                }
            }
            "draft" => doc.draft = r.bool("draft", n).unwrap_or(false),
            "aliases" => {
                doc.aliases = r
                    .string_list("aliases", n)
                    .into_iter()
                    .map(|(a, p)| (a, r.at(p)))
                    .collect()
            }
            key => {
                if let Some(rel) = Relation::from_key(key) {
                    read_relation(rel, n, kind, &mut r, &mut doc.relations);
                } else if kind.fields.iter().any(|f| f.name == key) {
                    if let Some(v) = field_text(key, n, &mut r) {
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
        }
    }
    if let Some((span, pos)) = review_every {
        match last_reviewed.or(doc.updated).or(doc.created) {
            Some(from) if doc.review_by.is_none() => doc.review_by = from.checked_add(span).ok(),
            Some(_) => r.warning(
                pos,
                "`review_every` is ignored because `review_by` is given",
            ),
            None => r.warning(
                pos,
                "`review_every` needs `last_reviewed` (or `updated`/`created`) to count from",
            ),
        }
    }
    if let (Some(c), Some(u)) = (doc.created, doc.updated) {
        if u < c {
            r.file_warning(format!("`updated` ({u}) is before `created` ({c})"));
        }
    }

    // Title: front matter, else the first `# heading`, else the file name.
    if doc.title.is_empty() {
        if let Some((i, h)) = doc.outline.h1() {
            let (title, removed) = clean_text(&h.text);
            if !removed.is_empty() {
                let pos = lines.pos(&file.text, body_offset + h.offset);
                r.diags.warning(
                    &doc.file,
                    pos,
                    invisible_message("the title heading", &removed),
                );
            }
            doc.title = title;
            doc.title_heading = Some(i);
        }
        if doc.title.is_empty()
            && has_front_matter
            && !front_broken
            && !is_index
            && title_pos.is_none()
        {
            r.file_error("missing `title`");
        }
    }
    if doc.title.is_empty() {
        doc.title = if is_index {
            humanize(file.path.dir().rsplit('/').next().unwrap_or(""))
        } else {
            humanize(file.path.stem())
        };
    }

    if !is_index && !kind.is_page() && !front_broken {
        for f in kind.fields.iter().filter(|f| f.required) {
            if !doc.fields.iter().any(|(k, _)| *k == f.name) {
                r.file_error(format!(
                    "missing `{}`, which a {} requires",
                    f.name, kind.name
                ));
            }
        }
        if doc.status.is_none()
            && !kind.statuses.is_empty()
            && !entries.iter().any(|e| e.key == "status")
        {
            r.file_warning(format!(
                "missing `status` (one of {}); treated as `{}`",
                kind.statuses.join(", "),
                kind.statuses[0]
            ));
        }
        check_sections(&doc, kind, &lines, &file.text, &mut r);
    }
    if doc.status.is_none() && !kind.statuses.is_empty() {
        doc.status = Some(kind.statuses[0].clone());
    }
    doc.hash = crate::digest::of(&[file.path.as_str(), &file.text]);
    let headings = doc.outline.headings.iter().map(|h| h.text.as_str());
    doc.search_words = crate::search::word_list(
        headings.chain([doc.outline.text.as_str()]),
        crate::search::MAX_WORDS_PER_DOC,
    );
    doc.words = doc.outline.text.split_whitespace().count();
    // The plain text was for the word list and the count; kept, it would hold a second copy
    // of every body for the whole build.
    doc.outline.text = String::new();
    doc.text = file.text;
    (doc, diags)
}

fn read_relation(rel: Relation, n: &Node, kind: &Kind, r: &mut Reader, out: &mut Vec<RelationRef>) {
    if !kind.allows(rel) {
        r.error(n.pos, format!("a {} cannot use `{}`", kind.name, rel.key()));
        return;
    }
    for (target, pos) in r.string_list(rel.key(), n) {
        let target = target
            .trim()
            .trim_start_matches("[[")
            .trim_end_matches("]]")
            .to_string();
        out.push(RelationRef {
            relation: rel,
            target,
            pos: r.at(pos),
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
        r.error(
            n.pos,
            format!(
                "`{key}` must be text or a list of text, found {}",
                n.value.type_name()
            ),
        );
        None
    })
}

fn check_sections(doc: &Doc, kind: &Kind, lines: &LineIndex, text: &str, r: &mut Reader) {
    let seconds: Vec<_> = doc
        .outline
        .headings
        .iter()
        .filter(|h| h.level == 2)
        .collect();
    for rule in &kind.sections {
        match seconds.iter().find(|h| rule.matches(&h.text)) {
            None => {
                let also = if rule.synonyms.is_empty() {
                    String::new()
                } else {
                    format!(" (or {})", rule.synonyms.join(", "))
                };
                let msg = format!(
                    "missing section `## {}`{also}, which a {} should have",
                    rule.name, kind.name
                );
                r.file_warning(msg);
            }
            Some(h) if !h.has_content => {
                let pos = lines.pos(text, doc.body_offset + h.offset);
                r.diags
                    .warning(&doc.file, pos, format!("section `## {}` is empty", h.text));
            }
            Some(_) => {}
        }
    }
}

/// Removes invisible characters (see [`crate::names::is_invisible`]), which would make two
/// titles look equal while they differ, or reorder the text around them. Returns the text and
/// the characters removed. Zero-width joiners stay: emoji sequences and several scripts
/// (Persian, Hindi) need them.
fn clean_text(s: &str) -> (String, Vec<char>) {
    let mut removed = Vec::new();
    let text: String = s
        .chars()
        .filter(|&c| {
            let drop = crate::names::is_invisible(c) && !matches!(c, '\u{200c}' | '\u{200d}');
            // Line breaks and tabs in a title are folded by `trim` and HTML; not worth a warning.
            if drop && !matches!(c, '\n' | '\t') && !removed.contains(&c) {
                removed.push(c);
            }
            !drop
        })
        .collect();
    removed.sort_unstable();
    (text.trim().to_string(), removed)
}

/// Cleans a value shown on pages and warns when something invisible was in it.
fn shown_text(r: &mut Reader, key: &str, pos: Pos, s: &str) -> String {
    let (text, removed) = clean_text(s);
    if !removed.is_empty() {
        r.warning(pos, invisible_message(&format!("`{key}`"), &removed));
    }
    text
}

fn invisible_message(what: &str, removed: &[char]) -> String {
    let list: Vec<String> = removed
        .iter()
        .map(|c| format!("U+{:04X}", *c as u32))
        .collect();
    format!(
        "{what} contains invisible or control characters ({}); they are left out",
        list.join(", ")
    )
}

/// `my-file_name` → `My file name`, for titles made from file names.
fn humanize(stem: &str) -> String {
    let (stem, _) = clean_text(stem);
    let words = stem.replace(['-', '_'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => "Home".into(),
    }
}

/// `6 months`, `2 weeks`, `90 days`, `1 year`.
pub fn parse_period(s: &str) -> Option<Span> {
    let mut parts = s.split_whitespace();
    let n: i64 = parts.next()?.parse().ok()?;
    let unit = parts.next()?;
    if parts.next().is_some() || n <= 0 || n > 100 * 366 {
        return None;
    }
    match unit.trim_end_matches('s') {
        "day" => Some(n.days()),
        "week" => Some(n.weeks()),
        "month" => Some(n.months()),
        "year" => Some(n.years()),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
