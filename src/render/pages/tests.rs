//! Every page type's digest is its view: shown by recording the compact form the digest is
//! taken from, field by field, for one page of every registered type.

use std::collections::BTreeSet;

use super::*;
use crate::config::SiteConfig;
use crate::highlight::Highlighter;
use crate::render::digest::{At, PageDigest, Sink};
use crate::render::views::{LINK, LinkFields, LinkView};
use crate::render::{RenderEnv, Templates};
use crate::testing::linked;

/// The compact form of a view as the digest receives it: every write, with where in the view
/// it happened (`doc.relations.0.items.1.title`).
#[derive(Default)]
pub(in crate::render) struct Tokens {
    path: Vec<String>,
    /// Inside a map key, whose bytes name the entry.
    in_key: bool,
    tokens: Vec<Token>,
}

#[derive(Debug, Clone)]
struct Token {
    at: String,
    bytes: Vec<u8>,
    leaf: bool,
    /// Part of a map key, which names a value rather than being one.
    key: bool,
}

impl Sink for Tokens {
    fn write(&mut self, bytes: &[u8], leaf: bool) {
        if self.in_key && leaf {
            let last = self.path.last_mut().expect("a map key is inside an entry");
            last.push_str(&String::from_utf8_lossy(bytes));
        }
        let at: Vec<&str> = self
            .path
            .iter()
            .map(String::as_str)
            .filter(|p| !p.is_empty())
            .collect();
        self.tokens.push(Token {
            at: at.join("."),
            bytes: bytes.to_vec(),
            leaf,
            key: self.in_key,
        });
    }

    fn enter(&mut self, at: At) {
        self.path.push(match at {
            // Its fields are beside the field's siblings in the readable form.
            At::Field(crate::render::FLAT) => String::new(),
            At::Field(name) => name.to_string(),
            At::Item(i) => i.to_string(),
            At::Entry => {
                self.in_key = true;
                String::new()
            }
        });
    }

    fn value(&mut self) {
        self.in_key = false;
    }

    fn leave(&mut self) {
        self.path.pop();
    }
}

/// The digest of a page whose compact form is `tokens`.
fn digest_of(start: PageDigest, tokens: &[Token]) -> u64 {
    let mut d = start;
    for t in tokens {
        d.write(&t.bytes, t.leaf);
    }
    d.finish()
}

/// Fields whose readable form is made from what their compact form holds (a body's HTML from
/// its source, a drawing from its graph): the only places the two forms may differ.
const MADE: [&str; 4] = ["intro", "content", "neighbourhood", "svg"];

/// The fields of a link to a document, which digests hold by their own digest.
const LINK_FIELDS: [&str; 7] = [
    "title",
    "href",
    "kind",
    "kind_label",
    "status",
    "summary",
    "date",
];

/// The value at `path` in a readable form.
fn find<'v>(v: &'v serde_json::Value, path: &str) -> &'v serde_json::Value {
    path.split('.')
        .filter(|p| !p.is_empty())
        .fold(v, |v, p| match v {
            serde_json::Value::Array(a) => &a[p.parse::<usize>().unwrap()],
            v => &v[p],
        })
}

/// The digest of the link whose fields `v` shows.
fn link_digest(v: &serde_json::Value) -> u64 {
    let text = |k: &str| v[k].as_str().map(String::from);
    LinkView::new(LinkFields {
        title: text("title").unwrap(),
        href: text("href").unwrap(),
        kind: text("kind").unwrap(),
        kind_label: text("kind_label").unwrap(),
        status: text("status"),
        summary: text("summary"),
        date: text("date"),
    })
    .digest()
}

/// Every leaf of the readable form: its path and value.
fn leaves(v: &serde_json::Value, at: &str, out: &mut Vec<(String, serde_json::Value)>) {
    let join = |k: &str| {
        if at.is_empty() {
            k.to_string()
        } else {
            format!("{at}.{k}")
        }
    };
    match v {
        serde_json::Value::Object(m) => m.iter().for_each(|(k, v)| leaves(v, &join(k), out)),
        // Bytes (a static file) are one leaf in the compact form.
        serde_json::Value::Array(a)
            if !a.is_empty() && a.iter().all(|x| x.as_u64().is_some_and(|n| n < 256)) =>
        {
            out.push((at.to_string(), v.clone()))
        }
        serde_json::Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, v)| leaves(v, &join(&i.to_string()), out)),
        leaf => out.push((at.to_string(), leaf.clone())),
    }
}

/// The bytes the compact form holds for a readable leaf.
fn compact_bytes(v: &serde_json::Value) -> Vec<u8> {
    match v {
        serde_json::Value::Null => vec![0],
        serde_json::Value::Bool(b) => vec![u8::from(*b)],
        serde_json::Value::Number(n) => n.as_i64().expect("whole numbers").to_le_bytes().to_vec(),
        serde_json::Value::String(s) => s.as_bytes().to_vec(),
        serde_json::Value::Array(a) => a.iter().map(|x| x.as_u64().unwrap() as u8).collect(),
        serde_json::Value::Object(_) => unreachable!("not a leaf"),
    }
}

const STRATEGY: &str = "---\ntitle: Cloud\nstatus: active\ncreated: 2026-01-01\nupdated: 2026-02-01\nreview_by: 2026-05-20\nserves: [north]\nuses: [backstop]\ntags: [cost, infra]\nowners: [ana]\naliases: [/old/cloud/]\nsummary: Move to the cloud.\n---\n## Problem\n\nSee [[north]] and [[runbooks/backups]].\n\n## Guiding policy\n\n```rust\nfn f() {}\n```\n\n## Actions\n\nz\n";
const VISION: &str = "---\ntitle: North\nstatus: active\nhorizon: 2030\ntags: [cost]\n---\n## Vision statement\n\nv\n";
const PATTERN: &str = "---\ntitle: Backstop\nstatus: active\n---\n## How it goes\n\nOne page.\n";
const DECISION: &str = "---\ntitle: Pick a region\nstatus: accepted\ncreated: 2026-03-01\nserves: [cloud]\n---\n## Context\n\nc\n\n## Decision\n\nd\n\n## Consequences\n\ne\n";
const PAGE: &str = "# Backups\n\nNightly, see [[cloud]].\n";

fn files() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "_index.md",
            "---\ntitle: Handbook\n---\nWelcome to [[north]].\n",
        ),
        (
            "strategies/_index.md",
            "---\ntitle: Our strategies\n---\nHow we choose.\n",
        ),
        ("strategies/cloud.md", STRATEGY),
        ("visions/north.md", VISION),
        ("patterns/backstop.md", PATTERN),
        ("decisions/region.md", DECISION),
        ("runbooks/backups.md", PAGE),
    ]
}

#[test]
fn every_page_types_digest_is_taken_from_every_field_of_its_view() {
    let config = SiteConfig::default();
    let site = linked(&config, &files());
    let hl = Highlighter::new();
    let templates = Templates::new(&crate::theme::Theme::builtin(), &hl).unwrap();
    let report = crate::render::tests::empty_report();
    let env = RenderEnv {
        today: "2026-05-01".parse().unwrap(),
        status: Some(&report),
        history: None,
    };
    let r = Renderer::new(&site, &config, &templates, &hl, env).unwrap();
    let mut seen = BTreeSet::new();
    for page in r.pages() {
        seen.insert(page.kind());
        let url = url(&r, &page);
        let prepared = r.prepare(&page);
        let Some(digest) = prepared.digest() else {
            // Made anew on every run; nothing to keep in sync.
            assert!(["status", "status_json"].contains(&page.kind()), "{page:?}");
            continue;
        };
        let mut recorded = Tokens::default();
        prepared.made.compact(&mut recorded);
        let tokens = recorded.tokens;
        let start = || r.digest_start(&url, prepared.template);
        assert_eq!(
            digest_of(start(), &tokens),
            digest,
            "{page:?}: the recorded view is what its digest holds"
        );

        // Change any one value of the view, and the digest changes.
        let values: Vec<usize> = (0..tokens.len()).filter(|&i| tokens[i].leaf).collect();
        assert!(!values.is_empty(), "{page:?}");
        for &i in &values {
            let mut changed = tokens.clone();
            match changed[i].bytes.last_mut() {
                Some(b) => *b ^= 1,
                None => changed[i].bytes.push(0),
            }
            assert_ne!(
                digest_of(start(), &changed),
                digest,
                "{page:?}: changing {} leaves the digest as it was",
                tokens[i].at
            );
        }

        // Everything the template (or the file's writer) sees is in that stream, value for
        // value, except what is made from the stream's own inputs.
        let shown = prepared.made.readable();
        let mut readable = Vec::new();
        leaves(&shown, "", &mut readable);
        for (at, value) in readable {
            let (parent, last) = at.rsplit_once('.').unwrap_or(("", &at));
            if LINK_FIELDS.contains(&last) {
                // A link to a document is in the digest by the digest of its fields.
                let key = if parent.is_empty() {
                    LINK.to_string()
                } else {
                    format!("{parent}.{LINK}")
                };
                let found = tokens.iter().find(|t| t.leaf && !t.key && t.at == key);
                // Every field of a link shown: it is a link, held by its digest alone
                // (beside other fields too, where serde's `flatten` would spell it out).
                let link = find(&shown, parent);
                let whole = LINK_FIELDS.iter().all(|f| link.get(f).is_some());
                assert!(
                    found.is_some() || !whole,
                    "{page:?}: the link at {parent} is in the digest field by field"
                );
                if let Some(t) = found {
                    assert_eq!(
                        t.bytes,
                        link_digest(link).to_le_bytes(),
                        "{page:?}: the link at {parent} is not in the digest as shown"
                    );
                    continue;
                }
            }
            if MADE.contains(&last) {
                assert!(
                    tokens.iter().any(|t| t.leaf
                        && !t.key
                        && (t.at == at || t.at.starts_with(&format!("{at}.")))),
                    "{page:?}: {at} is shown but nothing it is made from is in the digest"
                );
                continue;
            }
            let want = compact_bytes(&value);
            assert!(
                tokens
                    .iter()
                    .any(|t| t.leaf && !t.key && t.at == at && t.bytes == want),
                "{page:?}: {at} = {value} is shown but not in the digest"
            );
        }
    }
    let registered: BTreeSet<&str> = TYPES.iter().map(|t| t.name()).collect();
    assert_eq!(seen, registered, "the fixture has a page of every type");
}

#[test]
fn a_document_enters_other_pages_by_what_they_show_not_by_its_position() {
    let config = SiteConfig::default();
    let hl = Highlighter::new();
    let templates = Templates::new(&crate::theme::Theme::builtin(), &hl).unwrap();
    let env = RenderEnv {
        today: "2026-05-01".parse().unwrap(),
        status: None,
        history: None,
    };
    let digests = |files: &[(&str, &str)]| {
        let site = linked(&config, files);
        let r = Renderer::new(&site, &config, &templates, &hl, env).unwrap();
        r.pages()
            .into_iter()
            .map(|p| (r.out_path(&p).to_string(), r.digest(&p)))
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    let before = digests(&files());
    // A page sorted before every other document, shown by none of the pages below.
    let mut more = files();
    more.insert(0, ("aaa.md", "# Aside\n\nNothing links here.\n"));
    let after = digests(&more);
    for page in [
        "strategies/cloud/index.html",
        "strategies/cloud/packet/index.html",
        "visions/north/index.html",
        "decisions/region/index.html",
        "tags/cost/index.html",
        "static/style.css",
    ] {
        assert_eq!(before[page], after[page], "{page}");
    }
    for page in ["sitemap.xml", "search.json"] {
        assert_ne!(before[page], after[page], "{page} lists it");
    }
}

/// A field left out of a view's serialisation would be left out of its digest, yet a file's
/// writer can still read it. Views therefore leave nothing out unconditionally (leaving out an
/// empty value, `skip_serializing_if`, leaves it out of both).
#[test]
fn no_view_field_is_hidden_from_its_digest() {
    fn visit(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                visit(&path, out);
            } else if path.extension().is_some_and(|x| x == "rs") {
                out.push((
                    path.display().to_string(),
                    std::fs::read_to_string(&path).unwrap(),
                ));
            }
        }
    }
    let mut files = Vec::new();
    visit(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/render"),
        &mut files,
    );
    assert!(files.len() > 20, "{files:?}");
    let attr = ["#[serde(", "skip"].concat();
    for (path, text) in files {
        for (n, line) in text.lines().enumerate() {
            let hidden = line.contains(&attr) && !line.contains("skip_serializing_if");
            assert!(!hidden, "{path}:{}: {line}", n + 1);
        }
    }
}

/// Pages hold a link to a document by its digest: any one field of the link changes it.
#[test]
fn a_links_digest_changes_with_any_of_its_fields() {
    let fields = || LinkFields {
        title: "Cloud".into(),
        href: "/strategies/cloud/".into(),
        kind: "strategy".into(),
        kind_label: "Strategy".into(),
        status: Some("active".into()),
        summary: None,
        date: Some("2026-01-01".into()),
    };
    let digest = LinkView::new(fields()).digest();
    let changes: [fn(&mut LinkFields); 7] = [
        |f| f.title.push('!'),
        |f| f.href.push('x'),
        |f| f.kind.push('s'),
        |f| f.kind_label.push('s'),
        |f| f.status = None,
        |f| f.summary = Some(String::new()),
        |f| f.date = Some("2026-01-02".into()),
    ];
    for (n, change) in changes.iter().enumerate() {
        let mut f = fields();
        change(&mut f);
        assert_ne!(LinkView::new(f).digest(), digest, "change {n}");
    }
    // Fields are told apart by their place: two values swapped change it too.
    let mut swapped = fields();
    std::mem::swap(&mut swapped.kind, &mut swapped.kind_label);
    assert_ne!(LinkView::new(swapped).digest(), digest);
}

/// A body enters its page's digest by its text and by where its links go as the page shows
/// them: renaming what an unlabelled link points at changes the pages that show the body,
/// though its text did not change. The packet shows the renamed page only through that link.
#[test]
fn a_bodys_digest_follows_where_its_links_go() {
    let config = SiteConfig::default();
    let hl = Highlighter::new();
    let templates = Templates::new(&crate::theme::Theme::builtin(), &hl).unwrap();
    let env = RenderEnv {
        today: "2026-05-01".parse().unwrap(),
        status: None,
        history: None,
    };
    let digests = |files: &[(&str, &str)]| {
        let site = linked(&config, files);
        let r = Renderer::new(&site, &config, &templates, &hl, env).unwrap();
        r.pages()
            .into_iter()
            .map(|p| (r.out_path(&p).to_string(), r.digest(&p)))
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    let before = digests(&files());
    let renamed: Vec<(&str, &str)> = files()
        .into_iter()
        .map(|(p, t)| match p {
            "runbooks/backups.md" => (p, "# Restores\n\nNightly, see [[cloud]].\n"),
            _ => (p, t),
        })
        .collect();
    let after = digests(&renamed);
    for page in [
        "strategies/cloud/index.html",
        "strategies/cloud/packet/index.html",
    ] {
        assert_ne!(before[page], after[page], "{page}");
    }
    assert_eq!(
        before["visions/north/index.html"],
        after["visions/north/index.html"]
    );
}
