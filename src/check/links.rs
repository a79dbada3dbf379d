//! Where a row sends its reader: a `[[doc]]` reference resolved exactly as body links are, or
//! a URL with a safe scheme. Used for the configured `link` of every check (validated at build
//! time) and for links that checks report at run time (command rows, triggers). Pure.

use crate::config::SiteConfig;
use crate::link::Site;

/// A link as written: `[[doc]]`, `[[doc#heading]]` or a URL.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkRef {
    Doc {
        target: String,
        anchor: Option<String>,
    },
    Url(String),
}

impl LinkRef {
    pub fn parse(raw: &str) -> LinkRef {
        let t = raw.trim();
        match t.strip_prefix("[[").and_then(|s| s.strip_suffix("]]")) {
            Some(inner) => {
                let inner = inner.split('|').next().unwrap_or(inner);
                let (target, anchor) = match inner.split_once('#') {
                    Some((t, a)) => (t, Some(a.trim().to_string())),
                    None => (inner, None),
                };
                LinkRef::Doc {
                    target: target.trim().to_string(),
                    anchor: anchor.filter(|a| !a.is_empty()),
                }
            }
            None => LinkRef::Url(t.to_string()),
        }
    }

    /// The href and, for documents, the title; resolved exactly as body links are.
    pub fn resolve(
        &self,
        site: &Site,
        config: &SiteConfig,
    ) -> Result<(Option<String>, Option<String>), String> {
        match self {
            LinkRef::Url(u) if u.is_empty() => Ok((None, None)),
            LinkRef::Url(u) => match scheme(u) {
                Some(s) if !["http", "https", "mailto"].contains(&s.as_str()) => Err(format!(
                    "links with `{s}:` are not allowed (use http, https, mailto or a path)"
                )),
                _ => Ok((Some(u.clone()), None)),
            },
            LinkRef::Doc { target, anchor } => {
                let i = site.resolve(target, config)?;
                let doc = &site.docs[i];
                let mut href = config.base_url.href(&site.urls[i]);
                if let Some(a) = anchor {
                    if !doc.outline.has_anchor(a) {
                        return Err(format!("no heading `#{a}` in {}", doc.file));
                    }
                    href.push('#');
                    href.push_str(a);
                }
                Ok((Some(href), Some(doc.title.clone())))
            }
        }
    }
}

/// The scheme of a URL (`https`), lowercased; none for paths.
fn scheme(u: &str) -> Option<String> {
    let end = u.find([':', '/', '?', '#'])?;
    (u[end..].starts_with(':') && end > 0).then(|| {
        u[..end]
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .collect::<String>()
            .to_ascii_lowercase()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_forms() {
        assert_eq!(
            LinkRef::parse(" [[runbooks/backups#restore|Backups]] "),
            LinkRef::Doc {
                target: "runbooks/backups".into(),
                anchor: Some("restore".into())
            }
        );
        assert_eq!(
            LinkRef::parse("https://x.example/"),
            LinkRef::Url("https://x.example/".into())
        );
        assert_eq!(scheme("HTTPS://x"), Some("https".into()));
        assert_eq!(scheme(" java\tscript:alert(1)"), Some("javascript".into()));
        assert_eq!(scheme("/ops/x:y"), None);
        assert_eq!(scheme("mailto:sre@x.example"), Some("mailto".into()));
    }
}
