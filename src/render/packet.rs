//! The print packet: one page per strategy (per document of a kind in the middle of the
//! `serves` chain, see `link::has_packet`) holding, in full, the document, what it serves,
//! the documents that serve it and the patterns it uses, for one review meeting.
//!
//! Bodies are rendered again for this page with prefixed anchors and headings nested under
//! the packet's own, so ids stay unique and the outline stays whole. Their code is not
//! highlighted: a strategy's packet repeats four or five documents, highlighting is the most
//! expensive part of a build, and its colours do not survive a black-and-white printer.

use tera::Context;

use super::Renderer;
use super::views::{PacketDoc, PacketSection, date};
use crate::error::Result;
use crate::graph::column_order;
use crate::link::packet_url;
use crate::markdown::RenderOptions;
use crate::names::slugify;
use crate::relation::Relation;

impl Renderer<'_> {
    pub(super) fn has_packet(&self, i: usize) -> bool {
        let d = &self.site.docs[i];
        !d.is_index && crate::link::has_packet(&self.config.kinds, d.kind)
    }

    pub(super) fn packet(&self, i: usize) -> Result<Vec<u8>> {
        let site = self.site;
        let kinds = &self.config.kinds;
        let d = &site.docs[i];
        let mut sections = vec![self.section(kinds.get(d.kind).label.clone(), vec![i])];
        let outgoing = |rel: Relation| -> Vec<usize> {
            site.relations[i]
                .iter()
                .filter(|(r, _)| *r == rel)
                .map(|&(_, j)| j)
                .collect()
        };
        for (name, docs) in self.by_kind(outgoing(Relation::Serves)) {
            sections.push(self.section(format!("{name} it serves"), docs));
        }
        let mut serving: Vec<usize> = site.inverse[i]
            .iter()
            .filter(|(r, _)| *r == Relation::Serves)
            .map(|&(_, j)| j)
            .collect();
        // Decisions read best in the order they were taken.
        serving.sort_by(|&a, &b| {
            (site.docs[a].created, &site.docs[a].title)
                .cmp(&(site.docs[b].created, &site.docs[b].title))
        });
        for (name, docs) in self.by_kind(serving) {
            sections.push(self.section(format!("{name} serving it"), docs));
        }
        for (name, docs) in self.by_kind(outgoing(Relation::Uses)) {
            sections.push(self.section(format!("{name} it uses"), docs));
        }
        let mut ctx = Context::new();
        ctx.insert("doc", &self.views[i]);
        ctx.insert("sections", &sections);
        self.page(
            "packet.html",
            &format!("Review packet: {}", d.title),
            &packet_url(&site.urls[i]),
            ctx,
        )
    }

    /// Splits documents by kind, in column order, each named by its label or plural.
    fn by_kind(&self, docs: Vec<usize>) -> Vec<(String, Vec<usize>)> {
        let kinds = &self.config.kinds;
        column_order(kinds)
            .into_iter()
            .filter_map(|k| {
                let of_kind: Vec<usize> = docs
                    .iter()
                    .copied()
                    .filter(|&j| self.site.docs[j].kind == k)
                    .collect();
                let kind = kinds.get(k);
                match of_kind.len() {
                    0 => None,
                    1 => Some((kind.label.clone(), of_kind)),
                    _ => Some((kind.plural.clone(), of_kind)),
                }
            })
            .collect()
    }

    fn section(&self, heading: String, docs: Vec<usize>) -> PacketSection {
        let base = &self.config.base_url;
        let docs = docs
            .into_iter()
            .map(|j| {
                let d = &self.site.docs[j];
                let anchor = format!("{}-{}", self.config.kinds.get(d.kind).name, d.id);
                PacketDoc {
                    link: self.views[j].clone(),
                    owners: d.owners.clone(),
                    created: date(d.created),
                    updated: date(d.updated),
                    url: base.absolute(&self.site.urls[j]),
                    content: self.body_html_with(
                        j,
                        RenderOptions {
                            anchor_prefix: &format!("{anchor}--"),
                            heading_offset: 2,
                            plain_code: true,
                            ..Default::default()
                        },
                    ),
                    anchor,
                }
            })
            .collect();
        PacketSection {
            anchor: slugify(&heading),
            heading,
            docs,
        }
    }
}
