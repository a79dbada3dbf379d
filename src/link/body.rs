//! Body links: where each `[[wikilink]]`, `[text](path)` and image of a document goes (a
//! document, a heading, a file of `content/`, or left as written), and why one is refused.
//! Pure: files are looked up in the list `source` read.

use std::collections::HashSet;

use super::lookup::{Lookup, ref_message};
use super::{Doc, Resolved};
use crate::config::SiteConfig;
use crate::diag::{Diagnostic, Severity};
use crate::names::{SourcePath, UrlPath};

/// Resolves the body links of document `i`: where each goes, and the problems found.
pub(super) fn resolve_body(
    i: usize,
    docs: &[Doc],
    idx: &Lookup,
    assets: &HashSet<&str>,
    config: &SiteConfig,
) -> (Vec<Resolved>, Vec<Diagnostic>) {
    let d = &docs[i];
    let mut targets = Vec::with_capacity(d.outline.links.len());
    let mut problems = Vec::new();
    for (l, &pos) in d.outline.links.iter().zip(&d.link_pos) {
        match resolve_body_link(l.dest.as_str(), l.wiki, i, docs, idx, assets, config) {
            Ok(t) => targets.push(t),
            Err((severity, msg)) => {
                problems.push(Diagnostic::new(severity, &d.file, pos, msg).spanning(l.len));
                targets.push(Resolved::Broken);
            }
        }
    }
    crate::diag::show_source(&mut problems, &d.text);
    (targets, problems)
}

/// The other documents that `i`'s links point at (each once).
pub(super) fn targets_of(i: usize, targets: &[Resolved]) -> Vec<usize> {
    let mut out: Vec<usize> = targets
        .iter()
        .filter_map(|t| match t {
            Resolved::Doc { doc, .. } if *doc != i => Some(*doc),
            _ => None,
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn resolve_body_link(
    dest: &str,
    wiki: bool,
    from: usize,
    docs: &[Doc],
    idx: &Lookup,
    assets: &HashSet<&str>,
    config: &SiteConfig,
) -> Result<Resolved, (Severity, String)> {
    let broken = config.broken_links;
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (dest, None),
    };
    let to_doc = |j: usize| -> Result<Resolved, (Severity, String)> {
        let target = &docs[j];
        let anchor = anchor.filter(|a| !a.is_empty());
        if let Some(a) = anchor {
            if !target.outline.has_anchor(a) {
                return Err((broken, format!("no heading `#{a}` in {}", target.file)));
            }
        }
        Ok(Resolved::Doc {
            doc: j,
            anchor: anchor.map(String::from),
        })
    };
    if wiki {
        if path.is_empty() {
            return to_doc(from).map(|_| Resolved::Local(anchor.unwrap_or("").to_string()));
        }
        return match idx.resolve(path, docs, config) {
            Ok(j) => to_doc(j),
            Err(e) => Err((broken, ref_message(path, e))),
        };
    }
    if let Some(scheme) = url_scheme(dest) {
        // Browsers drop tabs and newlines inside a scheme, so `java\tscript:` is `javascript:`.
        let s: String = scheme
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .collect::<String>()
            .to_ascii_lowercase();
        if matches!(s.as_str(), "javascript" | "vbscript" | "data" | "file") {
            return Err((
                Severity::Error,
                format!("links with `{s}:` are not allowed"),
            ));
        }
        return Ok(Resolved::Keep);
    }
    if dest.starts_with("//") || dest.starts_with('/') || dest.is_empty() {
        return Ok(Resolved::Keep);
    }
    if path.is_empty() {
        // `#anchor` on the same page.
        let a = anchor.unwrap_or("");
        return if a.is_empty() || docs[from].outline.has_anchor(a) || a.starts_with("fn") {
            Ok(Resolved::Keep)
        } else {
            Err((broken, format!("no heading `#{a}` in this document")))
        };
    }
    let path = path.split('?').next().unwrap_or(path);
    let decoded = percent_decode(path);
    let Some(joined) = join_relative(docs[from].source.dir(), &decoded) else {
        return Err((
            broken,
            format!("`{dest}` points outside the content folder"),
        ));
    };
    let key = joined.trim_end_matches('/');
    if let Some(stem) = crate::names::strip_doc_ext(key) {
        let stem = stem
            .strip_suffix("/_index")
            .or_else(|| (stem == "_index").then_some(""))
            .unwrap_or(stem);
        return match idx.path(stem) {
            Some(j) => to_doc(j),
            None => Err((
                broken,
                format!(
                    "broken link: no document `{}`",
                    crate::source::display_source(&SourcePath::new(key))
                ),
            )),
        };
    }
    if assets.contains(key) {
        return Ok(Resolved::Asset {
            url: UrlPath::file(key),
            anchor: anchor.map(String::from),
        });
    }
    if let Some(j) = idx.path(key) {
        return to_doc(j);
    }
    Err((
        broken,
        format!(
            "broken link: no file `{}`",
            crate::source::display_source(&SourcePath::new(key))
        ),
    ))
}

/// `https:` → `https`; `a/b:c` has no scheme.
fn url_scheme(dest: &str) -> Option<&str> {
    let cleaned = dest.trim_start();
    let colon = cleaned.find(':')?;
    let scheme = &cleaned[..colon];
    (!scheme.is_empty()
        && scheme.chars().all(|c| {
            c.is_ascii_alphanumeric() || "+-.".contains(c) || c.is_whitespace() || c.is_control()
        }))
    .then_some(scheme)
}

/// Resolves `rel` against the folder `dir` (both under `content/`); `None` if it leaves it.
pub fn join_relative(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = if dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').collect()
    };
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if rel.ends_with('/') && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

/// `%2e` → `.`; a `%` without two hex digits after it stays as written, and bytes that do not
/// make UTF-8 become U+FFFD.
pub(super) fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}
