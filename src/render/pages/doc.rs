//! A document's own page: metadata, table of contents, body, relations both ways,
//! backlinks, its one-hop neighbourhood and, for packet kinds, a link to its print packet.
//! Builds a [`DocView`]; knows nothing of the other page types.

use tera::Context;

use super::views::*;
use super::{Renderer, humanize_key};
use crate::error::{Error, Result};
use crate::names::UrlPath;
use crate::relation::Relation;

impl Renderer<'_> {
    pub(super) fn doc(&self, i: usize) -> Result<Vec<u8>> {
        let site = self.site;
        let base = &self.config.base_url;
        let d = &site.docs[i];
        let kind = self.config.kinds.get(d.kind);
        let content = self.body_html(i);
        // Outgoing relations keep the order written; incoming ones are sorted by title.
        let group = |pairs: &[(Relation, usize)],
                     label: fn(Relation) -> &'static str,
                     sort: bool|
         -> Vec<Group> {
            let mut groups: Vec<Group> = Vec::new();
            for rel in Relation::ALL {
                let mut items: Vec<usize> = pairs
                    .iter()
                    .filter(|(r, _)| *r == rel)
                    .map(|(_, j)| *j)
                    .collect();
                if items.is_empty() {
                    continue;
                }
                if sort {
                    by_title(site, &mut items);
                }
                groups.push(Group {
                    label: label(rel).into(),
                    items: items.into_iter().map(|j| self.views[j].clone()).collect(),
                });
            }
            groups
        };
        let mut backlinks: Vec<Group> = Vec::new();
        for (kid, k) in self.config.kinds.iter() {
            let mut items: Vec<usize> = site.backlinks[i]
                .iter()
                .copied()
                .filter(|&j| site.docs[j].kind == kid)
                .collect();
            if !items.is_empty() {
                by_title(site, &mut items);
                backlinks.push(Group {
                    label: k.plural.clone(),
                    items: items.into_iter().map(|j| self.views[j].clone()).collect(),
                });
            }
        }
        let view = DocView {
            link: self.views[i].clone(),
            id: d.id.to_string(),
            owners: d.owners.clone(),
            tags: d
                .tags
                .iter()
                .map(|t| TagView {
                    name: t.clone(),
                    href: base.href(&tag_url(t)),
                    count: 0,
                })
                .collect(),
            created: date(d.created),
            updated: date(d.updated),
            review_by: date(d.review_by),
            review_overdue: d.review_by.is_some_and(|r| r < self.env.today),
            fields: d
                .fields
                .iter()
                .map(|(n, v)| Field {
                    name: humanize_key(n),
                    value: v.clone(),
                })
                .collect(),
            toc: d
                .outline
                .headings
                .iter()
                .enumerate()
                .filter(|(h, x)| Some(*h) != d.title_heading && (2..=3).contains(&x.level))
                .map(|(_, h)| TocEntry {
                    level: h.level,
                    text: h.text.clone(),
                    anchor: h.anchor.clone(),
                })
                .collect(),
            relations: group(&site.relations[i], Relation::label, false),
            inverse: group(&site.inverse[i], Relation::inverse_label, true),
            backlinks,
            content,
            words: d.words,
            source: d.file.clone(),
            neighbourhood: self.neighbourhood(i),
            packet_href: self
                .has_packet(i)
                .then(|| base.href(&crate::link::packet_url(&site.urls[i]))),
        };
        let mut ctx = Context::new();
        ctx.insert("doc", &view);
        ctx.insert(
            "kind_href",
            &base.href(&UrlPath::page([kind.folder.as_str()])),
        );
        // Name the document too: its content is the likeliest cause of a template failing on
        // one page only.
        self.page("doc.html", &d.title, &site.urls[i], ctx)
            .map_err(|e| match e {
                Error::Template { name, message } => Error::Template {
                    name,
                    message: format!("{message} from {}", d.file),
                },
                e => e,
            })
    }
}
