//! The values a check run produces: levels, findings, rows and the report, plus how findings
//! become rows (snooze, link fallback, masking) and the worst-first order. Pure.

use std::fmt;
use std::time::Duration;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::config::CheckSpec;
use super::links::LinkRef;
use super::secret::Secrets;
use crate::config::SiteConfig;
use crate::link::Site;

/// How a row stands. Ordered worst first, so sorting ascending puts errors on top.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Level {
    Error,
    Warning,
    Ok,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "ERROR",
            Level::Warning => "WARNING",
            Level::Ok => "OK",
        }
    }

    /// `OK`, `WARNING` or `ERROR`, any case; what command checks print.
    pub fn parse(s: &str) -> Option<Level> {
        match s.trim().to_ascii_uppercase().as_str() {
            "OK" => Some(Level::Ok),
            "WARNING" => Some(Level::Warning),
            "ERROR" => Some(Level::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a check reports about one item, before the runner adds the check's name, snooze and
/// history. `link` is a URL or a `[[doc]]` reference; `None` means the check's own link.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub level: Level,
    pub item: String,
    pub message: String,
    pub link: Option<String>,
    /// A snooze of this item alone (triggers), on top of the check's own.
    pub snoozed_until: Option<Date>,
}

impl Finding {
    pub fn new(level: Level, item: impl Into<String>, message: impl Into<String>) -> Finding {
        Finding {
            level,
            item: item.into(),
            message: message.into(),
            link: None,
            snoozed_until: None,
        }
    }

    pub fn ok(item: impl Into<String>, message: impl Into<String>) -> Finding {
        Finding::new(Level::Ok, item, message)
    }

    pub fn warning(item: impl Into<String>, message: impl Into<String>) -> Finding {
        Finding::new(Level::Warning, item, message)
    }

    pub fn error(item: impl Into<String>, message: impl Into<String>) -> Finding {
        Finding::new(Level::Error, item, message)
    }

    pub fn with_link(mut self, link: Option<String>) -> Finding {
        self.link = link.filter(|l| !l.trim().is_empty());
        self
    }
}

/// One line of the status page.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub level: Level,
    pub check: String,
    pub item: String,
    pub message: String,
    /// Where to start: a URL, or a path inside the site (`/runbooks/backups/`).
    pub link: Option<String>,
    /// The linked document's title, when the link is a `[[doc]]` reference.
    pub link_title: Option<String>,
    /// Since when the row has had this level, from the history file.
    pub since: Option<Timestamp>,
    /// Set while a snooze holds: the row keeps its level but does not count as failing.
    pub snoozed_until: Option<Date>,
    /// Its recent runs, from the history file (`None` when no history is kept).
    pub trend: Option<Trend>,
}

/// A row's recent runs, as the history file has them (this run included).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Trend {
    /// The last runs of the history (up to [`super::history::STRIP`]), oldest first.
    pub runs: Vec<Timestamp>,
    /// The row's level in each of those runs; `None` where it was not part of the run.
    pub levels: Vec<Option<Level>>,
    /// Its runs over the last 7 and 30 days, and how many of them were OK.
    pub ok_7d: Share,
    pub ok_30d: Share,
    /// While failing: the first run of the current failing streak (any level but OK).
    pub failing_since: Option<Timestamp>,
    /// While failing: the last run it was OK in, if the history has one.
    pub last_ok: Option<Timestamp>,
    /// Its level changed at least 4 times in its last 10 runs.
    pub flapping: bool,
}

/// How many runs of a period a row was part of, and how many of them were OK.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Share {
    pub ok: u32,
    pub runs: u32,
}

impl Share {
    /// The OK share, `None` without runs.
    pub fn ratio(self) -> Option<f64> {
        (self.runs > 0).then(|| f64::from(self.ok) / f64::from(self.runs))
    }
}

impl Row {
    /// Failing and not snoozed: what turns `cairn check` red.
    pub fn is_alarm(&self, at_least: Level) -> bool {
        self.level <= at_least && self.level != Level::Ok && self.snoozed_until.is_none()
    }
}

/// Rows by standing; snoozed rows are counted apart from their level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub error: usize,
    pub warning: usize,
    pub ok: usize,
    pub snoozed: usize,
}

/// A finished run.
#[derive(Debug, Clone)]
pub struct Report {
    /// Worst first: ERROR, WARNING, OK; snoozed rows after the live ones of their level.
    pub rows: Vec<Row>,
    pub generated_at: Timestamp,
    /// Wall time of the run.
    pub duration: Duration,
    /// After this long, the page warns that it is stale.
    pub stale_after: Duration,
    /// How many checks ran.
    pub checks: usize,
}

impl Report {
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for r in &self.rows {
            match (r.snoozed_until.is_some() && r.level != Level::Ok, r.level) {
                (true, _) => c.snoozed += 1,
                (false, Level::Error) => c.error += 1,
                (false, Level::Warning) => c.warning += 1,
                (false, Level::Ok) => c.ok += 1,
            }
        }
        c
    }

    /// The worst level among rows that are not snoozed.
    pub fn level(&self) -> Level {
        self.rows
            .iter()
            .filter(|r| r.snoozed_until.is_none())
            .map(|r| r.level)
            .min()
            .unwrap_or(Level::Ok)
    }

    /// Any live row at `level` or worse (`--fail-on`, the exit code of `cairn check`).
    pub fn fails(&self, level: Level) -> bool {
        self.rows.iter().any(|r| r.is_alarm(level))
    }
}

/// Worst first and stable, so rows of equal standing keep the order of `checks:`.
pub fn sort(rows: &mut [Row]) {
    rows.sort_by_key(|r| (r.level, r.snoozed_until.is_some()));
}

/// Turns a finding into a row: the check's name, a resolved link, the snooze that applies and
/// secrets masked out of every text.
pub fn to_row(
    spec: &CheckSpec,
    f: Finding,
    today: Date,
    site: &Site,
    config: &SiteConfig,
    secrets: &Secrets,
) -> Row {
    let mut message = f.message;
    let (link, link_title) = match f.link.as_deref() {
        Some(raw) => match LinkRef::parse(raw).resolve(site, config) {
            Ok(resolved) => resolved,
            Err(e) => {
                message.push_str(&format!(" (its link does not work: {e})"));
                fallback(spec)
            }
        },
        None => fallback(spec),
    };
    // The later of the two snoozes holds; a snooze in the past has woken up.
    let snooze = [spec.snooze_until, f.snoozed_until]
        .into_iter()
        .flatten()
        .filter(|d| *d >= today)
        .max()
        .filter(|_| f.level != Level::Ok);
    Row {
        level: f.level,
        check: clean(&secrets.mask(&spec.name)),
        item: clean(&secrets.mask(&f.item)),
        message: clean(&secrets.mask(message.trim())),
        link: link.map(|l| clean(&secrets.mask(&l))),
        link_title,
        since: None,
        snoozed_until: snooze,
        trend: None,
    }
}

/// Control characters (terminal escapes, stray line breaks from a program's output) become
/// spaces, so every output shows a row as one line of plain text.
pub fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn fallback(spec: &CheckSpec) -> (Option<String>, Option<String>) {
    spec.link
        .as_ref()
        .and_then(|l| l.resolved.clone())
        .map_or((None, None), |(href, title)| (Some(href), title))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(level: Level, check: &str, snoozed: bool) -> Row {
        Row {
            level,
            check: check.into(),
            item: String::new(),
            message: String::new(),
            link: None,
            link_title: None,
            since: None,
            snoozed_until: snoozed.then(|| Date::new(2026, 12, 1).unwrap()),
            trend: None,
        }
    }

    #[test]
    fn worst_first_and_stable() {
        let mut rows = vec![
            row(Level::Ok, "a", false),
            row(Level::Error, "b", true),
            row(Level::Warning, "c", false),
            row(Level::Error, "d", false),
            row(Level::Ok, "e", false),
            row(Level::Error, "f", false),
        ];
        sort(&mut rows);
        let order: Vec<&str> = rows.iter().map(|r| r.check.as_str()).collect();
        assert_eq!(order, ["d", "f", "b", "c", "a", "e"]);
    }

    #[test]
    fn snoozed_errors_do_not_fail_the_run() {
        let report = Report {
            rows: vec![
                row(Level::Error, "a", true),
                row(Level::Warning, "b", false),
            ],
            generated_at: Timestamp::UNIX_EPOCH,
            duration: Duration::ZERO,
            stale_after: Duration::ZERO,
            checks: 2,
        };
        assert!(!report.fails(Level::Error));
        assert!(report.fails(Level::Warning));
        assert_eq!(report.level(), Level::Warning);
        let c = report.counts();
        assert_eq!((c.error, c.warning, c.snoozed, c.ok), (0, 1, 1, 0));
    }

    #[test]
    fn levels_parse_in_any_case() {
        assert_eq!(Level::parse("warning"), Some(Level::Warning));
        assert_eq!(Level::parse(" OK "), Some(Level::Ok));
        assert_eq!(Level::parse("WARN"), None);
    }
}
