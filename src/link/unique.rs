//! Addresses that must not clash: ids unique per kind, URLs unique across the site and clear
//! of the pages the site writes itself, and tags that would share one tag page. Pure.

use std::collections::BTreeMap;

use super::Doc;
use super::urls::{is_reserved, packet_urls};
use crate::config::SiteConfig;
use crate::diag::{Diagnostics, Pos};
use crate::names::{UrlPath, slugify};

/// Ids unique per kind, URLs unique across the site and clear of generated pages.
pub(super) fn check_unique(
    docs: &[Doc],
    urls: &[UrlPath],
    config: &SiteConfig,
    diags: &mut Diagnostics,
) {
    let mut seen: BTreeMap<&UrlPath, usize> = BTreeMap::new();
    let packets = packet_urls(docs, urls, config);
    for (i, url) in urls.iter().enumerate() {
        let d = &docs[i];
        if is_reserved(url) {
            diags.error_spanning(
                &d.file,
                d.id_pos,
                d.id_len,
                format!("`{url}` is a page the site writes itself; rename this document"),
            );
            continue;
        }
        if let Some(&owner) = packets.get(url) {
            diags.error_spanning(
                &d.file,
                d.id_pos,
                d.id_len,
                format!(
                    "`{url}` is the print packet of {}; rename this document",
                    docs[owner].file
                ),
            );
            continue;
        }
        if let Some(&first) = seen.get(url) {
            let other = &docs[first];
            let msg = if d.kind == other.kind && !config.kinds.get(d.kind).is_page() && !d.is_index
            {
                format!(
                    "duplicate id `{}` for a {}: also used by {}",
                    d.id,
                    config.kinds.get(d.kind).name,
                    other.file
                )
            } else {
                format!("`{url}` is also the address of {}", other.file)
            };
            diags.error_spanning(&d.file, d.id_pos, d.id_len, msg);
        } else {
            seen.insert(url, i);
        }
    }
}

/// Tags that are spelled differently but get the same page (`c++` and `c` both become
/// `/tags/c/`): one would overwrite the other.
pub(super) fn check_tag_pages(docs: &[Doc], diags: &mut Diagnostics) {
    // Same slug as the tag page's URL (`render::tag_url`).
    let mut pages: BTreeMap<String, (&str, &str)> = BTreeMap::new();
    for d in docs {
        for tag in &d.tags {
            let slug = slugify(tag);
            match pages.get(&slug) {
                Some((other, file)) if *other != tag.as_str() => diags.error(
                    &d.file,
                    Pos::START,
                    format!(
                        "tag `{tag}` and tag `{other}` (in {file}) would share the page /tags/{slug}/; spell them the same"
                    ),
                ),
                Some(_) => {}
                None => {
                    pages.insert(slug, (tag, &d.file));
                }
            }
        }
    }
}
