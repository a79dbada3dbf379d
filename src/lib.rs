//! Cairn compiles an engineering organisation's visions, strategies, patterns and decision
//! records (Markdown with YAML front matter) into a cross-linked static site.
//!
//! The pipeline is a chain of plain stages over typed values, see `ARCHITECTURE.md`:
//! `source` (read) → `doc` (parse) → `link` → `render` → `write`, driven by `build`.
//! The library never prints; it returns values, diagnostics and errors.

pub mod build;
pub mod cache;
pub mod check;
pub mod config;
pub mod diag;
pub mod digest;
pub mod doc;
pub mod error;
pub mod fence;
pub mod frontmatter;
pub mod graph;
pub mod highlight;
pub mod history;
pub mod kinds;
pub mod link;
pub mod markdown;
pub mod names;
pub mod pipeline;
pub mod progress;
pub mod relation;
pub mod render;
pub mod repository;
pub mod scaffold;
pub mod schema;
pub mod search;
pub mod serve;
pub mod session;
pub mod source;
#[cfg(test)]
mod testing;
pub mod theme;
pub mod write;
pub mod yaml;

pub use build::{BuildOptions, BuildReport, build, lint};
pub use error::{Error, Result};
