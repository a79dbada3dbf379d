//! Kinds by path: each kind's `paths:` globs, relative to the documents folder, compiled once
//! per site into one matcher. The built-in decision kind matches by default the folders the
//! ADR tools write (`docs/adr/`, `doc/adr/`, `docs/decisions/`, ...) at any depth, so existing
//! decision records are decisions without a `kind:` line.
//!
//! Which rule wins (see [`super::KindTable::for_path`]): a front-matter `kind:`, then globs
//! `site.yaml` gives, then the kind's top folder, then the built-in globs. Pure; it matches
//! names and never looks at the filesystem.

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

use super::KindId;

/// The decision kind's globs unless `site.yaml` gives it `paths:`.
pub const DECISION_PATHS: [&str; 10] = [
    "**/decisions/**",
    "**/adr/**",
    "**/adrs/**",
    "**/doc/adr/**",
    "**/docs/adr/**",
    "**/docs/decisions/**",
    "**/docs/architecture/decisions/**",
    "**/architecture-decision-record/**",
    "**/architecture-decision-records/**",
    "**/decision-records/**",
];

/// One glob, or why it is not one. `*` stays within one folder; `**` crosses folders.
pub fn compile(pattern: &str) -> Result<Glob, String> {
    GlobBuilder::new(pattern.trim_start_matches("./"))
        .literal_separator(true)
        .build()
        .map_err(|e| format!("`{pattern}` is not a glob: {}", e.kind()))
}

/// The compiled globs of every kind that has some: the ones `site.yaml` gave, and the
/// built-in ones, kept apart because a kind's top folder comes between them.
#[derive(Debug, Clone, Default)]
pub struct PathKinds {
    configured: Matcher,
    builtin: Matcher,
}

#[derive(Debug, Clone)]
struct Matcher {
    set: GlobSet,
    /// The kind of each glob in `set`, in the same order.
    owners: Vec<KindId>,
}

impl Default for Matcher {
    fn default() -> Self {
        Matcher {
            set: GlobSet::empty(),
            owners: Vec::new(),
        }
    }
}

impl Matcher {
    fn new(globs: &[(KindId, &str)]) -> Matcher {
        let mut b = GlobSetBuilder::new();
        let mut owners = Vec::new();
        for (k, g) in globs {
            // Patterns were checked when read; one that fails now is skipped, not fatal.
            if let Ok(glob) = compile(g) {
                b.add(glob);
                owners.push(*k);
            }
        }
        Matcher {
            set: b.build().unwrap_or_else(|_| GlobSet::empty()),
            owners,
        }
    }

    /// The first kind (in table order) with a glob matching `path`.
    fn find(&self, path: &str) -> Option<KindId> {
        self.set
            .matches(path)
            .into_iter()
            .map(|i| self.owners[i])
            .min()
    }
}

impl PathKinds {
    /// From each kind's globs and whether `site.yaml` gave them.
    pub fn new<'a>(kinds: impl Iterator<Item = (KindId, &'a [String], bool)>) -> PathKinds {
        let mut configured = Vec::new();
        let mut builtin = Vec::new();
        for (k, globs, given) in kinds {
            let to = if given { &mut configured } else { &mut builtin };
            to.extend(globs.iter().map(|g| (k, g.as_str())));
        }
        PathKinds {
            configured: Matcher::new(&configured),
            builtin: Matcher::new(&builtin),
        }
    }

    /// The kind whose `site.yaml` globs match `path` (relative to the documents folder).
    pub fn configured(&self, path: &str) -> Option<KindId> {
        self.configured.find(path)
    }

    /// The kind whose built-in globs match `path`.
    pub fn builtin(&self, path: &str) -> Option<KindId> {
        self.builtin.find(path)
    }
}

impl PartialEq for PathKinds {
    /// The matcher is made from the kinds' own `paths`, which the table compares.
    fn eq(&self, _: &PathKinds) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decision_folders_match_at_any_depth() {
        let owned: Vec<String> = DECISION_PATHS.iter().map(|s| s.to_string()).collect();
        let p = PathKinds::new([(KindId(3), owned.as_slice(), false)].into_iter());
        for path in [
            "decisions/x.md",
            "adr/0001-x.md",
            "docs/adr/0001-x.md",
            "doc/adr/0001-x.md",
            "docs/decisions/0003-x.md",
            "docs/architecture/decisions/0001-x.md",
            "architecture-decision-record/001-x.md",
            "service/architecture-decision-records/001-x.md",
            "team/decision-records/x.md",
            "a/b/adrs/x.md",
        ] {
            assert_eq!(p.builtin(path), Some(KindId(3)), "{path}");
            assert_eq!(p.configured(path), None, "{path}");
        }
        for path in ["adr.md", "docs/adr-notes/x.md", "guides/x.md", "x.md"] {
            assert_eq!(p.builtin(path), None, "{path}");
        }
    }

    #[test]
    fn a_star_stays_in_one_folder() {
        let globs = vec!["rfcs/*.md".to_string()];
        let p = PathKinds::new([(KindId(4), globs.as_slice(), true)].into_iter());
        assert_eq!(p.configured("rfcs/0001-x.md"), Some(KindId(4)));
        assert_eq!(p.configured("rfcs/text/0001-x.md"), None);
        assert!(compile("[x").is_err());
    }
}
