//! Themes: where templates and static files come from.
//!
//! The default theme is compiled into the binary, so `cairn` works in any folder. A site that
//! has `themes/<name>/` on disk uses those files instead (this is how the theme is developed
//! in this repository), and any single template can be overridden from the site's own
//! `templates/` folder, static files from `static/`.
//!
//! Those folders are part of the checkout, so they are read under the fence of [`crate::fence`],
//! as `content/` is. This module reads files and never writes or prints.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostics, Pos};
use crate::error::{Error, Result};
use crate::fence::{Entry, Fence, ReadError, outside_message, size};

/// The default theme's files, relative to `themes/default/`: every template and static file
/// there, listed by `build.rs`.
const DEFAULT_THEME: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));

/// Template sources by name, and static files by path under `static/`.
#[derive(Debug, Default, Clone)]
pub struct Theme {
    pub templates: BTreeMap<String, String>,
    pub statics: BTreeMap<String, Vec<u8>>,
}

impl Theme {
    /// A digest of every template and static file, for page digests.
    pub fn digest(&self) -> u64 {
        let mut d = crate::digest::Digest::new();
        for (name, text) in &self.templates {
            d.str(name).str(text);
        }
        for (name, bytes) in &self.statics {
            d.str(name).str(&String::from_utf8_lossy(bytes));
        }
        d.finish()
    }

    /// Loads theme `name` for the site at `root`, then the site's own overrides.
    ///
    /// These folders are read under the same fence as `content/`: links are followed only
    /// inside the site folder, hidden files and folders are skipped, pipes and devices are
    /// never opened, and every file is read up to a limit. A link leading out of the site or
    /// a file over the limit is an error naming it, all of them in one run.
    pub fn load(root: &Path, name: &str) -> Result<Theme> {
        let mut theme = Theme::default();
        let mut files = Files::new(root);
        let dir = root.join("themes").join(name);
        if dir.is_dir() {
            files.read(&dir.join("templates"), &mut |rel, path, bytes| {
                theme
                    .templates
                    .insert(rel.to_string(), into_text(path, bytes)?);
                Ok(())
            })?;
            files.read(&dir.join("static"), &mut |rel, _, bytes| {
                theme.statics.insert(rel.to_string(), bytes);
                Ok(())
            })?;
        } else if name == "default" {
            for (path, text) in DEFAULT_THEME {
                if let Some(t) = path.strip_prefix("templates/") {
                    theme.templates.insert(t.to_string(), text.to_string());
                } else if let Some(s) = path.strip_prefix("static/") {
                    theme
                        .statics
                        .insert(s.to_string(), text.as_bytes().to_vec());
                }
            }
        } else {
            return Err(Error::io(
                &dir,
                std::io::Error::new(std::io::ErrorKind::NotFound, "theme folder not found"),
            ));
        }
        files.read(&root.join("templates"), &mut |rel, path, bytes| {
            theme
                .templates
                .insert(rel.to_string(), into_text(path, bytes)?);
            Ok(())
        })?;
        files.read(&root.join("static"), &mut |rel, _, bytes| {
            theme.statics.insert(rel.to_string(), bytes);
            Ok(())
        })?;
        files.finish()?;
        Ok(theme)
    }

    /// Just the compiled-in default theme (for tests and `init`).
    pub fn builtin() -> Theme {
        let mut theme = Theme::default();
        for (path, text) in DEFAULT_THEME {
            if let Some(t) = path.strip_prefix("templates/") {
                theme.templates.insert(t.to_string(), text.to_string());
            } else if let Some(s) = path.strip_prefix("static/") {
                theme
                    .statics
                    .insert(s.to_string(), text.as_bytes().to_vec());
            }
        }
        theme
    }
}

fn into_text(path: &Path, bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|_| {
        Error::io(
            path,
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "template is not valid UTF-8",
            ),
        )
    })
}

/// A theme file larger than this is refused: templates and static files are held in memory
/// and digested on every build. Big downloads belong in `content/`, whose files are copied.
pub const MAX_THEME_FILE_BYTES: u64 = 32 * 1024 * 1024;
/// All of a theme's files together (its own and the site's overrides).
pub const MAX_THEME_BYTES: u64 = 256 * 1024 * 1024;

/// What the theme's reader does with each file: its relative path with `/`, its path, bytes.
type OnFile<'a> = dyn FnMut(&str, &Path, Vec<u8>) -> Result<()> + 'a;

/// The theme's reader: one fence for the site, the bytes read so far, and every problem met.
struct Files<'r> {
    root: &'r Path,
    fence: Fence,
    total: u64,
    problems: Diagnostics,
    first: Option<PathBuf>,
}

impl<'r> Files<'r> {
    fn new(root: &'r Path) -> Self {
        Files {
            root,
            fence: Fence::new(root),
            total: 0,
            problems: Diagnostics::new(),
            first: None,
        }
    }

    fn problem(&mut self, path: &Path, message: String) {
        let shown = path.strip_prefix(self.root).unwrap_or(path);
        self.first.get_or_insert_with(|| path.to_path_buf());
        self.problems.error(
            &shown
                .to_string_lossy()
                .replace(std::path::MAIN_SEPARATOR, "/"),
            Pos::START,
            message,
        );
    }

    /// Calls `f` with every file under `dir` (relative path with `/`, path, contents);
    /// nothing if absent.
    fn read(&mut self, dir: &Path, f: &mut OnFile<'_>) -> Result<()> {
        if !dir.is_dir() {
            if let Some(target) = self.fence.outside(dir) {
                self.problem(dir, outside_message(&target));
            }
            return Ok(());
        }
        let fence = self.fence.clone();
        for entry in fence.walk(dir) {
            let (path, rel) = match entry {
                Entry::File { path, rel } => (path, rel),
                Entry::Folder { .. }
                | Entry::Hidden { .. }
                | Entry::Special { .. }
                | Entry::Repeated { .. } => continue,
                Entry::Outside { path, target } => {
                    self.problem(&path, outside_message(&target));
                    continue;
                }
                Entry::Broken { path, why } => {
                    self.problem(path.as_deref().unwrap_or(dir), why);
                    continue;
                }
                Entry::TooMany => {
                    let why = format!(
                        "more than {} files and folders; stopped reading",
                        crate::fence::MAX_ENTRIES
                    );
                    self.problem(dir, why);
                    break;
                }
            };
            let rel = rel
                .to_string_lossy()
                .replace(std::path::MAIN_SEPARATOR, "/");
            let left = MAX_THEME_BYTES.saturating_sub(self.total);
            match crate::fence::read_regular(&path, true, MAX_THEME_FILE_BYTES.min(left)) {
                Ok(bytes) => {
                    self.total += bytes.len() as u64;
                    f(&rel, &path, bytes)?;
                }
                Err(ReadError::TooBig(limit)) if limit < MAX_THEME_FILE_BYTES => {
                    let why = format!(
                        "the theme's files come to more than {} in all; refused",
                        size(MAX_THEME_BYTES)
                    );
                    self.problem(&path, why);
                }
                Err(ReadError::TooBig(_)) => {
                    let why = format!(
                        "larger than {}; theme files this big are refused (put big files in \
                         content/, which are copied rather than held in memory)",
                        size(MAX_THEME_FILE_BYTES)
                    );
                    self.problem(&path, why);
                }
                Err(ReadError::NotAFile) => {}
                Err(e) => self.problem(&path, format!("cannot read: {e}")),
            }
        }
        Ok(())
    }

    /// Every problem met, as one error.
    fn finish(self) -> Result<()> {
        match self.first {
            None => Ok(()),
            Some(first) => Err(Error::Config {
                path: first,
                diagnostics: self.problems.into_sorted(),
            }),
        }
    }
}
