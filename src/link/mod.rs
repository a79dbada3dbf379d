//! The link stage: gives every document its URL, resolves front-matter relations and body
//! links, computes inverse relations and backlinks, and checks the rules that span documents
//! (unique ids and URLs, relation kinds, `supersedes` cycles, anchors, aliases).
//!
//! Takes the parsed documents by value and returns a [`Site`]: documents plus the resolved
//! graph, indexed by position. Pure: asset existence is checked against the list `source` read.

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::diag::{Diagnostic, Diagnostics, Pos, Severity, did_you_mean};
use crate::doc::Doc;
use crate::kinds::{KindId, KindTable};
use crate::markdown::LinkTarget;
use crate::names::{BaseUrl, SourcePath, UrlPath, slugify};
use crate::relation::Relation;

/// Documents with their URLs and the resolved graph between them. Index `i` everywhere is
/// `docs[i]`.
#[derive(Debug, Default)]
pub struct Site {
    pub docs: Vec<Doc>,
    pub urls: Vec<UrlPath>,
    /// Resolved front-matter relations, in the order written.
    pub relations: Vec<Vec<(Relation, usize)>>,
    /// The same relations seen from their targets.
    pub inverse: Vec<Vec<(Relation, usize)>>,
    /// Documents whose body links here, sorted, without duplicates.
    pub backlinks: Vec<Vec<usize>>,
    /// Where each body link goes, aligned with `docs[i].outline.links`.
    pub links: Vec<Vec<Resolved>>,
    /// Redirect pages: old path → document.
    pub aliases: Vec<(UrlPath, usize)>,
    lookup: Lookup,
    /// Drafts left out of this build, kept so the documents can be linked again.
    left_out: Vec<Doc>,
    /// The diagnostics of each document's body links (also in what [`link`] returned).
    body_diags: Vec<Vec<Diagnostic>>,
}

/// Where a body link goes. Kept compact (a document is an index, not a copied URL and title)
/// and turned into an `href` only for the pages that are rendered.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Resolved {
    /// External, site-absolute or a plain same-page anchor: left as written.
    Keep,
    /// Another document (or this one), at a heading when `anchor` is set.
    Doc { doc: usize, anchor: Option<String> },
    /// A heading of this document, written as a wikilink `[[#heading]]`.
    Local(String),
    /// A file copied from `content/`, at its site path.
    Asset {
        url: UrlPath,
        anchor: Option<String>,
    },
    /// Unresolved or refused: shown as text.
    Broken,
}

/// Resolves the body links of document `i`: where each goes, and the problems found.
fn resolve_body(
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
                problems.push(diag(severity, &d.file, pos, msg));
                targets.push(Resolved::Broken);
            }
        }
    }
    (targets, problems)
}

/// The other documents that `i`'s links point at (each once).
fn targets_of(i: usize, targets: &[Resolved]) -> Vec<usize> {
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

/// Whether an edit from `old` to `new` can change only `new`'s own body links: the same file,
/// kind, id, status, aliases, relations and headings (anything another document's link or
/// the link stage's checks could see).
fn same_identity(old: &Doc, new: &Doc) -> bool {
    old.source == new.source
        && old.is_index == new.is_index
        && old.kind == new.kind
        && old.id == new.id
        && old.id_pos == new.id_pos
        && old.draft == new.draft
        && old.status == new.status
        && old.aliases == new.aliases
        && old.relations == new.relations
        && old.outline.headings.len() == new.outline.headings.len()
        && old
            .outline
            .headings
            .iter()
            .zip(&new.outline.headings)
            .all(|(a, b)| a.anchor == b.anchor)
}

/// The diagnostics of one document's body links before and after an in-place update.
pub struct BodyUpdate {
    pub removed: Vec<Diagnostic>,
    pub added: Vec<Diagnostic>,
}

impl Site {
    /// Replaces a document with an edited version whose change no other document can see
    /// (see `same_identity`): only its own body links are resolved again and the backlinks
    /// they feed updated. Anything else gives the document back, to link the site afresh.
    pub fn update_body(
        &mut self,
        doc: Doc,
        config: &SiteConfig,
        assets: &[SourcePath],
    ) -> Result<BodyUpdate, Box<Doc>> {
        let Some(i) = self.docs.iter().position(|d| d.source == doc.source) else {
            return Err(Box::new(doc));
        };
        if !same_identity(&self.docs[i], &doc) {
            return Err(Box::new(doc));
        }
        self.docs[i] = doc;
        let asset_set: HashSet<&str> = assets.iter().map(SourcePath::as_str).collect();
        let (targets, problems) = resolve_body(i, &self.docs, &self.lookup, &asset_set, config);
        for j in targets_of(i, &self.links[i]) {
            self.backlinks[j].retain(|&b| b != i);
        }
        for j in targets_of(i, &targets) {
            if let Err(at) = self.backlinks[j].binary_search(&i) {
                self.backlinks[j].insert(at, i);
            }
        }
        self.links[i] = targets;
        let removed = std::mem::replace(&mut self.body_diags[i], problems.clone());
        Ok(BodyUpdate {
            removed,
            added: problems,
        })
    }

    /// Every document given to [`link`], drafts included, to link again after a change.
    pub fn into_docs(self) -> Vec<Doc> {
        let mut docs = self.docs;
        docs.extend(self.left_out);
        docs
    }

    /// The links of document `i` as the Markdown renderer takes them.
    pub fn link_targets(&self, i: usize, base: &BaseUrl) -> Vec<LinkTarget> {
        let with_anchor = |mut href: String, anchor: &Option<String>| {
            if let Some(a) = anchor {
                href.push('#');
                href.push_str(a);
            }
            href
        };
        self.links[i]
            .iter()
            .map(|r| match r {
                Resolved::Keep => LinkTarget::Keep,
                Resolved::Broken => LinkTarget::Broken,
                Resolved::Doc { doc, anchor } => LinkTarget::Url {
                    href: with_anchor(base.href(&self.urls[*doc]), anchor),
                    title: Some(self.docs[*doc].title.clone()),
                },
                Resolved::Local(a) => LinkTarget::Url {
                    href: format!("#{a}"),
                    title: None,
                },
                Resolved::Asset { url, anchor } => LinkTarget::Url {
                    href: with_anchor(base.href(url), anchor),
                    title: None,
                },
            })
            .collect()
    }

    /// Documents of one kind (not folder intros), in id order.
    pub fn of_kind(&self, kind: KindId) -> impl Iterator<Item = usize> + '_ {
        self.docs
            .iter()
            .enumerate()
            .filter(move |(_, d)| d.kind == kind && !d.is_index)
            .map(|(i, _)| i)
    }
}

/// Paths the site writes itself, from the page types `render` registers; a document may not
/// take them.
pub static RESERVED: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(crate::render::reserved);

/// Whether documents of `kind` get a print packet: kinds in the middle of the `serves` chain,
/// which serve something and are served by another kind (strategies, by default).
pub fn has_packet(kinds: &KindTable, kind: KindId) -> bool {
    let k = kinds.get(kind);
    !k.is_page()
        && !k.serves.is_empty()
        && kinds
            .iter()
            .any(|(_, other)| other.serves.contains(&k.name))
}

/// Where a document's print packet lives: below its own URL.
pub fn packet_url(url: &UrlPath) -> UrlPath {
    UrlPath::page(url.as_str().split('/').chain(["packet"]))
}

/// Packet URL → the document it belongs to, so no document or alias can take that address.
fn packet_urls(docs: &[Doc], urls: &[UrlPath], config: &SiteConfig) -> HashMap<UrlPath, usize> {
    (0..docs.len())
        .filter(|&i| !docs[i].is_index && has_packet(&config.kinds, docs[i].kind))
        .map(|i| (packet_url(&urls[i]), i))
        .collect()
}

/// The URL of a document (folder intros get their folder's URL).
pub fn doc_url(doc: &Doc, config: &SiteConfig) -> UrlPath {
    let kind = config.kinds.get(doc.kind);
    if doc.is_index {
        let dir = doc.source.dir();
        if let Some(k) = dir
            .split('/')
            .next()
            .and_then(|top| config.kinds.by_folder(top))
            .filter(|_| !dir.contains('/'))
        {
            return UrlPath::page([config.kinds.get(k).folder.as_str()]);
        }
        let segs: Vec<String> = dir.split('/').map(slugify).collect();
        return UrlPath::page(segs.iter().map(String::as_str));
    }
    if kind.is_page() {
        let segs: Vec<String> = doc.source.without_ext().split('/').map(slugify).collect();
        UrlPath::page(segs.iter().map(String::as_str))
    } else {
        UrlPath::page([kind.folder.as_str(), doc.id.as_str()])
    }
}

/// Finds documents by content path, `kind/id` or bare id. Kept in the [`Site`] so later stages
/// (check links, commands) resolve references exactly as body links do.
#[derive(Debug, Default)]
pub struct Lookup {
    by_path: HashMap<String, usize>,
    by_kind_id: HashMap<(KindId, String), usize>,
    by_id: HashMap<String, Vec<usize>>,
    /// Paths and ids of drafts left out of this build.
    drafts: HashSet<String>,
}

/// Why a reference did not resolve.
enum RefError {
    Unknown(String),
    Ambiguous(Vec<String>),
    Draft,
}

impl Lookup {
    fn new(docs: &[Doc], left_out: &[Doc]) -> Self {
        let mut idx = Lookup::default();
        for (i, d) in docs.iter().enumerate() {
            if d.is_index {
                idx.by_path.insert(d.source.dir().to_string(), i);
                continue;
            }
            idx.by_path.insert(d.source.without_ext().to_string(), i);
            idx.by_kind_id
                .entry((d.kind, d.id.to_string()))
                .or_insert(i);
            idx.by_id.entry(d.id.to_string()).or_default().push(i);
        }
        for d in left_out {
            idx.drafts.insert(d.source.without_ext().to_string());
            idx.drafts.insert(d.id.to_string());
        }
        idx
    }

    fn path(&self, path: &str) -> Option<usize> {
        self.by_path.get(path).copied()
    }

    /// Resolves `[[target]]` or a relation target: a content path, `kind/id`, or a bare id.
    fn resolve(&self, target: &str, docs: &[Doc], config: &SiteConfig) -> Result<usize, RefError> {
        let target = target.trim();
        let target = crate::names::strip_doc_ext(target)
            .unwrap_or(target)
            .trim_matches('/');
        if let Some(i) = self.path(target) {
            return Ok(i);
        }
        if let Some((prefix, id)) = target.split_once('/') {
            let kind = config
                .kinds
                .find(prefix)
                .or_else(|| config.kinds.by_folder(prefix));
            if let Some(&i) = kind.and_then(|k| self.by_kind_id.get(&(k, id.to_string()))) {
                return Ok(i);
            }
        } else {
            match self.by_id.get(target).map(Vec::as_slice) {
                Some([i]) => return Ok(*i),
                Some(many) if many.len() > 1 => {
                    return Err(RefError::Ambiguous(
                        many.iter().map(|&i| docs[i].file.clone()).collect(),
                    ));
                }
                _ => {}
            }
        }
        if self.drafts.contains(target) {
            return Err(RefError::Draft);
        }
        let hint = did_you_mean(
            target,
            self.by_id
                .keys()
                .map(String::as_str)
                .chain(self.by_path.keys().map(String::as_str)),
        )
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
        Err(RefError::Unknown(hint))
    }
}

impl Site {
    /// Resolves a reference written as in a wikilink (`id`, `kind/id`, `folder/page`), with the
    /// same rules and messages as body links.
    pub fn resolve(&self, target: &str, config: &SiteConfig) -> Result<usize, String> {
        self.lookup
            .resolve(target, &self.docs, config)
            .map_err(|e| ref_message(target, e))
    }
}

fn ref_message(target: &str, err: RefError) -> String {
    match err {
        RefError::Unknown(hint) => format!("unknown document `{target}`{hint}"),
        RefError::Ambiguous(files) => {
            format!(
                "`{target}` is ambiguous: {} all have this id; write `kind/id` instead",
                files.join(" and ")
            )
        }
        RefError::Draft => {
            format!("`{target}` is a draft and is left out of this build (build with --drafts)")
        }
    }
}

/// Links documents into a site. Drafts are left out unless `drafts` is set.
pub fn link(
    all: Vec<Doc>,
    config: &SiteConfig,
    drafts: bool,
    assets: &[SourcePath],
) -> (Site, Diagnostics) {
    let mut diags = Diagnostics::new();
    let (docs, left_out): (Vec<Doc>, Vec<Doc>) = all.into_iter().partition(|d| drafts || !d.draft);
    let urls: Vec<UrlPath> = docs.iter().map(|d| doc_url(d, config)).collect();
    check_unique(&docs, &urls, config, &mut diags);
    check_tag_pages(&docs, &mut diags);
    let idx = Lookup::new(&docs, &left_out);
    let broken = config.broken_links;

    let n = docs.len();
    let mut relations = vec![Vec::new(); n];
    let mut inverse = vec![Vec::new(); n];
    for (i, d) in docs.iter().enumerate() {
        let kind = config.kinds.get(d.kind);
        for r in &d.relations {
            let j = match idx.resolve(&r.target, &docs, config) {
                Ok(j) => j,
                Err(e) => {
                    diags.push(diag(
                        broken,
                        &d.file,
                        r.pos,
                        format!("`{}`: {}", r.relation.key(), ref_message(&r.target, e)),
                    ));
                    continue;
                }
            };
            let target = &docs[j];
            let tkind = config.kinds.get(target.kind);
            let fits = match r.relation {
                Relation::Serves => kind.serves.contains(&tkind.name),
                Relation::Uses => kind.uses.contains(&tkind.name),
                Relation::Supersedes => target.kind == d.kind,
                Relation::Related => true,
            };
            if i == j {
                diags.error(
                    &d.file,
                    r.pos,
                    format!("`{}`: a document cannot point at itself", r.relation.key()),
                );
                continue;
            }
            if target.is_index {
                diags.error(
                    &d.file,
                    r.pos,
                    format!(
                        "`{}`: `{}` is a folder introduction, not a document",
                        r.relation.key(),
                        r.target
                    ),
                );
                continue;
            }
            if !fits {
                let allowed = match r.relation {
                    Relation::Serves => &kind.serves,
                    Relation::Uses => &kind.uses,
                    _ => &vec![kind.name.clone()],
                };
                diags.error(
                    &d.file,
                    r.pos,
                    format!(
                        "`{}`: `{}` is a {}, but a {} may only {} a {}",
                        r.relation.key(),
                        r.target,
                        tkind.name,
                        kind.name,
                        if r.relation == Relation::Supersedes {
                            "supersede"
                        } else {
                            r.relation.key().trim_end_matches('s')
                        },
                        allowed.join(" or a ")
                    ),
                );
                continue;
            }
            if r.relation == Relation::Supersedes && target.status.as_deref() != Some("superseded")
            {
                diags.warning(
                    &d.file,
                    r.pos,
                    format!("`{}` is superseded by this document but its status is `{}`; set it to `superseded`", r.target, target.status.as_deref().unwrap_or("none")),
                );
            }
            if !relations[i].contains(&(r.relation, j)) {
                relations[i].push((r.relation, j));
                inverse[j].push((r.relation, i));
            }
        }
    }
    for inv in &mut inverse {
        inv.sort();
    }
    check_supersede_cycles(&docs, &relations, &mut diags);

    let asset_set: HashSet<&str> = assets.iter().map(SourcePath::as_str).collect();
    // Body links of different documents resolve independently: the bulk of this stage's work.
    let resolved: Vec<(Vec<Resolved>, Vec<crate::diag::Diagnostic>)> = docs
        .par_iter()
        .enumerate()
        .map(|(i, _)| resolve_body(i, &docs, &idx, &asset_set, config))
        .collect();
    let mut backlinks = vec![Vec::new(); n];
    let mut links = Vec::with_capacity(n);
    let mut body_diags = Vec::with_capacity(n);
    for (i, (targets, problems)) in resolved.into_iter().enumerate() {
        for j in targets_of(i, &targets) {
            backlinks[j].push(i);
        }
        diags.extend(problems.iter().cloned().collect());
        links.push(targets);
        body_diags.push(problems);
    }
    for b in &mut backlinks {
        b.sort_unstable();
        b.dedup();
    }

    let aliases = collect_aliases(&docs, &urls, config, &mut diags);
    let site = Site {
        docs,
        urls,
        relations,
        inverse,
        backlinks,
        links,
        aliases,
        lookup: idx,
        left_out,
        body_diags,
    };
    (site, diags)
}

fn diag(severity: Severity, file: &str, pos: Pos, msg: String) -> crate::diag::Diagnostic {
    crate::diag::Diagnostic::new(severity, file, pos, msg)
}

/// Ids unique per kind, URLs unique across the site and clear of generated pages.
fn check_unique(docs: &[Doc], urls: &[UrlPath], config: &SiteConfig, diags: &mut Diagnostics) {
    let mut seen: BTreeMap<&UrlPath, usize> = BTreeMap::new();
    let packets = packet_urls(docs, urls, config);
    for (i, url) in urls.iter().enumerate() {
        let d = &docs[i];
        if RESERVED.contains(&url.as_str()) {
            diags.error(
                &d.file,
                d.id_pos,
                format!("`{url}` is a page the site writes itself; rename this document"),
            );
            continue;
        }
        if let Some(&owner) = packets.get(url) {
            diags.error(
                &d.file,
                d.id_pos,
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
            diags.error(&d.file, d.id_pos, msg);
        } else {
            seen.insert(url, i);
        }
    }
}

/// Tags that are spelled differently but get the same page (`c++` and `c` both become
/// `/tags/c/`): one would overwrite the other.
fn check_tag_pages(docs: &[Doc], diags: &mut Diagnostics) {
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

fn check_supersede_cycles(
    docs: &[Doc],
    relations: &[Vec<(Relation, usize)>],
    diags: &mut Diagnostics,
) {
    // 0 = unvisited, 1 = on the current path, 2 = done.
    let mut state = vec![0u8; docs.len()];
    fn visit(
        i: usize,
        rel: &[Vec<(Relation, usize)>],
        state: &mut [u8],
        path: &mut Vec<usize>,
        cycles: &mut Vec<Vec<usize>>,
    ) {
        state[i] = 1;
        path.push(i);
        for &(r, j) in &rel[i] {
            if r != Relation::Supersedes {
                continue;
            }
            if state[j] == 1 {
                let start = path.iter().position(|&p| p == j).unwrap_or(0);
                cycles.push(path[start..].to_vec());
            } else if state[j] == 0 {
                visit(j, rel, state, path, cycles);
            }
        }
        path.pop();
        state[i] = 2;
    }
    let mut cycles = Vec::new();
    for i in 0..docs.len() {
        if state[i] == 0 {
            visit(i, relations, &mut state, &mut Vec::new(), &mut cycles);
        }
    }
    for cycle in cycles {
        let first = cycle[0];
        let names: Vec<&str> = cycle
            .iter()
            .chain([&first])
            .map(|&i| docs[i].id.as_str())
            .collect();
        let d = &docs[first];
        let pos = d
            .relations
            .iter()
            .find(|r| r.relation == Relation::Supersedes)
            .map_or(Pos::START, |r| r.pos);
        diags.error(
            &d.file,
            pos,
            format!("`supersedes` forms a cycle: {}", names.join(" → ")),
        );
    }
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

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        // Two hex digits, looked at as bytes: slicing the text could cut a character in two
        // (`%é`), and `from_str_radix` would take a sign (`%+f`).
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The longest part of an alias path: each part is a folder in the output, and file systems
/// refuse names over 255 bytes.
const MAX_SEGMENT: usize = 200;

/// Alias paths become redirect pages; they must stay inside the site and not clash.
fn collect_aliases(
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
            if taken.contains(&url) || RESERVED.contains(&url.as_str()) || url.as_str() == "/" {
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

#[cfg(test)]
mod tests;
