//! `file_age`: the newest file matching a path or glob must have changed within `max_age`
//! (backups, exports, restore-test markers). A folder counts by the newest file inside it.
//! Nothing matching is an ERROR: the backup that silently stopped is the point of this check.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use jiff::Timestamp;

use super::Cx;
use super::format::age as age_text;
use super::params::Params as Reader;
use super::row::Finding;
use crate::fence::{self, Entry, Fence};
use crate::yaml::Entry as YamlEntry;

#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    pub path: String,
    pub max_age: Duration,
    pub warn_age: Option<Duration>,
}

impl Params {
    pub fn read(rest: &[&YamlEntry], p: &mut Reader) -> Option<Params> {
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

pub fn run(p: &Params, cx: &Cx) -> Result<Vec<Finding>, String> {
    let pattern = cx.expand(&p.path)?;
    let found = find(cx, &pattern)?;
    let Some((mtime, file)) = found.newest else {
        let what = if found.matched {
            "no file is there"
        } else {
            "nothing matches"
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

/// What a pattern found: the newest file, and whether anything (a folder too) matched.
#[derive(Default)]
struct Found {
    newest: Option<(SystemTime, PathBuf)>,
    matched: bool,
}

impl Found {
    fn file(&mut self, path: PathBuf) {
        self.matched = true;
        if let Ok(t) = std::fs::metadata(&path).and_then(|m| m.modified()) {
            if self.newest.as_ref().is_none_or(|(n, _)| t > *n) {
                self.newest = Some((t, path));
            }
        }
    }
}

/// The newest file matching `pattern` (relative to the site root unless absolute), or inside
/// a folder that matches.
///
/// The walk is bounded: it starts at the pattern's literal folder, follows links only inside
/// a fence (the site folder for a relative pattern, so a link in the checkout cannot lead it
/// out; the literal folder itself for an absolute one), stops after [`fence::MAX_ENTRIES`]
/// entries, and gives up at the check's deadline, so a check abandoned at its timeout does not
/// go on walking (links fanning out make walks of millions of paths).
fn find(cx: &Cx, pattern: &str) -> Result<Found, String> {
    let (literal, rest) = split_pattern(pattern);
    let base = cx.root.join(&literal);
    let mut found = Found::default();
    if std::fs::symlink_metadata(&base).is_err() {
        return Ok(found);
    }
    let fence = if fence::lexical(&base).starts_with(fence::lexical(&cx.root)) {
        Fence::new(&cx.root)
    } else {
        Fence::new(&base)
    };
    if let Some(target) = fence.outside(&base) {
        return Err(format!(
            "{}: {}",
            literal.display(),
            fence::outside_message(&target)
        ));
    }
    if std::fs::metadata(&base).is_ok_and(|m| m.is_file()) {
        if rest.is_none() {
            found.file(base);
        }
        return Ok(found);
    }
    let glob = match &rest {
        Some(r) => Some(
            glob::Pattern::new(r).map_err(|e| format!("`{pattern}` is not a valid glob: {e}"))?,
        ),
        None => None,
    };
    let options = glob::MatchOptions {
        case_sensitive: true,
        require_literal_separator: true,
        require_literal_leading_dot: false,
    };
    // A path counts when it, or a folder above it, matches; without a glob, all of them do.
    let counts = |rel: &Path| {
        glob.as_ref().is_none_or(|g| {
            rel.ancestors()
                .any(|a| !a.as_os_str().is_empty() && g.matches_path_with(a, options))
        })
    };
    found.matched = glob.is_none();
    for (i, entry) in fence.walk(&base).with_hidden().enumerate() {
        if i % 1024 == 1023 && Instant::now() >= cx.deadline {
            return Err("gave up walking at the timeout".into());
        }
        match entry {
            Entry::File { path, rel } if counts(&rel) => found.file(path),
            Entry::Folder { rel, .. } if counts(&rel) => found.matched = true,
            Entry::TooMany => {
                return Err(format!(
                    "more than {} files and folders under {}; narrow the path",
                    fence::MAX_ENTRIES,
                    base.display()
                ));
            }
            _ => {}
        }
    }
    Ok(found)
}

/// A pattern's leading components without glob characters, and the rest (`None`: no glob).
fn split_pattern(pattern: &str) -> (PathBuf, Option<String>) {
    let mut literal = PathBuf::new();
    let mut components = Path::new(pattern).components();
    for c in components.by_ref() {
        if c.as_os_str().to_string_lossy().contains(['*', '?', '[']) {
            let mut rest = PathBuf::from(c.as_os_str());
            rest.extend(components);
            return (literal, Some(rest.to_string_lossy().into_owned()));
        }
        literal.push(c);
    }
    (literal, None)
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
    fn patterns_split_at_their_first_glob_component() {
        let split = |p: &str| {
            let (l, r) = split_pattern(p);
            (l.display().to_string(), r)
        };
        assert_eq!(
            split("backups/*.tar"),
            ("backups".into(), Some("*.tar".into()))
        );
        assert_eq!(
            split("/b/nightly/**/x?.zst"),
            ("/b/nightly".into(), Some("**/x?.zst".into()))
        );
        assert_eq!(
            split("exports/finance.csv"),
            ("exports/finance.csv".into(), None)
        );
        assert_eq!(split("[ab]/c"), (String::new(), Some("[ab]/c".into())));
    }
}
