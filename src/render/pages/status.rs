//! The status page (`/status/`, theme template `status.html`), only when the checks ran, and
//! the compact summary every page shows in its header. Built from the check stage's report;
//! everything a check produced reaches the template as plain text, which tera escapes (the
//! template never marks it `safe`). The page is never cached: it carries the time the checks
//! ran. No I/O.

use serde::Serialize;

use super::{PageType, Route, status_json::StatusJson};
use crate::check::format::{self, absolute, when};
use crate::check::{Level, Report, Row};
use crate::names::BaseUrl;
use crate::render::{Key, Prepared, Renderer};

pub(super) struct Status;

/// What the header of every page shows: the worst live row's level (for styling) and the
/// counts. Nothing that changes on every run, since every page's digest holds it.
#[derive(Debug, Serialize)]
pub(in crate::render) struct HeaderStatus {
    level: &'static str,
    text: String,
}

pub(in crate::render) fn header_status(report: &Report) -> HeaderStatus {
    let SummaryView { level, text, .. } = summary(report);
    HeaderStatus { level, text }
}

/// The summary at the top of the status page.
#[derive(Debug, Serialize)]
struct SummaryView {
    /// `error`, `warning` or `ok`: the worst live row, for styling.
    pub level: &'static str,
    /// `2 errors, 1 warning, 14 OK, 1 snoozed`.
    pub text: String,
    /// RFC 3339, for the browser's staleness test.
    pub generated_at: String,
    pub stale_after_seconds: u64,
}

#[derive(Debug, Serialize)]
struct RowView<'r> {
    level: &'static str,
    /// `error`, `warning`, `ok` or `snoozed`.
    class: &'static str,
    label: String,
    check: &'r str,
    item: &'r str,
    message: &'r str,
    link: Option<String>,
    link_title: Option<&'r str>,
    since: Option<String>,
    since_iso: Option<String>,
    snoozed_until: Option<String>,
}

#[derive(Debug, Serialize)]
struct StatusView<'r> {
    summary: SummaryView,
    generated: String,
    duration: String,
    checks: usize,
    stale_after: String,
    json_href: String,
    rows: Vec<RowView<'r>>,
}

fn class(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Ok => "ok",
    }
}

fn summary(report: &Report) -> SummaryView {
    SummaryView {
        level: class(report.level()),
        text: format::summary(report.counts()),
        generated_at: report
            .generated_at
            .strftime("%Y-%m-%dT%H:%M:%SZ")
            .to_string(),
        stale_after_seconds: report.stale_after.as_secs(),
    }
}

fn row_view<'r>(r: &'r Row, base: &BaseUrl) -> RowView<'r> {
    let snoozed = r.snoozed_until.is_some() && r.level != Level::Ok;
    RowView {
        level: r.level.as_str(),
        class: if snoozed { "snoozed" } else { class(r.level) },
        label: format::level_label(r),
        check: &r.check,
        item: &r.item,
        message: &r.message,
        // The page links inside the site as the rest of the site does; only foreign URLs stay.
        link: r.link.as_ref().map(|l| {
            if l.starts_with('/') {
                l.clone()
            } else {
                absolute(l, base)
            }
        }),
        link_title: r.link_title.as_deref(),
        since: r.since.map(when),
        since_iso: r.since.map(|s| s.to_string()),
        snoozed_until: r.snoozed_until.filter(|_| snoozed).map(|d| d.to_string()),
    }
}

impl PageType for Status {
    fn name(&self) -> &'static str {
        "status"
    }

    fn route(&self) -> Route {
        Route::At("/status/")
    }

    fn href(&self) -> Option<&'static str> {
        Some("status_href")
    }

    fn keys(&self, r: &Renderer<'_>) -> Vec<Key> {
        r.env.status.map(|_| Key::One).into_iter().collect()
    }

    fn prepare<'r>(&self, r: &'r Renderer<'r>, key: &Key) -> Prepared<'r> {
        let report = r
            .env
            .status
            .expect("the status page exists only with a report");
        let base = &r.config.base_url;
        let view = StatusPage {
            report: StatusView {
                summary: summary(report),
                generated: when(report.generated_at),
                duration: format!("{:.1}s", report.duration.as_secs_f64()),
                checks: report.checks,
                stale_after: format::age(report.stale_after),
                json_href: base.href(&StatusJson.url(r, key)),
                rows: report.rows.iter().map(|x| row_view(x, base)).collect(),
            },
        };
        r.templated("status.html", "Status", self.url(r, key), view)
            .uncached()
    }
}

#[derive(Serialize)]
struct StatusPage<'r> {
    report: StatusView<'r>,
}
