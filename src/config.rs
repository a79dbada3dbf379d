//! `site.yaml`: the site's title, base URL, kinds table, link policy and (for the check stage)
//! the raw `status:` and `checks:` sections.
//!
//! Parsed from a string with every problem reported as a diagnostic on `site.yaml`; the caller
//! treats any error here as a configuration error (exit code 2). Pure.

use crate::diag::{Diagnostics, Pos, Severity};
use crate::kinds::KindTable;
use crate::names::{BaseUrl, normalize_tag};
use crate::schema::Reader;
use crate::source::ContentDir;
use crate::yaml::{self, Node};

pub const CONFIG_FILE: &str = "site.yaml";
/// A `site.yaml` larger than this is refused unread: no real one comes near it.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub title: String,
    pub description: String,
    pub base_url: BaseUrl,
    pub language: String,
    pub theme: String,
    /// Severity of a body link or relation whose target does not exist.
    pub broken_links: Severity,
    /// A closed tag vocabulary, when the site wants one.
    pub tags: Option<Vec<String>>,
    pub kinds: KindTable,
    pub raw_html: bool,
    /// How many entries the Atom feed carries.
    pub feed_limit: usize,
    /// How many documents the home page lists as recently updated.
    pub home_recent: usize,
    /// How kind, folder and tag lists are split into pages.
    pub paginate: Paginate,
    /// The `status:` section, read by the check stage.
    pub status: Option<Node>,
    /// The `checks:` list, read by the check stage.
    pub checks: Option<Node>,
    /// A digest of the configuration as read (text and overrides), for page digests.
    pub digest: u64,
    /// `new: { owners: [...] }`: who `cairn new` names as owners. `None` means "ask git".
    pub new_owners: Option<Vec<String>>,
    /// `attachments: { active: allow }`: publish attachments that can run scripts (HTML pages,
    /// SVG with scripts). Refused by default (see `link::attachments`).
    pub active_attachments: bool,
    /// `content: docs`: the documents folder (default `content/`).
    pub content: ContentDir,
    /// `front_matter: { ignore: [...], unknown: allow | warn | error }`.
    pub front_matter: FrontMatterPolicy,
    /// `--strict`: documents are read as Cairn's own format only, so each reading of another
    /// tool's format reports what it would for a native document. Set by the command line.
    pub strict: bool,
    /// `repository: { url, branch, edit_path, view_path }`: where each document's "Edit this
    /// page" and "View source" links and
    /// commit links go.
    pub repository: Option<crate::repository::Repository>,
}

/// How a site treats front-matter keys Cairn does not know: keys a team keeps for other tools
/// (`ignore`) are never reported; the rest are reported at `unknown` (default a warning).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatterPolicy {
    pub ignore: Vec<String>,
    /// `None`: `unknown: allow`.
    pub unknown: Option<Severity>,
    /// `unknown:` was written (so `allow` is not mistaken for the default).
    given: bool,
}

impl FrontMatterPolicy {
    /// The severity to report the unknown key `key` at, or `None` to say nothing.
    pub fn unknown(&self, key: &str) -> Option<Severity> {
        if self.ignore.iter().any(|k| k == key) {
            return None;
        }
        if self.given {
            self.unknown
        } else {
            Some(Severity::Warning)
        }
    }
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            title: "Engineering".into(),
            description: String::new(),
            base_url: BaseUrl::parse("/").expect("`/` is a valid base URL"),
            language: "en".into(),
            theme: "default".into(),
            broken_links: Severity::Error,
            tags: None,
            kinds: KindTable::default(),
            raw_html: false,
            feed_limit: 20,
            home_recent: 8,
            paginate: Paginate::default(),
            status: None,
            checks: None,
            digest: 0,
            new_owners: None,
            active_attachments: false,
            content: ContentDir::default(),
            front_matter: FrontMatterPolicy::default(),
            strict: false,
            repository: None,
        }
    }
}

/// `paginate:` in `site.yaml`: lists (a kind's index, a folder, a tag) longer than `above`
/// entries are shown `per_page` at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paginate {
    pub per_page: usize,
    pub above: usize,
}

impl Paginate {
    /// `paginate: false`: every list on one page, however long.
    pub const OFF: Paginate = Paginate {
        per_page: usize::MAX,
        above: usize::MAX,
    };

    /// `paginate: N`: any list longer than N is split N to a page.
    pub fn every(n: usize) -> Paginate {
        Paginate {
            per_page: n,
            above: n,
        }
    }

    /// How many pages a list of `len` entries takes (at least one).
    pub fn pages(&self, len: usize) -> usize {
        if len <= self.above {
            1
        } else {
            len.div_ceil(self.per_page)
        }
    }

    /// The entries of page `n` (from 1) of a list of `len`.
    pub fn range(&self, len: usize, n: usize) -> std::ops::Range<usize> {
        if self.pages(len) == 1 {
            return 0..len;
        }
        let start = (n - 1).saturating_mul(self.per_page).min(len);
        start..start.saturating_add(self.per_page).min(len)
    }
}

impl Default for Paginate {
    /// Unset: a list stays whole up to 300 entries, where one page is still quick to scan
    /// and to load; longer ones go 100 to a page.
    fn default() -> Paginate {
        Paginate {
            per_page: 100,
            above: 300,
        }
    }
}

const KEYS: [&str; 18] = [
    "content",
    "front_matter",
    "title",
    "description",
    "base_url",
    "language",
    "theme",
    "links",
    "tags",
    "kinds",
    "markdown",
    "feed",
    "paginate",
    "status",
    "checks",
    "new",
    "attachments",
    "repository",
];

/// Parses `site.yaml`. Errors leave the corresponding defaults in place.
pub fn parse(text: &str) -> (SiteConfig, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut config = SiteConfig {
        digest: crate::digest::of(&[text]),
        ..SiteConfig::default()
    };
    let root = match yaml::parse(text) {
        Ok(n) => n,
        Err(e) => {
            diags.error(CONFIG_FILE, e.pos, e.message);
            return (config, diags);
        }
    };
    let mut r = Reader::new(CONFIG_FILE, 1, &mut diags);
    let mut has_title = false;
    for e in r.map("site.yaml", &root) {
        let n = &e.node;
        match e.key.as_str() {
            "title" => {
                if let Some(s) = r.string("title", n) {
                    config.title = s;
                    has_title = true;
                }
            }
            "description" => config.description = r.string("description", n).unwrap_or_default(),
            "base_url" => {
                if let Some(s) = r.string("base_url", n) {
                    match BaseUrl::parse(&s) {
                        Ok(b) => config.base_url = b,
                        Err(msg) => r.error(n.pos, format!("`base_url`: {msg}")),
                    }
                }
            }
            "language" => config.language = r.string("language", n).unwrap_or_else(|| "en".into()),
            "theme" => {
                if let Some(s) = r.string("theme", n) {
                    if crate::names::is_slug(&s) {
                        config.theme = s;
                    } else {
                        r.error(
                            n.pos,
                            format!("`theme` must be a folder name under themes/, found `{s}`"),
                        );
                    }
                }
            }
            "links" => {
                for l in r.map("`links`", n) {
                    match l.key.as_str() {
                        "broken" => {
                            config.broken_links =
                                match r.choice("broken", &l.node, &["error", "warn"]) {
                                    Some("warn") => Severity::Warning,
                                    _ => Severity::Error,
                                }
                        }
                        _ => r.unknown_key(l, "`links`", &["broken"]),
                    }
                }
            }
            "tags" => {
                config.tags = Some(
                    r.string_list("tags", n)
                        .into_iter()
                        .map(|(t, _)| normalize_tag(&t))
                        .collect(),
                )
            }
            "kinds" => config.kinds.apply_config(n, &mut r),
            "markdown" => {
                for m in r.map("`markdown`", n) {
                    match m.key.as_str() {
                        "raw_html" => {
                            config.raw_html = r.bool("raw_html", &m.node).unwrap_or(false)
                        }
                        _ => r.unknown_key(m, "`markdown`", &["raw_html"]),
                    }
                }
            }
            "feed" => {
                for f in r.map("`feed`", n) {
                    match f.key.as_str() {
                        "limit" => {
                            config.feed_limit = r.uint("limit", &f.node).unwrap_or(20) as usize
                        }
                        _ => r.unknown_key(f, "`feed`", &["limit"]),
                    }
                }
            }
            "content" => {
                if let Some(s) = r.string("content", n) {
                    match ContentDir::named(&s) {
                        Ok(c) => config.content = c,
                        Err(msg) => r.error(n.pos, msg),
                    }
                }
            }
            "front_matter" => {
                for f in r.map("`front_matter`", n) {
                    match f.key.as_str() {
                        "ignore" => {
                            config.front_matter.ignore = r
                                .string_list("ignore", &f.node)
                                .into_iter()
                                .map(|(k, _)| k)
                                .collect()
                        }
                        "unknown" => {
                            let choice = r.choice("unknown", &f.node, &["allow", "warn", "error"]);
                            config.front_matter.given = choice.is_some();
                            config.front_matter.unknown = match choice {
                                Some("allow") => None,
                                Some("error") => Some(Severity::Error),
                                _ => Some(Severity::Warning),
                            };
                        }
                        _ => r.unknown_key(f, "`front_matter`", &["ignore", "unknown"]),
                    }
                }
            }
            "paginate" => match &n.value {
                crate::yaml::Value::Bool(false) => config.paginate = Paginate::OFF,
                crate::yaml::Value::Int(i) if *i >= 1 => {
                    config.paginate = Paginate::every(usize::try_from(*i).unwrap_or(usize::MAX))
                }
                _ => r.error_on(
                    n,
                    "`paginate` must be a number of entries per page (at least 1) or false",
                ),
            },
            "status" => config.status = Some(n.clone()),
            "checks" => config.checks = Some(n.clone()),
            "new" => {
                for x in r.map("`new`", n) {
                    match x.key.as_str() {
                        "owners" => {
                            let owners = r.string_list("owners", &x.node);
                            config.new_owners = Some(owners.into_iter().map(|(o, _)| o).collect())
                        }
                        _ => r.unknown_key(x, "`new`", &["owners"]),
                    }
                }
            }
            "attachments" => {
                for a in r.map("`attachments`", n) {
                    match a.key.as_str() {
                        "active" => {
                            config.active_attachments =
                                r.choice("active", &a.node, &["allow", "refuse"]) == Some("allow")
                        }
                        _ => r.unknown_key(a, "`attachments`", &["active"]),
                    }
                }
            }
            "repository" => config.repository = crate::repository::read(&mut r, n),
            _ => r.unknown_key(e, "site.yaml", &KEYS),
        }
    }
    config.kinds.set_content_dir(config.content.as_str());
    if !has_title && !r.diags.has_errors() {
        r.warning(
            Pos::START,
            "site.yaml has no `title`; using \"Engineering\"",
        );
    }
    diags.show_source(CONFIG_FILE, text);
    (config, diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_config() {
        let (c, d) = parse(
            "title: Acme\nbase_url: https://eng.acme.example/docs/\nlinks: { broken: warn }\ntags: [Reliability, Cost]\nmarkdown:\n  raw_html: true\nkinds:\n  rfc: {label: RFC}\nchecks: []\n",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.title, "Acme");
        assert_eq!(c.base_url.prefix(), "/docs/");
        assert_eq!(c.broken_links, Severity::Warning);
        assert_eq!(c.tags.unwrap(), ["reliability", "cost"]);
        assert!(c.raw_html);
        assert!(c.kinds.find("rfc").is_some());
        assert!(c.checks.is_some());
        assert_eq!(c.new_owners, None);
        assert!(!c.active_attachments);
        let (c, d) = parse("title: A\nattachments: { active: allow }\n");
        assert!(d.is_empty(), "{d:?}");
        assert!(c.active_attachments);
    }

    #[test]
    fn paginate_is_entries_per_page_or_off() {
        let (c, d) = parse("title: A\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.paginate.pages(300), 1);
        assert_eq!(c.paginate.pages(301), 4);
        let (c, d) = parse("title: A\npaginate: 10\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.paginate.pages(10), 1);
        assert_eq!(c.paginate.pages(11), 2);
        assert_eq!(c.paginate.range(25, 3), 20..25);
        let (c, d) = parse("title: A\npaginate: false\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.paginate.pages(1_000_000), 1);
        assert_eq!(c.paginate.range(7, 1), 0..7);
        for bad in ["paginate: 0", "paginate: true", "paginate: many"] {
            let (_, d) = parse(&format!("title: A\n{bad}\n"));
            assert_eq!(
                d.into_sorted()[0].to_string(),
                "site.yaml:2:1: error: `paginate` must be a number of entries per page (at least 1) or false",
                "{bad}"
            );
        }
    }

    #[test]
    fn new_owners() {
        let (c, d) = parse("title: A\nnew:\n  owners: [team-a, Ada]\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.new_owners.unwrap(), ["team-a", "Ada"]);
        let (_, d) = parse("title: A\nnew:\n  owner: x\n");
        assert_eq!(
            d.into_sorted()[0].to_string(),
            "site.yaml:3:3: warning: unknown key `owner` in `new` (did you mean `owners`?)"
        );
    }

    #[test]
    fn problems_are_diagnostics_with_positions() {
        let (_, d) =
            parse("title: Acme\nbase_url: ftp//nope\ntitel: x\nlinks:\n  broken: sometimes\n");
        let out: Vec<String> = d.into_sorted().iter().map(|d| d.to_string()).collect();
        assert_eq!(
            out,
            [
                "site.yaml:2:1: error: `base_url`: `ftp//nope` is not a URL (expected e.g. https://example.org/docs/)",
                "site.yaml:3:1: warning: unknown key `titel` in site.yaml (did you mean `title`?)",
                "site.yaml:5:3: error: `broken` must be one of error, warn, found `sometimes`",
            ]
        );
    }

    #[test]
    fn syntax_error_is_reported() {
        let (_, d) = parse("title: [x\n");
        assert!(d.has_errors());
    }
}
