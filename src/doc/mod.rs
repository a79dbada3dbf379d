//! The parse stage: one normalised source file in, one typed [`Doc`] and its diagnostics out.
//!
//! Reads front matter against the kinds table, analyses the Markdown body (headings, sections,
//! links with file positions) and checks what can be checked in one file: types, statuses,
//! unknown keys, required fields and sections. Cross-document rules belong to `link`. Pure.
//!
//! [`parse`] reads as its steps: `front` splits and reads the front matter, `rules` checks the
//! document against its kind, `text` cleans what is shown.

use jiff::civil::Date;

use crate::config::SiteConfig;
use crate::diag::{Diagnostics, LineIndex, Pos};
use crate::kinds::KindId;
use crate::markdown::{self, Outline};
use crate::names::{DocId, SourcePath};
use crate::relation::Relation;
use crate::schema::Reader;
use crate::source::SourceFile;

pub(crate) mod adopt;
pub mod fix;
mod front;
mod record;
mod rules;
mod text;

pub use text::parse_period;

/// The status that makes a document a draft, as `draft: true` does.
pub const DRAFT: &str = "draft";

/// A reference to another document, as written in front matter.
#[derive(Debug, Clone, PartialEq)]
pub struct RelationRef {
    pub relation: Relation,
    pub target: String,
    pub pos: Pos,
    /// How many characters the target takes where it is written.
    pub len: u32,
    /// Written by the other end: `Superseded by [..](x.md)` in a record's body says the target
    /// supersedes this document (see `link::relations`).
    pub reversed: bool,
}

/// A value as written in front matter: its text, file position and length there.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    pub text: String,
    pub pos: Pos,
    pub len: u32,
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
    /// How many characters the `id:` entry takes (0 when the id comes from the file name).
    pub id_len: u32,
    pub title: String,
    /// The heading that became the title (not repeated in the body).
    pub title_heading: Option<usize>,
    /// The record's number, as adr-tools writes it before the title (`# 1. Use X`).
    pub number: Option<u32>,
    pub status: Option<String>,
    pub summary: Option<String>,
    pub owners: Vec<String>,
    pub tags: Vec<String>,
    pub created: Option<Date>,
    pub updated: Option<Date>,
    /// When the document is due for review: `review_by`, or `last_reviewed + review_every`.
    pub review_by: Option<Date>,
    /// Left out of builds without `--drafts`: `draft: true`, or `status: draft` written.
    pub draft: bool,
    /// Its place among its folder's documents (`order`, or `weight`, `nav_order`,
    /// `sidebar_position` as other generators write it); lower comes first.
    pub order: Option<i64>,
    pub aliases: Vec<Written>,
    /// Kind-specific fields, as text for display (`horizon`, fields from `site.yaml`).
    pub fields: Vec<(String, String)>,
    pub relations: Vec<RelationRef>,
    /// `_index.md`, or a page beside a folder of the same name (`patterns.md` and
    /// `patterns/`, see `link::intros`): the title and introduction of its folder's index.
    pub is_index: bool,
    pub text: String,
    /// A stable digest of the path and text: everything the document is made of.
    pub hash: u64,
    /// How many words its body has, shown on its page.
    pub words: usize,
    pub body_offset: usize,
    pub outline: Outline,
    /// File positions of `outline.links`, in the same order.
    pub link_pos: Vec<Pos>,
    /// What git history gave where the front matter is silent (see `history::date_from_git`).
    pub from_git: FromGit,
}

/// Which of a document's dates came from git, and its authors there when it names no owners.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize)]
pub struct FromGit {
    pub created: bool,
    pub updated: bool,
    pub contributors: Vec<String>,
}

impl Doc {
    pub fn body(&self) -> &str {
        &self.text[self.body_offset..]
    }

    /// The folder whose index this document introduces: `a` for `a/_index.md` (or
    /// `a/index.md`, `a/README.md`) and for a page `a.md` read as `a/`'s introduction.
    /// Meaningful only when `is_index`.
    pub fn intro_folder(&self) -> &str {
        if self.source.is_index() || adopt::folder_page(&self.source) {
            self.source.dir()
        } else {
            self.source.without_ext()
        }
    }

    /// The date shown as "last changed": `updated`, else `created`.
    pub fn changed(&self) -> Option<Date> {
        self.updated.or(self.created)
    }
}

/// Parses one file. A document always comes back (with defaults where its front matter is
/// broken) so that links to it still resolve and one mistake is reported once.
pub fn parse(file: SourceFile, config: &SiteConfig) -> (Doc, Diagnostics) {
    let mut diags = Diagnostics::new();
    let shown = config.content.show(&file.path);
    let front = front::FrontMatter::read(&file.text, &shown, config.strict, &mut diags);
    let mut r = Reader::new(shown.clone(), front.first_line, &mut diags);
    let entries = front.entries(&mut r);
    let record = if config.strict {
        adopt::RecordBody::default()
    } else {
        adopt::record_body(&file.text[front.body_offset..])
    };
    let kind_id = if !config.strict
        && (adopt::folder_page(&file.path) || adopt::template(&file.path))
        && !entries.iter().any(|e| e.key == "kind")
    {
        config.kinds.page()
    } else {
        front::choose_kind(
            entries,
            (&front, record.is_record()),
            &file.path,
            &config.kinds,
            &mut r,
        )
    };
    let kind = config.kinds.get(kind_id);
    let body = Body::analyse(&file.text, front.body_offset);
    let mut doc = Doc::untitled(&file.path, shown, kind_id, front.body_offset, body.outline);
    doc.link_pos = body.link_pos;
    check_file_name(&file, doc.is_index, &mut r);
    let read = front::read_entries(entries, kind, config, &mut doc, &mut r);
    record::take(
        record,
        (&mut doc, kind),
        entries,
        (&file.text, &body.lines),
        &mut r,
    );
    read.schedule_review(&mut doc, &mut r);
    if let (Some(c), Some(u)) = (doc.created, doc.updated) {
        if u < c {
            r.file_warning(format!("`updated` ({u}) is before `created` ({c})"));
        }
    }
    let checked = !doc.is_index && !kind.is_page() && !front.broken;
    let lines = &body.lines;
    rules::choose_title(
        &mut doc,
        &file,
        &front,
        read.title_pos,
        lines,
        (kind, config.strict),
        &mut r,
    );
    if checked {
        rules::check_required(&doc, kind, entries, &mut r);
        rules::check_sections(&doc, (kind, config.strict), lines, &file.text, &mut r);
    }
    // A written `status: draft` keeps the document out as `draft: true` does; a missing status
    // read as the kind's first does not.
    doc.draft |= doc.status.as_deref() == Some(DRAFT);
    if doc.status.is_none() {
        doc.status = kind.statuses.first().cloned();
    }
    diags.show_source(&doc.file, &file.text);
    finish(&mut doc, file);
    (doc, diags)
}

/// What the body gives before any front matter is read: its outline and the file positions of
/// its links.
struct Body {
    outline: Outline,
    lines: LineIndex,
    link_pos: Vec<Pos>,
}

impl Body {
    fn analyse(text: &str, body_offset: usize) -> Body {
        let outline = markdown::analyse(&text[body_offset..]);
        let lines = LineIndex::new(text);
        let offsets: Vec<usize> = outline
            .links
            .iter()
            .map(|l| body_offset + l.offset)
            .collect();
        let link_pos = lines.positions(text, &offsets);
        Body {
            outline,
            lines,
            link_pos,
        }
    }
}

impl Doc {
    /// A document with nothing read from its front matter yet: its id from the file name,
    /// everything else empty.
    fn untitled(
        path: &SourcePath,
        file: String,
        kind: KindId,
        body_offset: usize,
        outline: Outline,
    ) -> Doc {
        Doc {
            id: DocId::from_stem(path.stem())
                .unwrap_or_else(|| DocId::parse("untitled").expect("a slug")),
            id_pos: Pos::START,
            id_len: 0,
            source: path.clone(),
            file,
            kind,
            title: String::new(),
            title_heading: None,
            number: None,
            status: None,
            summary: None,
            owners: Vec::new(),
            tags: Vec::new(),
            created: None,
            updated: None,
            review_by: None,
            draft: false,
            order: None,
            aliases: Vec::new(),
            fields: Vec::new(),
            relations: Vec::new(),
            is_index: path.is_index(),
            text: String::new(),
            hash: 0,
            words: 0,
            body_offset,
            outline,
            link_pos: Vec::new(),
            from_git: FromGit::default(),
        }
    }
}

/// Problems with the file itself: empty, or a name no id can be made from.
fn check_file_name(file: &SourceFile, is_index: bool, r: &mut Reader) {
    if file.text.trim().is_empty() && !is_index {
        r.file_warning("the file is empty; it is published as an empty page");
    }
    if DocId::from_stem(file.path.stem()).is_none() && !is_index {
        r.file_error(format!(
            "cannot make an id from the file name `{}`; add an `id:`",
            file.path.file_name()
        ));
    }
}

/// Takes what the page needs from the body, and keeps the file's text. The search index
/// takes its words from the text when it is built (`search::body_words`).
fn finish(doc: &mut Doc, file: SourceFile) {
    doc.hash = crate::digest::of(&[file.path.as_str(), &file.text]);
    doc.words = doc.outline.text.split_whitespace().count();
    // The plain text was for the count; kept, it would hold a second copy of every body for
    // the whole build.
    doc.outline.text = String::new();
    doc.text = file.text;
}

#[cfg(test)]
mod adopt_tests;
#[cfg(test)]
mod tests;
