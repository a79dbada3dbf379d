//! A checkout cannot make a build delete, read or write outside the site folder, its output
//! folder and its cache folder, nor read without bound: symbolic links planted anywhere in the
//! site (the output, `.cairn/`, `static/`, `templates/`, `themes/`, `content/` itself, check
//! files, the history file), oversized files, pipes and devices. Each test builds with the
//! binary or the library and checks that what lies outside is untouched.

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use crate::status::{only, site as status_site};
use crate::support::*;

/// The `basic` fixture in `box/site`, with `box/victim/keep` beside it, and a cache folder.
struct Boxed {
    dir: tempfile::TempDir,
    cache: tempfile::TempDir,
}

impl Boxed {
    fn new() -> Boxed {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("victim")).unwrap();
        std::fs::write(dir.path().join("victim/keep"), "x").unwrap();
        copy_dir(&fixture("basic"), &dir.path().join("site"));
        Boxed {
            dir,
            cache: tempfile::tempdir().unwrap(),
        }
    }

    fn site(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    fn victim(&self) -> PathBuf {
        self.dir.path().join("victim")
    }

    fn link(&self, target: impl AsRef<Path>, at: &str) {
        let at = self.site().join(at);
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        symlink(target, at).unwrap();
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cairn"));
        cmd.args(args)
            .current_dir(self.site())
            .env("CAIRN_TODAY", TODAY)
            .env("CAIRN_CACHE_DIR", self.cache.path())
            .env("CI", "true")
            .env("NO_COLOR", "1");
        cmd
    }

    fn cairn(&self, args: &[&str]) -> Output {
        output(self.command(args).output().unwrap())
    }

    /// Everything outside the site is as it was: the victim's file and the box's entries.
    fn assert_outside_untouched(&self) {
        assert_eq!(
            std::fs::read_to_string(self.victim().join("keep"))
                .ok()
                .as_deref(),
            Some("x"),
            "the file outside the site is gone"
        );
        let mut names: Vec<_> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["site", "victim"]);
        assert!(self.site().join("content/about.md").is_file());
    }
}

fn output(out: std::process::Output) -> Output {
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn a_symlinked_output_staging_or_old_site_folder_is_refused_and_its_target_kept() {
    for (at, target) in [
        ("public", ".."),
        ("public", "content"),
        ("public", "../victim"),
        (".public.cairn-old", "../victim"),
        (".public.cairn-staging", "../victim"),
    ] {
        let b = Boxed::new();
        b.link(target, at);
        let out = b.cairn(&["build", "--no-checks"]);
        assert_eq!(out.code, 2, "{at} -> {target}: {out:?}");
        assert!(
            out.stderr.contains(&format!(
                "{} is a symbolic link",
                b.site().join(at).display()
            )),
            "{at} -> {target}: {}",
            out.stderr
        );
        b.assert_outside_untouched();
        assert!(
            std::fs::symlink_metadata(b.site().join(at))
                .unwrap()
                .is_symlink()
        );
    }
}

#[test]
fn an_output_inside_the_sites_own_folders_or_through_a_link_is_refused() {
    let b = Boxed::new();
    for dir in ["static", "themes/mine"] {
        std::fs::create_dir_all(b.site().join(dir)).unwrap();
        std::fs::write(b.site().join(dir).join("keep.css"), "k").unwrap();
    }
    b.link("../victim", "out");
    for output in [
        ".",
        "..",
        "content",
        "content/site",
        "static",
        "static/x",
        "templates",
        "themes/mine",
        "out/site",
    ] {
        let out = b.cairn(&["build", "--no-checks", "--output", output]);
        assert_eq!(out.code, 2, "--output {output}: {out:?}");
        assert!(
            out.stderr.starts_with(&format!(
                "error: refusing to write the site into {output}: "
            )),
            "--output {output}: {}",
            out.stderr
        );
    }
    b.assert_outside_untouched();
    assert!(!b.victim().join("site").exists());
    assert!(b.site().join("static/keep.css").is_file());
    assert!(b.site().join("themes/mine/keep.css").is_file());
    assert!(!b.site().join("templates/index.html").exists());
    // An ordinary output beside the site is fine.
    let out = b.cairn(&["build", "--no-checks", "--output", "../public"]);
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn serve_refuses_a_symlinked_output_folder_before_building() {
    let b = Boxed::new();
    b.link("../../victim", ".cairn/serve");
    let opts = cairn::serve::ServeOptions {
        build: cairn::BuildOptions::new(b.site(), today()),
        bind: "127.0.0.1".parse().unwrap(),
        port: 0,
    };
    let err = cairn::serve::start(opts, Arc::new(|_| {}))
        .err()
        .map(|e| e.to_string());
    let err = err.expect("serve refuses to start");
    assert!(err.contains("is a symbolic link"), "{err}");
    b.assert_outside_untouched();
}

#[test]
fn links_out_of_the_site_in_static_and_templates_are_refused_naming_each() {
    let b = Boxed::new();
    std::fs::write(b.victim().join("secret"), "SECRET").unwrap();
    b.link(b.victim().join("secret"), "static/leak.txt");
    b.link(b.victim().join("secret"), "templates/404.html");
    b.link(b.victim(), "static/dir");
    let out = b.cairn(&["build", "--no-checks"]);
    let target = b.victim().canonicalize().unwrap();
    let refused = |at: &str, t: &Path| {
        format!(
            "{at}:1:1: error: symbolic link to `{}`, outside the site folder; refused\n",
            t.display()
        )
    };
    assert_eq!(out.code, 2, "{out:?}");
    for line in [
        refused("static/dir", &target),
        refused("static/leak.txt", &target.join("secret")),
        refused("templates/404.html", &target.join("secret")),
    ] {
        assert!(out.stderr.contains(&line), "{line}\n{}", out.stderr);
    }
    assert!(!b.site().join("public").exists());
}

#[test]
fn a_theme_folder_linking_out_of_the_site_is_refused() {
    let b = Boxed::new();
    let theme = b.victim().join("theme");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default"),
        &theme,
    );
    std::fs::write(theme.join("static/secret.css"), "SECRET").unwrap();
    b.link(&theme, "themes/default");
    let out = b.cairn(&["build", "--no-checks"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .contains("themes/default/templates:1:1: error: symbolic link to `"),
        "{}",
        out.stderr
    );
    assert!(!b.site().join("public").exists());
}

#[test]
fn hidden_folders_in_static_are_not_published() {
    let site = Site::copy("basic");
    site.write("static/.hidden/key", "KEY");
    site.write("static/.env", "KEY");
    site.write("static/ok.txt", "ok");
    let out = site.cairn(&["build", "--no-checks"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(site.read("static/ok.txt"), "ok");
    assert!(!site.out().join("static/.hidden").exists());
    assert!(!site.out().join("static/.env").exists());
}

#[test]
fn a_content_folder_linking_out_of_the_site_is_refused() {
    let b = Boxed::new();
    let docs = b.victim().join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(docs.join("secret.md"), "# Secret\n").unwrap();
    std::fs::rename(b.site().join("content"), b.site().join("docs")).unwrap();
    b.link(&docs, "content");
    let out = b.cairn(&["build", "--no-checks"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.stderr,
        format!(
            "error: ./content: symbolic link to `{}`, outside the site folder; refused\n",
            docs.canonicalize().unwrap().display()
        )
    );
    assert!(!b.site().join("public").exists());
    // A link to a folder inside the site is fine.
    std::fs::remove_file(b.site().join("content")).unwrap();
    b.link("docs", "content");
    let out = b.cairn(&["build", "--no-checks"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(b.site().join("public/about/index.html").is_file());
}

/// One check, so that the history is kept (`status_site` adds the `checks:` line itself).
const ALIVE: &str = "  - name: Alive\n    kind: proof_of_life\n    link: https://x.example/\n";

#[test]
fn a_planted_history_link_is_replaced_never_written_through() {
    let b = Boxed::new();
    let mut config = std::fs::read_to_string(b.site().join("site.yaml")).unwrap();
    config.push_str("checks:\n");
    config.push_str(ALIVE);
    std::fs::write(b.site().join("site.yaml"), config).unwrap();
    for name in [
        "status-history.json.tmp",
        ".status-history.json.cairn-new",
        "status-history.json",
    ] {
        std::fs::write(b.victim().join(name), "precious").unwrap();
        b.link(b.victim().join(name), &format!(".cairn/{name}"));
    }
    for _ in 0..2 {
        let out = b.cairn(&["build"]);
        assert_eq!(out.code, 0, "{out:?}");
    }
    for name in [
        "status-history.json.tmp",
        ".status-history.json.cairn-new",
        "status-history.json",
    ] {
        let kept = std::fs::read_to_string(b.victim().join(name)).unwrap();
        assert_eq!(kept, "precious", "{name} was written through");
    }
    let history = b.site().join(".cairn/status-history.json");
    assert!(!std::fs::symlink_metadata(&history).unwrap().is_symlink());
    let text = std::fs::read_to_string(&history).unwrap();
    assert!(text.starts_with("{\"version\":2,\"runs\":[\""), "{text}");
}

#[test]
fn a_history_that_never_ends_is_not_read() {
    let s = status_site(ALIVE);
    std::fs::create_dir_all(s.path(".cairn")).unwrap();
    symlink("/dev/zero", s.path(".cairn/history.json")).unwrap();
    // A cap on memory, so that reading without bound fails instead of taking the machine.
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cairn"));
    cmd.arg("check").current_dir(s.root()).env("NO_COLOR", "1");
    let bytes: u64 = 4 << 30;
    use std::os::unix::process::CommandExt;
    // SAFETY: only calls setrlimit, which is async-signal-safe, between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: bytes,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = output(cmd.output().unwrap());
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .contains("history file: it is a symbolic link; not read, started a new one"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_history_over_the_limit_is_a_warning_and_starts_afresh() {
    let s = status_site(ALIVE);
    let big = format!(
        "{{\"version\":1,\"runs\":[],\"x\":\"{}\"}}",
        "a".repeat(17 << 20)
    );
    s.write(".cairn/history.json", &big);
    let r = s.status_at(crate::status::NOW);
    let row = only(&r, "Status history");
    assert_eq!(
        row.message,
        "history file: larger than 16 MB; not read, started a new one"
    );
    let size = std::fs::metadata(s.path(".cairn/history.json"))
        .unwrap()
        .len();
    assert!(size < 4096, "{size} bytes");
}

#[test]
fn a_history_folder_that_is_a_link_or_a_path_outside_the_site_is_not_written() {
    let s = status_site(ALIVE);
    let outside = tempfile::tempdir().unwrap();
    symlink(outside.path(), s.path(".cairn")).unwrap();
    let r = s.status_at(crate::status::NOW);
    let row = only(&r, "Status history");
    assert!(row.message.contains("is a symbolic link"), "{row:#?}");
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);

    let config = std::fs::read_to_string(s.path("site.yaml")).unwrap();
    let escape = outside.path().join("h.json");
    for history in ["../h.json".to_string(), escape.display().to_string()] {
        s.write(
            "site.yaml",
            &config.replace(".cairn/history.json", &history),
        );
        let err = cairn::build(&s.opts(crate::status::NOW)).unwrap_err();
        assert!(
            format!("{err:?}")
                .contains("must be a path inside the site folder (relative, without `..`)"),
            "{err:?}"
        );
    }
    assert!(!s.root().parent().unwrap().join("h.json").exists());
    assert!(!escape.exists());
}

#[test]
fn site_yaml_is_read_only_inside_the_site_and_up_to_a_limit() {
    let b = Boxed::new();
    std::fs::rename(b.site().join("site.yaml"), b.victim().join("site.yaml")).unwrap();
    b.link(b.victim().join("site.yaml"), "site.yaml");
    let out = b.cairn(&["build", "--no-checks"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr
            .starts_with("error: ./site.yaml: symbolic link to `"),
        "{}",
        out.stderr
    );
    std::fs::remove_file(b.site().join("site.yaml")).unwrap();
    let mut big = std::fs::read_to_string(b.victim().join("site.yaml")).unwrap();
    big.push_str(&format!("# {}\n", "x".repeat(1 << 20)));
    std::fs::write(b.site().join("site.yaml"), big).unwrap();
    let out = b.cairn(&["build", "--no-checks"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.stderr,
        "error: ./site.yaml: larger than 1 MB; refused\n"
    );
}

#[test]
fn check_files_are_read_inside_the_site_only_and_never_block() {
    let s = status_site(concat!(
        "  - name: Trig\n    kind: triggers\n    file: data/triggers.yaml\n    link: https://x.example/\n",
        "  - name: Level\n    kind: level\n    file: data/level.txt\n    warn_above: 1\n    error_above: 2\n    link: https://x.example/\n",
        "  - name: Pipe\n    kind: level\n    file: data/pipe.txt\n    warn_above: 1\n    error_above: 2\n    timeout: 2s\n    link: https://x.example/\n",
    ));
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret"), "SECRET-WORD 1\n").unwrap();
    std::fs::create_dir_all(s.path("data")).unwrap();
    symlink(outside.path().join("secret"), s.path("data/triggers.yaml")).unwrap();
    symlink(outside.path().join("secret"), s.path("data/level.txt")).unwrap();
    let fifo = std::ffi::CString::new(s.path("data/pipe.txt").to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    let r = s.status_at(crate::status::NOW);
    for check in ["Trig", "Level"] {
        let row = only(&r, check);
        assert!(
            row.message.ends_with("leads outside the site folder"),
            "{row:#?}"
        );
    }
    assert!(
        only(&r, "Pipe").message.ends_with("is not a regular file"),
        "{:#?}",
        only(&r, "Pipe")
    );
    assert!(r.rows.iter().all(|row| !row.message.contains("SECRET")));
}

/// `levels` folders under `root/fan`, each with two links to the next: 2^levels paths.
fn fan_out(root: &Path, levels: usize) {
    for i in 0..=levels {
        std::fs::create_dir_all(root.join(format!("fan/d{i}"))).unwrap();
    }
    for i in 0..levels {
        for l in ["l1", "l2"] {
            symlink(format!("../d{}", i + 1), root.join(format!("fan/d{i}/{l}"))).unwrap();
        }
    }
}

#[test]
fn the_file_age_walk_is_bounded_and_fenced() {
    let s = status_site(concat!(
        "  - name: Fan\n    kind: file_age\n    path: data/**/*.zst\n    max_age: 1h\n    timeout: 10s\n    link: https://x.example/\n",
        "  - name: Out\n    kind: file_age\n    path: data/out/*.zst\n    max_age: 1h\n    link: https://x.example/\n",
    ));
    fan_out(&s.path("data"), 24);
    s.write("data/fan/d24/backup.zst", "x");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("b.zst"), "x").unwrap();
    symlink(outside.path(), s.path("data/out")).unwrap();
    let r = s.status_at(&jiff::Timestamp::now().to_string());
    // Found directly: links met while walking are not entered.
    let fan = only(&r, "Fan");
    assert!(
        fan.message.starts_with("data/fan/") && fan.message.contains("/backup.zst is 0s old"),
        "{fan:#?}"
    );
    let out = only(&r, "Out");
    assert!(
        out.message.ends_with("leads outside the site folder"),
        "{out:#?}"
    );
}

#[test]
fn links_fanning_out_in_content_are_read_once() {
    let site = Site::copy("basic");
    fan_out(&site.root().join("content"), 24);
    site.write("content/fan/d24/file.txt", "x");
    let report = cairn::build(&site.options()).unwrap();
    assert!(!report.has_errors(), "{:#?}", report.diagnostics);
    let repeated: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("already read through another link"))
        .collect();
    // Walking `d0` enters `d1`…`d24` through the first links, so every second link on that
    // way is one already followed (24), and so are both links of `d1`…`d23` walked directly.
    assert_eq!(repeated.len(), 24 + 2 * 23, "{:#?}", report.diagnostics);
    assert!(report.files > 0);
}

#[test]
fn the_build_cache_never_follows_a_link() {
    let b = Boxed::new();
    assert_eq!(b.cairn(&["build", "--no-checks"]).code, 0);
    std::fs::write(b.victim().join("forged"), "FORGED").unwrap();
    let ns = std::fs::read_dir(b.cache.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("pages-")
        })
        .expect("a cache namespace");
    let mut entries = 0;
    for e in walkdir::WalkDir::new(&ns) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            std::fs::remove_file(e.path()).unwrap();
            symlink(b.victim().join("forged"), e.path()).unwrap();
            entries += 1;
        }
    }
    assert!(entries > 10);
    symlink(b.victim(), ns.join("zz")).unwrap();
    let out = b.cairn(&["build", "--no-checks"]);
    assert_eq!(out.code, 0, "{out:?}");
    let forged = tree(&b.site().join("public"))
        .into_iter()
        .filter(|(_, bytes)| bytes == b"FORGED")
        .count();
    assert_eq!(forged, 0, "cache links were published");
    assert_eq!(
        std::fs::read_to_string(b.victim().join("forged")).unwrap(),
        "FORGED"
    );
    b.assert_outside_untouched();
}

#[test]
fn new_and_init_never_write_through_a_link() {
    let b = Boxed::new();
    std::fs::remove_dir_all(b.site().join("content/decisions")).unwrap();
    b.link(b.victim(), "content/decisions");
    let out = b.cairn(&["new", "decision", "Use Postgres"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr
            .ends_with("content/decisions is a symbolic link; refusing to write through it\n"),
        "{}",
        out.stderr
    );
    let init = b.dir.path().join("init");
    std::fs::create_dir_all(&init).unwrap();
    symlink(b.victim(), init.join("content")).unwrap();
    let out = b.cairn(&["init", "--force", init.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{out:?}");
    let names: Vec<_> = std::fs::read_dir(b.victim()).unwrap().collect();
    assert_eq!(names.len(), 1, "{names:?}");
}
