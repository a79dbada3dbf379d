//! The print packet: one page per strategy (per document of a kind in the middle of the
//! `serves` chain, see `link::has_packet`) holding, in full, the document, what it serves,
//! the documents that serve it and the patterns it uses, for one review meeting.
//!
//! Bodies are rendered again for packets with prefixed anchors and headings nested under the
//! packet's own, so ids stay unique and the outline stays whole; a body that several packets
//! hold is rendered once for all of them. Their code is not highlighted: a strategy's packet
//! repeats four or five documents, highlighting is the most expensive part of a build, and
//! its colours do not survive a black-and-white printer.

use std::sync::Mutex;

use serde::Serialize;

use super::{PageType, Route};
use crate::link::packet_url;
use crate::markdown::RenderOptions;
use crate::names::{UrlPath, slugify};
use crate::relation::Relation;
use crate::render::lazy::{self, Body, Html};
use crate::render::views::{LinkView, date, linked};
use crate::render::{Key, Prepared, Renderer};

pub(super) struct Packet;

linked! {
    /// A document inside a print packet, with its body rendered for that page.
    struct PacketDoc<'r> {
        link: &'r LinkView,
        anchor: &'r str,
        owners: &'r [String],
        created: Option<&'r str>,
        updated: Option<&'r str>,
        url: &'r str,
        content: Html<'r>,
    }
}

/// What a document shows in every packet that holds it, made once.
pub(in crate::render) struct Member {
    anchor: String,
    /// Its headings' anchors start with this.
    prefix: String,
    url: String,
    created: Option<String>,
    updated: Option<String>,
}

impl Member {
    fn new(r: &Renderer<'_>, j: usize) -> Member {
        let d = &r.site.docs[j];
        let anchor = packet_anchor(r, d);
        Member {
            prefix: format!("{anchor}--"),
            anchor,
            url: r.config.base_url.absolute(&r.site.urls[j]),
            created: date(d.created),
            updated: date(d.updated),
        }
    }
}

/// A part of a print packet: the strategy, the vision it serves, its decisions…
#[derive(Serialize)]
struct PacketSection<'r> {
    heading: String,
    anchor: String,
    docs: Vec<PacketDoc<'r>>,
}

#[derive(Serialize)]
struct PacketView<'r> {
    doc: &'r LinkView,
    sections: Vec<PacketSection<'r>>,
}

fn doc_of(key: &Key) -> usize {
    match key {
        Key::Doc(i) => *i,
        other => unreachable!("a packet is keyed by its document, not {other:?}"),
    }
}

/// Whether document `i` has a print packet.
pub(super) fn has_packet(r: &Renderer<'_>, i: usize) -> bool {
    let d = &r.site.docs[i];
    !d.is_index && crate::link::has_packet(&r.config.kinds, d.kind)
}

impl PageType for Packet {
    fn name(&self) -> &'static str {
        "packet"
    }

    fn route(&self) -> Route {
        Route::Content
    }

    fn keys(&self, r: &Renderer<'_>) -> Vec<Key> {
        (0..r.site.docs.len())
            .filter(|&i| has_packet(r, i))
            .map(Key::Doc)
            .collect()
    }

    fn url(&self, r: &Renderer<'_>, key: &Key) -> UrlPath {
        packet_url(&r.site.urls[doc_of(key)])
    }

    fn prepare<'r>(&self, r: &'r Renderer<'r>, key: &Key) -> Prepared<'r> {
        let i = doc_of(key);
        let view = PacketView {
            doc: &r.views[i],
            sections: r
                .packet_members(i)
                .into_iter()
                .map(|(heading, docs)| section(r, heading, docs))
                .collect(),
        };
        let title = format!("Review packet: {}", r.site.docs[i].title);
        r.templated("packet.html", &title, self.url(r, key), view)
    }
}

fn section<'r>(r: &'r Renderer<'r>, heading: String, docs: Vec<usize>) -> PacketSection<'r> {
    let docs = docs
        .into_iter()
        .map(|j| {
            let m = r.members[j].get_or_init(|| Member::new(r, j));
            let body = Body::packet(
                r,
                j,
                RenderOptions {
                    anchor_prefix: &m.prefix,
                    heading_offset: 2,
                    plain_code: true,
                    ..Default::default()
                },
            );
            PacketDoc {
                link: &r.views[j],
                owners: &r.site.docs[j].owners,
                created: m.created.as_deref(),
                updated: m.updated.as_deref(),
                url: &m.url,
                content: Html::of(r, body),
                anchor: &m.anchor,
            }
        })
        .collect();
    PacketSection {
        anchor: slugify(&heading),
        heading,
        docs,
    }
}

impl Renderer<'_> {
    /// The sections of document `i`'s packet: each heading with its documents, in order.
    fn packet_members(&self, i: usize) -> Vec<(String, Vec<usize>)> {
        let site = self.site;
        let kinds = &self.config.kinds;
        let d = &site.docs[i];
        let mut sections = vec![(kinds.get(d.kind).label.clone(), vec![i])];
        let outgoing = |rel: Relation| -> Vec<usize> {
            site.relations[i]
                .iter()
                .filter(|(r, _)| *r == rel)
                .map(|&(_, j)| j)
                .collect()
        };
        for (name, docs) in self.by_kind(outgoing(Relation::Serves)) {
            sections.push((format!("{name} it serves"), docs));
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
            sections.push((format!("{name} serving it"), docs));
        }
        for (name, docs) in self.by_kind(outgoing(Relation::Uses)) {
            sections.push((format!("{name} it uses"), docs));
        }
        sections
    }

    /// Room for every document's packet body, with how many packets hold it.
    fn new_packet_bodies(&self) -> PacketBodies {
        let mut uses = vec![0u32; self.site.docs.len()];
        for i in (0..self.site.docs.len()).filter(|&i| has_packet(self, i)) {
            for (_, docs) in self.packet_members(i) {
                for j in docs {
                    uses[j] += 1;
                }
            }
        }
        PacketBodies {
            slots: uses
                .into_iter()
                .map(|left| Mutex::new(Slot { left, html: None }))
                .collect(),
        }
    }

    /// A body as every packet shows it: rendered by the first packet that needs it, kept
    /// for the others, and let go after the last.
    pub(in crate::render) fn packet_body(&self, body: &Body<'_>) -> String {
        let bodies = self.packet_bodies.get_or_init(|| self.new_packet_bodies());
        let Some(slot) = bodies.slots.get(body.doc()) else {
            return lazy::render(self, body);
        };
        // A poisoned slot only means another page failed; its contents are still whole.
        let mut slot = slot.lock().unwrap_or_else(|e| e.into_inner());
        slot.left = slot.left.saturating_sub(1);
        let html = match slot.html.take() {
            Some(html) => html,
            None => lazy::render(self, body),
        };
        if slot.left > 0 {
            slot.html = Some(html.clone());
        }
        html
    }

    /// Splits documents by kind, in column order, each named by its label or plural.
    fn by_kind(&self, docs: Vec<usize>) -> Vec<(String, Vec<usize>)> {
        let kinds = &self.config.kinds;
        self.columns()
            .iter()
            .copied()
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
}

/// Where a document starts inside a packet; its headings' anchors start with it too.
fn packet_anchor(r: &Renderer<'_>, d: &crate::doc::Doc) -> String {
    format!("{}-{}", r.config.kinds.get(d.kind).name, d.id)
}

/// The bodies of the documents that several packets hold. A pattern used by many strategies
/// is in each of their packets, and its body is the same in all of them.
pub(in crate::render) struct PacketBodies {
    slots: Vec<Mutex<Slot>>,
}

struct Slot {
    /// Packets still to show this document.
    left: u32,
    html: Option<String>,
}

#[cfg(test)]
impl PacketBodies {
    /// Document `j`'s packets still to come, and whether its body is kept for them.
    pub(in crate::render) fn slot(&self, j: usize) -> (u32, bool) {
        let slot = self.slots[j].lock().unwrap();
        (slot.left, slot.html.is_some())
    }
}
