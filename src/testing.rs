//! Helpers for unit tests: a linked [`Site`] from in-memory files, so stages after `link` are
//! tested from strings. Compiled for tests only.

use crate::config::SiteConfig;
use crate::link::Site;
use crate::names::SourcePath;
use crate::source::SourceFile;

/// Parses and links `files` (content paths and texts); diagnostics are dropped.
pub fn linked(config: &SiteConfig, files: &[(&str, &str)]) -> Site {
    let docs = files
        .iter()
        .map(|(p, t)| {
            crate::doc::parse(
                SourceFile {
                    path: SourcePath::new(*p),
                    text: t.to_string(),
                },
                config,
            )
            .0
        })
        .collect();
    crate::link::link(docs, config, false, &[]).0
}
