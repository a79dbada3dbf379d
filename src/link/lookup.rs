//! Finding a document by reference (a content path, `kind/id` or a bare id), with the same
//! rules and messages for relations, wikilinks and the references checks make. Pure.

use std::collections::{HashMap, HashSet};

use super::{Doc, Site};
use crate::config::SiteConfig;
use crate::diag::did_you_mean_hint;
use crate::kinds::KindId;

/// Finds documents by content path, `kind/id` or bare id. Kept in the [`Site`] so later stages
/// (check links, commands) resolve references exactly as body links do.
#[derive(Debug, Default)]
pub struct Lookup {
    by_path: HashMap<String, usize>,
    by_kind_id: HashMap<(KindId, String), usize>,
    by_id: HashMap<String, Vec<usize>>,
    /// Paths and ids of drafts left out of this build.
    drafts: HashSet<String>,
}

/// Why a reference did not resolve.
pub(super) enum RefError {
    Unknown(String),
    Ambiguous(Vec<String>),
    Draft,
}

impl Lookup {
    pub(super) fn new(docs: &[Doc], left_out: &[Doc]) -> Self {
        let mut idx = Lookup::default();
        for (i, d) in docs.iter().enumerate() {
            if d.is_index {
                idx.by_path.insert(d.intro_folder().to_string(), i);
                // `[..](decisions/index.md)` is the same page.
                idx.by_path
                    .entry(d.source.without_ext().to_string())
                    .or_insert(i);
                continue;
            }
            idx.by_path.insert(d.source.without_ext().to_string(), i);
            idx.by_kind_id
                .entry((d.kind, d.id.to_string()))
                .or_insert(i);
            idx.by_id.entry(d.id.to_string()).or_default().push(i);
        }
        for d in left_out {
            idx.drafts.insert(d.source.without_ext().to_string());
            idx.drafts.insert(d.id.to_string());
        }
        idx
    }

    /// Whether `path` (a content path without `.md`) or id names a draft left out.
    pub(super) fn is_left_out(&self, path: &str) -> bool {
        self.drafts.contains(path)
    }

    pub(super) fn path(&self, path: &str) -> Option<usize> {
        self.by_path.get(path).copied()
    }

    /// Resolves `[[target]]` or a relation target: a content path, `kind/id`, or a bare id.
    pub(super) fn resolve(
        &self,
        target: &str,
        docs: &[Doc],
        config: &SiteConfig,
    ) -> Result<usize, RefError> {
        let target = target.trim();
        let target = crate::names::strip_doc_ext(target)
            .unwrap_or(target)
            .trim_matches('/');
        if let Some(i) = self.path(target) {
            return Ok(i);
        }
        if let Some((prefix, id)) = target.split_once('/') {
            let kind = config
                .kinds
                .find(prefix)
                .or_else(|| config.kinds.by_folder(prefix));
            if let Some(&i) = kind.and_then(|k| self.by_kind_id.get(&(k, id.to_string()))) {
                return Ok(i);
            }
        } else {
            match self.by_id.get(target).map(Vec::as_slice) {
                Some([i]) => return Ok(*i),
                Some(many) if many.len() > 1 => {
                    return Err(RefError::Ambiguous(
                        many.iter().map(|&i| docs[i].file.clone()).collect(),
                    ));
                }
                _ => {}
            }
        }
        if self.drafts.contains(target) {
            return Err(RefError::Draft);
        }
        let hint = did_you_mean_hint(
            target,
            self.by_id
                .keys()
                .map(String::as_str)
                .chain(self.by_path.keys().map(String::as_str)),
        );
        Err(RefError::Unknown(hint))
    }
}

impl Site {
    /// Resolves a reference written as in a wikilink (`id`, `kind/id`, `folder/page`), with the
    /// same rules and messages as body links.
    pub fn resolve(&self, target: &str, config: &SiteConfig) -> Result<usize, String> {
        self.lookup
            .resolve(target, &self.docs, config)
            .map_err(|e| ref_message(target, e))
    }
}

/// How a reference that did not resolve is reported: a link to a draft left out of this build
/// is a warning (the draft is on its way), anything else as `broken_links` says.
pub(super) fn ref_severity(err: &RefError, config: &SiteConfig) -> crate::diag::Severity {
    match err {
        RefError::Draft => crate::diag::Severity::Warning,
        _ => config.broken_links,
    }
}

pub(super) fn ref_message(target: &str, err: RefError) -> String {
    match err {
        RefError::Unknown(hint) => format!("unknown document `{target}`{hint}"),
        RefError::Ambiguous(files) => {
            format!(
                "`{target}` is ambiguous: {} all have this id; write `kind/id` instead",
                files.join(" and ")
            )
        }
        RefError::Draft => {
            format!("`{target}` is a draft and is left out of this build (build with --drafts)")
        }
    }
}
