//! `file_age`: the newest file matching a path or glob must have changed within `max_age`
//! (backups, exports, restore-test markers). A folder counts by the newest file inside it.
//! Nothing matching is an ERROR: the backup that silently stopped is the point of this check.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};
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

fn run(p: &Params, cx: &Cx) -> Result<Vec<Finding>, String> {
    let pattern = cx.expand(&p.path)?;
    let full = cx.root.join(&pattern);
    let full_text = full.to_string_lossy().into_owned();
    let matches: Vec<PathBuf> = if pattern.contains(['*', '?', '[']) {
        glob::glob(&full_text)
            .map_err(|e| format!("`{}` is not a valid glob: {e}", p.path))?
            .filter_map(Result::ok)
            .collect()
    } else if full.exists() {
        vec![full]
    } else {
        Vec::new()
    };
    let newest = matches
        .iter()
        .filter_map(|m| newest_under(m))
        .max_by_key(|(t, _)| *t);
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

/// The newest regular file at `path` or anywhere under it.
fn newest_under(path: &Path) -> Option<(SystemTime, PathBuf)> {
    walkdir::WalkDir::new(path)
        .follow_links(true)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.into_path())))
        .max_by_key(|(t, _)| *t)
}

/// How long ago `then` was at `now`; a file from the future is 0 old.
fn age(now: Timestamp, then: SystemTime) -> Duration {
    let then = Timestamp::try_from(then).unwrap_or(Timestamp::UNIX_EPOCH);
    let secs = now.as_second() - then.as_second();
    Duration::from_secs(secs.max(0) as u64)
}
