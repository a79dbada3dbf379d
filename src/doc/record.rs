//! What a decision record written for adr-tools, MADR 2 or Log4brains says about itself in
//! its body (status, date, deciders, the records it supersedes or amends), taken into the
//! [`Doc`] where its front matter does not say it. Pure; skipped under `--strict`.

use super::adopt::RecordBody;
use super::front::adopted_status;
use super::{Doc, RelationRef};
use crate::diag::{LineIndex, Pos};
use crate::kinds::Kind;
use crate::relation::Relation;
use crate::schema::Reader;
use crate::yaml::Entry;

/// Fills what front matter left out from `record`, read from the body at `body_offset`.
pub(super) fn take(
    record: RecordBody,
    (doc, kind): (&mut Doc, &Kind),
    entries: &[Entry],
    (text, lines): (&str, &LineIndex),
    r: &mut Reader,
) {
    if kind.statuses.is_empty() {
        return;
    }
    let pos = |offset: usize| lines.pos(text, doc.body_offset + offset);
    let given = |key: &str| entries.iter().any(|e| e.key == key);
    let said_status = record.status.is_some();
    if let Some(s) = record.status.filter(|_| !given("status")) {
        // The reader counts lines from the front matter; the body's are file lines already.
        let at = file_pos(pos(s.offset), r);
        doc.status = Some(if kind.statuses.contains(&s.text) {
            s.text.clone()
        } else {
            adopted_status(&s.text, kind, at, s.len, r)
        });
    }
    // A MADR record that names its chosen option and says nothing of its status is in force, as
    // Log4brains reads it (MADR makes the status optional).
    if doc.status.is_none() && !said_status && !given("status") && record.outcome {
        if let Some(accepted) = kind.statuses.iter().find(|s| *s == ACCEPTED) {
            doc.status = Some(accepted.clone());
        }
    }
    if let Some((date, _)) = record.date.filter(|_| doc.created.is_none()) {
        doc.created = Some(date);
    }
    if doc.owners.is_empty() {
        doc.owners = record.deciders;
    }
    for (rel, reversed, said) in record
        .supersedes
        .into_iter()
        .map(|s| (Relation::Supersedes, false, s))
        .chain(
            record
                .superseded_by
                .into_iter()
                .map(|s| (Relation::Supersedes, true, s)),
        )
        .chain(
            record
                .amends
                .into_iter()
                .map(|s| (Relation::Related, false, s)),
        )
    {
        doc.relations.push(RelationRef {
            relation: rel,
            target: said.text,
            pos: pos(said.offset),
            len: said.len,
            reversed,
        });
    }
}

const ACCEPTED: &str = "accepted";

/// A file position turned into one the reader turns back (it adds its first line).
fn file_pos(p: Pos, r: &Reader) -> Pos {
    let shift = r.at(Pos::new(1, 1)).line - 1;
    Pos::new(p.line - shift, p.col)
}
