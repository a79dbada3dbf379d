//! `cairn init`: writes the example site kept in `src/scaffold/site/` into a folder.
//!
//! The files are compiled in, so the binary can scaffold anywhere. An existing file is never
//! overwritten and nothing is deleted: a folder with visible files is refused unless `force`
//! is given, and even then only the missing files are written. Dates in the example are
//! written relative to the day `init` runs (`{today-30}`, `{today+90}`), so a new site has
//! nothing overdue.

use std::io::Write;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::error::{Error, Result};

macro_rules! embed {
    ($($dest:literal <= $src:literal),* $(,)?) => {
        &[$(($dest, include_str!(concat!("site/", $src)))),*]
    };
}

/// The example site: path in the new site, then contents. `.gitignore` is kept as `gitignore`
/// in this repository so that it does not apply to the repository itself.
pub const FILES: &[(&str, &str)] = embed!(
    ".gitignore" <= "gitignore",
    "README.md" <= "README.md",
    "site.yaml" <= "site.yaml",
    "ops/triggers.yaml" <= "ops/triggers.yaml",
    "content/_index.md" <= "content/_index.md",
    "content/visions/_index.md" <= "content/visions/_index.md",
    "content/visions/ship-any-day.md" <= "content/visions/ship-any-day.md",
    "content/visions/decisions-people-can-find.md"
        <= "content/visions/decisions-people-can-find.md",
    "content/strategies/_index.md" <= "content/strategies/_index.md",
    "content/strategies/small-safe-releases.md" <= "content/strategies/small-safe-releases.md",
    "content/strategies/write-decisions-next-to-the-code.md"
        <= "content/strategies/write-decisions-next-to-the-code.md",
    "content/patterns/_index.md" <= "content/patterns/_index.md",
    "content/patterns/small-batches.md" <= "content/patterns/small-batches.md",
    "content/patterns/two-way-doors.md" <= "content/patterns/two-way-doors.md",
    "content/decisions/_index.md" <= "content/decisions/_index.md",
    "content/decisions/release-train.md" <= "content/decisions/release-train.md",
    "content/decisions/release-from-trunk.md" <= "content/decisions/release-from-trunk.md",
    "content/decisions/decision-records-in-the-repo.md"
        <= "content/decisions/decision-records-in-the-repo.md",
    "content/runbooks/status-page.md" <= "content/runbooks/status-page.md",
);

/// What `init` did, with paths relative to the site folder.
#[derive(Debug, Default)]
pub struct InitReport {
    pub written: Vec<PathBuf>,
    /// Files that already existed and were left as they were (only with `force`).
    pub kept: Vec<PathBuf>,
}

/// `text` with every `{today-N}` / `{today+N}` (N days) replaced by that date. Pure.
pub fn dated(text: &str, today: Date) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("{today") {
        out.push_str(&rest[..at]);
        let tail = &rest[at + "{today".len()..];
        let end = tail.find('}').unwrap_or(0);
        let days = tail[..end]
            .parse::<i32>()
            .ok()
            .filter(|_| tail.starts_with(['+', '-']));
        match days.and_then(|n| today.checked_add(jiff::Span::new().days(n)).ok()) {
            Some(date) => {
                out.push_str(&date.to_string());
                rest = &tail[end + 1..];
            }
            None => {
                out.push_str("{today");
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `.gitignore` line for a build cache folder inside the site (`CAIRN_CACHE_DIR=.cache`),
/// so its pages are never committed; `None` when it is elsewhere, as by default.
fn ignore_cache(dir: &Path, cache: Option<&Path>) -> Option<String> {
    let cache = crate::fence::lexical(cache?);
    let rel = cache.strip_prefix(crate::fence::lexical(dir)).ok()?;
    let rel = rel.to_str().filter(|r| !r.is_empty())?;
    Some(format!("# The build cache (CAIRN_CACHE_DIR).\n/{rel}/\n"))
}

/// Scaffolds a site in `dir`, creating it if needed, dated from `today`; `cache` is the build
/// cache folder, ignored by git when it is inside the site.
pub fn init(dir: &Path, force: bool, today: Date, cache: Option<&Path>) -> Result<InitReport> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::Usage(format!(
            "{} exists and is not a folder",
            dir.display()
        )));
    }
    if !force && has_visible_entries(dir)? {
        let shown = match dir.to_str() {
            Some(".") => "this folder".to_string(),
            _ => dir.display().to_string(),
        };
        return Err(Error::Usage(format!(
            "{shown} is not empty; run `cairn init --force` to add the example site to it \
             (existing files are kept, nothing is deleted)"
        )));
    }
    let mut report = InitReport::default();
    for (rel, text) in FILES {
        let path = dir.join(rel);
        // The folders are made without following links: `init --force` in a checkout that
        // holds `content -> /elsewhere` must not write there.
        let parent = Path::new(rel).parent().unwrap_or(Path::new(""));
        crate::fence::real_dirs(dir, parent).map_err(|e| Error::io(&path, e))?;
        // `create_new` refuses to open an existing file (or link), so a file that appears
        // between the check above and this write is kept too.
        match crate::fence::create_new(&path) {
            Ok(mut f) => {
                let mut text = dated(text, today);
                if *rel == ".gitignore" {
                    text.extend(ignore_cache(dir, cache));
                }
                f.write_all(text.as_bytes())
                    .map_err(|e| Error::io(&path, e))?;
                report.written.push(PathBuf::from(rel));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                report.kept.push(PathBuf::from(rel))
            }
            Err(e) => return Err(Error::io(&path, e)),
        }
    }
    Ok(report)
}

/// Hidden entries (`.git`, `.DS_Store`) do not make a folder "not empty": `git init` followed
/// by `cairn init` is the usual way to start.
fn has_visible_entries(dir: &Path) -> Result<bool> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(Error::io(dir, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        if !entry.file_name().to_string_lossy().starts_with('.') {
            return Ok(true);
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cache_inside_the_site_is_ignored_and_one_outside_is_not() {
        let dir = Path::new("/srv/site");
        assert_eq!(
            ignore_cache(dir, Some(Path::new("/srv/site/.cache/cairn"))).as_deref(),
            Some("# The build cache (CAIRN_CACHE_DIR).\n/.cache/cairn/\n")
        );
        assert_eq!(
            ignore_cache(dir, Some(Path::new("/home/a/.cache/cairn"))),
            None
        );
        assert_eq!(ignore_cache(dir, Some(dir)), None);
        assert_eq!(ignore_cache(dir, None), None);
    }

    #[test]
    fn dates_are_written_relative_to_today() {
        let today: Date = "2026-03-01".parse().unwrap();
        assert_eq!(
            dated("created: {today-1}\nreview_by: {today+31}\n", today),
            "created: 2026-02-28\nreview_by: 2026-04-01\n"
        );
        assert_eq!(
            dated("{today} {today+x} {todays", today),
            "{today} {today+x} {todays"
        );
    }

    #[test]
    fn every_file_in_the_scaffold_folder_is_embedded() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/scaffold/site");
        let mut on_disk: Vec<String> = walkdir::WalkDir::new(&root)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(&root).unwrap().to_string_lossy();
                rel.replace(std::path::MAIN_SEPARATOR, "/")
            })
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = FILES
            .iter()
            .map(|(p, _)| p.replace(".gitignore", "gitignore"))
            .collect();
        embedded.sort();
        assert_eq!(embedded, on_disk);
    }

    #[test]
    fn the_readme_names_every_template_of_the_default_theme() {
        let readme = FILES.iter().find(|(p, _)| *p == "README.md").unwrap().1;
        for name in crate::theme::Theme::builtin().templates.keys() {
            assert!(
                readme.contains(&format!("`{name}`")),
                "README misses {name}"
            );
        }
    }

    #[test]
    fn the_commented_examples_in_site_yaml_are_valid() {
        let yaml = FILES.iter().find(|(p, _)| *p == "site.yaml").unwrap().1;
        // Uncomment the example blocks (`# new:`, `# kinds:` and their indented lines).
        let uncommented: String = yaml
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest)
                    if rest.starts_with("new:")
                        || rest.starts_with("kinds:")
                        || rest.starts_with("  ") =>
                {
                    rest
                }
                _ => l,
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let (config, diags) = crate::config::parse(&uncommented);
        assert!(diags.is_empty(), "{diags:?}\n{uncommented}");
        assert_eq!(config.new_owners.unwrap(), ["team-platform"]);
        let rfc = config.kinds.get(config.kinds.find("rfc").unwrap());
        assert_eq!(rfc.sections.len(), 2);
        assert!(rfc.sections[1].prompt.is_some());
    }

    #[test]
    fn hidden_entries_do_not_count() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!has_visible_entries(dir.path()).unwrap());
        assert!(!has_visible_entries(&dir.path().join("absent")).unwrap());
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        assert!(!has_visible_entries(dir.path()).unwrap());
        std::fs::write(dir.path().join("notes.txt"), "x").unwrap();
        assert!(has_visible_entries(dir.path()).unwrap());
    }
}
