//! `atom.xml`: the newest documents (not pages) by their last change, newest first; written
//! directly, its shape is fixed by the standard, not by themes.

use serde::Serialize;

use super::{PageType, Route};
use crate::names::UrlPath;
use crate::render::{Key, Prepared, Renderer};

pub(super) struct Feed;

#[derive(Serialize)]
struct FeedView<'r> {
    title: &'r str,
    home: String,
    this: String,
    updated: String,
    entries: Vec<Entry<'r>>,
}

#[derive(Serialize)]
struct Entry<'r> {
    kind_label: &'r str,
    title: &'r str,
    url: String,
    changed: String,
    created: Option<String>,
    authors: Vec<&'r str>,
    tags: &'r [String],
    summary: Option<&'r str>,
}

impl PageType for Feed {
    fn name(&self) -> &'static str {
        "feed"
    }

    fn route(&self) -> Route {
        Route::At("/atom.xml")
    }

    fn href(&self) -> Option<&'static str> {
        Some("feed_href")
    }

    fn prepare<'r>(&self, r: &'r Renderer<'r>, key: &Key) -> Prepared<'r> {
        let (site, config) = (r.site, r.config);
        let page = config.kinds.page();
        let mut items: Vec<usize> = (0..site.docs.len())
            .filter(|&i| {
                let d = &site.docs[i];
                !d.is_index && d.kind != page && d.changed().is_some()
            })
            .collect();
        items.sort_by(|&a, &b| {
            site.docs[b]
                .changed()
                .cmp(&site.docs[a].changed())
                .then_with(|| site.docs[a].title.cmp(&site.docs[b].title))
        });
        items.truncate(config.feed_limit);
        let base = &config.base_url;
        let url = self.url(r, key);
        let view = FeedView {
            title: &config.title,
            home: base.absolute(&UrlPath::page([])),
            this: base.absolute(&url),
            updated: items
                .first()
                .and_then(|&i| site.docs[i].changed())
                .map_or_else(|| "1970-01-01".to_string(), |d| d.to_string()),
            entries: items
                .into_iter()
                .map(|i| {
                    let d = &site.docs[i];
                    Entry {
                        kind_label: &r.views[i].kind_label,
                        title: &d.title,
                        url: base.absolute(&site.urls[i]),
                        changed: d.changed().map(|c| c.to_string()).unwrap_or_default(),
                        created: d.created.map(|c| c.to_string()),
                        authors: if d.owners.is_empty() {
                            vec![config.title.as_str()]
                        } else {
                            d.owners.iter().map(String::as_str).collect()
                        },
                        tags: &d.tags,
                        summary: d.summary.as_deref(),
                    }
                })
                .collect(),
        };
        r.direct(url, view, write)
    }
}

fn write(view: &FeedView) -> Vec<u8> {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n",
    );
    out.push_str(&format!("  <title>{}</title>\n", xml_escape(view.title)));
    out.push_str(&format!("  <link href=\"{}\"/>\n", xml_escape(&view.home)));
    out.push_str(&format!(
        "  <link rel=\"self\" href=\"{}\"/>\n",
        xml_escape(&view.this)
    ));
    out.push_str(&format!("  <id>{}</id>\n", xml_escape(&view.home)));
    out.push_str(&format!("  <updated>{}T00:00:00Z</updated>\n", view.updated));
    for e in &view.entries {
        out.push_str("  <entry>\n");
        out.push_str(&format!(
            "    <title>{}: {}</title>\n",
            xml_escape(e.kind_label),
            xml_escape(e.title)
        ));
        out.push_str(&format!("    <link href=\"{}\"/>\n", xml_escape(&e.url)));
        out.push_str(&format!("    <id>{}</id>\n", xml_escape(&e.url)));
        out.push_str(&format!("    <updated>{}T00:00:00Z</updated>\n", e.changed));
        if let Some(c) = &e.created {
            out.push_str(&format!("    <published>{c}T00:00:00Z</published>\n"));
        }
        for a in &e.authors {
            out.push_str(&format!(
                "    <author><name>{}</name></author>\n",
                xml_escape(a)
            ));
        }
        for t in e.tags {
            out.push_str(&format!("    <category term=\"{}\"/>\n", xml_escape(t)));
        }
        if let Some(s) = e.summary {
            out.push_str(&format!("    <summary>{}</summary>\n", xml_escape(s)));
        }
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out.into_bytes()
}

pub(super) fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() && !matches!(c, '\n' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}
