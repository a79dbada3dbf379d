//! Page digests: a fingerprint of everything a page's bytes depend on, computed from the
//! linked site without rendering anything.
//!
//! A rebuild renders only the pages whose digest changed, and a build reuses cached bytes for
//! pages whose digest it has seen before, so a digest must cover every input of its page:
//! the global part (program version, theme, highlighter, config, navigation, status summary)
//! and the documents the page shows. Documents are covered by three digests: their text (which
//! includes their front matter), what a link to them shows (title, URL, kind, status, summary,
//! date) and their metadata. Other documents enter a page's digest by those digests, never by
//! their position, so adding a document does not disturb unrelated pages. The incremental
//! build test compares rebuilt sites with full builds byte for byte.

use super::{Page, Renderer, views::LinkView};
use crate::digest::Digest;
use crate::link::Resolved;
use crate::relation::Relation;

/// What a link to a document shows.
pub(super) fn view_digest(v: &LinkView) -> u64 {
    let mut d = Digest::new();
    d.str(&v.title).str(&v.href).str(&v.kind).str(&v.kind_label);
    d.opt_str(v.status.as_deref())
        .opt_str(v.summary.as_deref())
        .opt_str(v.date.as_deref());
    d.finish()
}

/// A document's metadata as lists and feeds show it (not its body).
pub(super) fn meta_digest(doc: &crate::doc::Doc) -> u64 {
    let mut d = Digest::new();
    d.str(doc.id.as_str());
    for o in &doc.owners {
        d.str(o);
    }
    d.u64(u64::MAX);
    for t in &doc.tags {
        d.str(t);
    }
    d.u64(u64::MAX);
    for date in [doc.created, doc.updated, doc.review_by] {
        d.u64(date.map_or(0, |x| {
            (x.year() as u64) << 16 | (x.month() as u64) << 8 | x.day() as u64
        }));
    }
    for (k, v) in &doc.fields {
        d.str(k).str(v);
    }
    d.finish()
}

fn rel_code(r: Relation) -> u64 {
    Relation::ALL.iter().position(|x| *x == r).unwrap_or(0) as u64
}

impl Renderer<'_> {
    /// The body links of document `i`: where they go, as the page will show it.
    fn links_digest(&self, d: &mut Digest, i: usize) {
        for r in &self.site.links[i] {
            match r {
                Resolved::Keep => d.u64(0),
                Resolved::Broken => d.u64(1),
                Resolved::Doc { doc, anchor } => d
                    .u64(2)
                    .u64(self.view_digests[*doc])
                    .opt_str(anchor.as_deref()),
                Resolved::Local(a) => d.u64(3).str(a),
                Resolved::Asset { url, anchor } => {
                    d.u64(4).str(url.as_str()).opt_str(anchor.as_deref())
                }
            };
        }
    }

    /// Everything a document contributes when its body is shown in full.
    fn content_digest(&self, d: &mut Digest, i: usize) {
        d.u64(self.site.docs[i].hash).u64(self.view_digests[i]);
        self.links_digest(d, i);
    }

    fn relations_digest(&self, d: &mut Digest, pairs: &[(Relation, usize)]) {
        d.u64(pairs.len() as u64);
        for &(r, j) in pairs {
            d.u64(rel_code(r)).u64(self.view_digests[j]);
        }
    }

    /// Lists of documents, each shown by its link view and metadata.
    fn list_digest(&self, d: &mut Digest, items: impl Iterator<Item = usize>) {
        for j in items {
            d.u64(self.view_digests[j]).u64(self.meta_digests()[j]);
        }
        d.u64(u64::MAX);
    }

    /// The folder introduction of `dir`, if there is one.
    fn intro_digest(&self, d: &mut Digest, dir: &str) {
        match self
            .site
            .docs
            .iter()
            .position(|doc| doc.is_index && doc.source.dir() == dir)
        {
            Some(i) => self.content_digest(d, i),
            None => {
                d.u64(0);
            }
        }
    }

    fn all_docs(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.site.docs.len()).filter(|&i| !self.site.docs[i].is_index)
    }

    /// The page's digest; `None` for pages that differ on every run (the status page and its
    /// JSON carry the time the checks ran).
    pub fn digest(&self, page: &Page) -> Option<u64> {
        let site = self.site;
        let mut d = Digest::new();
        d.u64(self.global).str(self.url_of(page).as_str());
        match page {
            Page::Status | Page::StatusJson => return None,
            Page::NotFound | Page::Search | Page::Static(_) => {}
            Page::Doc(i) => {
                let i = *i;
                self.content_digest(&mut d, i);
                self.relations_digest(&mut d, &site.relations[i]);
                self.relations_digest(&mut d, &site.inverse[i]);
                d.u64(site.backlinks[i].len() as u64);
                for &j in &site.backlinks[i] {
                    d.u64(self.view_digests[j]);
                }
                d.u64(u64::from(
                    site.docs[i].review_by.is_some_and(|r| r < self.env.today),
                ));
            }
            Page::Packet(i) => {
                let i = *i;
                self.relations_digest(&mut d, &site.relations[i]);
                self.relations_digest(&mut d, &site.inverse[i]);
                let shown = std::iter::once(i)
                    .chain(site.relations[i].iter().map(|p| p.1))
                    .chain(site.inverse[i].iter().map(|p| p.1));
                for j in shown {
                    self.content_digest(&mut d, j);
                    d.u64(self.meta_digests()[j]);
                }
            }
            Page::Home => {
                d.str(&self.env.today.to_string());
                self.intro_digest(&mut d, "");
                for i in self.all_docs() {
                    d.u64(self.view_digests[i]).u64(self.meta_digests()[i]);
                    self.relations_digest(&mut d, &site.relations[i]);
                }
            }
            Page::Kind(k) => {
                self.intro_digest(&mut d, &self.config.kinds.get(*k).folder);
                self.list_digest(&mut d, site.of_kind(*k));
            }
            Page::Folder(dir) => {
                self.intro_digest(&mut d, dir);
                let inside = |i: &usize| {
                    let s = site.docs[*i].source.dir();
                    s == dir || s.starts_with(&format!("{dir}/"))
                };
                self.list_digest(&mut d, self.all_docs().filter(inside));
            }
            Page::Tags => {
                for (t, docs) in self.tags() {
                    d.str(t).u64(docs.len() as u64);
                }
            }
            Page::Tag(t) => self.list_digest(&mut d, self.tags()[t].iter().copied()),
            Page::Redirect(a) => {
                d.u64(self.view_digests[site.aliases[*a].1]);
            }
            Page::Sitemap => {
                for (url, date) in self.sitemap_urls() {
                    d.str(url.as_str())
                        .opt_str(date.map(|x| x.to_string()).as_deref());
                }
            }
            Page::Feed | Page::Graph | Page::GraphJson | Page::Timeline => {
                for i in self.all_docs() {
                    d.u64(self.view_digests[i]).u64(self.meta_digests()[i]);
                    self.relations_digest(&mut d, &site.relations[i]);
                }
            }
            Page::SearchIndex => {
                for i in self.all_docs() {
                    d.u64(site.docs[i].hash).u64(self.view_digests[i]);
                }
            }
        }
        Some(d.finish())
    }
}
