//! The status page end to end: fixture sites with checks against real local components (an
//! HTTP server, a TLS server with a self-signed certificate, subprocesses), built with an
//! injected clock, asserting on the rows, the written page and `status.json`.

mod cli;
mod commands;
mod config;
mod network;
mod page;
mod servers;
mod signals;
mod triggers;

use std::path::{Path, PathBuf};
use std::time::Duration;

use cairn::check::{Level, Report, Row};
use cairn::{BuildOptions, BuildReport};
use jiff::Timestamp;
use tempfile::TempDir;

/// The moment most tests run at: a Monday morning.
pub const NOW: &str = "2026-11-23T08:30:00Z";

/// A site in a temporary folder: one runbook, one overdue strategy, and the given checks.
pub struct Site {
    pub dir: TempDir,
}

pub fn site(checks: &str) -> Site {
    let dir = tempfile::tempdir().unwrap();
    let s = Site { dir };
    s.write(
        "site.yaml",
        &format!(
            "title: Test Ops\nbase_url: https://ops.example/\nstatus:\n  stale_after: 26h\n  history: .cairn/history.json\nchecks:\n{checks}"
        ),
    );
    s.write(
        "content/runbooks/backups.md",
        "---\ntitle: Backups\n---\n\nHow backups work.\n\n## Restore\n\nRestore into a new cluster.\n",
    );
    s.write(
        "content/strategies/morning-page.md",
        "---\ntitle: One morning page\nstatus: active\nreview_by: 2026-10-01\n---\n\n## Problem\n\nToo many dashboards.\n\n## Guiding policy\n\nOne page.\n\n## Actions\n\n- Build it.\n",
    );
    s
}

impl Site {
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    pub fn opts(&self, now: &str) -> BuildOptions {
        let now: Timestamp = now.parse().unwrap();
        let today = now.to_zoned_datetime(jiff::tz::TimeZone::UTC).date();
        BuildOptions {
            now,
            ..BuildOptions::new(self.root(), today)
        }
    }

    /// Builds at `now` and returns the report; the build itself must succeed.
    pub fn build_at(&self, now: &str) -> BuildReport {
        let report = cairn::build(&self.opts(now)).unwrap();
        assert!(!report.has_errors(), "{:#?}", report.diagnostics);
        report
    }

    pub fn status_at(&self, now: &str) -> Report {
        self.build_at(now).status.expect("the checks ran")
    }
}

/// The row of `check` about `item`.
pub fn row<'r>(report: &'r Report, check: &str, item: &str) -> &'r Row {
    report
        .rows
        .iter()
        .find(|r| r.check == check && r.item == item)
        .unwrap_or_else(|| panic!("no row {check}/{item} in {:#?}", report.rows))
}

/// The only row of `check`.
pub fn only<'r>(report: &'r Report, check: &str) -> &'r Row {
    let rows: Vec<&Row> = report.rows.iter().filter(|r| r.check == check).collect();
    assert_eq!(rows.len(), 1, "{check}: {rows:#?}");
    rows[0]
}

pub fn assert_row(r: &Row, level: Level, message_starts: &str) {
    assert_eq!(r.level, level, "{r:#?}");
    assert!(
        r.message.starts_with(message_starts),
        "expected `{message_starts}…`, found `{}`",
        r.message
    );
}
/// Gone means no such process, or a zombie left for init to reap (it no longer runs).
pub fn gone(pid: u32) -> bool {
    for _ in 0..200 {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Err(_) => return true,
            Ok(stat) => {
                let state = stat.rsplit(')').next().unwrap_or("").trim_start();
                if state.starts_with('Z') || state.starts_with('X') {
                    return true;
                }
            }
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}
