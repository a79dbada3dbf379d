//! The history file: a small JSON record of recent runs, so each row can say since when it has
//! had its level ("ERROR since Monday 08:30"), and a recovered row since when it is OK again.
//!
//! Each run stores only its non-OK rows (check, item, level); a row absent from a run was OK.
//! The file keeps the last [`MAX_RUNS`] runs, so it stays small however long the site lives.
//! It is replaced atomically; a missing file starts a history, an unreadable one (a link, one
//! over [`MAX_BYTES`], broken JSON) is reported as a row and replaced. It lives inside the site
//! folder and is never read or written through a symbolic link.

use std::path::{Component, Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::row::{Finding, Level, Row};
use super::secret::Secrets;
use crate::fence::{self, ReadError};

/// How many runs the file remembers: two weeks of hourly builds, most of a year of daily ones.
pub const MAX_RUNS: usize = 336;
/// How many rows one run remembers; beyond this a run is a bad day, not a history.
const MAX_ROWS: usize = 500;
const VERSION: u32 = 1;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    version: u32,
    runs: Vec<Run>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Run {
    #[serde(with = "rfc3339")]
    at: Timestamp,
    rows: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Entry {
    check: String,
    item: String,
    level: Level,
}

impl History {
    /// The level `check`/`item` had in run `i` (OK when absent).
    fn level_in(&self, i: usize, check: &str, item: &str) -> Level {
        self.runs[i]
            .rows
            .iter()
            .find(|e| e.check == check && e.item == item)
            .map_or(Level::Ok, |e| e.level)
    }

    /// Since when a row has had its level: the first run of its current streak. For OK rows,
    /// only when the history shows them failing before (a recovery worth noticing).
    pub fn since(&self, row: &Row, now: Timestamp) -> Option<Timestamp> {
        let mut since = now;
        for i in (0..self.runs.len()).rev() {
            if self.level_in(i, &row.check, &row.item) != row.level {
                return Some(since);
            }
            since = self.runs[i].at;
        }
        (row.level != Level::Ok).then_some(since)
    }

    /// Adds this run, forgetting the oldest beyond [`MAX_RUNS`].
    pub fn record(&mut self, now: Timestamp, rows: &[Row]) {
        let rows = rows
            .iter()
            .filter(|r| r.level != Level::Ok)
            .take(MAX_ROWS)
            .map(|r| Entry {
                check: r.check.clone(),
                item: r.item.clone(),
                level: r.level,
            })
            .collect();
        self.version = VERSION;
        self.runs.push(Run { at: now, rows });
        let excess = self.runs.len().saturating_sub(MAX_RUNS);
        self.runs.drain(..excess);
    }

    #[cfg(test)]
    fn runs(&self) -> usize {
        self.runs.len()
    }
}

/// Timestamps as RFC 3339 text (`2026-11-23T08:30:00Z`).
mod rfc3339 {
    use jiff::Timestamp;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(t)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A history file larger than this is not read: the most a real one holds ([`MAX_RUNS`] runs
/// of [`MAX_ROWS`] rows) is well under it. Over it is a warning, and a new history starts.
pub const MAX_BYTES: u64 = 16 * 1024 * 1024;

/// Where the history file named `rel` (from `site.yaml`) lives under the site `root`, or why
/// it cannot be kept there. It is written by every build, so it must be a path inside the
/// site folder: relative, without `..`.
fn locate(root: &Path, rel: &str) -> Result<PathBuf, String> {
    let rel = Path::new(rel);
    let inside = rel
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if !inside || rel.file_name().is_none() {
        return Err(format!(
            "`{}` must be a path inside the site folder (relative, without `..`); not kept",
            rel.display()
        ));
    }
    Ok(root.join(rel))
}

/// Loads the history at `path` (under the site `root`), or an empty one with the reason it
/// could not be read. Nothing is read through a link: not a folder on the way, not the file.
pub fn load(root: &Path, path: &Path) -> (History, Option<String>) {
    if let Some(link) = fence::first_link(root, path.parent().unwrap_or(root)) {
        return (
            History::default(),
            Some(format!(
                "{} is a symbolic link; not read, started a new one",
                link.display()
            )),
        );
    }
    match fence::read_regular(path, false, MAX_BYTES) {
        Ok(bytes) => match serde_json::from_slice::<History>(&bytes) {
            Ok(h) if h.version == VERSION => (h, None),
            Ok(h) => (
                History::default(),
                Some(format!(
                    "version {} is not understood; started a new one",
                    h.version
                )),
            ),
            Err(e) => (
                History::default(),
                Some(format!("it is not valid ({e}); started a new one")),
            ),
        },
        Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            (History::default(), None)
        }
        Err(ReadError::Link) => (
            History::default(),
            Some("it is a symbolic link; not read, started a new one".into()),
        ),
        Err(ReadError::TooBig(limit)) => (
            History::default(),
            Some(format!(
                "larger than {}; not read, started a new one",
                fence::size(limit)
            )),
        ),
        Err(e) => (
            History::default(),
            Some(format!("cannot read it ({e}); started a new one")),
        ),
    }
}

/// Writes the history at `path` (under the site `root`) beside its final place, then renames
/// it over, so a reader never sees half a file. The folders on the way are made without
/// following links and the new file is created, never opened, so a link planted under either
/// name (the history's or the one it is written under first) is replaced, not written through.
pub fn save(root: &Path, path: &Path, history: &History) -> Result<(), String> {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let dir = fence::real_dirs(root, rel.parent().unwrap_or(Path::new("")))
        .map_err(|e| format!("cannot create its folder: {e}"))?;
    let json = serde_json::to_vec(history).map_err(|e| e.to_string())?;
    let path = dir.join(path.file_name().unwrap_or_default());
    fence::replace(&path, &json).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Dates every row from the history file `rel` in the site `root`, then records this run
/// there. Problems with the file become a row of their own; they never stop the page.
pub fn apply(root: &Path, rel: &str, now: Timestamp, rows: &mut Vec<Row>, secrets: &Secrets) {
    let (path, problem) = match locate(root, rel) {
        Ok(path) => {
            let (mut history, problem) = load(root, &path);
            for row in rows.iter_mut() {
                row.since = history.since(row, now);
            }
            history.record(now, rows);
            let saved = save(root, &path, &history).err();
            (path, problem.or(saved))
        }
        Err(why) => (root.join(rel), Some(why)),
    };
    if let Some(p) = problem {
        let f = Finding::warning(path.display().to_string(), format!("history file: {p}"));
        rows.push(Row {
            level: f.level,
            check: "Status history".into(),
            item: secrets.mask(&f.item),
            message: secrets.mask(&f.message),
            link: None,
            link_title: None,
            since: None,
            snoozed_until: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + h * 3600).unwrap()
    }

    fn row(check: &str, level: Level) -> Row {
        Row {
            level,
            check: check.into(),
            item: "i".into(),
            message: String::new(),
            link: None,
            link_title: None,
            since: None,
            snoozed_until: None,
        }
    }

    #[test]
    fn since_is_the_start_of_the_current_streak() {
        let mut h = History::default();
        h.record(at(0), &[row("a", Level::Warning), row("b", Level::Error)]);
        h.record(at(1), &[row("a", Level::Error), row("b", Level::Error)]);
        h.record(at(2), &[row("a", Level::Error)]);
        // Still failing: since the first run of the streak.
        assert_eq!(h.since(&row("a", Level::Error), at(3)), Some(at(1)));
        // Newly failing: since now.
        assert_eq!(h.since(&row("c", Level::Error), at(3)), Some(at(3)));
        assert_eq!(h.since(&row("a", Level::Warning), at(3)), Some(at(3)));
        // Recovered: OK since the first run it was OK again; never failed: nothing to say.
        assert_eq!(h.since(&row("b", Level::Ok), at(3)), Some(at(2)));
        assert_eq!(h.since(&row("a", Level::Ok), at(3)), Some(at(3)));
        assert_eq!(h.since(&row("z", Level::Ok), at(3)), None);
        // Failing in every remembered run: since the oldest one.
        assert_eq!(
            History::default().since(&row("a", Level::Error), at(9)),
            Some(at(9))
        );
    }

    #[test]
    fn the_file_stays_bounded_and_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/history.json");
        let mut rows = vec![row("a", Level::Error), row("ok", Level::Ok)];
        for h in 0..(MAX_RUNS as i64 + 20) {
            apply(
                dir.path(),
                "state/history.json",
                at(h),
                &mut rows,
                &Secrets::default(),
            );
        }
        assert_eq!(rows.len(), 2, "no problem rows: {rows:?}");
        let (h, problem) = load(dir.path(), &path);
        assert_eq!(problem, None);
        assert_eq!(h.runs(), MAX_RUNS);
        assert!(h.runs.iter().all(|r| r.rows.len() == 1));
        // The streak is as old as the file remembers.
        assert_eq!(rows[0].since, Some(at(19)));
        assert_eq!(rows[1].since, None);
        let size = std::fs::metadata(&path).unwrap().len();
        assert!(size < 64 * 1024, "{size} bytes");
    }

    #[test]
    fn a_broken_file_is_reported_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.json");
        std::fs::write(&path, "{not json").unwrap();
        let mut rows = vec![row("a", Level::Error)];
        apply(
            dir.path(),
            "history.json",
            at(5),
            &mut rows,
            &Secrets::default(),
        );
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].check, "Status history");
        assert_eq!(rows[1].level, Level::Warning);
        assert!(
            rows[1]
                .message
                .starts_with("history file: it is not valid ("),
            "{}",
            rows[1].message
        );
        let (h, problem) = load(dir.path(), &path);
        assert_eq!((h.runs(), problem), (1, None));
    }

    #[cfg(unix)]
    #[test]
    fn links_and_oversized_files_are_not_read_and_are_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let path = root.join("h.json");
        std::os::unix::fs::symlink("/dev/zero", &path).unwrap();
        let (h, problem) = load(root, &path);
        assert_eq!(h.runs(), 0);
        assert_eq!(
            problem.as_deref(),
            Some("it is a symbolic link; not read, started a new one")
        );
        save(root, &path, &h).unwrap();
        assert!(!std::fs::symlink_metadata(&path).unwrap().is_symlink());
        let big = std::fs::File::create(&path).unwrap();
        big.set_len(MAX_BYTES + 1).unwrap();
        assert_eq!(
            load(root, &path).1.as_deref(),
            Some("larger than 16 MB; not read, started a new one")
        );
        assert!(locate(root, "../h.json").is_err());
        assert!(locate(root, "/tmp/h.json").is_err());
        assert!(locate(root, "").is_err());
        assert_eq!(locate(root, "./a/h.json").unwrap(), root.join("./a/h.json"));
    }
}
