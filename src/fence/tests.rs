use std::os::unix::fs::symlink;

use super::*;

fn mkfifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
}

#[test]
fn lexical_paths_drop_dots_and_take_off_parents() {
    assert_eq!(lexical(Path::new("/a/./b/../c")), Path::new("/a/c"));
    assert_eq!(lexical(Path::new("/../x")), Path::new("/x"));
    let cwd = std::env::current_dir().unwrap();
    assert_eq!(lexical(Path::new("./public")), cwd.join("public"));
    assert_eq!(
        lexical(Path::new("../out")),
        cwd.parent().unwrap().join("out")
    );
}

#[test]
fn sizes_read_as_people_write_limits() {
    assert_eq!(size(10 * 1024 * 1024), "10 MB");
    assert_eq!(size(512 * 1024), "512 KB");
    assert_eq!(size(100), "100 bytes");
}

#[test]
fn reads_stay_inside_are_bounded_and_open_only_regular_files() {
    let site = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let s = site.path();
    std::fs::create_dir_all(s.join("a")).unwrap();
    std::fs::write(s.join("a/f"), "inside").unwrap();
    std::fs::write(outside.path().join("secret"), "secret").unwrap();
    symlink("a/f", s.join("in-link")).unwrap();
    symlink(outside.path().join("secret"), s.join("out-link")).unwrap();
    symlink(outside.path(), s.join("out-dir")).unwrap();
    symlink("/dev/zero", s.join("zero")).unwrap();
    mkfifo(&s.join("pipe"));
    let fence = Fence::new(s);
    assert_eq!(fence.read(&s.join("in-link"), 100).unwrap(), b"inside");
    assert_eq!(fence.read(&s.join("a/../a/f"), 100).unwrap(), b"inside");
    assert!(matches!(
        fence.read(&s.join("out-link"), 100),
        Err(ReadError::Outside(t)) if t == outside.path().canonicalize().unwrap().join("secret")
    ));
    assert!(matches!(
        fence.read(&s.join("out-dir/secret"), 100),
        Err(ReadError::Outside(_))
    ));
    assert!(matches!(
        fence.read(&s.join("../x"), 100),
        Err(ReadError::Outside(_) | ReadError::Io(_))
    ));
    // `/dev/zero` is outside; read directly it is no regular file, and neither is a pipe
    // (which would block an ordinary open until a writer came).
    assert!(matches!(
        fence.read(&s.join("zero"), 100),
        Err(ReadError::Outside(_))
    ));
    assert!(matches!(
        read_regular(Path::new("/dev/zero"), true, 100),
        Err(ReadError::NotAFile)
    ));
    assert!(matches!(
        fence.read(&s.join("pipe"), 100),
        Err(ReadError::NotAFile)
    ));
    assert!(matches!(
        fence.read(&s.join("a"), 100),
        Err(ReadError::NotAFile)
    ));
    assert!(matches!(
        fence.read(&s.join("a/f"), 5),
        Err(ReadError::TooBig(5))
    ));
    assert_eq!(fence.read(&s.join("a/f"), 6).unwrap(), b"inside");
    // Without following: a link is refused as such.
    assert!(matches!(
        read_regular(&s.join("in-link"), false, 100),
        Err(ReadError::Link)
    ));
}

#[test]
fn a_named_content_folder_may_lead_out_of_the_site() {
    let site = tempfile::tempdir().unwrap();
    let docs = tempfile::tempdir().unwrap();
    let content = site.path().join("content");
    symlink(docs.path(), &content).unwrap();
    let real = docs.path().canonicalize().unwrap();
    assert_eq!(Fence::for_content(&content, false).unwrap_err(), real);
    let fence = Fence::for_content(&content, true).unwrap();
    assert!(fence.contains(&real.join("x.md")));
    std::fs::create_dir(site.path().join("inside")).unwrap();
    let inside = site.path().join("inside-content");
    symlink("inside", &inside).unwrap();
    assert!(Fence::for_content(&inside, false).is_ok());
}

#[test]
fn walks_skip_hidden_names_refuse_links_out_and_enter_a_folder_through_links_once() {
    let site = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let s = site.path();
    let dir = s.join("static");
    std::fs::create_dir_all(dir.join(".hidden")).unwrap();
    std::fs::create_dir_all(dir.join("real")).unwrap();
    std::fs::write(dir.join(".hidden/key"), "k").unwrap();
    std::fs::write(dir.join(".file"), "k").unwrap();
    std::fs::write(dir.join("real/a"), "a").unwrap();
    symlink("real", dir.join("l1")).unwrap();
    symlink("real", dir.join("l2")).unwrap();
    symlink(outside.path(), dir.join("out")).unwrap();
    mkfifo(&dir.join("pipe"));
    let fence = Fence::new(s);
    let mut seen = Vec::new();
    for e in fence.walk(&dir) {
        let rel = |p: &Path| p.strip_prefix(&dir).unwrap().display().to_string();
        seen.push(match e {
            Entry::File { rel: r, .. } => format!("file {}", r.display()),
            Entry::Folder { rel: r, .. } => format!("folder {}", r.display()),
            Entry::Hidden { path, file } => format!("hidden {} {file}", rel(&path)),
            Entry::Outside { path, .. } => format!("outside {}", rel(&path)),
            Entry::Special { path } => format!("special {}", rel(&path)),
            Entry::Repeated { path } => format!("repeated {}", rel(&path)),
            other => format!("{other:?}"),
        });
    }
    assert_eq!(
        seen,
        [
            "hidden .file true",
            "hidden .hidden false",
            "folder l1",
            "file l1/a",
            "repeated l2",
            "outside out",
            "special pipe",
            "folder real",
            "file real/a",
        ]
    );
    let with_hidden: Vec<_> = fence
        .walk(&dir)
        .with_hidden()
        .filter_map(|e| match e {
            Entry::File { rel, .. } => Some(rel.display().to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(with_hidden, [".file", ".hidden/key", "l1/a", "real/a"]);
    // The folder walked is itself a link out.
    symlink(outside.path(), s.join("templates")).unwrap();
    let first = fence.walk(&s.join("templates")).next();
    assert!(matches!(first, Some(Entry::Outside { .. })), "{first:?}");
}

#[test]
fn folders_are_made_without_going_through_links() {
    let base = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let b = base.path();
    assert_eq!(real_dirs(b, Path::new("a/b")).unwrap(), b.join("a/b"));
    assert!(b.join("a/b").is_dir());
    symlink(outside.path(), b.join("link")).unwrap();
    let err = real_dirs(b, Path::new("link/x")).unwrap_err().to_string();
    assert!(
        err.ends_with("link is a symbolic link; refusing to write through it"),
        "{err}"
    );
    assert!(!outside.path().join("x").exists());
    std::fs::write(b.join("file"), "").unwrap();
    assert!(real_dirs(b, Path::new("file/x")).is_err());
    assert!(real_dirs(b, Path::new("../x")).is_err());
    assert_eq!(first_link(b, &b.join("link/x/y")), Some(b.join("link")));
    assert_eq!(first_link(b, &b.join("a/b/c")), None);
}

#[test]
fn files_are_created_and_replaced_without_writing_through_links() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "keep").unwrap();
    let d = dir.path().join("d");
    std::fs::create_dir(&d).unwrap();
    // A link planted where a new file goes, even a dangling one, is not opened.
    symlink(&victim, d.join("new")).unwrap();
    assert!(create_new(&d.join("new")).is_err());
    symlink(dir.path().join("nowhere"), d.join("dangling")).unwrap();
    assert!(create_new(&d.join("dangling")).is_err());
    assert!(!dir.path().join("nowhere").exists());
    // Planted under the file's own name and under the name it is written under first.
    symlink(&victim, d.join("h.json")).unwrap();
    symlink(&victim, d.join(".h.json.cairn-new")).unwrap();
    replace(&d.join("h.json"), b"new").unwrap();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
    assert_eq!(std::fs::read_to_string(d.join("h.json")).unwrap(), "new");
    assert!(
        !std::fs::symlink_metadata(d.join("h.json"))
            .unwrap()
            .is_symlink()
    );
    assert!(!d.join(".h.json.cairn-new").exists());
    // Overwriting in place stays inside the fence and refuses what is not a regular file.
    let fence = Fence::new(&d);
    assert!(matches!(
        fence.overwrite(&d.join("dangling"), b"x"),
        Err(ReadError::Io(_))
    ));
    symlink(&victim, d.join("out")).unwrap();
    assert!(matches!(
        fence.overwrite(&d.join("out"), b"x"),
        Err(ReadError::Outside(_))
    ));
    fence.overwrite(&d.join("h.json"), b"edited").unwrap();
    assert_eq!(std::fs::read_to_string(d.join("h.json")).unwrap(), "edited");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
}

#[test]
fn removing_a_tree_removes_links_and_never_what_they_point_to() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(outside.join("kept")).unwrap();
    std::fs::write(outside.join("kept/file"), "keep me").unwrap();
    let tree = dir.path().join("tree");
    for i in 0..50 {
        let d = tree.join(format!("d{i}/sub"));
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("index.html"), "x").unwrap();
    }
    symlink(&outside, tree.join("d0/link-to-dir")).unwrap();
    symlink(outside.join("kept/file"), tree.join("link-to-file")).unwrap();
    remove_tree(&tree);
    assert!(!tree.exists());
    // The tree itself a link: the link goes, what it points at stays.
    let link = dir.path().join("link");
    symlink(&outside, &link).unwrap();
    remove_tree(&link);
    assert!(std::fs::symlink_metadata(&link).is_err());
    assert_eq!(
        std::fs::read_to_string(outside.join("kept/file")).unwrap(),
        "keep me"
    );
}
