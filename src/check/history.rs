//! The history file: a compact JSON record of recent runs, so each row can say since when it
//! has had its level ("ERROR since Monday 08:30"), and show its recent runs ([`Trend`]): the
//! last [`STRIP`] levels, the share of OK runs over 7 and 30 days, "failing since", "last OK"
//! and whether it is flapping.
//!
//! The file keeps the runs of the last `history_days` days (`status:` in `site.yaml`, 90 by
//! default), at most [`MAX_RUNS`] of them, and each row's levels as one letter per run (`O`,
//! `W`, `E`, `-` where the row was not part of a run), so 90 days of hourly runs of 200 rows
//! stay under half a megabyte. It is replaced atomically; a missing file starts a history, an
//! unreadable one (a link, one over [`MAX_BYTES`], broken JSON) is reported as a row and
//! replaced; a file of the first format (only failing rows per run) is read and converted. It
//! lives inside the site folder and is never read or written through a symbolic link.

use std::path::{Component, Path, PathBuf};

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::row::{Finding, Level, Row, Trend};
use super::secret::Secrets;
use crate::fence::{self, ReadError};

/// How many runs the file remembers at most, whatever `history_days` says: 90 days of a run
/// every 15 minutes.
pub const MAX_RUNS: usize = 8640;
/// How many rows the file follows; beyond this a run is a bad day, not a history.
const MAX_ROWS: usize = 1000;
/// How many recent runs a row's strip shows.
pub const STRIP: usize = 90;
/// A row whose level changed at least this often in its last [`FLAP_RUNS`] runs is flapping.
const FLAP_CHANGES: usize = 4;
const FLAP_RUNS: usize = 10;
const VERSION: u32 = 2;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    version: u32,
    /// When each run was, oldest first.
    #[serde(with = "rfc3339_list")]
    runs: Vec<Timestamp>,
    rows: Vec<Track>,
}

/// One row's levels, a letter per run, aligned with [`History::runs`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Track {
    check: String,
    item: String,
    levels: String,
}

fn letter(level: Level) -> u8 {
    match level {
        Level::Ok => b'O',
        Level::Warning => b'W',
        Level::Error => b'E',
    }
}

fn from_letter(b: u8) -> Option<Level> {
    match b {
        b'O' => Some(Level::Ok),
        b'W' => Some(Level::Warning),
        b'E' => Some(Level::Error),
        _ => None,
    }
}

/// The first format: each run's failing rows only.
#[derive(Deserialize)]
struct V1 {
    runs: Vec<V1Run>,
}

#[derive(Deserialize)]
struct V1Run {
    #[serde(with = "rfc3339")]
    at: Timestamp,
    rows: Vec<V1Entry>,
}

#[derive(Deserialize)]
struct V1Entry {
    check: String,
    item: String,
    level: Level,
}

impl History {
    /// A file of the first format, where a row absent from a run was OK in it.
    fn from_v1(v1: V1) -> History {
        let mut h = History {
            version: VERSION,
            ..History::default()
        };
        let mut keys: Vec<(String, String)> = v1
            .runs
            .iter()
            .flat_map(|r| r.rows.iter().map(|e| (e.check.clone(), e.item.clone())))
            .collect();
        keys.sort();
        keys.dedup();
        keys.truncate(MAX_ROWS);
        for (check, item) in keys {
            let levels = v1
                .runs
                .iter()
                .map(|r| {
                    let found = r.rows.iter().find(|e| e.check == check && e.item == item);
                    letter(found.map_or(Level::Ok, |e| e.level)) as char
                })
                .collect();
            h.rows.push(Track {
                check,
                item,
                levels,
            });
        }
        h.runs = v1.runs.iter().map(|r| r.at).collect();
        h
    }

    fn track(&self, check: &str, item: &str) -> Option<&Track> {
        self.rows
            .iter()
            .find(|t| t.check == check && t.item == item)
    }

    /// Since when a row has had its level: the first run of its current streak. For OK rows,
    /// only when the history shows them failing before (a recovery worth noticing).
    pub fn since(&self, row: &Row, now: Timestamp) -> Option<Timestamp> {
        let levels = self
            .track(&row.check, &row.item)
            .map(|t| t.levels.as_bytes());
        let mut since = now;
        for (i, at) in self.runs.iter().enumerate().rev() {
            // Before the row existed it had no level; as the first format had it, that is OK.
            let level = levels
                .and_then(|l| l.get(i).copied())
                .and_then(from_letter)
                .unwrap_or(Level::Ok);
            if level != row.level {
                return Some(since);
            }
            since = *at;
        }
        (row.level != Level::Ok).then_some(since)
    }

    /// Adds this run, then forgets runs older than `days` (and beyond [`MAX_RUNS`]) and rows
    /// no kept run had.
    pub fn record(&mut self, now: Timestamp, days: u32, rows: &[Row]) {
        self.version = VERSION;
        let before = self.runs.len();
        self.runs.push(now);
        let mut seen = vec![None; self.rows.len()];
        let mut index: std::collections::HashMap<(String, String), usize> = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, t)| ((t.check.clone(), t.item.clone()), i))
            .collect();
        for r in rows {
            let key = (r.check.clone(), r.item.clone());
            let i = match index.get(&key) {
                Some(i) => *i,
                None if self.rows.len() < MAX_ROWS => {
                    index.insert(key, self.rows.len());
                    self.rows.push(Track {
                        check: r.check.clone(),
                        item: r.item.clone(),
                        levels: "-".repeat(before),
                    });
                    seen.push(None);
                    self.rows.len() - 1
                }
                None => continue,
            };
            // Two findings of one item in a run: the worse one stands.
            seen[i] = Some(seen[i].map_or(r.level, |l: Level| l.min(r.level)));
        }
        for (t, level) in self.rows.iter_mut().zip(seen) {
            t.levels.truncate(before);
            t.levels.push(level.map_or('-', |l| letter(l) as char));
        }
        let oldest = now - SignedDuration::from_hours(24 * i64::from(days));
        let too_old = self.runs.partition_point(|t| *t <= oldest);
        let excess = too_old.max(self.runs.len().saturating_sub(MAX_RUNS));
        self.runs.drain(..excess);
        for t in &mut self.rows {
            t.levels.drain(..excess.min(t.levels.len()));
        }
        self.rows.retain(|t| t.levels.bytes().any(|b| b != b'-'));
    }

    /// A row's recent runs, as of the last one recorded (`now`).
    pub fn trend(&self, row: &Row, now: Timestamp) -> Trend {
        let levels: Vec<Option<Level>> = match self.track(&row.check, &row.item) {
            Some(t) => t.levels.bytes().map(from_letter).collect(),
            None => vec![None; self.runs.len()],
        };
        let present: Vec<(Timestamp, Level)> = self
            .runs
            .iter()
            .zip(&levels)
            .filter_map(|(at, l)| l.map(|l| (*at, l)))
            .collect();
        let share = |days: i64| {
            let from = now - SignedDuration::from_hours(24 * days);
            let mut s = super::row::Share::default();
            for (at, l) in present.iter().filter(|(at, _)| *at > from) {
                let _ = at;
                s.runs += 1;
                s.ok += u32::from(*l == Level::Ok);
            }
            s
        };
        let failing = present.last().is_some_and(|(_, l)| *l != Level::Ok);
        let last_ok = present
            .iter()
            .rev()
            .find(|(_, l)| *l == Level::Ok)
            .map(|(at, _)| *at);
        let failing_since = failing.then(|| {
            present
                .iter()
                .rev()
                .take_while(|(_, l)| *l != Level::Ok)
                .last()
                .map_or(now, |(at, _)| *at)
        });
        let last: Vec<Level> = present
            .iter()
            .rev()
            .take(FLAP_RUNS)
            .map(|(_, l)| *l)
            .collect();
        let changes = last.windows(2).filter(|w| w[0] != w[1]).count();
        let strip = self.runs.len().saturating_sub(STRIP);
        Trend {
            runs: self.runs[strip..].to_vec(),
            levels: levels[strip..].to_vec(),
            ok_7d: share(7),
            ok_30d: share(30),
            failing_since,
            last_ok: if failing { last_ok } else { None },
            flapping: changes >= FLAP_CHANGES,
        }
    }

    #[cfg(test)]
    fn runs(&self) -> usize {
        self.runs.len()
    }
}

/// Lists of timestamps as RFC 3339 text.
mod rfc3339_list {
    use jiff::Timestamp;
    use serde::ser::SerializeSeq;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(ts: &[Timestamp], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(ts.len()))?;
        for t in ts {
            seq.serialize_element(&t.to_string())?;
        }
        seq.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Timestamp>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|s| s.parse().map_err(serde::de::Error::custom))
            .collect()
    }
}

/// Timestamps as RFC 3339 text (`2026-11-23T08:30:00Z`), in the first format.
mod rfc3339 {
    use jiff::Timestamp;
    use serde::{Deserialize, Deserializer};

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
    #[derive(Deserialize)]
    struct Version {
        version: u32,
    }
    match fence::read_regular(path, false, MAX_BYTES) {
        Ok(bytes) => {
            let parsed = serde_json::from_slice::<Version>(&bytes).and_then(|v| match v.version {
                VERSION => serde_json::from_slice::<History>(&bytes).map(Ok),
                1 => serde_json::from_slice::<V1>(&bytes).map(|h| Ok(History::from_v1(h))),
                other => Ok(Err(other)),
            });
            match parsed {
                Ok(Ok(h)) => (h, None),
                Ok(Err(v)) => (
                    History::default(),
                    Some(format!("version {v} is not understood; started a new one")),
                ),
                Err(e) => (
                    History::default(),
                    Some(format!("it is not valid ({e}); started a new one")),
                ),
            }
        }
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

/// Dates every row from the history file `rel` in the site `root`, records this run there
/// (keeping `days` days of runs) and gives each row its [`Trend`]. Problems with the file
/// become a row of their own; they never stop the page.
pub fn apply(
    root: &Path,
    rel: &str,
    days: u32,
    now: Timestamp,
    rows: &mut Vec<Row>,
    secrets: &Secrets,
) {
    let (path, problem) = match locate(root, rel) {
        Ok(path) => {
            let (mut history, problem) = load(root, &path);
            for row in rows.iter_mut() {
                row.since = history.since(row, now);
            }
            history.record(now, days, rows);
            for row in rows.iter_mut() {
                row.trend = Some(history.trend(row, now));
            }
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
            trend: None,
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
            trend: None,
        }
    }

    #[test]
    fn since_is_the_start_of_the_current_streak() {
        let mut h = History::default();
        h.record(
            at(0),
            90,
            &[row("a", Level::Warning), row("b", Level::Error)],
        );
        h.record(at(1), 90, &[row("a", Level::Error), row("b", Level::Error)]);
        h.record(at(2), 90, &[row("a", Level::Error)]);
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

    fn rows(n: usize, level: impl Fn(usize) -> Level) -> Vec<Row> {
        (0..n)
            .map(|i| {
                let mut r = row(&format!("check {i}"), level(i));
                r.item = format!("https://service-{i}.example.org/health");
                r
            })
            .collect()
    }

    #[test]
    fn runs_are_kept_by_age() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/history.json");
        let mut rows = vec![row("a", Level::Error), row("ok", Level::Ok)];
        for h in 0..(5 * 24) {
            apply(
                dir.path(),
                "state/history.json",
                2,
                at(h),
                &mut rows,
                &Secrets::default(),
            );
        }
        assert_eq!(rows.len(), 2, "no problem rows: {rows:?}");
        let (h, problem) = load(dir.path(), &path);
        assert_eq!(problem, None);
        // The runs of the last two days: 48 hourly ones, the last included.
        assert_eq!(h.runs(), 48);
        assert_eq!(h.runs[0], at(5 * 24 - 48));
        // The streak is as old as the file remembered before this run.
        assert_eq!(rows[0].since, Some(at(5 * 24 - 1 - 48)));
        assert_eq!(rows[1].since, None);
        // A row that stops being reported is forgotten once its runs are.
        let mut h = h;
        h.record(at(120), 2, &[row("ok", Level::Ok)]);
        assert_eq!(h.track("a", "i").unwrap().levels.len(), 48);
        h.record(at(200), 2, &[row("ok", Level::Ok)]);
        assert!(h.track("a", "i").is_none());
        assert_eq!(h.runs(), 1);
    }

    #[test]
    fn ninety_days_of_hourly_runs_of_200_rows_stay_small() {
        let mut h = History::default();
        let hours = 90 * 24;
        for t in 0..hours {
            let level = |i: usize| match (i + t as usize) % 7 {
                0 => Level::Error,
                1 => Level::Warning,
                _ => Level::Ok,
            };
            h.record(at(t), 90, &rows(200, level));
        }
        assert_eq!((h.runs(), h.rows.len()), (hours as usize, 200));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.json");
        save(dir.path(), &path, &h).unwrap();
        let size = std::fs::metadata(&path).unwrap().len();
        assert!(size < 5 * 1024 * 1024, "{size} bytes");
        let (back, problem) = load(dir.path(), &path);
        assert_eq!(problem, None);
        assert_eq!(back, h);
        // One more run, past 90 days: the oldest goes.
        let mut rows = rows(200, |_| Level::Ok);
        apply(
            dir.path(),
            "h.json",
            90,
            at(hours),
            &mut rows,
            &Secrets::default(),
        );
        let (back, _) = load(dir.path(), &path);
        assert_eq!(back.runs(), hours as usize);
        assert_eq!(back.runs[0], at(1));
        let t = rows[0].trend.as_ref().unwrap();
        assert_eq!((t.runs.len(), t.levels.len()), (STRIP, STRIP));
        assert_eq!(t.runs.last(), Some(&at(hours)));
    }

    fn trend_of(levels: &[Level]) -> Trend {
        let mut h = History::default();
        for (i, l) in levels.iter().enumerate() {
            h.record(at(i as i64 * 24), 90, &[row("a", *l)]);
        }
        let now = at((levels.len() as i64 - 1) * 24);
        h.trend(&row("a", *levels.last().unwrap()), now)
    }

    #[test]
    fn a_trend_shows_shares_streaks_and_flapping() {
        use Level::{Error as E, Ok as O, Warning as W};
        // Daily runs: 40 days, OK but for the last three.
        let mut levels = vec![O; 37];
        levels.extend([W, E, E]);
        let t = trend_of(&levels);
        assert_eq!((t.ok_7d.ok, t.ok_7d.runs), (4, 7));
        assert_eq!((t.ok_30d.ok, t.ok_30d.runs), (27, 30));
        assert_eq!(t.ok_7d.ratio(), Some(4.0 / 7.0));
        assert_eq!(t.failing_since, Some(at(37 * 24)));
        assert_eq!(t.last_ok, Some(at(36 * 24)));
        assert!(!t.flapping);
        assert_eq!(t.levels.len(), 40);
        assert_eq!(t.levels[36..], [Some(O), Some(W), Some(E), Some(E)]);
        // Back to OK: neither "failing since" nor "last OK".
        let t = trend_of(&[E, E, O]);
        assert_eq!((t.failing_since, t.last_ok), (None, None));
        // Failing in every run: since the first, never OK.
        let t = trend_of(&[E, W, E]);
        assert_eq!((t.failing_since, t.last_ok), (Some(at(0)), None));
        // Four changes in the last ten runs flap; three do not.
        assert!(trend_of(&[O, O, O, O, O, O, E, O, E, O, E]).flapping);
        assert!(!trend_of(&[E, E, E, E, E, O, E, E, O, O, O]).flapping);
        assert!(trend_of(&[O, W, O, W, O]).flapping);
    }

    #[test]
    fn rows_missing_from_a_run_leave_a_gap() {
        let mut h = History::default();
        h.record(at(0), 90, &[row("a", Level::Ok)]);
        h.record(at(1), 90, &[row("b", Level::Error)]);
        h.record(
            at(2),
            90,
            &[row("a", Level::Error), row("a", Level::Warning)],
        );
        let t = h.trend(&row("a", Level::Error), at(2));
        assert_eq!(t.levels, [Some(Level::Ok), None, Some(Level::Error)]);
        assert_eq!(t.failing_since, Some(at(2)));
        assert_eq!(t.last_ok, Some(at(0)));
        assert_eq!(h.track("b", "i").unwrap().levels, "-E-");
    }

    #[test]
    fn a_file_of_the_first_format_is_converted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.json");
        std::fs::write(
            &path,
            r#"{"version":1,"runs":[{"at":"2027-01-15T08:00:00Z","rows":[{"check":"a","item":"i","level":"ERROR"}]},{"at":"2027-01-15T09:00:00Z","rows":[]}]}"#,
        )
        .unwrap();
        let (h, problem) = load(dir.path(), &path);
        assert_eq!(problem, None);
        assert_eq!(h.runs(), 2);
        assert_eq!(h.track("a", "i").unwrap().levels, "EO");
        let t: Timestamp = "2027-01-15T10:00:00Z".parse().unwrap();
        assert_eq!(
            h.since(&row("a", Level::Ok), t),
            Some("2027-01-15T09:00:00Z".parse().unwrap())
        );
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
            90,
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
