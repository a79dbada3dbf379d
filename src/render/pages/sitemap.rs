//! `sitemap.xml`: every page the units list (see `PageType::sitemap`), with the date its
//! document last changed; written directly, its shape is fixed by the standard.

use serde::Serialize;

use super::feed::xml_escape;
use super::{PageType, Route, sitemap_urls};
use crate::render::{Key, Prepared, Renderer};

pub(super) struct Sitemap;

#[derive(Serialize)]
struct SitemapView {
    /// Absolute URL and date of last change, sorted by address.
    urls: Vec<(String, Option<String>)>,
}

impl PageType for Sitemap {
    fn name(&self) -> &'static str {
        "sitemap"
    }

    fn route(&self) -> Route {
        Route::At("/sitemap.xml")
    }

    fn prepare<'r>(&self, r: &'r Renderer<'r>, key: &Key) -> Prepared<'r> {
        let base = &r.config.base_url;
        let urls = sitemap_urls(r)
            .into_iter()
            .map(|(url, date)| (base.absolute(&url), date.map(|d| d.to_string())))
            .collect();
        r.direct(self.url(r, key), SitemapView { urls }, write)
    }
}

fn write(view: &SitemapView) -> Vec<u8> {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (url, date) in &view.urls {
        out.push_str("  <url><loc>");
        out.push_str(&xml_escape(url));
        out.push_str("</loc>");
        if let Some(d) = date {
            out.push_str(&format!("<lastmod>{d}</lastmod>"));
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out.into_bytes()
}
