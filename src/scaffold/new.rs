//! `cairn new`: checks a new document against the site, then writes it.
//!
//! Everything is checked before anything is written: the kind, the title, that the file does
//! not exist, and each relation target, resolved by the build's own rules (`Site::resolve`
//! after `pipeline::analyse`). Then the new text (and, with `supersedes`, the older document's
//! edited text) goes through parse and link beside the rest of the site; if that adds an
//! error anywhere, such as an id that makes other documents' links ambiguous, nothing is
//! written.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::config::CONFIG_FILE;
use crate::diag::{Diagnostic, Severity, did_you_mean, hint_of};
use crate::doc;
use crate::error::{Error, Result};
use crate::fence::{self, Fence};
use crate::kinds::Kind;
use crate::link;
use crate::names::SourcePath;
use crate::pipeline::{Analysis, BuildOptions, analyse};
use crate::relation::Relation;
use crate::source::{self, CONTENT_DIR, SourceFile};

use super::newdoc::{self, Draft};
use super::status_edit::set_status;

/// The status `--supersedes` gives the older document.
const SUPERSEDED: &str = "superseded";

#[derive(Debug, Clone)]
pub struct NewRequest {
    /// A kind name from the site's kinds table, e.g. `strategy` or a kind from `site.yaml`.
    pub kind: String,
    pub title: String,
    /// Relation targets in the order given, written as references (`id`, `kind/id`).
    pub relations: Vec<(Relation, String)>,
    /// The `created:` date.
    pub today: Date,
}

/// What `new` wrote, with paths relative to the site root.
#[derive(Debug)]
pub struct NewReport {
    pub path: PathBuf,
    /// The document marked superseded, and whether its file changed (it may already have been).
    pub superseded: Option<(PathBuf, bool)>,
    /// Warnings the new document would cause in a build (none unless the kind is unusual).
    pub warnings: Vec<Diagnostic>,
}

/// Writes a new document into the site at `root`. Problems with the request are
/// [`Error::Usage`]; a broken `site.yaml` is [`Error::Config`].
pub fn new_document(root: &Path, req: &NewRequest) -> Result<NewReport> {
    if !root.join(CONFIG_FILE).is_file() {
        return Err(Error::Usage(format!(
            "no {CONFIG_FILE} in {}; run `cairn init` to start a site, or pass --root",
            root.display()
        )));
    }
    // Drafts are read too, so that a reference to one gets a precise message.
    let mut opts = BuildOptions::new(root, req.today);
    opts.drafts = true;
    let a = analyse(&opts)?;
    let plan = plan(root, &a, req)?;
    write_new(root, &plan.rel, &plan.text)?;
    let superseded = match plan.old {
        Some(old) => {
            if let Some(edited) = &old.edited {
                let path = root.join(&old.rel);
                let written = Fence::new(root).overwrite(&path, edited.as_bytes());
                written.map_err(|e| Error::io(&path, e.into()))?;
            }
            Some((old.rel, old.edited.is_some()))
        }
        None => None,
    };
    Ok(NewReport {
        path: plan.rel,
        superseded,
        warnings: plan.warnings,
    })
}

/// Everything `new` will write, worked out and checked before the first write.
struct Plan {
    rel: PathBuf,
    text: String,
    old: Option<OldDoc>,
    warnings: Vec<Diagnostic>,
}

/// The document `--supersedes` names, and its edited text (`None`: already superseded).
struct OldDoc {
    index: usize,
    rel: PathBuf,
    edited: Option<String>,
}

fn plan(root: &Path, a: &Analysis, req: &NewRequest) -> Result<Plan> {
    let kinds = &a.config.kinds;
    let kind = match kinds.find(&req.kind) {
        Some(k) => kinds.get(k),
        None => return Err(Error::Usage(unknown_kind(&req.kind, a))),
    };
    let slug = newdoc::file_slug(&req.title).ok_or_else(|| {
        Error::Usage(format!(
            "cannot make a file name from the title `{}`: it needs letters or digits",
            req.title.trim()
        ))
    })?;
    let source = SourcePath::new(match kind.folder.as_str() {
        "" => format!("{slug}.md"),
        folder => format!("{folder}/{slug}.md"),
    });
    let rel = PathBuf::from(source::display_source(&source));
    if root.join(&rel).exists() {
        return Err(Error::Usage(format!(
            "{} already exists; choose another title, or edit that file",
            rel.display()
        )));
    }
    let not_written =
        |why: String| Error::Usage(format!("{} was not written: {why}", rel.display()));

    let mut relations: Vec<(Relation, String)> = Vec::new();
    for (r, t) in &req.relations {
        let t = t.trim().to_string();
        if !relations.contains(&(*r, t.clone())) {
            relations.push((*r, t));
        }
    }
    let mut problems = Vec::new();
    let mut superseded = None;
    for (r, target) in &relations {
        match check_target(a, kind, *r, target) {
            Ok(j) if *r == Relation::Supersedes => superseded = Some(j),
            Ok(_) => {}
            Err(msg) => problems.push(format!("\n  --{} {target}: {msg}", r.key())),
        }
    }
    if !problems.is_empty() {
        return Err(Error::Usage(format!(
            "{} was not written:{}",
            rel.display(),
            problems.concat()
        )));
    }

    let owners = match &a.config.new_owners {
        Some(owners) => owners.clone(),
        None => git_user_name(root).into_iter().collect(),
    };
    // A kind whose folder another kind claims first needs `kind:` to be read as itself.
    let by_folder = kinds
        .by_folder(&kind.folder)
        .map(|k| kinds.get(k).name.as_str());
    let text = newdoc::render(&Draft {
        kind,
        write_kind: !kind.is_page() && by_folder != Some(kind.name.as_str()),
        title: req.title.trim(),
        today: req.today,
        owners: &owners,
        relations: &relations,
    });
    let old = match superseded {
        Some(j) => Some(supersede(root, a, j).map_err(not_written)?),
        None => None,
    };

    let replaced = old.as_ref().and_then(|o| {
        let e = o.edited.as_ref()?;
        Some((
            o.index,
            source::normalize(e.as_bytes()).expect("edited text is UTF-8"),
        ))
    });
    let new_file = SourceFile {
        path: source,
        text: text.clone(),
    };
    let (errors, warnings): (Vec<_>, Vec<_>) = dry_run(a, new_file, replaced)
        .into_iter()
        .partition(|d| d.severity == Severity::Error);
    if !errors.is_empty() {
        let lines: Vec<String> = errors.iter().map(|d| format!("  {d}\n")).collect();
        return Err(not_written(format!(
            "with it, the site would not build:\n{}(choose another title, or change the relations)",
            lines.concat()
        )));
    }
    Ok(Plan {
        rel,
        text,
        old,
        warnings,
    })
}

/// Works out the older document's edit on its bytes as they are on disk (CRLF, BOM and all),
/// so that only the status changes when it is written back.
fn supersede(root: &Path, a: &Analysis, j: usize) -> Result<OldDoc, String> {
    let doc = &a.site.docs[j];
    let rel = PathBuf::from(&doc.file);
    let path = root.join(CONTENT_DIR).join(doc.source.as_str());
    let cannot = |why: String| format!("cannot mark {} as superseded: {why}", rel.display());
    let bytes = Fence::new(root)
        .read(&path, crate::source::MAX_DOC_BYTES)
        .map_err(|e| cannot(e.to_string()))?;
    let raw = String::from_utf8(bytes).map_err(|_| cannot("it is not valid UTF-8".into()))?;
    let edited = set_status(&raw, SUPERSEDED).map_err(cannot)?;
    Ok(OldDoc {
        index: j,
        rel,
        edited,
    })
}

fn unknown_kind(name: &str, a: &Analysis) -> String {
    let kinds = &a.config.kinds;
    let hint = hint_of(
        kinds
            .by_folder(name)
            .map(|k| kinds.get(k).name.as_str())
            .or_else(|| did_you_mean(name, kinds.names())),
    );
    let names: Vec<&str> = kinds.names().collect();
    format!(
        "unknown kind `{name}`{hint}; this site's kinds are {}",
        names.join(", ")
    )
}

/// Resolves one relation target as the build would, and checks that its kind fits.
fn check_target(a: &Analysis, kind: &Kind, rel: Relation, target: &str) -> Result<usize, String> {
    if !kind.allows(rel) {
        return Err(format!("a {} cannot use `{}`", kind.name, rel.key()));
    }
    let j = a.site.resolve(target, &a.config)?;
    let doc = &a.site.docs[j];
    if doc.is_index {
        return Err(format!(
            "`{target}` is a folder introduction, not a document"
        ));
    }
    if doc.draft {
        return Err(format!(
            "`{target}` is a draft (`draft: true`) and is left out of builds without --drafts"
        ));
    }
    let tkind = a.config.kinds.get(doc.kind);
    let fits = match rel {
        Relation::Serves => kind.serves.contains(&tkind.name),
        Relation::Uses => kind.uses.contains(&tkind.name),
        Relation::Supersedes => tkind.name == kind.name,
        Relation::Related => true,
    };
    if !fits {
        let allowed = match rel {
            Relation::Serves => kind.serves.join(" or a "),
            Relation::Uses => kind.uses.join(" or a "),
            _ => kind.name.clone(),
        };
        let verb = match rel {
            Relation::Supersedes => "supersede",
            _ => rel.key().trim_end_matches('s'),
        };
        return Err(format!(
            "`{target}` is a {}, but a {} may only {verb} a {allowed}",
            tkind.name, kind.name
        ));
    }
    if rel == Relation::Supersedes && !kind.statuses.iter().any(|s| s == SUPERSEDED) {
        return Err(format!(
            "a {} has no `{SUPERSEDED}` status to mark `{target}` with; add it to the kind's \
             `statuses` in {CONFIG_FILE}",
            kind.name
        ));
    }
    Ok(j)
}

/// Parses and links the site with the new document (and the edited older one) in it, and
/// returns the diagnostics that this adds. Drafts are left out as in a default build.
fn dry_run(a: &Analysis, new: SourceFile, replaced: Option<(usize, String)>) -> Vec<Diagnostic> {
    let config = &a.config;
    let docs = a.site.docs.clone();
    let (_, before) = link::link(docs.clone(), config, false, &a.assets);
    let mut before = before.into_sorted();
    let mut after_docs = docs;
    let mut after = Vec::new();
    if let Some((j, text)) = replaced {
        let path = after_docs[j].source.clone();
        let original = after_docs[j].text.clone();
        let (_, old_diags) = doc::parse(
            SourceFile {
                path: path.clone(),
                text: original,
            },
            config,
        );
        before.extend(old_diags.into_sorted());
        let (edited, diags) = doc::parse(SourceFile { path, text }, config);
        after.extend(diags.into_sorted());
        after_docs[j] = edited;
    }
    let (new_doc, diags) = doc::parse(new, config);
    after.extend(diags.into_sorted());
    after_docs.push(new_doc);
    let (_, linked) = link::link(after_docs, config, false, &a.assets);
    after.extend(linked.into_sorted());
    added(after, before)
}

/// `after` minus `before`, counting repeats.
fn added(after: Vec<Diagnostic>, before: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen: BTreeMap<Diagnostic, usize> = BTreeMap::new();
    for d in before {
        *seen.entry(d).or_default() += 1;
    }
    let mut out = Vec::new();
    for d in after {
        match seen.get_mut(&d) {
            Some(n) if *n > 0 => *n -= 1,
            _ => out.push(d),
        }
    }
    out.sort();
    out
}

/// Creates the document `rel` under `root`: its folders are made without following a link
/// (a checkout's `content/decisions -> /elsewhere` is refused, not written through), and the
/// file with `create_new`, so one that appeared since the check above is not overwritten.
fn write_new(root: &Path, rel: &Path, text: &str) -> Result<()> {
    let path = root.join(rel);
    fence::real_dirs(root, rel.parent().unwrap_or(Path::new("")))
        .map_err(|e| Error::io(&path, e))?;
    let mut f = fence::create_new(&path).map_err(|e| Error::io(&path, e))?;
    f.write_all(text.as_bytes())
        .map_err(|e| Error::io(&path, e))
}

/// `git config user.name`, as seen from the site folder; `None` without git or a name.
fn git_user_name(root: &Path) -> Option<String> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["config", "user.name"])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let name = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Pos;

    #[test]
    fn added_counts_repeats() {
        let d = |m: &str| Diagnostic::new(Severity::Error, "a.md", Pos::START, m);
        let after = vec![d("x"), d("x"), d("y")];
        let before = vec![d("x"), d("z")];
        assert_eq!(added(after, before), [d("x"), d("y")]);
    }
}
