//! The `status:` and `checks:` sections of `site.yaml`, read into a typed [`Plan`] with every
//! problem reported as a diagnostic at its line and column: unknown keys (warnings with a
//! suggestion), wrong types and unknown kinds (errors), a check without a `link` (warning),
//! and, once the site is linked, `[[doc]]` links that do not resolve.
//!
//! Pure: nothing is run, read or expanded here; `${NAME}` references are only validated.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use jiff::civil::Date;

use super::KINDS;
use super::kind::Check;
use super::links::LinkRef;
use super::params::Params;
use crate::config::{CONFIG_FILE, SiteConfig};
use crate::diag::{Diagnostics, Pos, Severity, did_you_mean};
use crate::link::Site;
use crate::schema::Reader;
use crate::yaml::{Entry, Node, Value};

/// Every check of the site and how to run them.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub status: StatusConfig,
    pub checks: Vec<CheckSpec>,
    /// The environment variables `${NAME}` references read.
    pub variables: BTreeSet<String>,
}

#[derive(Debug, Clone)]
pub struct StatusConfig {
    /// The page turns into a warning banner when it is older than this.
    pub stale_after: Duration,
    /// The history file, relative to the site root; `None` keeps no history.
    pub history: Option<String>,
    /// How many days of runs the history file keeps.
    pub history_days: u32,
    /// How many checks run at once.
    pub parallel: usize,
}

impl Default for StatusConfig {
    fn default() -> Self {
        StatusConfig {
            stale_after: Duration::from_secs(26 * 3600),
            history: Some(".cairn/status-history.json".into()),
            history_days: 90,
            parallel: 16,
        }
    }
}

/// One configured check.
#[derive(Debug, Clone)]
pub struct CheckSpec {
    pub name: String,
    /// The check's kind with its own parameters.
    pub kind: Arc<dyn Check>,
    pub link: Option<CheckLink>,
    pub timeout: Duration,
    pub snooze_until: Option<Date>,
}

/// A check's `link`, as written and (after [`Plan::resolve_links`]) as an href and title.
#[derive(Debug, Clone)]
pub struct CheckLink {
    pub raw: String,
    pub pos: Pos,
    pub resolved: Option<(String, Option<String>)>,
}

pub(super) const COMMON: [&str; 5] = ["name", "kind", "link", "timeout", "snooze_until"];

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

impl Plan {
    /// Resolves `[[doc]]` links against the linked site; a dead one is a diagnostic on
    /// `site.yaml` at the link, as severe as a broken body link.
    pub fn resolve_links(&mut self, site: &Site, config: &SiteConfig) -> Diagnostics {
        let mut diags = Diagnostics::new();
        for c in &mut self.checks {
            let Some(link) = &mut c.link else { continue };
            match LinkRef::parse(&link.raw).resolve(site, config) {
                Ok((Some(href), title)) => link.resolved = Some((href, title)),
                Ok((None, _)) => {}
                Err(e) => diags.push(crate::diag::Diagnostic::new(
                    config.broken_links,
                    CONFIG_FILE,
                    link.pos,
                    format!("check `{}`: `link`: {e}", c.name),
                )),
            }
        }
        diags
    }
}

/// `500ms`, `10s`, `5m`, `26h`, `14d`.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    let digits = s.find(|c: char| !c.is_ascii_digit())?;
    let n: u64 = s[..digits].parse().ok()?;
    let unit = match &s[digits..] {
        "ms" => Duration::from_millis(1),
        "s" => Duration::from_secs(1),
        "m" => Duration::from_secs(60),
        "h" => Duration::from_secs(3600),
        "d" => Duration::from_secs(86400),
        _ => return None,
    };
    unit.checked_mul(u32::try_from(n).ok()?)
}

/// Reads `status:` and `checks:`. Errors leave defaults (or drop the check) and are reported.
pub fn read(config: &SiteConfig) -> (Plan, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut plan = Plan::default();
    let mut r = Reader::new(CONFIG_FILE, 1, &mut diags);
    if let Some(n) = &config.status {
        read_status(n, &mut r, &mut plan.status);
    }
    if let Some(n) = &config.checks {
        let items: &[Node] = match &n.value {
            Value::Seq(items) => items,
            Value::Null => &[],
            other => {
                r.error(
                    n.pos,
                    format!(
                        "`checks` must be a list of checks, found {}",
                        other.type_name()
                    ),
                );
                &[]
            }
        };
        let mut names: Vec<(String, Pos)> = Vec::new();
        for item in items {
            let name = match &item.value {
                Value::Map(entries) => entries.iter().find_map(|e| match &e.node.value {
                    Value::Str(s) if e.key == "name" => Some(s.clone()),
                    _ => None,
                }),
                _ => None,
            };
            if let Some(name) = name {
                if let Some((_, first)) = names.iter().find(|(n, _)| *n == name) {
                    r.error(
                        item.pos,
                        format!(
                            "another check is already named `{name}` (line {}); names must be unique",
                            first.line
                        ),
                    );
                    continue;
                }
                names.push((name, item.pos));
            }
            if let Some(c) = read_check(item, &mut r, &mut plan.variables) {
                plan.checks.push(c);
            }
        }
    }
    (plan, diags)
}

/// The longest history kept: ten years of daily runs (the file also caps the number of runs).
const MAX_HISTORY_DAYS: u64 = 3660;

fn read_status(n: &Node, r: &mut Reader, status: &mut StatusConfig) {
    for e in r.map("`status`", n) {
        let v = &e.node;
        match e.key.as_str() {
            "stale_after" => {
                if let Some(d) = duration(r, "stale_after", v) {
                    status.stale_after = d;
                }
            }
            "history" => match &v.value {
                Value::Bool(false) | Value::Null => status.history = None,
                _ => match r.string("history", v) {
                    Some(h) if inside_site(&h) => status.history = Some(h),
                    Some(h) => r.error(
                        v.pos,
                        format!(
                            "`history` must be a path inside the site folder (relative, without `..`), found `{h}`"
                        ),
                    ),
                    None => {}
                },
            },
            "history_days" => match r.uint("history_days", v) {
                Some(d) if (1..=MAX_HISTORY_DAYS).contains(&d) => status.history_days = d as u32,
                Some(d) => r.error(
                    v.pos,
                    format!("`history_days` must be from 1 to {MAX_HISTORY_DAYS}, found {d}"),
                ),
                None => {}
            },
            "parallel" => match r.uint("parallel", v) {
                Some(0) => r.error(v.pos, "`parallel` must be at least 1"),
                Some(p) => status.parallel = p as usize,
                None => {}
            },
            _ => r.unknown_key(
                e,
                "`status`",
                &["stale_after", "history", "history_days", "parallel"],
            ),
        }
    }
}

/// A relative path that cannot climb out of the folder it starts in (links aside: the history
/// file is written without following them).
fn inside_site(path: &str) -> bool {
    use std::path::Component;
    let p = std::path::Path::new(path);
    !path.is_empty()
        && p.components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

pub(super) fn duration(r: &mut Reader, key: &str, n: &Node) -> Option<Duration> {
    let found = match &n.value {
        Value::Str(s) => match parse_duration(s) {
            Some(d) => return Some(d),
            None => format!("`{s}`"),
        },
        other => other.type_name().to_string(),
    };
    r.error(
        n.pos,
        format!("`{key}` must be a duration such as 500ms, 10s, 5m, 26h or 14d, found {found}"),
    );
    None
}

fn read_check(item: &Node, r: &mut Reader, vars: &mut BTreeSet<String>) -> Option<CheckSpec> {
    let errors_before = r.diags.count(Severity::Error);
    let entries = match &item.value {
        Value::Map(e) => e,
        other => {
            r.error(
                item.pos,
                format!(
                    "each check must be a mapping with `name` and `kind`, found {}",
                    other.type_name()
                ),
            );
            return None;
        }
    };
    let find = |k: &str| entries.iter().find(|e| e.key == k);
    let name = find("name").and_then(|e| r.string("name", &e.node));
    let label = name.clone().unwrap_or_else(|| "a check".into());
    if find("name").is_none() {
        r.error(item.pos, "this check has no `name`");
    }
    let kind = match find("kind") {
        Some(e) => r.string("kind", &e.node).and_then(|k| {
            let found = KINDS.iter().find(|kind| kind.name() == k);
            if found.is_none() {
                let names = || KINDS.iter().map(|kind| kind.name());
                let hint = did_you_mean(&k, names())
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                r.error(
                    e.node.pos,
                    format!(
                        "unknown check kind `{k}`{hint}; the kinds are {}",
                        names().collect::<Vec<_>>().join(", ")
                    ),
                );
            }
            found.map(|kind| (*kind, e.node.pos))
        }),
        None => {
            r.error(item.pos, format!("check `{label}` has no `kind`"));
            None
        }
    };
    let link = find("link").and_then(|e| {
        r.string("link", &e.node).map(|raw| CheckLink {
            raw,
            pos: e.node.pos,
            resolved: None,
        })
    });
    if find("link").is_none() {
        r.warning(
            item.pos,
            format!(
                "check `{label}` has no `link`: add the runbook or dashboard where to start when it fails"
            ),
        );
    }
    let timeout = find("timeout")
        .and_then(|e| duration(r, "timeout", &e.node))
        .unwrap_or(DEFAULT_TIMEOUT);
    let snooze_until = find("snooze_until").and_then(|e| r.date("snooze_until", &e.node));
    let (kind, kind_pos) = kind?;
    let rest: Vec<&Entry> = entries
        .iter()
        .filter(|e| !COMMON.contains(&e.key.as_str()))
        .collect();
    let mut p = Params::new(r, vars, kind.name(), kind_pos);
    let kind = kind.read(&rest, &mut p);
    if p.errors() > errors_before {
        return None;
    }
    Some(CheckSpec {
        name: name?,
        kind: kind?,
        link,
        timeout,
        snooze_until,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(yaml: &str) -> (Plan, Vec<String>) {
        let (config, d) = crate::config::parse(yaml);
        assert!(!d.has_errors(), "{d:?}");
        let (plan, diags) = read(&config);
        let out = diags.into_sorted().iter().map(|d| d.to_string()).collect();
        (plan, out)
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("10s"), Some(Duration::from_secs(10)));
        assert_eq!(parse_duration("26h"), Some(Duration::from_secs(26 * 3600)));
        assert_eq!(parse_duration("14d"), Some(Duration::from_secs(14 * 86400)));
        assert_eq!(parse_duration("5m"), Some(Duration::from_secs(300)));
        for bad in ["10", "s", "1.5h", "10 s", "3w", "-1s", ""] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_full_plan_reads_cleanly() {
        let (p, d) = plan(
            "title: T\nstatus:\n  stale_after: 2h\n  history: h.json\n  parallel: 4\nchecks:\n  - name: Alive\n    kind: proof_of_life\n    link: https://x.example/\n  - name: Web\n    kind: http\n    url: https://x.example/?t=${TOKEN}\n    timeout: 500ms\n    snooze_until: 2026-12-01\n    link: \"[[backups]]\"\n",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(p.status.stale_after, Duration::from_secs(7200));
        assert_eq!(p.status.history.as_deref(), Some("h.json"));
        assert_eq!(p.status.parallel, 4);
        assert_eq!(p.checks.len(), 2);
        assert_eq!(p.checks[1].timeout, Duration::from_millis(500));
        assert_eq!(p.checks[0].timeout, DEFAULT_TIMEOUT);
        assert_eq!(p.checks[1].snooze_until, Date::new(2026, 12, 1).ok());
        assert_eq!(p.variables.into_iter().collect::<Vec<_>>(), ["TOKEN"]);
    }

    #[test]
    fn history_days_are_read_and_bounded() {
        let (p, d) = plan("title: T\nstatus:\n  history_days: 30\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(p.status.history_days, 30);
        assert_eq!(plan("title: T\n").0.status.history_days, 90);
        let (p, d) = plan("title: T\nstatus:\n  history_days: 0\n");
        assert_eq!(p.status.history_days, 90);
        assert_eq!(
            d[0].to_string(),
            "site.yaml:3:3: error: `history_days` must be from 1 to 3660, found 0"
        );
    }

    #[test]
    fn the_history_file_stays_inside_the_site() {
        for bad in ["/etc/cron.d/x", "../elsewhere.json", ".cairn/../../x.json"] {
            let (p, d) = plan(&format!("title: T\nstatus:\n  history: \"{bad}\"\n"));
            assert_eq!(
                d,
                [format!(
                    "site.yaml:3:3: error: `history` must be a path inside the site folder (relative, without `..`), found `{bad}`"
                )]
            );
            assert_eq!(p.status.history, StatusConfig::default().history);
        }
        let (p, d) = plan("title: T\nstatus:\n  history: state/h.json\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(p.status.history.as_deref(), Some("state/h.json"));
    }

    #[test]
    fn every_kind_has_its_own_name() {
        let mut names: Vec<&str> = KINDS.iter().map(|k| k.name()).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(names.len(), before, "{names:?}");
    }

    #[test]
    fn problems_have_positions_and_suggestions() {
        let (p, d) = plan(concat!(
            "title: T\n",
            "status:\n  stale_after: 10\n  histroy: x\n",
            "checks:\n",
            "  - name: A\n    kind: htp\n    link: x\n",
            "  - name: B\n    kind: http\n    urll: https://x/\n    link: x\n",
            "  - name: C\n    kind: file_age\n    path: /x\n    max_age: 1 day\n",
            "  - name: D\n    kind: command\n    command: [\"./x ${BROKEN\"]\n    timeout: soon\n    link: x\n",
            "  - name: A\n    kind: docs\n    link: x\n",
        ));
        assert!(p.checks.is_empty());
        assert_eq!(
            d,
            [
                "site.yaml:3:3: error: `stale_after` must be a duration such as 500ms, 10s, 5m, 26h or 14d, found a number",
                "site.yaml:4:3: warning: unknown key `histroy` in `status` (did you mean `history`?)",
                "site.yaml:7:5: error: unknown check kind `htp` (did you mean `http`?); the kinds are proof_of_life, http, tls_expiry, command, file_age, triggers, level, docs",
                "site.yaml:10:5: error: a check of kind `http` needs `url`",
                "site.yaml:11:5: warning: unknown key `urll` in a check of kind `http` (did you mean `url`?)",
                "site.yaml:13:5: warning: check `C` has no `link`: add the runbook or dashboard where to start when it fails",
                "site.yaml:16:5: error: `max_age` must be a duration such as 500ms, 10s, 5m, 26h or 14d, found `1 day`",
                "site.yaml:19:15: error: `command`: `${` is not closed; write `${NAME}` to read an environment variable",
                "site.yaml:20:5: error: `timeout` must be a duration such as 500ms, 10s, 5m, 26h or 14d, found `soon`",
                "site.yaml:22:5: error: another check is already named `A` (line 6); names must be unique",
            ]
        );
    }
}
