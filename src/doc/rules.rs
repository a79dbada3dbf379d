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

/// Title: front matter, else the first `# heading` (then not repeated in the body, and without
/// the number adr-tools writes before it), else the file name. Front matter without a title or
/// a heading is a warning (an error under `strict`, as Cairn's own format requires a title).
pub(super) fn choose_title(
    doc: &mut Doc,
    file: &SourceFile,
    front: &FrontMatter,
    title_pos: Option<Pos>,
    lines: &LineIndex,
    (kind, strict): (&Kind, bool),
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
            take_number(doc, kind, file);
        }
        if doc.title.is_empty()
            && front.present
            && !front.broken
            && !doc.is_index
            && title_pos.is_none()
        {
            if strict {
                r.file_error("missing `title`");
            } else {
                r.file_warning("missing `title` and no `# heading`; titled from the file name");
            }
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

/// `# 1. Use X` titles a record `Use X` numbered 1: in a document of a kind with records, or
/// when the file name starts with the same number (`0001-use-x.md`), so that a page's
/// `# 1. Introduction` elsewhere keeps its title.
fn take_number(doc: &mut Doc, kind: &Kind, file: &SourceFile) {
    let Some((n, rest)) = super::adopt::numbered_title(&doc.title) else {
        return;
    };
    if !kind.is_page() || super::adopt::file_number(file.path.stem()) == Some(n) {
        doc.title = rest.to_string();
        doc.number = Some(n);
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

/// The kind's `##` sections: each present and not empty. Outside `strict`, a `###` heading
/// counts too, as MADR puts `### Consequences` under `## Decision Outcome`.
pub(super) fn check_sections(
    doc: &Doc,
    (kind, strict): (&Kind, bool),
    lines: &LineIndex,
    text: &str,
    r: &mut Reader,
) {
    let seconds: Vec<_> = doc
        .outline
        .headings
        .iter()
        .filter(|h| h.level == 2 || (!strict && h.level == 3))
        .collect();
    for rule in &kind.sections {
        match seconds.iter().find(|h| rule.matches(&h.text)) {
            None if rule.optional => {}
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
            Some(h) => {
                let offset = doc.body_offset + h.offset;
                if section_text(doc, h, text).trim() == rule.prompt_line() {
                    r.diags.warning_spanning(
                        &doc.file,
                        lines.pos(text, offset),
                        line_len(text, offset),
                        format!(
                            "section `## {}` is still the template's prompt; write it, or \
                             delete the section",
                            h.text
                        ),
                    );
                }
            }
        }
    }
}

/// The text under a `##` heading, up to the next heading of level 2 or higher.
fn section_text<'t>(doc: &Doc, h: &crate::markdown::Heading, text: &'t str) -> &'t str {
    let start = doc.body_offset + h.offset;
    let end = doc
        .outline
        .headings
        .iter()
        .find(|n| n.offset > h.offset && n.level <= 2)
        .map_or(text.len(), |n| doc.body_offset + n.offset);
    let section = text.get(start..end).unwrap_or("");
    section.split_once('\n').map_or("", |(_, rest)| rest)
}

/// The characters from `offset` to the end of its line (a heading's line).
fn line_len(text: &str, offset: usize) -> u32 {
    let rest = text.get(offset..).unwrap_or("");
    let line = rest.split('\n').next().unwrap_or("");
    line.trim_end().chars().count() as u32
}
