//! Watching a site's sources: `content/`, `site.yaml`, `templates/`, `static/` and `themes/`.
//! Reports changed paths over a channel; the server debounces and rebuilds. Editor swap,
//! backup and temporary files are ignored here so they never trigger a rebuild.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;

use notify::{RecursiveMode, Watcher};

use crate::error::{Error, Result};
use crate::source::ContentDir;

/// Files editors write beside the real one while saving.
pub fn is_ignored(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return true;
    };
    name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || name.ends_with('~')
        || [
            ".swp",
            ".swo",
            ".swx",
            ".tmp",
            ".bak",
            ".orig",
            ".crdownload",
        ]
        .iter()
        .any(|s| name.ends_with(s))
        || name == "4913"
        || name == ".DS_Store"
        || (name.starts_with('.') && name != ".")
}

/// Whether a changed path is one of the site's sources (and not, say, its output).
/// `content` is the documents folder `site.yaml` names (`content` by default).
pub fn is_source(root: &Path, content: &ContentDir, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    if rel.starts_with(content.path(Path::new(""))) {
        return true;
    }
    let mut parts = rel.components();
    match parts.next().and_then(|c| c.as_os_str().to_str()) {
        Some("site.yaml") => parts.next().is_none(),
        Some("templates" | "static" | "themes") => true,
        _ => false,
    }
}

/// Watches the site's sources under `root`; `content` is the documents folder of the first
/// build (a `site.yaml` that names another one takes effect on the next `cairn serve`).
pub fn watch(
    root: &Path,
    content: &ContentDir,
    tx: Sender<PathBuf>,
) -> Result<notify::RecommendedWatcher> {
    let base = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let watched = base.clone();
    let folder = content.clone();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        let Ok(event) = res else { return };
        if event.kind.is_access() {
            return;
        }
        for p in event.paths {
            if is_source(&watched, &folder, &p) && !is_ignored(&p) {
                let _ = tx.send(p);
            }
        }
    })
    .map_err(|e| Error::io(root, std::io::Error::other(e.to_string())))?;
    let dirs = [content.path(&base)]
        .into_iter()
        .chain(["templates", "static", "themes"].map(|d| base.join(d)));
    for p in dirs {
        if p.is_dir() {
            watcher
                .watch(&p, RecursiveMode::Recursive)
                .map_err(|e| Error::io(&p, std::io::Error::other(e.to_string())))?;
        }
    }
    // `site.yaml` is watched through its folder: editors often replace the file.
    watcher
        .watch(&base, RecursiveMode::NonRecursive)
        .map_err(|e| Error::io(root, std::io::Error::other(e.to_string())))?;
    Ok(watcher)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_files_are_ignored() {
        for p in [
            "a/.#x.md",
            "a/#x.md#",
            "a/x.md~",
            "a/.x.md.swp",
            "a/4913",
            "a/x.md.tmp",
            "a/.hidden",
        ] {
            assert!(is_ignored(Path::new(p)), "{p}");
        }
        for p in ["a/x.md", "site.yaml", "templates/base.html"] {
            assert!(!is_ignored(Path::new(p)), "{p}");
        }
    }

    #[test]
    fn only_sources_count() {
        let root = Path::new("/site");
        assert!(is_source(
            root,
            &ContentDir::default(),
            Path::new("/site/content/a.md")
        ));
        assert!(is_source(
            root,
            &ContentDir::default(),
            Path::new("/site/site.yaml")
        ));
        assert!(is_source(
            root,
            &ContentDir::default(),
            Path::new("/site/themes/default/templates/base.html")
        ));
        assert!(!is_source(
            root,
            &ContentDir::default(),
            Path::new("/site/public/index.html")
        ));
        assert!(!is_source(
            root,
            &ContentDir::default(),
            Path::new("/site/.cairn/serve/index.html")
        ));
        assert!(!is_source(
            root,
            &ContentDir::default(),
            Path::new("/elsewhere/content/a.md")
        ));
        let docs = ContentDir::named("doc/adr").unwrap();
        assert!(is_source(root, &docs, Path::new("/site/doc/adr/0001-x.md")));
        assert!(!is_source(root, &docs, Path::new("/site/content/a.md")));
        assert!(!is_source(root, &docs, Path::new("/site/doc/other.md")));
    }
}
