//! Aliases: old paths of a document that become redirect pages. Each must stay inside the
//! site, be a name a file system takes, and be an address no page already has. Pure.

use std::collections::HashSet;

use super::Doc;
use super::body::percent_decode;
use super::urls::{is_reserved, packet_urls};
use crate::config::SiteConfig;
use crate::diag::Diagnostics;
use crate::names::UrlPath;

/// The longest part of an alias path: each part is a folder in the output, and file systems
/// refuse names over 255 bytes.
const MAX_SEGMENT: usize = 200;

/// Alias paths become redirect pages; they must stay inside the site and not clash.
pub(super) fn collect_aliases(
    docs: &[Doc],
    urls: &[UrlPath],
    config: &SiteConfig,
    diags: &mut Diagnostics,
) -> Vec<(UrlPath, usize)> {
    let packets = packet_urls(docs, urls, config);
    let taken: HashSet<&UrlPath> = urls.iter().chain(packets.keys()).collect();
    let mut out: Vec<(UrlPath, usize)> = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        for (alias, pos) in &d.aliases {
            let decoded = percent_decode(alias.trim());
            let segs: Vec<&str> = decoded.split('/').filter(|s| !s.is_empty()).collect();
            let unsafe_seg = segs
                .iter()
                .any(|s| *s == ".." || *s == "." || s.contains('\\') || s.contains(':'));
            if !decoded.starts_with('/') || unsafe_seg || decoded.contains("//") {
                diags.error(&d.file, *pos, format!("alias `{alias}` must be a path inside the site starting with `/`, without `..`"));
                continue;
            }
            // A NUL or newline cannot be in a file name, and a redirect hidden behind
            // invisible characters is not one anyone meant to write.
            if decoded.chars().any(crate::names::is_invisible) {
                diags.error(
                    &d.file,
                    *pos,
                    format!("alias `{alias}` contains control or invisible characters"),
                );
                continue;
            }
            if segs.iter().any(|s| s.len() > MAX_SEGMENT) {
                diags.error(
                    &d.file,
                    *pos,
                    format!("alias `{alias}` has a part longer than {MAX_SEGMENT} bytes"),
                );
                continue;
            }
            let url = match segs.last() {
                Some(last) if last.ends_with(".html") => UrlPath::file(&segs.join("/")),
                _ => UrlPath::page(segs.iter().copied()),
            };
            if taken.contains(&url) || is_reserved(&url) || url.as_str() == "/" {
                diags.error(
                    &d.file,
                    *pos,
                    format!("alias `{alias}` is already the address of a page"),
                );
            } else if let Some((_, other)) = out.iter().find(|(u, _)| *u == url) {
                diags.error(
                    &d.file,
                    *pos,
                    format!("alias `{alias}` is also an alias of {}", docs[*other].file),
                );
            } else {
                out.push((url, i));
            }
        }
    }
    out.sort();
    out
}
