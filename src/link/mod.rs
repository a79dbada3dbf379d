//! The link stage: gives every document its URL, resolves front-matter relations and body
//! links, computes inverse relations and backlinks, and checks the rules that span documents
//! (unique ids and URLs, relation kinds, `supersedes` cycles, anchors, aliases).
//!
//! Takes the parsed documents by value and returns a [`Site`]: documents plus the resolved
//! graph, indexed by position. Pure: asset existence is checked against the list `source` read.
//!
//! One file per rule: `urls` (where documents live and which addresses are taken), `lookup`
//! (finding a document by reference), `relations`, `body` (body links), `update` (re-linking
//! one edited body), `unique`, `cycles`, `supersede` (superseded once the successor is
//! accepted) and `aliases`.

use std::collections::HashSet;

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::diag::{Diagnostic, Diagnostics};
use crate::doc::Doc;
use crate::kinds::KindId;
use crate::markdown::LinkTarget;
use crate::names::{BaseUrl, SourcePath, UrlPath};
use crate::relation::Relation;

mod aliases;
pub mod attachments;
mod body;
mod cycles;
mod intros;
mod lookup;
mod outputs;
mod relations;
mod supersede;
mod unique;
mod update;
mod urls;

pub use body::join_relative;
pub use lookup::Lookup;
pub use outputs::folder_url;
pub use update::BodyUpdate;
pub use urls::{RESERVED, doc_url, has_packet, packet_url};

use aliases::collect_aliases;
use body::{resolve_body, targets_of};
use cycles::check_supersede_cycles;
use relations::resolve_relations;
use unique::{check_tag_pages, check_unique};

/// Documents with their URLs and the resolved graph between them. Index `i` everywhere is
/// `docs[i]`.
#[derive(Debug, Default)]
pub struct Site {
    pub docs: Vec<Doc>,
    pub urls: Vec<UrlPath>,
    /// Resolved front-matter relations, in the order written.
    pub relations: Vec<Vec<(Relation, usize)>>,
    /// The same relations seen from their targets.
    pub inverse: Vec<Vec<(Relation, usize)>>,
    /// Documents proposed (not yet accepted) to supersede each, sorted.
    pub proposals: Vec<Vec<usize>>,
    /// Documents whose body links here, sorted, without duplicates.
    pub backlinks: Vec<Vec<usize>>,
    /// Where each body link goes, aligned with `docs[i].outline.links`.
    pub links: Vec<Vec<Resolved>>,
    /// Redirect pages: old path → document.
    pub aliases: Vec<(UrlPath, usize)>,
    /// Folders of pages (paths under the documents folder) that get a page listing them.
    pub folder_pages: Vec<String>,
    lookup: Lookup,
    /// Drafts left out of this build, kept so the documents can be linked again.
    left_out: Vec<Doc>,
    /// The statuses as written of the documents shown superseded (see `supersede`).
    written_status: Vec<(usize, Option<String>)>,
    /// The diagnostics of each document's body links (also in what [`link`] returned).
    body_diags: Vec<Vec<Diagnostic>>,
}

/// Where a body link goes. Kept compact (a document is an index, not a copied URL and title)
/// and turned into an `href` only for the pages that are rendered.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Resolved {
    /// External, site-absolute or a plain same-page anchor: left as written.
    Keep,
    /// Another document (or this one), at a heading when `anchor` is set.
    Doc { doc: usize, anchor: Option<String> },
    /// A heading of this document, written as a wikilink `[[#heading]]`.
    Local(String),
    /// A file copied from `content/`, at its site path.
    Asset {
        url: UrlPath,
        anchor: Option<String>,
    },
    /// Unresolved or refused: shown as text.
    Broken,
}

impl Site {
    /// Every document given to [`link`], drafts included, to link again after a change.
    pub fn into_docs(self) -> Vec<Doc> {
        let mut docs = self.docs;
        for (i, status) in self.written_status {
            docs[i].status = status;
        }
        docs.extend(self.left_out);
        docs
    }

    /// The links of document `i` as the Markdown renderer takes them.
    pub fn link_targets(&self, i: usize, base: &BaseUrl) -> Vec<LinkTarget> {
        let with_anchor = |mut href: String, anchor: &Option<String>| {
            if let Some(a) = anchor {
                href.push('#');
                href.push_str(a);
            }
            href
        };
        self.links[i]
            .iter()
            .map(|r| match r {
                Resolved::Keep => LinkTarget::Keep,
                Resolved::Broken => LinkTarget::Broken,
                Resolved::Doc { doc, anchor } => LinkTarget::Url {
                    href: with_anchor(base.href(&self.urls[*doc]), anchor),
                    title: Some(self.docs[*doc].title.clone()),
                },
                Resolved::Local(a) => LinkTarget::Url {
                    href: format!("#{a}"),
                    title: None,
                },
                Resolved::Asset { url, anchor } => LinkTarget::Url {
                    href: with_anchor(base.href(url), anchor),
                    title: None,
                },
            })
            .collect()
    }

    /// Documents of one kind (not folder intros), in id order.
    pub fn of_kind(&self, kind: KindId) -> impl Iterator<Item = usize> + '_ {
        self.docs
            .iter()
            .enumerate()
            .filter(move |(_, d)| d.kind == kind && !d.is_index)
            .map(|(i, _)| i)
    }
}

/// Links documents into a site. Drafts are left out unless `drafts` is set.
pub fn link(
    all: Vec<Doc>,
    config: &SiteConfig,
    drafts: bool,
    assets: &[SourcePath],
) -> (Site, Diagnostics) {
    let mut diags = Diagnostics::new();
    let (mut docs, left_out): (Vec<Doc>, Vec<Doc>) =
        all.into_iter().partition(|d| drafts || !d.draft);
    intros::read_intros(&mut docs, config);
    let urls: Vec<UrlPath> = docs.iter().map(|d| doc_url(d, config)).collect();
    check_unique(&docs, &urls, config, &mut diags);
    let listings = outputs::Listings::new(&docs, &urls, config);
    outputs::check_documents(&docs, &urls, &listings, config, &mut diags);
    check_tag_pages(&docs, &mut diags);
    let idx = Lookup::new(&docs, &left_out);

    let n = docs.len();
    let (relations, inverse) = resolve_relations(&docs, &idx, config, &mut diags);
    check_supersede_cycles(&docs, &relations, &mut diags);
    let derived = supersede::derive_superseded(&mut docs, &relations, config);

    let asset_set: HashSet<&str> = assets.iter().map(SourcePath::as_str).collect();
    // Body links of different documents resolve independently: the bulk of this stage's work.
    let resolved: Vec<(Vec<Resolved>, Vec<Diagnostic>)> = docs
        .par_iter()
        .enumerate()
        .map(|(i, _)| resolve_body(i, &docs, &idx, &asset_set, config))
        .collect();
    let mut backlinks = vec![Vec::new(); n];
    let mut links = Vec::with_capacity(n);
    let mut body_diags = Vec::with_capacity(n);
    for (i, (targets, problems)) in resolved.into_iter().enumerate() {
        for j in targets_of(i, &targets) {
            backlinks[j].push(i);
        }
        diags.extend(problems.iter().cloned().collect());
        links.push(targets);
        body_diags.push(problems);
    }
    for b in &mut backlinks {
        b.sort_unstable();
        b.dedup();
    }

    let aliases = collect_aliases(&docs, &urls, &listings, config, &mut diags);
    outputs::check_assets(
        assets, &docs, &urls, &aliases, &listings, config, &mut diags,
    );
    show_sources(&docs, &mut diags);
    let site = Site {
        docs,
        urls,
        relations,
        inverse,
        proposals: derived.proposals,
        backlinks,
        links,
        aliases,
        folder_pages: listings.folders,
        lookup: idx,
        left_out,
        written_status: derived.written,
        body_diags,
    };
    (site, diags)
}

/// Keeps the source lines of the diagnostics about documents that have a span (the body
/// links' have theirs already).
fn show_sources(docs: &[Doc], diags: &mut Diagnostics) {
    let by_file: std::collections::HashMap<&str, &str> = docs
        .iter()
        .map(|d| (d.file.as_str(), d.text.as_str()))
        .collect();
    diags.show_sources(|path| by_file.get(path).copied());
}

#[cfg(test)]
mod tests;
