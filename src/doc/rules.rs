//! The rules a document's kind sets beyond single keys: where its title comes from, the
//! fields it requires, its status, and the `##` sections it should have. Pure.

use super::Doc;
use super::front::FrontMatter;
use super::text::{clean_text, humanize, invisible_message};
use crate::diag::{LineIndex, Pos};
use crate::kinds::Kind;
use crate::schema::Reader;
use crate::source::SourceFile;
use crate::yaml::Entry;

/// Title: front matter, else the first `# heading` (then not repeated in the body), else the
/// file name.
pub(super) fn choose_title(
    doc: &mut Doc,
    file: &SourceFile,
    front: &FrontMatter,
    title_pos: Option<Pos>,
    lines: &LineIndex,
    r: &mut Reader,
) {
    if doc.title.is_empty() {
        if let Some((i, h)) = doc.outline.h1() {
            let (title, removed) = clean_text(&h.text);
            if !removed.is_empty() {
                let offset = doc.body_offset + h.offset;
                r.diags.warning_spanning(
                    &doc.file,
                    lines.pos(&file.text, offset),
                    line_len(&file.text, offset),
                    invisible_message("the title heading", &removed),
                );
            }
            doc.title = title;
            doc.title_heading = Some(i);
        }
        if doc.title.is_empty()
            && front.present
            && !front.broken
            && !doc.is_index
            && title_pos.is_none()
        {
            r.file_error("missing `title`");
        }
    }
    if doc.title.is_empty() {
        doc.title = if doc.is_index {
            humanize(file.path.dir().rsplit('/').next().unwrap_or(""))
        } else {
            humanize(file.path.stem())
        };
    }
}

/// The fields the kind requires, and a status when the kind has them.
pub(super) fn check_required(doc: &Doc, kind: &Kind, entries: &[Entry], r: &mut Reader) {
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
}

pub(super) fn check_sections(
    doc: &Doc,
    kind: &Kind,
    lines: &LineIndex,
    text: &str,
    r: &mut Reader,
) {
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
                let offset = doc.body_offset + h.offset;
                r.diags.warning_spanning(
                    &doc.file,
                    lines.pos(text, offset),
                    line_len(text, offset),
                    format!("section `## {}` is empty", h.text),
                );
            }
            Some(_) => {}
        }
    }
}

/// The characters from `offset` to the end of its line (a heading's line).
fn line_len(text: &str, offset: usize) -> u32 {
    let rest = text.get(offset..).unwrap_or("");
    let line = rest.split('\n').next().unwrap_or("");
    line.trim_end().chars().count() as u32
}
