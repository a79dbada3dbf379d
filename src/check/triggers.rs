//! `triggers`: slow-clock deadlines kept in a YAML or CSV file (certificate renewals, DR
//! exercises, audits, contracts). Past due is an ERROR, inside the item's warning window a
//! WARNING, otherwise OK; an item's own `snooze_until` holds its row as snoozed until then.
//!
//! YAML: a list of `{item, due, warn_days, snooze_until, link, notes}`. CSV: the same columns
//! with a header row. Mistakes in the file become rows that point at its line and column.

use std::sync::Arc;

use jiff::civil::Date;

use super::params::Params as Reader;
use super::kind::{Check, CheckKind, runnable};
use super::row::{Finding, Level};
use super::{Cx, csv};
use crate::diag::{Diagnostics, Severity};
use crate::schema;
use crate::yaml::{self, Entry, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    pub file: String,
    /// The warning window of items that do not set their own.
    pub warn_days: i64,
}

const COLUMNS: [&str; 6] = ["item", "due", "warn_days", "snooze_until", "link", "notes"];
const DEFAULT_WARN_DAYS: i64 = 30;
/// Trigger files are written by hand; anything bigger is a mistake.
const FILE_LIMIT: u64 = 4 << 20;

/// One deadline from the file.
#[derive(Debug, Clone, PartialEq)]
struct Trigger {
    item: String,
    due: Date,
    warn_days: Option<i64>,
    snooze_until: Option<Date>,
    link: Option<String>,
    notes: Option<String>,
}

impl Params {
    pub fn read(rest: &[&Entry], p: &mut Reader) -> Option<Params> {
        let (mut file, mut warn_days) = (None, DEFAULT_WARN_DAYS);
        for e in p.keys(rest, &["file", "warn_days"]) {
            match e.key.as_str() {
                "file" => file = p.text(e),
                _ => warn_days = p.uint(e).map_or(DEFAULT_WARN_DAYS, |d| d as i64),
            }
        }
        Some(Params {
            file: p.require(file, "file")?,
            warn_days,
        })
    }
}

pub struct Kind;

impl CheckKind for Kind {
    fn name(&self) -> &'static str {
        "triggers"
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
        self.file.clone()
    }
}

fn run(p: &Params, cx: &Cx) -> Result<Vec<Finding>, String> {
    let text = cx.site_file("file", &p.file, FILE_LIMIT)?;
    let mut diags = Diagnostics::new();
    let triggers = if p.file.to_ascii_lowercase().ends_with(".csv") {
        from_csv(&text, &p.file, &mut diags)
    } else {
        from_yaml(&text, &p.file, &mut diags)
    };
    let mut out: Vec<Finding> = diags
        .into_sorted()
        .into_iter()
        .map(|d| {
            let level = match d.severity {
                Severity::Error => Level::Error,
                Severity::Warning => Level::Warning,
                Severity::Note => Level::Ok,
            };
            Finding::new(level, format!("{}:{}", d.path, d.line), d.to_string())
        })
        .collect();
    if triggers.is_empty() && out.is_empty() {
        out.push(Finding::warning(&p.file, "the file lists no triggers"));
    }
    out.extend(triggers.iter().map(|t| judge(t, p.warn_days, cx.today)));
    Ok(out)
}

fn judge(t: &Trigger, default_warn: i64, today: Date) -> Finding {
    let days = today.until(t.due).map_or(0, |s| i64::from(s.get_days()));
    let warn = t.warn_days.unwrap_or(default_warn);
    let plural = |n: i64| if n == 1 { "" } else { "s" };
    let (level, msg) = if days < 0 {
        (
            Level::Error,
            format!("overdue since {} ({} day{})", t.due, -days, plural(-days)),
        )
    } else if days == 0 {
        (Level::Warning, format!("due today ({})", t.due))
    } else if days <= warn {
        (
            Level::Warning,
            format!("due in {days} day{} ({})", plural(days), t.due),
        )
    } else {
        (
            Level::Ok,
            format!("due in {days} day{} ({})", plural(days), t.due),
        )
    };
    let msg = match &t.notes {
        Some(n) if !n.trim().is_empty() => format!("{msg}. {}", n.trim()),
        _ => msg,
    };
    let mut f = Finding::new(level, &t.item, msg).with_link(t.link.clone());
    f.snoozed_until = t.snooze_until;
    f
}

fn from_yaml(text: &str, file: &str, diags: &mut Diagnostics) -> Vec<Trigger> {
    let root = match yaml::parse(text) {
        Ok(n) => n,
        Err(e) => {
            diags.error(file, e.pos, format!("invalid YAML: {}", e.message));
            return Vec::new();
        }
    };
    let mut r = schema::Reader::new(file, 1, diags);
    let items = match &root.value {
        Value::Seq(items) => items.as_slice(),
        Value::Null => &[],
        other => {
            r.error(
                root.pos,
                format!(
                    "a triggers file is a list of `- item: …` entries, found {}",
                    other.type_name()
                ),
            );
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for node in items {
        let (mut item, mut due, mut t) = (None, None, Trigger::empty());
        let (mut ok, mut saw_item, mut saw_due) = (true, false, false);
        for e in r.map("a trigger", node) {
            let n = &e.node;
            match e.key.as_str() {
                "item" => {
                    saw_item = true;
                    item = r.string("item", n);
                }
                "due" => {
                    saw_due = true;
                    due = r.date("due", n);
                }
                "warn_days" => t.warn_days = r.uint("warn_days", n).map(|d| d as i64),
                "snooze_until" => {
                    t.snooze_until = r.date("snooze_until", n);
                    ok &= t.snooze_until.is_some();
                }
                "link" => t.link = r.string("link", n),
                "notes" => t.notes = r.string("notes", n),
                _ => r.unknown_key(e, "a trigger", &COLUMNS),
            }
        }
        match (item, due) {
            (Some(i), Some(d)) if ok => out.push(Trigger {
                item: i,
                due: d,
                ..t
            }),
            _ if !saw_item => r.error(node.pos, "this trigger has no `item`"),
            _ if !saw_due => r.error(node.pos, "this trigger has no `due` date"),
            _ => {}
        }
    }
    out
}

fn from_csv(text: &str, file: &str, diags: &mut Diagnostics) -> Vec<Trigger> {
    let records = match csv::parse(text) {
        Ok(r) => r,
        Err((line, msg)) => {
            diags.error(file, crate::diag::Pos::new(line as u32, 1), msg);
            return Vec::new();
        }
    };
    let Some(((_, header), rows)) = records.split_first() else {
        return Vec::new();
    };
    let header: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    for (i, h) in header.iter().enumerate() {
        if !COLUMNS.contains(&h.as_str()) {
            let hint = crate::diag::did_you_mean(h, COLUMNS)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            diags.warning(
                file,
                crate::diag::Pos::new(1, i as u32 + 1),
                format!("unknown column `{h}`{hint}"),
            );
        }
    }
    for required in ["item", "due"] {
        if !header.iter().any(|h| h == required) {
            diags.error(
                file,
                crate::diag::Pos::START,
                format!("the header row has no `{required}` column"),
            );
            return Vec::new();
        }
    }
    let mut out = Vec::new();
    for (line, fields) in rows {
        let at = crate::diag::Pos::new(*line as u32, 1);
        let get = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .and_then(|i| fields.get(i))
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
        };
        let date = |name: &str, diags: &mut Diagnostics| match get(name) {
            None => Ok(None),
            Some(s) => schema::parse_date(s).map(Some).ok_or_else(|| {
                diags.error(
                    file,
                    at,
                    format!("`{name}` must be a date (YYYY-MM-DD), found `{s}`"),
                )
            }),
        };
        let Some(item) = get("item") else {
            diags.error(file, at, "this trigger has no `item`");
            continue;
        };
        let (Ok(due), Ok(snooze_until)) = (date("due", diags), date("snooze_until", diags)) else {
            continue;
        };
        let Some(due) = due else {
            diags.error(file, at, "this trigger has no `due` date");
            continue;
        };
        let warn_days = match get("warn_days").map(str::parse::<u32>) {
            None => None,
            Some(Ok(d)) => Some(i64::from(d)),
            Some(Err(_)) => {
                diags.error(file, at, "`warn_days` must be a whole number of days");
                continue;
            }
        };
        out.push(Trigger {
            item: item.to_string(),
            due,
            warn_days,
            snooze_until,
            link: get("link").map(String::from),
            notes: get("notes").map(String::from),
        });
    }
    out
}

impl Trigger {
    fn empty() -> Trigger {
        Trigger {
            item: String::new(),
            due: Date::ZERO,
            warn_days: None,
            snooze_until: None,
            link: None,
            notes: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        schema::parse_date(s).unwrap()
    }

    fn trig(due: &str) -> Trigger {
        Trigger {
            item: "x".into(),
            due: d(due),
            ..Trigger::empty()
        }
    }

    #[test]
    fn past_near_and_far_dates() {
        let today = d("2026-11-23");
        let past = judge(&trig("2026-11-20"), 30, today);
        assert_eq!(
            (past.level, past.message.as_str()),
            (Level::Error, "overdue since 2026-11-20 (3 days)")
        );
        let near = judge(&trig("2026-12-14"), 30, today);
        assert_eq!(
            (near.level, near.message.as_str()),
            (Level::Warning, "due in 21 days (2026-12-14)")
        );
        let edge = judge(&trig("2026-11-24"), 0, today);
        assert_eq!(edge.level, Level::Ok);
        assert_eq!(
            judge(&trig("2026-11-23"), 0, today).message,
            "due today (2026-11-23)"
        );
        let far = judge(
            &Trigger {
                warn_days: Some(7),
                notes: Some("Owner: Kenji".into()),
                ..trig("2026-12-14")
            },
            30,
            today,
        );
        assert_eq!(
            (far.level, far.message.as_str()),
            (Level::Ok, "due in 21 days (2026-12-14). Owner: Kenji")
        );
    }

    #[test]
    fn yaml_problems_point_at_lines() {
        let mut diags = Diagnostics::new();
        let t = from_yaml(
            "- item: Audit\n  due: 2027-02-01\n  snooze_until: 2026-12-01\n- item: DR\n  due: next spring\n- due: 2027-01-01\n- item: Certs\n  due: 2027-01-01\n  owner: me\n",
            "ops/t.yaml",
            &mut diags,
        );
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].snooze_until, Some(d("2026-12-01")));
        let out: Vec<String> = diags.into_sorted().iter().map(|d| d.to_string()).collect();
        assert_eq!(
            out,
            [
                "ops/t.yaml:5:3: error: `due` must be a date (YYYY-MM-DD), found `next spring`",
                "ops/t.yaml:6:3: error: this trigger has no `item`",
                "ops/t.yaml:9:3: warning: unknown key `owner` in a trigger",
            ]
        );
    }

    #[test]
    fn csv_with_header_quotes_and_mistakes() {
        let mut diags = Diagnostics::new();
        let t = from_csv(
            "item,due,warn_days,snooze_until,link,notes,owner\nDomain,2027-04-02,60,,[[certificates]],\"Registrar: Gandi, auto-renew off\",sre\nDR,2027-13-01,,,,,\n",
            "t.csv",
            &mut diags,
        );
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].warn_days, Some(60));
        assert_eq!(t[0].link.as_deref(), Some("[[certificates]]"));
        assert_eq!(
            t[0].notes.as_deref(),
            Some("Registrar: Gandi, auto-renew off")
        );
        let out: Vec<String> = diags.into_sorted().iter().map(|d| d.to_string()).collect();
        assert_eq!(
            out,
            [
                "t.csv:1:7: warning: unknown column `owner`",
                "t.csv:3:1: error: `due` must be a date (YYYY-MM-DD), found `2027-13-01`",
            ]
        );
    }
}
