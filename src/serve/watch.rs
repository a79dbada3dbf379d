//! Watching a site's sources: `content/`, `site.yaml`, `templates/`, `static/` and `themes/`.
//! Reports changed paths over a channel; the server debounces and rebuilds. Editor swap,
//! backup and temporary files are ignored here so they never trigger a rebuild.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;

use notify::{RecursiveMode, Watcher};

use crate::error::{Error, Result};

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
pub fn is_source(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut parts = rel.components();
    match parts.next().and_then(|c| c.as_os_str().to_str()) {
        Some("site.yaml") => parts.next().is_none(),
        Some("content" | "templates" | "static" | "themes") => true,
        _ => false,
    }
}

pub fn watch(root: &Path, tx: Sender<PathBuf>) -> Result<notify::RecommendedWatcher> {
    let base = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let watched = base.clone();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        let Ok(event) = res else { return };
        if event.kind.is_access() {
            return;
        }
        for p in event.paths {
            if is_source(&watched, &p) && !is_ignored(&p) {
                let _ = tx.send(p);
            }
        }
    })
    .map_err(|e| Error::io(root, std::io::Error::other(e.to_string())))?;
    for dir in ["content", "templates", "static", "themes"] {
        let p = base.join(dir);
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
        assert!(is_source(root, Path::new("/site/content/a.md")));
        assert!(is_source(root, Path::new("/site/site.yaml")));
        assert!(is_source(
            root,
            Path::new("/site/themes/default/templates/base.html")
        ));
        assert!(!is_source(root, Path::new("/site/public/index.html")));
        assert!(!is_source(root, Path::new("/site/.cairn/serve/index.html")));
        assert!(!is_source(root, Path::new("/elsewhere/content/a.md")));
    }
}
