//! `sitemap.xml` and the Atom feed, written directly: their shape is fixed by standards, not
//! by themes.

use jiff::civil::Date;

use super::views::LinkView;
use crate::config::SiteConfig;
use crate::link::Site;
use crate::names::UrlPath;

pub fn xml_escape(s: &str) -> String {
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

pub fn sitemap(_site: &Site, config: &SiteConfig, urls: &[(UrlPath, Option<Date>)]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (url, date) in urls {
        out.push_str("  <url><loc>");
        out.push_str(&xml_escape(&config.base_url.absolute(url)));
        out.push_str("</loc>");
        if let Some(d) = date {
            out.push_str(&format!("<lastmod>{d}</lastmod>"));
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// The newest documents (not pages) by their last change, newest first.
pub fn atom(site: &Site, config: &SiteConfig, views: &[LinkView]) -> String {
    let page = config.kinds.page();
    let mut items: Vec<usize> = (0..site.docs.len())
        .filter(|&i| {
            !site.docs[i].is_index && site.docs[i].kind != page && site.docs[i].changed().is_some()
        })
        .collect();
    items.sort_by(|&a, &b| {
        site.docs[b]
            .changed()
            .cmp(&site.docs[a].changed())
            .then_with(|| site.docs[a].title.cmp(&site.docs[b].title))
    });
    items.truncate(config.feed_limit);
    let updated = items
        .first()
        .and_then(|&i| site.docs[i].changed())
        .map_or_else(|| "1970-01-01".to_string(), |d| d.to_string());
    let base = &config.base_url;
    let home = base.absolute(&UrlPath::page([]));
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n",
    );
    out.push_str(&format!("  <title>{}</title>\n", xml_escape(&config.title)));
    out.push_str(&format!("  <link href=\"{}\"/>\n", xml_escape(&home)));
    out.push_str(&format!(
        "  <link rel=\"self\" href=\"{}\"/>\n",
        xml_escape(&base.absolute(&UrlPath::file("atom.xml")))
    ));
    out.push_str(&format!("  <id>{}</id>\n", xml_escape(&home)));
    out.push_str(&format!("  <updated>{updated}T00:00:00Z</updated>\n"));
    for i in items {
        let d = &site.docs[i];
        let url = base.absolute(&site.urls[i]);
        let v = &views[i];
        out.push_str("  <entry>\n");
        out.push_str(&format!(
            "    <title>{}: {}</title>\n",
            xml_escape(&v.kind_label),
            xml_escape(&d.title)
        ));
        out.push_str(&format!("    <link href=\"{}\"/>\n", xml_escape(&url)));
        out.push_str(&format!("    <id>{}</id>\n", xml_escape(&url)));
        let changed = d.changed().map(|c| c.to_string()).unwrap_or_default();
        out.push_str(&format!("    <updated>{changed}T00:00:00Z</updated>\n"));
        if let Some(c) = d.created {
            out.push_str(&format!("    <published>{c}T00:00:00Z</published>\n"));
        }
        let authors: Vec<&str> = if d.owners.is_empty() {
            vec![config.title.as_str()]
        } else {
            d.owners.iter().map(String::as_str).collect()
        };
        for a in authors {
            out.push_str(&format!(
                "    <author><name>{}</name></author>\n",
                xml_escape(a)
            ));
        }
        for t in &d.tags {
            out.push_str(&format!("    <category term=\"{}\"/>\n", xml_escape(t)));
        }
        if let Some(s) = &d.summary {
            out.push_str(&format!("    <summary>{}</summary>\n", xml_escape(s)));
        }
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}
