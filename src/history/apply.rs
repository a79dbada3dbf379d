//! A history applied to a site: the note a build gives when there is none to be had, each
//! document's dates and authors where its front matter is silent, and drift as warnings.
//! Called by the pipeline; reads nothing but through [`read`], and never prints.

use std::path::Path;

use super::{FrontFacts, History, drift, inputs, merge, read};
use crate::config::SiteConfig;
use crate::diag::Diagnostics;
use crate::doc::{Doc, FromGit};
use crate::link::Site;
use crate::source::CONTENT_DIR;

/// The history of the documents in `content`, with a note when it cannot be had: a shallow
/// clone (dates then come from front matter alone) or a repository that cannot be read. The
/// note is not a content warning, so `--strict` does not fail a build over how the site was
/// checked out.
pub fn read_noted(content: &Path, cache: Option<&Path>) -> (Option<History>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let history = match read(content, cache) {
        Ok(h) => h,
        Err(e) => {
            diags.note(CONTENT_DIR, crate::diag::Pos::START, e);
            None
        }
    };
    if let Some(w) = history.as_ref().and_then(History::warning) {
        diags.note(CONTENT_DIR, crate::diag::Pos::START, w);
    }
    (history.filter(|h| !h.shallow), diags)
}

/// Gives `doc` the dates and authors git knows where its front matter is silent (front matter
/// wins where it speaks; see [`merge`]).
pub fn date_from_git(doc: &mut Doc, history: Option<&History>) {
    let Some(facts) = history.and_then(|h| h.facts(doc.source.as_str())) else {
        return;
    };
    let front = FrontFacts {
        created: doc.created,
        updated: doc.updated,
        owners: &doc.owners,
    };
    let shown = merge(&front, Some(&facts));
    doc.from_git = FromGit {
        created: shown.created_from_git,
        updated: shown.updated_from_git,
        contributors: if shown.people_from_git {
            shown.people
        } else {
            Vec::new()
        },
    };
    doc.created = shown.created;
    doc.updated = shown.updated;
}

/// Drift (see [`drift`]) as warnings on the drifted documents, which the `docs` check
/// turns into rows linking to them.
pub fn drift_diagnostics(
    site: &Site,
    config: &SiteConfig,
    history: Option<&History>,
) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for d in drift(&inputs(site, config), history) {
        let doc = &site.docs[d.doc];
        if doc.is_index {
            continue;
        }
        diags.warning(&doc.file, crate::diag::Pos::START, d.message);
    }
    diags
}
