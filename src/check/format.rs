//! Plain formats of a report for `cairn check` and the site: an aligned text table, CSV and
//! JSON (`status.json`). Links inside the site are made absolute with the base URL, so the
//! output works outside the site. Pure; the caller prints or writes the result.

use std::time::Duration;

use serde::Serialize;

use super::csv;
use super::row::{Counts, Level, Report, Row, Share, Trend};
use crate::names::BaseUrl;

/// Bumped when `status.json` changes incompatibly.
pub const JSON_VERSION: u32 = 1;

/// A site path (`/runbooks/backups/`) as an absolute URL when the base URL has an origin.
pub fn absolute(link: &str, base: &BaseUrl) -> String {
    if link.starts_with('/') && !link.starts_with("//") {
        format!("{}{link}", base.origin())
    } else {
        link.to_string()
    }
}

/// `45s`, `12m`, `3h 12m`, `26h`, `4d 2h`: hours up to three days, then days.
pub fn age(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..259_200 => match (s % 3600) / 60 {
            0 => format!("{}h", s / 3600),
            m => format!("{}h {m}m", s / 3600),
        },
        _ => match (s % 86400) / 3600 {
            0 => format!("{}d", s / 86400),
            h => format!("{}d {h}h", s / 86400),
        },
    }
}

/// `2026-11-23 08:30 UTC`.
pub fn when(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

/// The level as shown to people: `ERROR (snoozed until 2026-12-01)`.
pub fn level_label(r: &Row) -> String {
    match r.snoozed_until {
        Some(d) if r.level != Level::Ok => format!("{} (snoozed until {d})", r.level),
        _ => r.level.to_string(),
    }
}

/// One line: `1 error, 2 warnings, 14 OK, 1 snoozed`.
pub fn summary(c: Counts) -> String {
    let mut parts = Vec::new();
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    if c.error > 0 {
        parts.push(format!("{} error{}", c.error, plural(c.error)));
    }
    if c.warning > 0 {
        parts.push(format!("{} warning{}", c.warning, plural(c.warning)));
    }
    parts.push(format!("{} OK", c.ok));
    if c.snoozed > 0 {
        parts.push(format!("{} snoozed", c.snoozed));
    }
    parts.join(", ")
}

/// An aligned table for a terminal, worst rows first, with a summary line.
pub fn text(report: &Report, base: &BaseUrl) -> String {
    let width = |f: fn(&Row) -> String, cap: usize| {
        report
            .rows
            .iter()
            .map(|r| f(r).chars().count())
            .max()
            .unwrap_or(0)
            .clamp(5, cap)
    };
    let wl = width(|r| r.level.to_string(), 7);
    let wc = width(|r| r.check.clone(), 28);
    let wi = width(|r| r.item.clone(), 36);
    let mut out = format!(
        "{:wl$}  {:wc$}  {:wi$}  MESSAGE\n",
        "LEVEL", "CHECK", "ITEM"
    );
    for r in &report.rows {
        let mut msg = r.message.clone();
        let mut notes = Vec::new();
        if let Some(d) = r.snoozed_until.filter(|_| r.level != Level::Ok) {
            notes.push(format!("snoozed until {d}"));
        }
        if let Some(s) = r.since.filter(|_| r.level != Level::Ok) {
            notes.push(format!("since {}", when(s)));
        }
        if let Some(t) = &r.trend {
            if let Some(ok) = t.last_ok {
                notes.push(format!("last OK {}", when(ok)));
            }
            if t.flapping {
                notes.push("flapping".into());
            }
        }
        if !notes.is_empty() {
            msg.push_str(&format!(" [{}]", notes.join("; ")));
        }
        if let Some(l) = &r.link {
            msg.push_str(&format!(" → {}", absolute(l, base)));
        }
        out.push_str(&format!(
            "{:wl$}  {:wc$}  {:wi$}  {msg}\n",
            r.level.as_str(),
            r.check,
            r.item
        ));
    }
    out.push_str(&format!(
        "\n{} · {} checks · generated {}\n",
        summary(report.counts()),
        report.checks,
        when(report.generated_at)
    ));
    out
}

/// Every row as CSV with a header: `level,check,item,message,link,since,snoozed_until`. A cell
/// a spreadsheet would run as a formula is defused (see [`cell`]).
pub fn csv(report: &Report, base: &BaseUrl) -> String {
    let mut out = csv::record(&[
        "level",
        "check",
        "item",
        "message",
        "link",
        "since",
        "snoozed_until",
    ]);
    for r in &report.rows {
        out.push_str(&csv::record(&[
            r.level.to_string(),
            cell(&r.check),
            cell(&r.item),
            cell(&r.message),
            cell(
                &r.link
                    .as_deref()
                    .map(|l| absolute(l, base))
                    .unwrap_or_default(),
            ),
            r.since.map(|s| s.to_string()).unwrap_or_default(),
            r.snoozed_until.map(|d| d.to_string()).unwrap_or_default(),
        ]));
    }
    out
}

/// Spreadsheets run a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return as a
/// formula (`=HYPERLINK(…)`, `=cmd|…`), and check texts come from programs and servers. As
/// OWASP's CSV injection guidance has it, such a cell gets a leading `'`, which spreadsheets
/// show as text; quoting is left to the CSV writer.
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    generated_at: String,
    level: Level,
    counts: Counts,
    checks: usize,
    duration_ms: u128,
    stale_after_seconds: u64,
    versions: Versions,
    /// When the runs of the rows' `recent` strips were, oldest first (with a history file).
    #[serde(skip_serializing_if = "Option::is_none")]
    runs: Option<Vec<String>>,
    rows: Vec<JsonRow<'a>>,
}

#[derive(Serialize)]
struct Versions {
    cairn: &'static str,
    status_json: u32,
}

#[derive(Serialize)]
struct JsonRow<'a> {
    level: Level,
    check: &'a str,
    item: &'a str,
    message: &'a str,
    link: Option<String>,
    link_title: Option<&'a str>,
    since: Option<String>,
    snoozed_until: Option<String>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    trend: Option<JsonTrend>,
}

/// A row's recent runs: `recent` has a letter per run of the report's `runs` (`O`, `W`, `E`,
/// `-` where the row was not part of that run).
#[derive(Serialize)]
struct JsonTrend {
    recent: String,
    ok_share_7d: Option<f64>,
    runs_7d: u32,
    ok_share_30d: Option<f64>,
    runs_30d: u32,
    failing_since: Option<String>,
    last_ok: Option<String>,
    flapping: bool,
}

impl JsonTrend {
    fn new(t: &Trend) -> JsonTrend {
        let recent = t
            .levels
            .iter()
            .map(|l| match l {
                Some(Level::Ok) => 'O',
                Some(Level::Warning) => 'W',
                Some(Level::Error) => 'E',
                None => '-',
            })
            .collect();
        // Three decimals: enough to read, and the same text on every platform.
        let share = |s: Share| s.ratio().map(|r| (r * 1000.0).round() / 1000.0);
        JsonTrend {
            recent,
            ok_share_7d: share(t.ok_7d),
            runs_7d: t.ok_7d.runs,
            ok_share_30d: share(t.ok_30d),
            runs_30d: t.ok_30d.runs,
            failing_since: t.failing_since.map(|s| s.to_string()),
            last_ok: t.last_ok.map(|s| s.to_string()),
            flapping: t.flapping,
        }
    }
}

/// `status.json`: every row, the overall level, counts, when and with which version.
pub fn json(report: &Report, base: &BaseUrl) -> String {
    let value = JsonReport {
        generated_at: report.generated_at.to_string(),
        level: report.level(),
        counts: report.counts(),
        checks: report.checks,
        duration_ms: report.duration.as_millis(),
        stale_after_seconds: report.stale_after.as_secs(),
        versions: Versions {
            cairn: env!("CARGO_PKG_VERSION"),
            status_json: JSON_VERSION,
        },
        runs: report
            .rows
            .iter()
            .find_map(|r| r.trend.as_ref())
            .map(|t| t.runs.iter().map(|at| at.to_string()).collect()),
        rows: report
            .rows
            .iter()
            .map(|r| JsonRow {
                level: r.level,
                check: &r.check,
                item: &r.item,
                message: &r.message,
                link: r.link.as_deref().map(|l| absolute(l, base)),
                link_title: r.link_title.as_deref(),
                since: r.since.map(|s| s.to_string()),
                snoozed_until: r.snoozed_until.map(|d| d.to_string()),
                trend: r.trend.as_ref().map(JsonTrend::new),
            })
            .collect(),
    };
    let mut s = serde_json::to_string_pretty(&value).expect("a report serialises");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_start_a_formula_are_defused() {
        for (text, shown) in [
            ("=1+2", "'=1+2"),
            ("+x", "'+x"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("a=b", "a=b"),
            ("", ""),
            ("'quoted", "'quoted"),
        ] {
            assert_eq!(cell(text), shown, "{text:?}");
        }
    }

    #[test]
    fn json_rows_carry_their_trend() {
        let t = |s: &str| s.parse::<jiff::Timestamp>().unwrap();
        let trend = Trend {
            runs: vec![
                t("2026-11-20T08:00:00Z"),
                t("2026-11-21T08:00:00Z"),
                t("2026-11-22T08:00:00Z"),
                t("2026-11-23T08:00:00Z"),
            ],
            levels: vec![
                Some(Level::Ok),
                None,
                Some(Level::Warning),
                Some(Level::Error),
            ],
            ok_7d: Share { ok: 1, runs: 3 },
            ok_30d: Share { ok: 0, runs: 0 },
            failing_since: Some(t("2026-11-22T08:00:00Z")),
            last_ok: Some(t("2026-11-20T08:00:00Z")),
            flapping: true,
        };
        let row = Row {
            level: Level::Error,
            check: "Web".into(),
            item: "x".into(),
            message: "down".into(),
            link: None,
            link_title: None,
            since: None,
            snoozed_until: None,
            trend: Some(trend),
        };
        let report = Report {
            rows: vec![row],
            generated_at: t("2026-11-23T08:00:00Z"),
            duration: Duration::ZERO,
            stale_after: Duration::ZERO,
            checks: 1,
        };
        let v: serde_json::Value = serde_json::from_str(&json(
            &report,
            &BaseUrl::parse("https://x.example/").unwrap(),
        ))
        .unwrap();
        assert_eq!(v["runs"][3], "2026-11-23T08:00:00Z");
        let r = &v["rows"][0];
        assert_eq!(r["recent"], "O-WE");
        assert_eq!(r["ok_share_7d"], 0.333);
        assert_eq!(r["runs_7d"], 3);
        assert!(r["ok_share_30d"].is_null());
        assert_eq!(r["failing_since"], "2026-11-22T08:00:00Z");
        assert_eq!(r["last_ok"], "2026-11-20T08:00:00Z");
        assert_eq!(r["flapping"], true);
        let shown = text(&report, &BaseUrl::parse("https://x.example/").unwrap());
        assert!(
            shown.contains("[last OK 2026-11-20 08:00 UTC; flapping]"),
            "{shown}"
        );
    }

    #[test]
    fn ages_read_well() {
        assert_eq!(age(Duration::from_secs(45)), "45s");
        assert_eq!(age(Duration::from_secs(720)), "12m");
        assert_eq!(age(Duration::from_secs(26 * 3600)), "26h");
        assert_eq!(age(Duration::from_secs(98 * 3600)), "4d 2h");
        assert_eq!(age(Duration::from_secs(3 * 3600 + 12 * 60)), "3h 12m");
        assert_eq!(age(Duration::from_secs(14 * 86400)), "14d");
    }
}
