//! Re-linking one edited document in place, when its edit cannot change what any other
//! document sees: only its own body links are resolved again (the dev server's fast path).

use std::collections::HashSet;

use super::body::{resolve_body, targets_of};
use super::{Doc, Site};
use crate::config::SiteConfig;
use crate::diag::Diagnostic;
use crate::names::SourcePath;

/// Whether an edit from `old` to `new` can change only `new`'s own body links: the same file,
/// kind, id, status, aliases, relations and headings (anything another document's link or
/// the link stage's checks could see).
fn same_identity(old: &Doc, new: &Doc) -> bool {
    old.source == new.source
        && old.is_index == new.is_index
        && old.kind == new.kind
        && old.id == new.id
        && old.id_pos == new.id_pos
        && old.draft == new.draft
        && old.status == new.status
        && old.aliases == new.aliases
        && old.relations == new.relations
        && old.outline.headings.len() == new.outline.headings.len()
        && old
            .outline
            .headings
            .iter()
            .zip(&new.outline.headings)
            .all(|(a, b)| a.anchor == b.anchor)
}

/// The diagnostics of one document's body links before and after an in-place update.
pub struct BodyUpdate {
    pub removed: Vec<Diagnostic>,
    pub added: Vec<Diagnostic>,
}

impl Site {
    /// Replaces a document with an edited version whose change no other document can see
    /// (see `same_identity`): only its own body links are resolved again and the backlinks
    /// they feed updated. Anything else gives the document back, to link the site afresh.
    pub fn update_body(
        &mut self,
        doc: Doc,
        config: &SiteConfig,
        assets: &[SourcePath],
    ) -> Result<BodyUpdate, Box<Doc>> {
        let Some(i) = self.docs.iter().position(|d| d.source == doc.source) else {
            return Err(Box::new(doc));
        };
        if !same_identity(&self.docs[i], &doc) {
            return Err(Box::new(doc));
        }
        self.docs[i] = doc;
        let asset_set: HashSet<&str> = assets.iter().map(SourcePath::as_str).collect();
        let (targets, problems) = resolve_body(i, &self.docs, &self.lookup, &asset_set, config);
        for j in targets_of(i, &self.links[i]) {
            self.backlinks[j].retain(|&b| b != i);
        }
        for j in targets_of(i, &targets) {
            if let Err(at) = self.backlinks[j].binary_search(&i) {
                self.backlinks[j].insert(at, i);
            }
        }
        self.links[i] = targets;
        let removed = std::mem::replace(&mut self.body_diags[i], problems.clone());
        Ok(BodyUpdate {
            removed,
            added: problems,
        })
    }
}
