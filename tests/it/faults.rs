//! Faults: a build killed at any moment, a full disk, an output that cannot be written, a
//! template that fails on one page. Each must leave the previous site exactly as it was,
//! leave nothing behind that breaks the next build, and name what went wrong.

#![cfg(unix)]

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::*;

/// Sibling entries of the output folder, other than the site's own files.
fn leftovers(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        // `.test-cache` is the build cache these tests give the binary, kept on purpose; a
        // kill must not leave it broken, which the final build's exact output checks.
        .filter(|n| {
            !["content", "templates", "site.yaml", "public", ".test-cache"].contains(&n.as_str())
        })
        .collect();
    names.sort();
    names
}

fn cairn(root: &Path) -> Command {
    let mut cmd = Cairn::new(root).arg("build").into_command();
    cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    cmd
}

/// The basic fixture plus `n` notes, so a build takes long enough to be killed mid-way.
fn larger_site(n: usize, version: &str) -> Site {
    let site = Site::copy("basic");
    write_notes(&site, n, version);
    site
}

fn write_notes(site: &Site, n: usize, version: &str) {
    let body = "Text with a [[north-star]] link.\n\n## Part\n\n".repeat(20);
    for i in 0..n {
        site.write(
            &format!("content/notes/n{i}.md"),
            &format!(
                "---\ntitle: Note {i} {version}\ntags: [t{}]\n---\n{body}",
                i % 40
            ),
        );
    }
}

#[test]
fn a_build_killed_at_any_moment_leaves_the_old_or_the_new_site() {
    let site = larger_site(400, "v1");
    assert!(cairn(site.root()).output().unwrap().status.success());
    let old = tree(&site.out());
    write_notes(&site, 400, "v2");
    // One uninterrupted build of the new content: what the new site is, and how long the
    // binary takes for it; kills are spread over that time. Then the old site goes back.
    let started = Instant::now();
    assert!(cairn(site.root()).output().unwrap().status.success());
    let full = started.elapsed().max(Duration::from_millis(200));
    let new = tree(&site.out());
    assert_ne!(old, new);
    std::fs::remove_dir_all(site.out()).unwrap();
    copy_tree(&old, &site.out());

    let mut outcomes: BTreeMap<&str, usize> = BTreeMap::new();
    let steps = 10u32;
    for step in 0..steps {
        // From "at once" to a little past the time a whole build took.
        let delay = full * step * 5 / (steps * 4);
        let mut child = cairn(site.root()).spawn().unwrap();
        std::thread::sleep(delay);
        let killed = child.kill().is_ok();
        let status = child.wait().unwrap();
        let now = tree(&site.out());
        let outcome = if now == old {
            "old site"
        } else if now == new {
            "new site"
        } else {
            panic!(
                "step {step} ({delay:?}, {status}): the output is neither the old nor the new site"
            );
        };
        // A staging folder left by the kill is the only thing allowed beside the output,
        // and the next build clears it.
        let left = leftovers(site.root());
        assert!(
            left.is_empty() || left == [".public.cairn-staging"],
            "step {step}: {left:?}"
        );
        let phase = match (killed && !status.success(), left.is_empty()) {
            (false, _) => "finished before the kill",
            (true, false) => "killed while writing",
            (true, true) => "killed before writing",
        };
        *outcomes.entry(outcome).or_default() += 1;
        *outcomes.entry(phase).or_default() += 1;
        if outcome == "new site" {
            // Put the old site back so later kills are tested against it again.
            std::fs::remove_dir_all(site.out()).unwrap();
            copy_tree(&old, &site.out());
        }
    }
    // Where each kill landed depends on the machine's load; only that some landed before the
    // build could finish is certain (the first is immediate). The invariant above is the test.
    eprintln!("kill outcomes: {outcomes:?}");
    assert!(
        outcomes.contains_key("killed before writing"),
        "{outcomes:?}"
    );
    // Whatever the kills left, the next build succeeds and leaves nothing beside the output.
    let last = cairn(site.root()).output().unwrap();
    assert!(
        last.status.success(),
        "{}",
        String::from_utf8_lossy(&last.stderr)
    );
    assert_eq!(tree(&site.out()), new);
    assert_eq!(leftovers(site.root()), Vec::<String>::new());
}

#[test]
fn two_builds_into_one_output_take_turns() {
    let site = larger_site(200, "v1");
    assert!(cairn(site.root()).output().unwrap().status.success());
    for round in 0..2 {
        write_notes(&site, 200, &format!("round {round}"));
        let elsewhere = tempfile::tempdir().unwrap();
        let mut opts = site.options();
        opts.output = Some(elsewhere.path().join("public"));
        cairn::build(&opts).unwrap();
        let expected = tree(&elsewhere.path().join("public"));
        // Without the lock, the second clears the first one's staging folder while it is being
        // written, and one of them can swap the previous site back in while reporting success.
        let a = cairn(site.root()).spawn().unwrap();
        let b = cairn(site.root()).spawn().unwrap();
        for child in [a, b] {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert!(tree(&site.out()) == expected, "round {round}: wrong site");
        assert_eq!(leftovers(site.root()), Vec::<String>::new());
    }
}

fn copy_tree(files: &BTreeMap<String, Vec<u8>>, to: &Path) {
    for (rel, bytes) in files {
        let p = to.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
}

/// Runs `cairn build` with a file-size limit, which makes every write past `bytes` fail the
/// way a full disk does (`EFBIG` instead of `ENOSPC`). It works for root, unlike permissions.
fn build_with_file_limit(root: &Path, bytes: u64) -> std::process::Output {
    use std::os::unix::process::CommandExt;
    let mut cmd = cairn(root);
    // SAFETY: only calls setrlimit, which is async-signal-safe, between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: bytes,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    cmd.output().unwrap()
}

#[test]
fn a_full_disk_is_an_error_naming_the_file_and_the_old_site_stays() {
    let site = Site::copy("basic");
    assert_eq!(site.cairn(&["build"]).code, 0);
    let old = tree(&site.out());
    site.write(
        "content/about.md",
        &format!("# About\n\n{}", "A long line.\n".repeat(2000)),
    );
    let out = build_with_file_limit(site.root(), 4096);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Killed by SIGXFSZ would be no exit code at all; the binary turns it into an error.
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let prefix = format!("error: {}/", site.out().display());
    assert!(
        stderr.starts_with(&prefix) && stderr.trim_end().ends_with("File too large (os error 27)"),
        "{stderr}"
    );
    assert_eq!(tree(&site.out()), old);
    assert_eq!(leftovers(site.root()), Vec::<String>::new());
}

#[test]
fn an_output_that_cannot_be_written_is_an_error_naming_it() {
    let site = Site::copy("basic");
    // The output's parent is a file.
    std::fs::write(site.root().join("file"), "x").unwrap();
    let out = site.cairn(&["build", "--output", "file/public"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        format!(
            "error: {}: exists and is not a folder\n",
            site.root().join("file").display()
        )
    );
    // The output is a file.
    let out = site.cairn(&["build", "--output", "file"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        format!(
            "error: {}: output exists and is not a folder\n",
            site.root().join("file").display()
        )
    );
}

/// Makes `dir` immutable (root ignores permission bits, not this flag); false where the file
/// system or the container does not allow it, and the caller skips that case.
fn set_immutable(dir: &Path, on: bool) -> bool {
    Command::new("chattr")
        .arg(if on { "+i" } else { "-i" })
        .arg(dir)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn an_output_that_cannot_be_replaced_keeps_the_old_site() {
    let site = Site::copy("basic");
    assert_eq!(site.cairn(&["build"]).code, 0);
    let old = tree(&site.out());
    site.write("content/about.md", "# About, changed\n");
    let locked = set_immutable(&site.out(), true);
    if !locked {
        // Without root or CAP_LINUX_IMMUTABLE, plain permissions do the same job.
        use std::os::unix::fs::PermissionsExt;
        if unsafe { libc::geteuid() } == 0 {
            eprintln!("skipped: cannot make a folder immutable here, and root ignores modes");
            return;
        }
        std::fs::set_permissions(site.root(), std::fs::Permissions::from_mode(0o555)).unwrap();
    }
    let out = site.cairn(&["build"]);
    if locked {
        set_immutable(&site.out(), false);
    } else {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(site.root(), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.starts_with("error: ") && out.stderr.contains(site.root().to_str().unwrap()),
        "{}",
        out.stderr
    );
    assert_eq!(tree(&site.out()), old);
    assert_eq!(leftovers(site.root()), Vec::<String>::new());
}

#[test]
fn a_template_error_names_the_template_its_line_and_the_document() {
    let site = Site::copy("basic");
    assert_eq!(site.cairn(&["build"]).code, 0);
    let old = tree(&site.out());
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/doc.html"),
    )
    .unwrap();
    // Fails on one document only, as a template does when content is unusual.
    let broken = doc.replacen(
        "{% block content %}",
        "{% block content %}\n{% if doc.id == \"cloud-cost\" %}{{ doc.no_such_field }}{% endif %}",
        1,
    );
    let line = broken
        .lines()
        .position(|l| l.contains("no_such_field"))
        .unwrap()
        + 1;
    site.write("templates/doc.html", &broken);
    let out = site.cairn(&["build"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.starts_with("error: template `doc.html`: "),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!("--> doc.html:{line}:")),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(
            "while rendering /strategies/cloud-cost/ from content/strategies/cloud-cost.md"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(tree(&site.out()), old);
    assert_eq!(leftovers(site.root()), Vec::<String>::new());
}
