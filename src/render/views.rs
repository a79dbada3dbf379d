//! The values several page types show (a link to a document, a labelled list of them), built
//! from the linked site; each page type's own view lives in its file. Nothing here knows tera.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use crate::config::SiteConfig;
use crate::link::Site;

/// A link to a document, as lists, trees and relation panels show it.
#[derive(Debug, Clone, Serialize)]
pub struct LinkFields {
    pub title: String,
    pub href: String,
    pub kind: String,
    pub kind_label: String,
    pub status: Option<String>,
    pub summary: Option<String>,
    /// The date the document last changed, `YYYY-MM-DD`.
    pub date: Option<String>,
}

/// A document's [`LinkFields`] with their digest, taken once: a page that lists hundreds of
/// documents (a kind's index, a pattern's backlinks) hashes one number for each.
#[derive(Debug, Clone)]
pub struct LinkView {
    fields: LinkFields,
    digest: u64,
}

/// The name of a [`LinkView`]'s compact form, a struct whose one field is the digest.
pub(super) const LINK: &str = "cairn::link";

impl LinkView {
    pub fn new(fields: LinkFields) -> LinkView {
        let mut d = crate::digest::Digest::new();
        super::digest::feed(&mut d, &fields).expect("a link is plain data");
        LinkView {
            fields,
            digest: d.finish(),
        }
    }
}

#[cfg(test)]
impl LinkView {
    pub(super) fn digest(&self) -> u64 {
        self.digest
    }
}

impl std::ops::Deref for LinkView {
    type Target = LinkFields;

    fn deref(&self) -> &LinkFields {
        &self.fields
    }
}

impl Serialize for LinkView {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let human = s.is_human_readable();
        let mut st = s.serialize_struct(LINK, 1)?;
        self.fields_into(&mut st, human)?;
        st.end()
    }
}

impl LinkView {
    /// Its fields into `st`, the struct it is part of: each of them in the readable form,
    /// the digest alone in the compact form (`human` is false).
    pub(super) fn fields_into<S: serde::ser::SerializeStruct>(
        &self,
        st: &mut S,
        human: bool,
    ) -> Result<(), S::Error> {
        if !human {
            return st.serialize_field(LINK, &self.digest);
        }
        let LinkFields {
            title,
            href,
            kind,
            kind_label,
            status,
            summary,
            date,
        } = &self.fields;
        st.serialize_field("title", title)?;
        st.serialize_field("href", href)?;
        st.serialize_field("kind", kind)?;
        st.serialize_field("kind_label", kind_label)?;
        st.serialize_field("status", status)?;
        st.serialize_field("summary", summary)?;
        st.serialize_field("date", date)
    }
}

/// A struct whose first field is a link to a document, whose fields templates read beside
/// the struct's own (`item.title`, `item.current`). Written out rather than with serde's
/// `flatten`, which reports every serialiser as readable: a flattened link would enter the
/// digest field by field instead of by its own digest, at many times the cost.
macro_rules! linked {
    (
        $(#[$m:meta])*
        $vis:vis struct $name:ident<$lt:lifetime> {
            $(#[$lm:meta])*
            link: &$llt:lifetime LinkView,
            $($(#[$fm:meta])* $f:ident: $t:ty,)*
        }
    ) => {
        $(#[$m])*
        $vis struct $name<$lt> {
            $(#[$lm])*
            link: &$llt $crate::render::views::LinkView,
            $($(#[$fm])* $f: $t,)*
        }

        impl serde::Serialize for $name<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeStruct;
                let human = s.is_human_readable();
                let mut st = s.serialize_struct(stringify!($name), 0)?;
                self.link.fields_into(&mut st, human)?;
                $(st.serialize_field(stringify!($f), &self.$f)?;)*
                st.end()
            }
        }
    };
}
pub(super) use linked;

/// A labelled list of links (relations by type, backlinks by kind, index by status).
#[derive(Debug, Clone, Serialize)]
pub struct Group<'r> {
    pub label: String,
    pub items: Vec<&'r LinkView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TagView<'r> {
    pub name: &'r str,
    pub href: String,
    pub count: usize,
}

pub fn date(d: Option<Date>) -> Option<String> {
    d.map(|d| d.to_string())
}

/// One [`LinkView`] per document, built once and borrowed where listed.
pub fn link_views(site: &Site, config: &SiteConfig) -> Vec<LinkView> {
    use rayon::prelude::*;
    (0..site.docs.len())
        .into_par_iter()
        .map(|i| link_view(site, config, i))
        .collect()
}

/// Document `i`'s [`LinkView`].
pub fn link_view(site: &Site, config: &SiteConfig, i: usize) -> LinkView {
    let (d, url) = (&site.docs[i], &site.urls[i]);
    let kind = config.kinds.get(d.kind);
    LinkView::new(LinkFields {
        title: d.title.clone(),
        href: config.base_url.href(url),
        kind: kind.name.clone(),
        kind_label: kind.label.clone(),
        status: d.status.clone(),
        summary: d.summary.clone(),
        date: date(d.changed()),
    })
}

/// Tag name → documents carrying it (sorted by title).
pub fn tag_index(site: &Site) -> BTreeMap<String, Vec<usize>> {
    let mut tags: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, d) in site.docs.iter().enumerate() {
        for t in &d.tags {
            tags.entry(t.clone()).or_default().push(i);
        }
    }
    for docs in tags.values_mut() {
        docs.sort_by(|&a, &b| site.docs[a].title.cmp(&site.docs[b].title).then(a.cmp(&b)));
    }
    tags
}

/// Sorts document indices by title, then path, for stable lists.
pub fn by_title(site: &Site, items: &mut [usize]) {
    items.sort_by(|&a, &b| {
        site.docs[a]
            .title
            .cmp(&site.docs[b].title)
            .then_with(|| site.docs[a].source.cmp(&site.docs[b].source))
    });
}
