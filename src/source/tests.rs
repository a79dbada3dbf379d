use super::*;

#[test]
fn normalisation() {
    assert_eq!(normalize(b"a\r\nb\rc\n").unwrap(), "a\nb\nc\n");
    assert_eq!(normalize("\u{feff}x".as_bytes()).unwrap(), "x");
    // Found by the property test.
    assert_eq!(
        normalize("\u{feff}\u{feff}---\n".as_bytes()).unwrap(),
        "---\n"
    );
    assert_eq!(normalize(b"ok\n\xff"), Err(3));
}

#[test]
fn reads_sorted_and_reports_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path();
    std::fs::create_dir_all(c.join("b")).unwrap();
    std::fs::write(c.join("b/z.md"), "z").unwrap();
    std::fs::write(c.join("a.md"), "a").unwrap();
    std::fs::write(c.join("b/pic.png"), [0u8, 1]).unwrap();
    std::fs::write(c.join(".hidden.md"), "h").unwrap();
    std::fs::write(c.join("bad.md"), b"line\n\xfe").unwrap();
    let (sources, diags) = read_content(c).unwrap();
    let paths: Vec<_> = sources.docs.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(paths, ["a.md", "b/z.md"]);
    assert_eq!(
        sources
            .assets
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>(),
        ["b/pic.png"]
    );
    let msgs: Vec<String> = diags.into_sorted().iter().map(|d| d.to_string()).collect();
    assert_eq!(
        msgs,
        [
            "content/.hidden.md:1:1: warning: hidden file (its name starts with `.`) is not published; rename it to publish it",
            "content/bad.md:2:1: error: not valid UTF-8 (byte 5); save the file as UTF-8"
        ]
    );
}

#[test]
fn markdown_extensions_in_any_case_are_documents() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path();
    for name in [
        "a.md",
        "b.MD",
        "c.markdown",
        "d.Markdown",
        "e.mdx",
        "f.md.orig",
    ] {
        std::fs::write(c.join(name), "x").unwrap();
    }
    let (sources, diags) = read_content(c).unwrap();
    let docs: Vec<_> = sources.docs.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(docs, ["a.md", "b.MD", "c.markdown", "d.Markdown"]);
    let assets: Vec<_> = sources.assets.iter().map(|d| d.as_str()).collect();
    assert_eq!(assets, ["e.mdx", "f.md.orig"]);
    assert!(diags.is_empty());
}

#[cfg(unix)]
#[test]
fn links_inside_are_followed_and_links_out_refused() {
    use std::os::unix::fs::symlink;
    let site = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), "s").unwrap();
    let c = site.path().join("content");
    std::fs::create_dir_all(c.join("real")).unwrap();
    std::fs::create_dir_all(site.path().join("shared")).unwrap();
    std::fs::write(c.join("real/r.md"), "r").unwrap();
    std::fs::write(site.path().join("shared/s.md"), "s").unwrap();
    symlink("real/r.md", c.join("file-link.md")).unwrap();
    symlink("real", c.join("dir-link")).unwrap();
    symlink("../shared", c.join("shared")).unwrap();
    symlink("missing.md", c.join("dangling.md")).unwrap();
    symlink("self", c.join("self")).unwrap();
    symlink("..", c.join("real/up")).unwrap();
    symlink(outside.path(), c.join("out")).unwrap();
    symlink(outside.path().join("secret.md"), c.join("secret.md")).unwrap();
    let (sources, diags) = read_content(&c).unwrap();
    let docs: Vec<_> = sources.docs.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(
        docs,
        ["dir-link/r.md", "file-link.md", "real/r.md", "shared/s.md"]
    );
    let out = outside.path().canonicalize().unwrap();
    let msgs: Vec<String> = diags.into_sorted().iter().map(|d| d.to_string()).collect();
    assert_eq!(
        msgs,
        [
            "content/dangling.md:1:1: error: symbolic link to `missing.md`, which does not exist".to_string(),
            "content/dir-link/up:1:1: error: symbolic link loop (it leads back to a folder above it); skipped".into(),
            format!("content/out:1:1: error: symbolic link to `{}`, outside the site folder; refused", out.display()),
            "content/real/up:1:1: error: symbolic link loop (it leads back to a folder above it); skipped".into(),
            format!("content/secret.md:1:1: error: symbolic link to `{}`, outside the site folder; refused", out.join("secret.md").display()),
            "content/self:1:1: error: symbolic link loop (it leads back to itself); skipped".into(),
        ]
    );
}

#[cfg(unix)]
#[test]
fn pipes_and_oversized_files_are_reported_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path();
    let fifo = std::ffi::CString::new(c.join("pipe.md").to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    let big = std::fs::File::create(c.join("big.md")).unwrap();
    big.set_len(MAX_DOC_BYTES + 1).unwrap();
    std::fs::write(c.join("ok.md"), "x").unwrap();
    let (sources, diags) = read_content(c).unwrap();
    assert_eq!(sources.docs.len(), 1);
    let msgs: Vec<String> = diags.into_sorted().iter().map(|d| d.to_string()).collect();
    assert_eq!(
        msgs,
        [
            "content/big.md:1:1: error: larger than 10 MB; documents this big are refused (split it or move it out of content/)",
            "content/pipe.md:1:1: warning: not a regular file or folder (a pipe, socket or device); skipped",
        ]
    );
}
