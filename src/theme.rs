//! Themes: where templates and static files come from.
//!
//! The default theme is compiled into the binary, so `cairn` works in any folder. A site that
//! has `themes/<name>/` on disk uses those files instead (this is how the theme is developed
//! in this repository), and any single template can be overridden from the site's own
//! `templates/` folder, static files from `static/`.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Error, Result};

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
    pub fn load(root: &Path, name: &str) -> Result<Theme> {
        let mut theme = Theme::default();
        let dir = root.join("themes").join(name);
        if dir.is_dir() {
            read_dir_into(&dir.join("templates"), &mut |rel, bytes| {
                theme.templates.insert(
                    rel.to_string(),
                    into_text(&dir.join("templates").join(rel), bytes)?,
                );
                Ok(())
            })?;
            read_dir_into(&dir.join("static"), &mut |rel, bytes| {
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
        let own = root.join("templates");
        read_dir_into(&own, &mut |rel, bytes| {
            theme
                .templates
                .insert(rel.to_string(), into_text(&own.join(rel), bytes)?);
            Ok(())
        })?;
        read_dir_into(&root.join("static"), &mut |rel, bytes| {
            theme.statics.insert(rel.to_string(), bytes);
            Ok(())
        })?;
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

/// Calls `f` with every file under `dir` (relative path with `/`, contents); nothing if absent.
fn read_dir_into(dir: &Path, f: &mut dyn FnMut(&str, Vec<u8>) -> Result<()>) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            Error::io(
                path,
                e.into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("symbolic link loop")),
            )
        })?;
        if !entry.file_type().is_file() || entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .expect("walkdir yields paths under its root");
        let rel = rel
            .to_string_lossy()
            .replace(std::path::MAIN_SEPARATOR, "/");
        let bytes = std::fs::read(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
        f(&rel, bytes)?;
    }
    Ok(())
}
