//! Names and paths as distinct types: document ids, kind names, source paths, site URL paths,
//! output file paths, and the site's base URL.
//!
//! Keeping them apart stops a source path being written where a URL belongs. Pure.

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use serde::Serialize;

/// A document id: a slug, unique per kind. Defaults to the slug of the file stem.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct DocId(String);

impl DocId {
    /// Accepts only a valid slug (see [`is_slug`]).
    pub fn parse(s: &str) -> Option<DocId> {
        is_slug(s).then(|| DocId(s.to_string()))
    }

    /// The id a file stem gets when front matter does not name one.
    pub fn from_stem(stem: &str) -> Option<DocId> {
        let s = slugify(stem);
        (!s.is_empty()).then_some(DocId(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DocId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Extensions that make a file a document, compared without regard to case. `.md` is the
/// convention; `.markdown` and upper-case spellings are Markdown to GitHub and most editors,
/// and a document silently copied as an attachment would be a worse surprise than accepting it.
pub const DOC_EXTENSIONS: [&str; 2] = ["md", "markdown"];

/// `a/b.md` → `a/b`, `B.MARKDOWN` → `B`; `None` when `name` does not end in a document extension.
pub fn strip_doc_ext(name: &str) -> Option<&str> {
    let (stem, ext) = name.rsplit_once('.')?;
    DOC_EXTENSIONS
        .iter()
        .any(|e| ext.eq_ignore_ascii_case(e))
        .then_some(stem)
}

/// A path under `content/`, with `/` separators, e.g. `strategies/cloud.md`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct SourcePath(String);

impl SourcePath {
    pub fn new(s: impl Into<String>) -> SourcePath {
        SourcePath(s.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The folder part, `""` at the top.
    pub fn dir(&self) -> &str {
        self.0.rsplit_once('/').map_or("", |(d, _)| d)
    }

    pub fn file_name(&self) -> &str {
        self.0.rsplit_once('/').map_or(&self.0, |(_, f)| f)
    }

    pub fn stem(&self) -> &str {
        let name = self.file_name();
        name.rsplit_once('.').map_or(name, |(s, _)| s)
    }

    /// The path without its extension: `runbooks/backups.md` → `runbooks/backups`.
    pub fn without_ext(&self) -> &str {
        let n = self.file_name().len() - self.stem().len();
        &self.0[..self.0.len() - n]
    }

    /// The first folder, which names the kind when front matter does not.
    pub fn top_folder(&self) -> Option<&str> {
        self.0.split_once('/').map(|(top, _)| top)
    }

    /// Whether the file is a document (see [`DOC_EXTENSIONS`]) rather than an attachment.
    pub fn is_document(&self) -> bool {
        strip_doc_ext(self.file_name()).is_some()
    }

    pub fn is_index(&self) -> bool {
        self.stem() == "_index"
    }
}

impl fmt::Display for SourcePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A path in the site, independent of the base URL: `/strategies/cloud/`, `/atom.xml`.
/// Always starts with `/`; a page's path ends with `/`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct UrlPath(String);

impl UrlPath {
    pub const ROOT: &'static str = "/";

    /// Joins segments into a page path: `["strategies", "cloud"]` → `/strategies/cloud/`.
    pub fn page<'a>(segments: impl IntoIterator<Item = &'a str>) -> UrlPath {
        let mut s = String::from("/");
        for seg in segments {
            if !seg.is_empty() {
                s.push_str(seg);
                s.push('/');
            }
        }
        UrlPath(s)
    }

    /// A file in the site: `file("static/style.css")` → `/static/style.css`.
    pub fn file(path: &str) -> UrlPath {
        UrlPath(format!("/{}", path.trim_start_matches('/')))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The file this path is written to in the output folder.
    pub fn out_path(&self) -> OutPath {
        let rel = self.0.trim_start_matches('/');
        if rel.is_empty() || rel.ends_with('/') {
            OutPath(format!("{rel}index.html"))
        } else {
            OutPath(rel.to_string())
        }
    }
}

impl fmt::Display for UrlPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A file path relative to the output folder, with `/` separators: `strategies/cloud/index.html`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct OutPath(String);

impl OutPath {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when the path stays inside the output folder: relative, no `..`, no empty parts.
    pub fn is_contained(&self) -> bool {
        !self.0.is_empty()
            && !self.0.starts_with('/')
            && !self.0.contains('\\')
            && self
                .0
                .split('/')
                .all(|seg| !seg.is_empty() && seg != "." && seg != "..")
    }
}

impl fmt::Display for OutPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The configured `base_url`, split into origin and path prefix, e.g.
/// `https://eng.acme.example` + `/docs/`. Every link the site writes goes through it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    origin: String,
    prefix: String,
}

impl BaseUrl {
    /// Parses `scheme://host[:port][/prefix]`, or a bare path prefix like `/docs/`.
    pub fn parse(s: &str) -> Result<BaseUrl, String> {
        let s = s.trim();
        let (origin, path) = if let Some(i) = s.find("://") {
            let scheme = &s[..i];
            if scheme.is_empty()
                || !scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            {
                return Err(format!(
                    "`{s}` is not a URL (expected e.g. https://example.org/docs/)"
                ));
            }
            let rest = &s[i + 3..];
            let host_end = rest.find('/').unwrap_or(rest.len());
            if host_end == 0 {
                return Err(format!("`{s}` has no host"));
            }
            (s[..i + 3 + host_end].to_string(), &rest[host_end..])
        } else if s.starts_with('/') || s.is_empty() {
            (String::new(), s)
        } else {
            return Err(format!(
                "`{s}` is not a URL (expected e.g. https://example.org/docs/)"
            ));
        };
        if path.contains(['?', '#']) {
            return Err(format!("`{s}` may not have a query or fragment"));
        }
        let trimmed = path.trim_matches('/');
        let prefix = if trimmed.is_empty() {
            "/".to_string()
        } else {
            format!("/{trimmed}/")
        };
        Ok(BaseUrl { origin, prefix })
    }

    /// The path prefix, starting and ending with `/`.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The link to use inside the site: prefix + path, percent-encoded.
    pub fn href(&self, path: &UrlPath) -> String {
        self.joined("", path)
    }

    /// The absolute URL (for feeds and sitemaps). Without an origin it is the href.
    pub fn absolute(&self, path: &UrlPath) -> String {
        self.joined(&self.origin, path)
    }

    /// `start`, the prefix and `path` encoded, in one string (pages make thousands of these).
    fn joined(&self, start: &str, path: &UrlPath) -> String {
        let path = path.as_str().trim_start_matches('/');
        let mut s = String::with_capacity(start.len() + self.prefix.len() + path.len());
        s.push_str(start);
        s.push_str(&self.prefix);
        s.extend(utf8_percent_encode(path, PATH_RAW));
        s
    }
}

/// What [`encode_path`] leaves raw: RFC 3986's unreserved characters, `/`, and the
/// sub-delimiters a path may hold.
const PATH_RAW: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');

/// Percent-encodes what may not appear raw in a URL path, keeping `/`.
pub fn encode_path(s: &str) -> String {
    utf8_percent_encode(s, PATH_RAW).collect()
}

/// Lower-case letters and digits kept, runs of spaces, `-` and `_` become one `-`, everything
/// else dropped, no leading or trailing `-`. Used for heading anchors, tag pages and ids.
pub fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() || c == '-' || c == '_' {
            dash = true;
        }
    }
    out
}

/// A valid id: non-empty, lower-case letters, digits, `-` and `_`, starting with a letter or digit.
pub fn is_slug(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_alphanumeric() && !c.is_uppercase())
        && s.chars()
            .all(|c| (c.is_alphanumeric() && !c.is_uppercase()) || c == '-' || c == '_')
}

/// Characters that render as nothing or reorder the text around them: controls, zero-width
/// spaces and joiners, bidirectional overrides and isolates ("Trojan Source"), the BOM. Two
/// titles that differ only in these look identical, and a diagnostic quoting them would hide
/// them or, for terminal escapes, act on the reader's terminal.
pub fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00ad}'
                | '\u{061c}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206f}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
        )
}

/// Tags are compared and shown normalised: trimmed, lower case, whitespace runs as `-`.
pub fn normalize_tag(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join("-")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("When it works"), "when-it-works");
        assert_eq!(slugify("Step 2: Prove it!"), "step-2-prove-it");
        assert_eq!(slugify("  --Hello__World--  "), "hello-world");
        assert_eq!(slugify("Ünïcode Straße"), "ünïcode-straße");
        assert_eq!(slugify("C++ & Rust"), "c-rust");
        assert_eq!(slugify("!!!"), "");
    }

    #[test]
    fn ids() {
        assert!(is_slug("grand-migration"));
        assert!(is_slug("adr_0001"));
        assert!(!is_slug("Grand"));
        assert!(!is_slug("-x"));
        assert!(!is_slug("a/b"));
        assert!(!is_slug(""));
        assert!(!is_slug("../x"));
        assert_eq!(
            DocId::from_stem("My Doc [v2]").unwrap().as_str(),
            "my-doc-v2"
        );
        assert!(DocId::from_stem("%%").is_none());
    }

    #[test]
    fn source_paths() {
        let p = SourcePath::new("runbooks/ops/backups.md");
        assert_eq!(p.dir(), "runbooks/ops");
        assert_eq!(p.stem(), "backups");
        assert_eq!(p.without_ext(), "runbooks/ops/backups");
        assert_eq!(p.top_folder(), Some("runbooks"));
        assert_eq!(SourcePath::new("about.md").top_folder(), None);
        assert!(SourcePath::new("visions/_index.md").is_index());
        for doc in ["a.md", "b/A.MD", "c.markdown", "d.Markdown"] {
            assert!(SourcePath::new(doc).is_document(), "{doc}");
        }
        for other in ["a.mdx", "md", "b/c.txt", "d.md.bak"] {
            assert!(!SourcePath::new(other).is_document(), "{other}");
        }
        assert_eq!(SourcePath::new("n/Long.markdown").without_ext(), "n/Long");
        assert_eq!(strip_doc_ext("x/y.MD"), Some("x/y"));
    }

    #[test]
    fn url_paths_map_to_files() {
        assert_eq!(
            UrlPath::page(["strategies", "cloud"]).as_str(),
            "/strategies/cloud/"
        );
        assert_eq!(UrlPath::page([]).out_path().as_str(), "index.html");
        assert_eq!(UrlPath::page(["a"]).out_path().as_str(), "a/index.html");
        assert_eq!(UrlPath::file("atom.xml").out_path().as_str(), "atom.xml");
    }

    #[test]
    fn containment() {
        assert!(UrlPath::page(["a", "b"]).out_path().is_contained());
        assert!(!UrlPath::page(["..", "b"]).out_path().is_contained());
        assert!(
            !UrlPath::file("/etc/passwd").out_path().is_contained()
                || UrlPath::file("/etc/passwd").out_path().as_str() == "etc/passwd"
        );
    }

    #[test]
    fn paths_are_percent_encoded_except_what_a_path_may_hold() {
        let every_ascii: String = (0x20u8..0x7f).map(char::from).collect();
        assert_eq!(
            encode_path(&format!("{every_ascii}é😀")),
            "%20!%22%23$%25&'()*+,-./0123456789:;%3C=%3E%3F@ABCDEFGHIJKLMNOPQRSTUVWXYZ%5B%5C%5D%5E_%60abcdefghijklmnopqrstuvwxyz%7B%7C%7D~%C3%A9%F0%9F%98%80"
        );
        assert_eq!(encode_path("\n\u{0}"), "%0A%00");
    }

    #[test]
    fn base_urls_with_and_without_prefix() {
        let b = BaseUrl::parse("https://eng.acme.example/docs").unwrap();
        assert_eq!(b.prefix(), "/docs/");
        assert_eq!(b.href(&UrlPath::page(["tags"])), "/docs/tags/");
        assert_eq!(
            b.absolute(&UrlPath::page(["tags"])),
            "https://eng.acme.example/docs/tags/"
        );
        let root = BaseUrl::parse("https://x.example").unwrap();
        assert_eq!(root.href(&UrlPath::page([])), "/");
        assert_eq!(
            BaseUrl::parse("/sub/")
                .unwrap()
                .href(&UrlPath::file("a b.css")),
            "/sub/a%20b.css"
        );
        assert!(BaseUrl::parse("not a url").is_err());
        assert!(BaseUrl::parse("https:///x").is_err());
    }

    #[test]
    fn invisible_characters() {
        for c in [
            '\u{7}', '\u{1b}', '\n', '\u{200b}', '\u{202e}', '\u{2066}', '\u{feff}',
        ] {
            assert!(is_invisible(c), "{c:?}");
        }
        for c in ['a', 'é', ' ', '—', '😀'] {
            assert!(!is_invisible(c), "{c:?}");
        }
    }

    #[test]
    fn tags_normalise() {
        assert_eq!(normalize_tag("  Site  Reliability "), "site-reliability");
    }
}
