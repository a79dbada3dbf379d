//! Aliases: old paths of a document that become redirect pages. Each must stay inside the
//! site, be a name a file system takes, and be an address no page already has. Pure.

use std::collections::HashSet;

use super::Doc;
use super::body::percent_decode;
use super::outputs::Listings;
use super::urls::{SERVER_PREFIX, is_reserved, packet_urls};
use crate::config::SiteConfig;
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::names::UrlPath;

/// The longest part of an alias path: each part is a folder in the output, and file systems
/// refuse names over 255 bytes.
const MAX_SEGMENT: usize = 200;

/// Alias paths become redirect pages; they must stay inside the site and not clash.
pub(super) fn collect_aliases(
    docs: &[Doc],
    urls: &[UrlPath],
    listings: &Listings,
    config: &SiteConfig,
    diags: &mut Diagnostics,
) -> Vec<(UrlPath, usize)> {
    let packets = packet_urls(docs, urls, config);
    let lists: Vec<UrlPath> = listings.urls().collect();
    let taken: HashSet<&UrlPath> = urls.iter().chain(packets.keys()).chain(&lists).collect();
    let mut out: Vec<(UrlPath, usize)> = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        for crate::doc::Written {
            text: alias,
            pos,
            len,
        } in &d.aliases
        {
            let decoded = percent_decode(alias.trim());
            let segs: Vec<&str> = decoded.split('/').filter(|s| !s.is_empty()).collect();
            let unsafe_seg = segs
                .iter()
                .any(|s| *s == ".." || *s == "." || s.contains('\\') || s.contains(':'));
            if !decoded.starts_with('/') || unsafe_seg || decoded.contains("//") {
                diags.error_spanning(&d.file, *pos, *len, format!("alias `{alias}` must be a path inside the site starting with `/`, without `..`"));
                continue;
            }
            if let Some(why) = unreachable(alias, &decoded) {
                diags.error_spanning(
                    &d.file,
                    *pos,
                    *len,
                    format!("alias `{alias}` cannot be reached: {why}"),
                );
                continue;
            }
            // A NUL or newline cannot be in a file name, and a redirect hidden behind
            // invisible characters is not one anyone meant to write.
            if decoded.chars().any(crate::names::is_invisible) {
                diags.error_spanning(
                    &d.file,
                    *pos,
                    *len,
                    format!("alias `{alias}` contains control or invisible characters"),
                );
                continue;
            }
            if segs.iter().any(|s| s.len() > MAX_SEGMENT) {
                diags.error_spanning(
                    &d.file,
                    *pos,
                    *len,
                    format!("alias `{alias}` has a part longer than {MAX_SEGMENT} bytes"),
                );
                continue;
            }
            let url = match segs.last() {
                Some(last) if last.ends_with(".html") => UrlPath::file(&segs.join("/")),
                _ => UrlPath::page(segs.iter().copied()),
            };
            // An address the site writes itself is never given up. A clash with a document's
            // address or another alias (common in handbooks moved from other generators,
            // whose redirects pile up) loses only the redirect: a warning, an error under
            // `--strict`.
            let severity = if config.strict {
                Severity::Error
            } else {
                Severity::Warning
            };
            let dropped = if config.strict {
                ""
            } else {
                "; no redirect is written"
            };
            if is_reserved(&url) || url.as_str() == "/" || packets.contains_key(&url) {
                diags.error_spanning(
                    &d.file,
                    *pos,
                    *len,
                    format!("alias `{alias}` is already the address of a page"),
                );
            } else if taken.contains(&url) {
                diags.push(
                    Diagnostic::new(
                        severity,
                        d.file.clone(),
                        *pos,
                        format!("alias `{alias}` is already the address of a page{dropped}"),
                    )
                    .spanning(*len),
                );
            } else if let Some((_, other)) = out.iter().find(|(u, _)| *u == url) {
                diags.push(
                    Diagnostic::new(
                        severity,
                        d.file.clone(),
                        *pos,
                        format!(
                            "alias `{alias}` is also an alias of {}{dropped}",
                            docs[*other].file
                        ),
                    )
                    .spanning(*len),
                );
            } else {
                out.push((url, i));
            }
        }
    }
    out.sort();
    out
}

/// Why no request could ever arrive at the redirect page of `alias`, if so. `decoded` is the
/// alias percent-decoded: `%3F` is a folder named `?`, which `/x%3Fy/` reaches.
fn unreachable(alias: &str, decoded: &str) -> Option<String> {
    if alias.contains('?') {
        return Some("in a URL `?` starts the query, so no request names this path".into());
    }
    if alias.contains('#') {
        return Some("in a URL `#` starts the fragment, which browsers do not send".into());
    }
    let prefix = SERVER_PREFIX.trim_end_matches('/');
    if decoded == prefix || decoded.starts_with(SERVER_PREFIX) {
        return Some(format!(
            "`{SERVER_PREFIX}` is where `cairn serve` answers itself"
        ));
    }
    None
}
