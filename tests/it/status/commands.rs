//! `command` and `level` checks with real subprocesses: timeouts that kill a whole process
//! tree, crashes, exit codes, rows printed on stdout and lines that are not rows.

use std::time::{Duration, Instant};

use cairn::check::Level;

use super::{NOW, assert_row, gone, only, row, site};

#[test]
fn a_hanging_command_is_killed_with_its_children() {
    let s = site(concat!(
        "  - name: Hangs\n    kind: command\n",
        "    command: [\"sh\", \"-c\", \"sleep 30 & echo $! > child.pid; sleep 30\"]\n",
        "    timeout: 800ms\n    link: https://x.example/\n",
        "  - name: Fine\n    kind: command\n    command: [\"true\"]\n    link: https://x.example/\n",
    ));
    let started = Instant::now();
    let report = s.status_at(NOW);
    let took = started.elapsed();
    // Stopped at its timeout, not when `sleep 30` ends; the margin is wide for a busy machine.
    assert!(took < Duration::from_secs(15), "{took:?}");
    assert_eq!(
        only(&report, "Hangs").message,
        "timed out after 800ms; it was stopped with every process it started"
    );
    assert_eq!(only(&report, "Hangs").level, Level::Error);
    assert_row(only(&report, "Fine"), Level::Ok, "exited with status 0");
    let child: u32 = s.read("child.pid").trim().parse().unwrap();
    assert!(
        gone(child),
        "the background child {child} outlived its check"
    );
}

#[test]
fn crashes_exit_codes_and_missing_programs() {
    let s = site(concat!(
        "  - name: Crash\n    kind: command\n    command: [\"sh\", \"-c\", \"echo about to fail >&2; kill -SEGV $$\"]\n    link: https://x.example/\n",
        "  - name: Exit 3\n    kind: command\n    command: [\"sh\", \"-c\", \"echo starting >&2; echo disk full >&2; exit 3\"]\n    link: https://x.example/\n",
        "  - name: Missing\n    kind: command\n    command: [\"./scripts/nope.sh\"]\n    link: https://x.example/\n",
        "  - name: Text\n    kind: command\n    command: [\"sh\", \"-c\", \"echo replica lag fine\"]\n    output: text\n    link: https://x.example/\n",
    ));
    let report = s.status_at(NOW);
    assert_eq!(
        only(&report, "Crash").message,
        "crashed: killed by signal 11 (SIGSEGV): about to fail"
    );
    assert_eq!(
        only(&report, "Exit 3").message,
        "exited with status 3: starting / disk full"
    );
    assert_eq!(
        only(&report, "Exit 3").item,
        "sh -c echo starting >&2; echo disk full >&2; exit 3"
    );
    assert_row(
        only(&report, "Missing"),
        Level::Error,
        "cannot start `./scripts/nope.sh` in ",
    );
    assert_row(
        only(&report, "Text"),
        Level::Ok,
        "exited with status 0: replica lag fine",
    );
}

#[test]
fn stdout_rows_and_malformed_lines() {
    let s = site(
        "  - name: Disks\n    kind: command\n    command: [\"sh\", \"scripts/disks.sh\"]\n    link: https://ops.example/disks\n",
    );
    s.write(
        "scripts/disks.sh",
        r#"# a comment line is skipped
echo '# report'
echo 'OK,db-1,reachable,[[backups#restore]]'
echo 'WARNING,"disk /var","91% full, growing",https://grafana.example/d/disk'
echo 'ERROR,queue,<script>alert(1)</script> stuck,'
echo ''
echo 'this line is not a row'
echo 'WARN,x,y'
echo 'OK,"unterminated'
echo 'OK,bad link,fine,[[nowhere]]'
echo 'OK,evil link,fine,javascript:alert(1)'
"#,
    );
    let report = s.status_at(NOW);
    let db = row(&report, "Disks", "db-1");
    assert_row(db, Level::Ok, "reachable");
    assert_eq!(db.link.as_deref(), Some("/runbooks/backups/#restore"));
    let disk = row(&report, "Disks", "disk /var");
    assert_row(disk, Level::Warning, "91% full, growing");
    assert_eq!(disk.link.as_deref(), Some("https://grafana.example/d/disk"));
    let queue = row(&report, "Disks", "queue");
    assert_row(queue, Level::Error, "<script>alert(1)</script> stuck");
    // An empty link field falls back to the check's own link.
    assert_eq!(queue.link.as_deref(), Some("https://ops.example/disks"));
    assert_eq!(
        row(&report, "Disks", "output line 6").message,
        "not a row `LEVEL,item,message[,link]`: expected 3 or 4 fields, found 1: `this line is not a row`"
    );
    assert_eq!(
        row(&report, "Disks", "output line 7").message,
        "not a row `LEVEL,item,message[,link]`: `WARN` is not a level (OK, WARNING or ERROR): `WARN,x,y`"
    );
    assert_row(
        row(&report, "Disks", "output line 8"),
        Level::Error,
        "not a row `LEVEL,item,message[,link]`: a quoted field is not closed",
    );
    let bad = row(&report, "Disks", "bad link");
    assert_eq!(
        bad.message,
        "fine (its link does not work: unknown document `nowhere`)"
    );
    assert_eq!(bad.link.as_deref(), Some("https://ops.example/disks"));
    let evil = row(&report, "Disks", "evil link");
    assert!(
        evil.message
            .contains("links with `javascript:` are not allowed"),
        "{}",
        evil.message
    );
    assert_eq!(evil.link.as_deref(), Some("https://ops.example/disks"));

    let page = s.read("public/status/index.html");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; stuck"));
    assert!(!page.contains("<script>alert(1)"));
    assert!(!page.contains("href=\"javascript:"));
}

#[test]
fn levels_from_commands_and_files() {
    let s = site(concat!(
        "  - name: Queue\n    kind: level\n    command: [\"sh\", \"-c\", \"echo queue report; echo 4120 jobs\"]\n    item: settlement queue\n    unit: jobs\n    warn_above: 1000\n    error_above: 5000\n    link: https://x.example/\n",
        "  - name: Disk free\n    kind: level\n    file: state/disk-free.txt\n    unit: \"%\"\n    warn_below: 20\n    error_below: 10\n    link: https://x.example/\n",
        "  - name: Garbage\n    kind: level\n    file: state/garbage.txt\n    error_above: 1\n    link: https://x.example/\n",
        "  - name: Failing source\n    kind: level\n    command: [\"sh\", \"-c\", \"echo no metrics >&2; exit 4\"]\n    error_above: 1\n    link: https://x.example/\n",
    ));
    s.write("state/disk-free.txt", "7%\n");
    s.write("state/garbage.txt", "n/a\n");
    let report = s.status_at(NOW);
    let q = only(&report, "Queue");
    assert_eq!(
        (q.level, q.item.as_str()),
        (Level::Warning, "settlement queue")
    );
    assert_eq!(q.message, "4120 jobs is warning above 1000 jobs");
    assert_eq!(
        only(&report, "Disk free").message,
        "7 % is error below 10 %"
    );
    assert_eq!(only(&report, "Disk free").level, Level::Error);
    assert_eq!(
        only(&report, "Garbage").message,
        "expected a number, found `n/a`"
    );
    assert_eq!(
        only(&report, "Failing source").message,
        "exited with status 4: no metrics"
    );
}

#[test]
fn output_past_the_limit_is_cut_with_a_row_saying_how_much() {
    let s = site(concat!(
        "  - name: Chatty\n    kind: command\n",
        "    command: [\"sh\", \"-c\", \"echo OK,first,fine; head -c 3000000 /dev/zero | tr '\\\\0' x\"]\n",
        "    link: https://x.example/\n",
        "  - name: Long level\n    kind: level\n",
        "    command: [\"sh\", \"-c\", \"yes 1 | head -c 2000000; echo 9\"]\n",
        "    error_above: 5\n    link: https://x.example/\n",
    ));
    let report = s.status_at(NOW);
    assert_row(row(&report, "Chatty", "first"), Level::Ok, "fine");
    let cut = row(&report, "Chatty", "output");
    assert_eq!(cut.level, Level::Warning);
    assert_eq!(
        cut.message,
        format!(
            "stdout was cut at 1 MiB: {} more bytes were not read, so rows after the cut are missing",
            14 + 3_000_000 - (1 << 20)
        )
    );
    // The line cut in the middle is not reported as a malformed row.
    assert_eq!(
        report.rows.iter().filter(|r| r.check == "Chatty").count(),
        2
    );
    // A number read from the end of a cut output would be the wrong one.
    let level = only(&report, "Long level");
    assert_eq!(level.level, Level::Error);
    assert_eq!(
        level.message,
        format!(
            "stdout was cut at 1 MiB: {} more bytes were not read, so its last line is not known",
            2_000_002 - (1 << 20)
        )
    );
}

#[cfg(unix)]
#[test]
fn the_files_and_folders_checks_use_stay_inside_the_site() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("depth.txt"), "3\n").unwrap();
    std::fs::write(
        outside.path().join("t.yaml"),
        "- item: Leak\n  due: 2027-01-01\n",
    )
    .unwrap();
    let out = outside.path().display().to_string();
    let check = |name: &str, body: &str| {
        format!("  - name: {name}\n{body}    timeout: 3s\n    link: https://x.example/\n")
    };
    let s = site(
        &[
            check(
                "Outside level",
                &format!("    kind: level\n    file: {out}/depth.txt\n    error_above: 5\n"),
            ),
            check(
                "Linked level",
                "    kind: level\n    file: state/link.txt\n    error_above: 5\n",
            ),
            check(
                "Pipe",
                "    kind: level\n    file: state/fifo\n    error_above: 5\n",
            ),
            check(
                "Huge",
                "    kind: level\n    file: state/huge.txt\n    error_above: 5\n",
            ),
            check(
                "Outside triggers",
                &format!("    kind: triggers\n    file: {out}/t.yaml\n"),
            ),
            check(
                "Outside cwd",
                &format!(
                    "    kind: command\n    command: [pwd]\n    cwd: {out}\n    output: text\n"
                ),
            ),
            check(
                "Up cwd",
                "    kind: command\n    command: [pwd]\n    cwd: ..\n    output: text\n",
            ),
        ]
        .concat(),
    );
    std::fs::create_dir_all(s.path("state")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("depth.txt"), s.path("state/link.txt")).unwrap();
    let fifo = std::ffi::CString::new(s.path("state/fifo").to_str().unwrap()).unwrap();
    // SAFETY: a valid C string naming a path in the test's own folder.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    // More than the limit, with the number that counts on the last line.
    s.write("state/huge.txt", &("1\n".repeat(600_000) + "9\n"));

    let report = s.status_at(NOW);
    let expect = |name: &str, message: String| {
        let r = only(&report, name);
        assert_eq!(
            (r.level, r.message.as_str()),
            (Level::Error, message.as_str()),
            "{name}"
        );
    };
    expect(
        "Outside level",
        format!("`file`: `{out}/depth.txt` leads outside the site folder"),
    );
    expect(
        "Linked level",
        "`file`: `state/link.txt` leads outside the site folder".into(),
    );
    expect("Pipe", "`file`: `state/fifo` is not a regular file".into());
    expect(
        "Huge",
        "`file`: `state/huge.txt` is over 1 MiB, more than a check reads".into(),
    );
    expect(
        "Outside triggers",
        format!("`file`: `{out}/t.yaml` leads outside the site folder"),
    );
    expect(
        "Outside cwd",
        format!("`cwd`: `{out}` leads outside the site folder"),
    );
    expect("Up cwd", "`cwd`: `..` leads outside the site folder".into());
}
