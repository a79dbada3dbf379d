//! `file_age`: the newest file matching a path or glob must have changed within `max_age`
//! (backups, exports, restore-test markers). A folder counts by the newest file inside it.
//! Nothing matching is an ERROR: the backup that silently stopped is the point of this check.
//!
//! The path may lead outside the site (`/backups/nightly/*.tar.zst`): only names and times
//! are read, never contents. A symbolic link the path names itself is followed; links found
//! while walking folders are not, so a planted `-> /` cannot send the walk across the whole
//! machine. The walk looks at no more than [`ENTRY_LIMIT`] entries and stops at the check's
//! deadline, saying so either way.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};
use std::sync::Arc;

use jiff::Timestamp;

use super::Cx;
use super::format::age as age_text;
use super::params::Params as Reader;
use super::kind::{Check, CheckKind, runnable};
use super::row::Finding;
use crate::yaml::Entry;

#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    pub path: String,
    pub max_age: Duration,
    pub warn_age: Option<Duration>,
}

impl Params {
    pub fn read(rest: &[&Entry], p: &mut Reader) -> Option<Params> {
        let (mut path, mut max_age, mut warn_age) = (None, None, None);
        for e in p.keys(rest, &["path", "max_age", "warn_age"]) {
            match e.key.as_str() {
                "path" => {
                    path = p.text(e).filter(|s| match glob::Pattern::new(s) {
                        Ok(_) => true,
                        Err(err) => {
                            p.error(e.node.pos, format!("`path` is not a valid glob: {err}"));
                            false
                        }
                    })
                }
                "max_age" => max_age = p.duration(e),
                _ => warn_age = p.duration(e),
            }
        }
        Some(Params {
            path: p.require(path, "path")?,
            max_age: p.require(max_age, "max_age")?,
            warn_age,
        })
    }
}

pub struct Kind;

impl CheckKind for Kind {
    fn name(&self) -> &'static str {
        "file_age"
    }

    fn read(&self, rest: &[&Entry], p: &mut Reader) -> Option<Arc<dyn Check>> {
        runnable(Params::read(rest, p))
    }
}

impl Check for Params {
    fn run(&self, cx: &Cx) -> Result<Vec<Finding>, String> {
        run(self, cx)
    }

    fn default_item(&self) -> String {
        self.path.clone()
    }
}

/// How many folder entries one check looks at.
const ENTRY_LIMIT: usize = 100_000;

fn run(p: &Params, cx: &Cx) -> Result<Vec<Finding>, String> {
    let pattern = cx.expand(&p.path)?;
    stays_inside(cx, &pattern, &p.path)?;
    let mut walk = Walk {
        left: ENTRY_LIMIT,
        deadline: cx.deadline,
    };
    let matches: Vec<PathBuf> = if pattern.contains(['*', '?', '[']) {
        walk.glob(&cx.root, &pattern)
            .map_err(|e| e.unwrap_or_else(|| format!("`{}` is not a valid glob", p.path)))?
    } else {
        let full = cx.root.join(&pattern);
        if full.exists() { vec![full] } else { Vec::new() }
    };
    let mut newest: Option<(SystemTime, PathBuf)> = None;
    for m in &matches {
        if let Some(found) = walk.newest_under(m).map_err(Option::unwrap_or_default)? {
            if newest.as_ref().is_none_or(|n| found.0 > n.0) {
                newest = Some(found);
            }
        }
    }
    let Some((mtime, file)) = newest else {
        let what = if matches.is_empty() {
            "nothing matches"
        } else {
            "no file is there"
        };
        return Ok(vec![Finding::error(
            &p.path,
            format!("{what} `{}`", p.path),
        )]);
    };
    let age = age(cx.now, mtime);
    let shown = file
        .strip_prefix(&cx.root)
        .unwrap_or(&file)
        .display()
        .to_string();
    let limit = format!("limit {}", age_text(p.max_age));
    let f = if age > p.max_age {
        Finding::error(
            &p.path,
            format!("{shown} is {} old ({limit})", age_text(age)),
        )
    } else if p.warn_age.is_some_and(|w| age > w) {
        Finding::warning(
            &p.path,
            format!(
                "{shown} is {} old (warning after {}, {limit})",
                age_text(age),
                age_text(p.warn_age.unwrap_or_default())
            ),
        )
    } else {
        Finding::ok(
            &p.path,
            format!("{shown} is {} old ({limit})", age_text(age)),
        )
    };
    Ok(vec![f])
}

/// A relative path is the checkout's own, so the folder its literal part names must be inside
/// the site folder, links resolved (as for every file a check reads); an absolute path is the
/// configuration's explicit choice (`/backups/nightly/*.tar.zst`). Only names and times are
/// read either way.
fn stays_inside(cx: &Cx, pattern: &str, shown: &str) -> Result<(), String> {
    let path = Path::new(pattern);
    if path.is_absolute() {
        return Ok(());
    }
    let literal: PathBuf = path
        .components()
        .take_while(|c| !c.as_os_str().to_string_lossy().contains(['*', '?', '[']))
        .collect();
    let full = cx.root.join(&literal);
    if literal.as_os_str().is_empty() || std::fs::symlink_metadata(&full).is_err() {
        return Ok(());
    }
    super::fence::inside(&cx.root, &literal, &format!("`{shown}`")).map(|_| ())
}

/// A walk over folders with a budget of entries and a deadline. Errors are `Some(message)`,
/// or `None` for an invalid pattern.
struct Walk {
    left: usize,
    deadline: Instant,
}

type Walked<T> = Result<T, Option<String>>;

impl Walk {
    /// Counts one entry against the budget and the clock.
    fn tick(&mut self) -> Walked<()> {
        if self.left == 0 {
            return Err(Some(format!(
                "stopped after looking at {ENTRY_LIMIT} entries; make `path` narrower"
            )));
        }
        self.left -= 1;
        if Instant::now() >= self.deadline {
            return Err(Some(format!(
                "ran out of time after looking at {} entries; make `path` narrower",
                ENTRY_LIMIT - self.left
            )));
        }
        Ok(())
    }

    /// Everything matching `pattern` (relative to `root` unless absolute). The walk starts at
    /// the folder the pattern's literal part names and goes no deeper than the pattern does
    /// (unless it has `**`); links found on the way are neither matched nor entered.
    fn glob(&mut self, root: &Path, pattern: &str) -> Walked<Vec<PathBuf>> {
        let words = |p: &Path| -> Vec<String> {
            p.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect()
        };
        let pattern = Path::new(pattern);
        // The site root is a name, never a pattern, whatever characters it holds.
        let root = if pattern.is_absolute() { Vec::new() } else { words(root) };
        let given = words(pattern);
        let literal = root.len() + given.iter().take_while(|p| !p.contains(['*', '?', '['])).count();
        let parts = [root, given].concat();
        let start: PathBuf = parts[..literal].iter().collect();
        let rest = &parts[literal..];
        let text = format!(
            "{}/{}",
            glob::Pattern::escape(&start.to_string_lossy()).trim_end_matches('/'),
            rest.join("/")
        );
        let pattern = glob::Pattern::new(&text).map_err(|_| None)?;
        let options = glob::MatchOptions {
            case_sensitive: true,
            require_literal_separator: true,
            require_literal_leading_dot: false,
        };
        let mut walker = walkdir::WalkDir::new(&start)
            .follow_links(false)
            .min_depth(1)
            .sort_by_file_name();
        if !rest.iter().any(|p| p == "**") {
            walker = walker.max_depth(rest.len());
        }
        let mut out = Vec::new();
        for entry in walker.into_iter().filter_map(Result::ok) {
            self.tick()?;
            if !entry.path_is_symlink() && pattern.matches_path_with(entry.path(), options) {
                out.push(entry.into_path());
            }
        }
        Ok(out)
    }

    /// The newest regular file at `path` or anywhere under it. `path` itself is followed if
    /// it is a link; links under it are not.
    fn newest_under(&mut self, path: &Path) -> Walked<Option<(SystemTime, PathBuf)>> {
        let mut newest: Option<(SystemTime, PathBuf)> = None;
        for entry in walkdir::WalkDir::new(path)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
        {
            self.tick()?;
            if !entry.file_type().is_file() {
                continue;
            }
            let Some(t) = entry.metadata().ok().and_then(|m| m.modified().ok()) else {
                continue;
            };
            if newest.as_ref().is_none_or(|n| t > n.0) {
                newest = Some((t, entry.into_path()));
            }
        }
        Ok(newest)
    }
}

/// How long ago `then` was at `now`; a file from the future is 0 old.
fn age(now: Timestamp, then: SystemTime) -> Duration {
    let then = Timestamp::try_from(then).unwrap_or(Timestamp::UNIX_EPOCH);
    let secs = now.as_second() - then.as_second();
    Duration::from_secs(secs.max(0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_walk_stops_at_its_budget_and_its_deadline() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..10 {
            std::fs::write(dir.path().join(format!("f{i}")), "x").unwrap();
        }
        let later = Instant::now() + Duration::from_secs(60);
        let mut roomy = Walk {
            left: 100,
            deadline: later,
        };
        let (_, newest) = roomy.newest_under(dir.path()).unwrap().unwrap();
        assert!(newest.starts_with(dir.path()));
        assert_eq!(roomy.glob(dir.path(), "f?").unwrap().len(), 10);

        let mut small = Walk {
            left: 5,
            deadline: later,
        };
        assert_eq!(
            small.newest_under(dir.path()).unwrap_err(),
            Some(format!(
                "stopped after looking at {ENTRY_LIMIT} entries; make `path` narrower"
            ))
        );
        let mut late = Walk {
            left: 100,
            deadline: Instant::now(),
        };
        let e = late.glob(dir.path(), "*").unwrap_err().unwrap();
        assert!(e.starts_with("ran out of time after looking at "), "{e}");
    }
}
