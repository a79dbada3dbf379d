use super::*;
use crate::names::UrlPath;

#[test]
fn commit_replaces_and_drop_discards() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let s = Staging::begin(&out).unwrap();
    s.write(&UrlPath::page(["a"]).out_path(), b"one").unwrap();
    s.commit().unwrap();
    assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"one");

    let s = Staging::begin(&out).unwrap();
    s.write(&UrlPath::page(["b"]).out_path(), b"two").unwrap();
    drop(s);
    assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"one");
    assert!(!out.join("b").exists());

    let s = Staging::begin(&out).unwrap();
    s.write(&UrlPath::page(["b"]).out_path(), b"two").unwrap();
    s.commit().unwrap();
    assert!(!out.join("a").exists());
    assert_eq!(std::fs::read(out.join("b/index.html")).unwrap(), b"two");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["public"]);
}

#[test]
fn leftovers_of_a_killed_run_are_recovered() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    // Killed between the renames of the portable swap: only `.public.cairn-old` remains.
    let old = dir.path().join(".public.cairn-old");
    std::fs::create_dir_all(&old).unwrap();
    std::fs::write(old.join("index.html"), "previous").unwrap();
    std::fs::create_dir_all(dir.path().join(".public.cairn-staging/x")).unwrap();
    let s = Staging::begin(&out).unwrap();
    drop(s);
    assert_eq!(
        std::fs::read_to_string(out.join("index.html")).unwrap(),
        "previous"
    );
    assert!(!dir.path().join(".public.cairn-staging").exists());
}

#[test]
fn a_path_written_twice_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let s = Staging::begin(&out).unwrap();
    let path = UrlPath::page(["tags", "c"]).out_path();
    s.write(&path, b"c++").unwrap();
    let err = s.write(&path, b"c").unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "{}: two files of the site have this path",
            out.join("tags/c/index.html").display()
        )
    );
}

#[test]
fn a_failed_write_leaves_nothing_so_it_can_be_retried() {
    let dir = tempfile::tempdir().unwrap();
    let s = Staging::begin(&dir.path().join("public")).unwrap();
    let path = UrlPath::page(["a"]).out_path();
    // A folder is not a file to copy: the copy fails after the target was created.
    assert!(s.copy(&path, dir.path()).is_err());
    s.write(&path, b"rendered instead").unwrap();
    s.commit().unwrap();
    let out = dir.path().join("public/a/index.html");
    assert_eq!(std::fs::read(out).unwrap(), b"rendered instead");
}

#[test]
fn a_second_build_waits_for_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let first = Staging::begin(&out).unwrap();
    first.write(&UrlPath::page(["a"]).out_path(), b"a").unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let out2 = out.clone();
    let second = std::thread::spawn(move || {
        let s = Staging::begin(&out2).unwrap();
        tx.send(()).unwrap();
        s.write(&UrlPath::page(["b"]).out_path(), b"b").unwrap();
        s.commit().unwrap();
    });
    // Without the lock the second build would clear the first one's staging folder here.
    assert!(
        rx.recv_timeout(std::time::Duration::from_millis(300))
            .is_err()
    );
    first.commit().unwrap();
    rx.recv().unwrap();
    second.join().unwrap();
    assert!(out.join("b/index.html").exists());
    assert!(!out.join("a").exists());
}

#[test]
fn paths_outside_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let s = Staging::begin(&dir.path().join("public")).unwrap();
    assert!(
        s.write(&UrlPath::page(["..", "x"]).out_path(), b"x")
            .is_err()
    );
}

#[cfg(unix)]
#[test]
fn links_at_the_output_staging_or_old_site_are_refused_before_anything_is_touched() {
    for name in ["public", ".public.cairn-staging", ".public.cairn-old"] {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::create_dir(&victim).unwrap();
        std::fs::write(victim.join("keep"), "x").unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir(&site).unwrap();
        std::os::unix::fs::symlink(&victim, site.join(name)).unwrap();
        let err = Staging::begin(&site.join("public"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("is a symbolic link"), "{name}: {err}");
        assert!(victim.join("keep").is_file(), "{name}");
        let left: Vec<_> = std::fs::read_dir(&site).unwrap().collect();
        assert_eq!(left.len(), 1, "{name}: nothing was made beside the link");
        assert!(
            guard_output(&site, &site.join("public"), &ContentDir::default()).is_err(),
            "{name}"
        );
    }
}

#[cfg(unix)]
#[test]
fn outputs_that_hold_or_sit_in_the_sites_own_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    for d in ["content/notes", "static", "docs", "elsewhere"] {
        std::fs::create_dir_all(site.join(d)).unwrap();
    }
    std::os::unix::fs::symlink("docs", site.join("templates")).unwrap();
    std::os::unix::fs::symlink("elsewhere", site.join("out")).unwrap();
    let refused = |out: &str| guard_output(&site, &site.join(out), &ContentDir::default()).is_err();
    for out in [
        "",
        ".",
        "..",
        "content",
        "content/notes/x",
        "static",
        "static/x",
        "templates/x",
        "docs",
        "docs/x",
        "themes",
        "themes/default",
        "out/x",
        "out",
    ] {
        assert!(refused(out), "{out}");
    }
    for out in ["public", ".cairn/serve", "content-public", "../public"] {
        assert!(!refused(out), "{out}");
    }
    assert!(guard_output(&site, &dir.path().join("public"), &ContentDir::default()).is_ok());
}

#[cfg(unix)]
#[test]
fn live_writes_never_go_through_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim");
    std::fs::create_dir(&victim).unwrap();
    let out = dir.path().join("serve");
    std::fs::create_dir(&out).unwrap();
    std::os::unix::fs::symlink(&victim, out.join("a")).unwrap();
    let page = UrlPath::page(["a"]).out_path();
    assert!(replace_file(&out, &page, b"x").is_err());
    assert_eq!(std::fs::read_dir(&victim).unwrap().count(), 0);
    let linked = dir.path().join("linked");
    std::os::unix::fs::symlink(&victim, &linked).unwrap();
    assert!(replace_file(&linked, &UrlPath::page(["b"]).out_path(), b"x").is_err());
    assert_eq!(std::fs::read_dir(&victim).unwrap().count(), 0);
    std::fs::write(victim.join("f"), "keep").unwrap();
    std::os::unix::fs::symlink(victim.join("f"), out.join("f.css")).unwrap();
    let file = UrlPath::file("f.css").out_path();
    replace_file(&out, &file, b"new").unwrap();
    assert_eq!(std::fs::read_to_string(victim.join("f")).unwrap(), "keep");
    assert_eq!(std::fs::read_to_string(out.join("f.css")).unwrap(), "new");
}

#[test]
fn the_page_list_makes_every_folder_once_before_any_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let s = Staging::begin(&out).unwrap();
    let pages = [
        UrlPath::page(["a", "b", "c"]).out_path(),
        UrlPath::page(["a", "b"]).out_path(),
        UrlPath::page(["a-z"]).out_path(),
        UrlPath::file("search.json").out_path(),
    ];
    s.make_folders(pages.iter().cloned()).unwrap();
    let staged = sibling(&absolute(&out).unwrap(), "cairn-staging");
    for d in ["a", "a/b", "a/b/c", "a-z"] {
        assert!(staged.join(d).is_dir(), "{d} made before any file");
    }
    for (i, p) in pages.iter().enumerate() {
        s.write(p, format!("{i}").as_bytes()).unwrap();
    }
    // A file whose folder was not listed still finds it made.
    s.write(&UrlPath::file("files/x/y.pdf").out_path(), b"pdf")
        .unwrap();
    s.commit().unwrap();
    assert_eq!(std::fs::read(out.join("a/b/c/index.html")).unwrap(), b"0");
    assert_eq!(std::fs::read(out.join("files/x/y.pdf")).unwrap(), b"pdf");
}
