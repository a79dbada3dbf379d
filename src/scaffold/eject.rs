//! `cairn theme eject`: copies built-in templates into the site's `templates/`, where they
//! override the theme one by one. Never overwrites a file (an edited copy is kept), never
//! follows a link on the way in (`fence`). Nothing here prints.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diag::did_you_mean_hint;
use crate::error::{Error, Result};

/// What `eject` did, with paths relative to the site root.
#[derive(Debug, Default)]
pub struct EjectReport {
    pub written: Vec<PathBuf>,
    /// Templates already in `templates/`, left as they were.
    pub kept: Vec<PathBuf>,
}

/// The folder overrides live in (see `theme`).
const TEMPLATES: &str = "templates";

/// Copies the named built-in templates (`doc.html` or `doc`), or all of them when `names` is
/// empty, into `root/templates/`. An unknown name is refused before anything is written.
pub fn eject(root: &Path, names: &[String]) -> Result<EjectReport> {
    crate::pipeline::require_site(root)?;
    let all: Vec<(&str, &str)> = crate::theme::default_templates().collect();
    let mut chosen = Vec::new();
    for name in names {
        let want = if name.ends_with(".html") {
            name.clone()
        } else {
            format!("{name}.html")
        };
        match all.iter().find(|(n, _)| *n == want) {
            Some(t) if !chosen.contains(t) => chosen.push(*t),
            Some(_) => {}
            None => {
                let hint = did_you_mean_hint(&want, all.iter().map(|(n, _)| *n));
                let known: Vec<&str> = all.iter().map(|(n, _)| *n).collect();
                return Err(Error::Usage(format!(
                    "no built-in template `{name}`{hint}; the theme has {}",
                    known.join(", ")
                )));
            }
        }
    }
    if names.is_empty() {
        chosen = all;
    }
    let mut report = EjectReport::default();
    for (name, text) in chosen {
        let rel = Path::new(TEMPLATES).join(name);
        let path = root.join(&rel);
        let parent = rel.parent().unwrap_or(Path::new(TEMPLATES));
        crate::fence::real_dirs(root, parent).map_err(|e| Error::io(&path, e))?;
        match crate::fence::create_new(&path) {
            Ok(mut f) => {
                f.write_all(text.as_bytes())
                    .map_err(|e| Error::io(&path, e))?;
                report.written.push(rel);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => report.kept.push(rel),
            Err(e) => return Err(Error::io(&path, e)),
        }
    }
    Ok(report)
}
