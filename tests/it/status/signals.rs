//! Stopping the `cairn` binary while its checks run: SIGTERM, SIGINT or SIGHUP to `check`,
//! `build` or `serve` kills every running check program with everything it started, and the
//! binary exits as a shell reports a death by that signal (128 + the signal's number).

#![cfg(unix)]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{Site, gone, site};

/// Two checks whose programs each leave a background `sleep` and then become a `sleep`
/// themselves, writing both process ids to `pids.<name>` first.
fn lingering() -> Site {
    let check = |name: &str| {
        format!(
            "  - name: Linger {name}\n    kind: command\n    command: [sh, scripts/linger.sh, {name}]\n    timeout: 120s\n    link: https://x.example/\n"
        )
    };
    let s = site(&(check("a") + &check("b")));
    s.write(
        "scripts/linger.sh",
        "sleep 300 &\necho $! > pids.$1.tmp\necho $$ >> pids.$1.tmp\nmv pids.$1.tmp pids.$1\nexec sleep 300\n",
    );
    s
}

/// Starts the binary and waits until both check programs have written their ids.
fn start(s: &Site, args: &[&str]) -> (Child, Vec<u32>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .arg("--root")
        .arg(s.root())
        .env("CAIRN_TODAY", "2026-11-23")
        .env("CAIRN_CACHE_DIR", s.root().join(".test-cache"))
        .env("CI", "true")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let mut pids = Vec::new();
    for name in ["a", "b"] {
        let file = s.path(&format!("pids.{name}"));
        while !file.exists() {
            if started.elapsed() > Duration::from_secs(60) || child.try_wait().unwrap().is_some() {
                let _ = child.kill();
                panic!("the check programs did not start");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        pids.extend(
            s.read(&format!("pids.{name}"))
                .lines()
                .map(|l| l.trim().parse::<u32>().unwrap()),
        );
    }
    assert_eq!(pids.len(), 4, "{pids:?}");
    (child, pids)
}

/// Sends `signal` to the binary and returns its exit code once it has ended, and which check
/// processes are still running (those are then killed, so a failing test leaves none behind).
fn stop(mut child: Child, pids: &[u32], signal: libc::c_int) -> (Option<i32>, Vec<u32>) {
    // SAFETY: kill has no memory effects; the child is ours and not yet reaped.
    unsafe { libc::kill(child.id() as libc::pid_t, signal) };
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let alive: Vec<u32> = pids.iter().copied().filter(|p| !gone(*p)).collect();
    for p in pids {
        // SAFETY: as above; each program leads its own group, with what it started.
        unsafe { libc::kill(-(*p as libc::pid_t), libc::SIGKILL) };
    }
    (status.code(), alive)
}

#[test]
fn sigterm_to_check_kills_every_running_check_program() {
    let s = lingering();
    let (child, pids) = start(&s, &["check"]);
    let (code, alive) = stop(child, &pids, libc::SIGTERM);
    assert_eq!(alive, Vec::<u32>::new(), "check processes outlived cairn");
    assert_eq!(code, Some(128 + libc::SIGTERM));
}

#[test]
fn sigint_to_build_kills_every_running_check_program() {
    let s = lingering();
    let (child, pids) = start(&s, &["build"]);
    let (code, alive) = stop(child, &pids, libc::SIGINT);
    assert_eq!(alive, Vec::<u32>::new(), "check processes outlived cairn");
    assert_eq!(code, Some(128 + libc::SIGINT));
    // Stopped before it was written: no half site.
    assert!(!s.path("public").exists());
}

#[test]
fn sigterm_and_sighup_to_serve_kill_every_running_check_program() {
    for signal in [libc::SIGTERM, libc::SIGHUP] {
        let s = lingering();
        let (child, pids) = start(&s, &["serve", "--port", "0"]);
        let (code, alive) = stop(child, &pids, signal);
        assert_eq!(alive, Vec::<u32>::new(), "check processes outlived cairn");
        assert_eq!(code, Some(128 + signal));
    }
}
