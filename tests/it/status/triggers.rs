//! Slow clocks and ages under an injected clock: trigger files, snoozes that wake up, file ages,
//! the history behind "since", and the `docs` check on the site itself.

use std::time::{Duration, SystemTime};

use cairn::check::Level;
use jiff::Timestamp;

use super::{NOW, assert_row, only, row, site};

const TRIGGERS: &str = "\
- item: Audit
  due: 2026-11-01
  link: \"[[backups]]\"
- item: DR exercise
  due: 2026-12-10
  warn_days: 30
  notes: Owner Lucas.
- item: Domain
  due: 2027-06-01
- item: Vendor contract
  due: 2026-11-15
  snooze_until: 2026-12-01
- item: Old snooze
  due: 2026-11-10
  snooze_until: 2026-11-20
- item: Typo
  due: 2026-02-30
";

#[test]
fn triggers_past_near_far_snoozed_and_woken() {
    let s = site(concat!(
        "  - name: Slow clock\n    kind: triggers\n    file: ops/triggers.yaml\n    link: https://ops.example/triggers\n",
        "  - name: Spreadsheet\n    kind: triggers\n    file: ops/triggers.csv\n    warn_days: 10\n    link: https://ops.example/triggers\n",
    ));
    s.write("ops/triggers.yaml", TRIGGERS);
    s.write(
        "ops/triggers.csv",
        "item,due,snooze_until,notes\r\n\"Certificate, wildcard\",2026-11-30,,\"renew via \"\"portal\"\"\"\r\nHSM,2026-11-20,2026-11-25,\r\n",
    );
    let r = s.status_at(NOW);
    let audit = row(&r, "Slow clock", "Audit");
    assert_row(audit, Level::Error, "overdue since 2026-11-01 (22 days)");
    assert_eq!(audit.link.as_deref(), Some("/runbooks/backups/"));
    assert_eq!(audit.snoozed_until, None);
    assert_eq!(
        row(&r, "Slow clock", "DR exercise").message,
        "due in 17 days (2026-12-10). Owner Lucas."
    );
    assert_eq!(row(&r, "Slow clock", "DR exercise").level, Level::Warning);
    assert_row(
        row(&r, "Slow clock", "Domain"),
        Level::Ok,
        "due in 190 days",
    );
    let vendor = row(&r, "Slow clock", "Vendor contract");
    assert_eq!(vendor.level, Level::Error);
    assert_eq!(
        vendor.snoozed_until,
        jiff::civil::Date::new(2026, 12, 1).ok()
    );
    let woken = row(&r, "Slow clock", "Old snooze");
    assert_eq!((woken.level, woken.snoozed_until), (Level::Error, None));
    assert_eq!(
        row(&r, "Slow clock", "ops/triggers.yaml:17").message,
        "ops/triggers.yaml:17:3: error: `due` must be a date (YYYY-MM-DD), found `2026-02-30`"
    );
    let cert = row(&r, "Spreadsheet", "Certificate, wildcard");
    assert_eq!(
        cert.message,
        "due in 7 days (2026-11-30). renew via \"portal\""
    );
    assert_eq!(cert.level, Level::Warning);
    assert!(row(&r, "Spreadsheet", "HSM").snoozed_until.is_some());
    // Snoozed errors stay visible but do not count as live errors; real ones do.
    let c = r.counts();
    assert_eq!((c.error, c.snoozed), (3, 2), "{:#?}", r.rows);
    // Worst first: live errors, live warnings, then snoozed errors, then OK.
    let order: Vec<(Level, bool)> = r
        .rows
        .iter()
        .map(|x| (x.level, x.snoozed_until.is_some()))
        .collect();
    let mut expected = order.clone();
    expected.sort_by_key(|&(level, snoozed)| (level == Level::Ok, snoozed, level));
    assert_eq!(order, expected);
    let first_snoozed = order.iter().position(|&(_, s)| s).unwrap();
    assert!(order[..first_snoozed].contains(&(Level::Warning, false)));
    assert_eq!(order.last(), Some(&(Level::Ok, false)));

    // A week later the vendor's snooze has run out and the HSM's too: they wake up.
    let later = s.status_at("2026-12-02T08:30:00Z");
    assert_eq!(
        row(&later, "Slow clock", "Vendor contract").snoozed_until,
        None
    );
    assert_eq!(row(&later, "Spreadsheet", "HSM").snoozed_until, None);
}

#[test]
fn a_snooze_on_the_check_holds_until_its_date() {
    let s = site(
        "  - name: Slow clock\n    kind: triggers\n    file: t.yaml\n    snooze_until: 2026-11-30\n    link: https://ops.example/\n",
    );
    s.write(
        "t.yaml",
        "- item: Audit\n  due: 2026-11-01\n- item: Fine\n  due: 2027-11-01\n",
    );
    let before = s.status_at(NOW);
    let audit = row(&before, "Slow clock", "Audit");
    assert_eq!(
        audit.snoozed_until,
        jiff::civil::Date::new(2026, 11, 30).ok()
    );
    // OK rows are never "snoozed".
    assert_eq!(row(&before, "Slow clock", "Fine").snoozed_until, None);
    assert!(!before.fails(Level::Error));
    let on_the_day = s.status_at("2026-11-30T23:00:00Z");
    assert!(
        row(&on_the_day, "Slow clock", "Audit")
            .snoozed_until
            .is_some()
    );
    let after = s.status_at("2026-12-01T06:00:00Z");
    assert_eq!(row(&after, "Slow clock", "Audit").snoozed_until, None);
    assert!(after.fails(Level::Error));
}

fn set_age(path: &std::path::Path, now: &str, hours: u64) {
    let now: Timestamp = now.parse().unwrap();
    let then = SystemTime::try_from(now).unwrap() - Duration::from_secs(hours * 3600);
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(then)
        .unwrap();
}

#[test]
fn file_ages_by_path_glob_and_folder() {
    let s = site(concat!(
        "  - name: Nightly\n    kind: file_age\n    path: backups/*.tar\n    max_age: 26h\n    link: \"[[backups]]\"\n",
        "  - name: Exports\n    kind: file_age\n    path: exports\n    warn_age: 12h\n    max_age: 2d\n    link: \"[[backups]]\"\n",
        "  - name: Stale\n    kind: file_age\n    path: exports/finance.csv\n    max_age: 1d\n    link: \"[[backups]]\"\n",
        "  - name: Missing\n    kind: file_age\n    path: /nonexistent-cairn-test/*.zst\n    max_age: 26h\n    link: \"[[backups]]\"\n",
    ));
    for (f, hours) in [
        ("backups/a.tar", 50),
        ("backups/b.tar", 3),
        ("backups/c.log", 1),
        ("exports/finance.csv", 30),
        ("exports/deep/ledger.csv", 20),
    ] {
        s.write(f, "x");
        set_age(&s.path(f), NOW, hours);
    }
    let r = s.status_at(NOW);
    assert_eq!(
        only(&r, "Nightly").message,
        "backups/b.tar is 3h old (limit 26h)"
    );
    assert_eq!(only(&r, "Nightly").level, Level::Ok);
    assert_eq!(
        only(&r, "Exports").message,
        "exports/deep/ledger.csv is 20h old (warning after 12h, limit 48h)"
    );
    assert_eq!(only(&r, "Exports").level, Level::Warning);
    assert_eq!(
        only(&r, "Stale").message,
        "exports/finance.csv is 30h old (limit 24h)"
    );
    assert_eq!(only(&r, "Stale").level, Level::Error);
    assert_eq!(
        only(&r, "Missing").message,
        "nothing matches `/nonexistent-cairn-test/*.zst`"
    );
    assert_eq!(only(&r, "Missing").level, Level::Error);
}

#[cfg(unix)]
#[test]
fn file_ages_do_not_follow_links_found_while_looking() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(outside.path().join("fresh")).unwrap();
    std::fs::write(outside.path().join("fresh/ledger.csv"), "x").unwrap();
    let s = site(concat!(
        "  - name: Folder\n    kind: file_age\n    path: backups\n    max_age: 1d\n    link: \"[[backups]]\"\n",
        "  - name: Glob\n    kind: file_age\n    path: \"exports/*/ledger.csv\"\n    max_age: 1d\n    link: \"[[backups]]\"\n",
        "  - name: Named link\n    kind: file_age\n    path: latest\n    max_age: 1d\n    link: \"[[backups]]\"\n",
    ));
    s.write("backups/old.tar", "x");
    set_age(&s.path("backups/old.tar"), NOW, 30);
    s.write("exports/old/ledger.csv", "x");
    set_age(&s.path("exports/old/ledger.csv"), NOW, 40);
    let fresh = outside.path().join("fresh");
    set_age(&fresh.join("ledger.csv"), NOW, 1);
    std::os::unix::fs::symlink(&fresh, s.path("backups/elsewhere")).unwrap();
    std::os::unix::fs::symlink(&fresh, s.path("exports/elsewhere")).unwrap();
    // A link in the checkout that the path names leads out of the site: refused, as for
    // every file a check reads.
    std::os::unix::fs::symlink(&fresh, s.path("latest")).unwrap();
    let r = s.status_at(NOW);
    assert_eq!(
        (
            only(&r, "Folder").level,
            only(&r, "Folder").message.as_str()
        ),
        (Level::Error, "backups/old.tar is 30h old (limit 24h)")
    );
    assert_eq!(
        (only(&r, "Glob").level, only(&r, "Glob").message.as_str()),
        (
            Level::Error,
            "exports/old/ledger.csv is 40h old (limit 24h)"
        )
    );
    assert_eq!(
        (
            only(&r, "Named link").level,
            only(&r, "Named link").message.as_str()
        ),
        (Level::Error, "`latest` leads outside the site folder")
    );
}

#[test]
fn history_says_since_when_a_row_fails() {
    let s = site(
        "  - name: Slow clock\n    kind: triggers\n    file: t.yaml\n    link: https://ops.example/\n",
    );
    s.write(
        "t.yaml",
        "- item: Audit\n  due: 2026-11-22\n- item: DR\n  due: 2026-12-01\n",
    );
    let first = s.status_at("2026-11-23T08:30:00Z");
    let since = |r: &cairn::check::Report, item: &str| {
        row(r, "Slow clock", item).since.map(|t| t.to_string())
    };
    assert_eq!(
        since(&first, "Audit").as_deref(),
        Some("2026-11-23T08:30:00Z")
    );
    let second = s.status_at("2026-11-24T08:30:00Z");
    assert_eq!(
        since(&second, "Audit").as_deref(),
        Some("2026-11-23T08:30:00Z")
    );
    // The audit was done: the date moved and the row recovers, dated from this run.
    s.write(
        "t.yaml",
        "- item: Audit\n  due: 2027-11-22\n- item: DR\n  due: 2026-12-01\n",
    );
    let third = s.status_at("2026-11-25T08:30:00Z");
    assert_eq!(row(&third, "Slow clock", "Audit").level, Level::Ok);
    assert_eq!(
        since(&third, "Audit").as_deref(),
        Some("2026-11-25T08:30:00Z")
    );
    let page = s.read("public/status/index.html");
    assert!(page.contains("<time datetime=\"2026-11-25T08:30:00Z\">2026-11-25 08:30 UTC</time>"));
}

#[test]
fn the_docs_check_reports_the_site_itself() {
    let s = site("  - name: Documents\n    kind: docs\n    link: https://ops.example/\n");
    s.write(
        "site.yaml",
        &s.read("site.yaml")
            .replace("base_url:", "links: { broken: warn }\nbase_url:"),
    );
    s.write(
        "content/strategies/broken.md",
        "---\ntitle: Broken strategy\nstatus: proposed\n---\n\nSee [[nowhere]].\n\n## Problem\n\nX.\n",
    );
    let r = s.status_at(NOW);
    let overdue = row(&r, "Documents", "One morning page");
    assert_eq!(overdue.message, "review was due 2026-10-01 (53 days ago)");
    assert_eq!(overdue.link.as_deref(), Some("/strategies/morning-page/"));
    let broken = row(&r, "Documents", "Broken strategy");
    assert_eq!(broken.level, Level::Warning);
    assert_eq!(
        broken.message,
        "line 1: missing section `## Actions` (or Coherent actions), which a strategy should have; \
         line 1: missing section `## Guiding policy` (or Policy), which a strategy should have; \
         line 6: unknown document `nowhere`"
    );
    // A healthy site is one affirmative row.
    let healthy = site("  - name: Documents\n    kind: docs\n    link: https://ops.example/\n");
    let r = healthy.status_at("2026-09-01T08:00:00Z");
    assert_row(
        only(&r, "Documents"),
        Level::Ok,
        "none is past its review date",
    );
    assert_eq!(only(&r, "Documents").item, "2 documents");
}

#[test]
fn a_snooze_longer_than_max_snooze_is_a_warning_row_of_its_own() {
    let s = site(concat!(
        "  - name: Slow clock\n    kind: triggers\n    file: ops/triggers.yaml\n    link: https://ops.example/triggers\n",
        "  - name: Forgotten\n    kind: command\n    command: [\"false\"]\n    snooze_until: 2027-01-10\n    link: https://ops.example/\n",
    ));
    s.write(
        "ops/triggers.yaml",
        "- item: Vendor contract\n  due: 2026-11-15\n  snooze_until: 2029-12-10\n- item: Audit\n  due: 2026-11-15\n  snooze_until: 2026-12-20\n",
    );
    let r = s.status_at(NOW);
    let long: Vec<_> = r
        .rows
        .iter()
        .filter(|x| x.message.contains("longer than status.max_snooze"))
        .collect();
    assert_eq!(long.len(), 2, "{:#?}", r.rows);
    let vendor = long.iter().find(|x| x.item == "Vendor contract").unwrap();
    assert_eq!((vendor.level, vendor.snoozed_until), (Level::Warning, None));
    assert_eq!(
        vendor.message,
        "snoozed until 2029-12-10, 1113 days ahead: longer than status.max_snooze (30 days); snooze for less, with a reason, and renew it if needed"
    );
    let check = long.iter().find(|x| x.check == "Forgotten").unwrap();
    assert_eq!(
        (check.item.as_str(), check.level),
        ("snooze_until", Level::Warning)
    );
    // The snoozed rows themselves still hold, and a 27-day snooze is quiet.
    assert!(
        r.rows
            .iter()
            .any(|x| x.item == "Vendor contract" && x.snoozed_until.is_some())
    );
    assert!(!long.iter().any(|x| x.item == "Audit"));
    assert_eq!(r.counts().warning, 2);

    // `status: max_snooze` moves the limit.
    let yaml = s
        .read("site.yaml")
        .replace("status:\n", "status:\n  max_snooze: 2000d\n");
    s.write("site.yaml", &yaml);
    let r = s.status_at(NOW);
    assert!(
        !r.rows.iter().any(|x| x.message.contains("max_snooze")),
        "{:#?}",
        r.rows
    );
}
