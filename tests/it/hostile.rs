//! Hostile content: the fixture corpus in `tests/fixtures/hostile/` plus what cannot be
//! committed (symbolic links, non-UTF-8 names, pipes, huge files) generated here. Every case
//! must become a diagnostic naming the file, never a panic or a silent skip.

use std::path::Path;
use std::time::{Duration, Instant};

use cairn::source::SourceFile;

use crate::support::*;

/// The corpus's diagnostics, exactly as the binary prints them. Generated cases follow.
const CORPUS: &str = "\
content/escape/absolute-id.md:3:1: error: `id` must be lower-case letters, digits, `-` or `_`, found `/etc/passwd`
3 | id: /etc/passwd
  | ^^^^^^^^^^^^^^^
content/escape/aliases.md:4:5: error: alias `../outside/` must be a path inside the site starting with `/`, without `..`
4 |   - ../outside/
  |     ^^^^^^^^^^^
content/escape/aliases.md:5:5: error: alias `/%2e%2e/%2e%2e/x/` must be a path inside the site starting with `/`, without `..`
5 |   - /%2e%2e/%2e%2e/x/
  |     ^^^^^^^^^^^^^^^^^
content/escape/aliases.md:6:5: error: alias `/a/..%2f..%2fb/` must be a path inside the site starting with `/`, without `..`
6 |   - /a/..%2f..%2fb/
  |     ^^^^^^^^^^^^^^^
content/escape/aliases.md:7:5: error: alias `//evil.example/` must be a path inside the site starting with `/`, without `..`
7 |   - //evil.example/
  |     ^^^^^^^^^^^^^^^
content/escape/aliases.md:8:5: error: alias `C:\\Windows\\` must be a path inside the site starting with `/`, without `..`
8 |   - C:\\Windows\\
  |     ^^^^^^^^^^^
content/escape/aliases.md:9:5: error: alias `javascript:alert(1)` must be a path inside the site starting with `/`, without `..`
9 |   - javascript:alert(1)
  |     ^^^^^^^^^^^^^^^^^^^
content/escape/aliases.md:10:5: error: alias `/x?y` cannot be reached: in a URL `?` starts the query, so no request names this path
10 |   - /x?y
   |     ^^^^
content/escape/aliases.md:11:5: error: alias `/__cairn/check` cannot be reached: `/__cairn/` is where `cairn serve` answers itself
11 |   - /__cairn/check
   |     ^^^^^^^^^^^^^^
content/escape/encoded-id.md:3:1: error: `id` must be lower-case letters, digits, `-` or `_`, found `%2e%2e`
3 | id: \"%2e%2e\"
  | ^^^^^^^^^^^^
content/escape/relative-id.md:3:1: error: `id` must be lower-case letters, digits, `-` or `_`, found `../../etc/passwd`
3 | id: ../../etc/passwd
  | ^^^^^^^^^^^^^^^^^^^^
content/front/bom-crlf.md:3:1: warning: unknown key `colour` in front matter
3 | colour: blue
  | ^^^^^^
content/front/bom-crlf.md:5:13: error: unknown document `nowhere`
5 | Body with a [[nowhere]] link.
  |             ^^^^^^^^^^^
content/front/date-mapping.md:3:1: error: `created` must be a date (YYYY-MM-DD), found a mapping
3 | created:
  | ^^^^^^^^
content/front/date-mapping.md:6:1: error: `updated` must be a date (YYYY-MM-DD), found a number
6 | updated: 20260501
  | ^^^^^^^^^^^^^^^^^
content/front/date-mapping.md:7:1: error: `review_by` must be a date (YYYY-MM-DD), found `2026-02-30`
7 | review_by: 2026-02-30
  | ^^^^^^^^^^^^^^^^^^^^^
content/front/duplicate-keys.md:4:1: error: invalid YAML: duplicate key `title`: a key may be given once
content/front/empty.md:1:1: warning: the file is empty; it is published as an empty page
content/front/key-spaces.md:3:1: warning: unknown key `review by` in front matter (did you mean `review_by`?)
3 | review by: 2026-01-01
  | ^^^^^^^^^
content/front/key-spaces.md:4:1: warning: unknown key `last reviewed` in front matter (did you mean `last_reviewed`?)
4 | \"last reviewed\": 2026-01-01
  | ^^^^^^^^^^^^^^^
content/front/mixed-line-ends.md:3:1: warning: unknown key `colour` in front matter
3 | colour: red
  | ^^^^^^
content/front/mixed-line-ends.md:4:1: warning: unknown key `size` in front matter
4 | size: 2
  | ^^^^
content/front/mixed-line-ends.md:6:1: error: unknown document `gone` (did you mean `long`?)
6 | [[gone]]
  | ^^^^^^^^
content/front/numbers.md:2:1: error: `title` must be a string, found a number (put it in quotes)
2 | title: 2024
  | ^^^^^^^^^^^
content/front/numbers.md:3:1: error: `summary` must be a string, found a number (put it in quotes)
3 | summary: 3.5
  | ^^^^^^^^^^^^
content/front/numbers.md:4:10: error: items of `owners` must be strings, found a number
4 | owners: [1, true]
  |          ^
content/front/numbers.md:4:13: error: items of `owners` must be strings, found a boolean
4 | owners: [1, true]
  |             ^^^^
content/front/numbers.md:5:1: error: `draft` must be true or false, found a string
5 | draft: \"yes\"
  | ^^^^^^^^^^^^
content/front/tabs.md:3:1: error: invalid YAML: a tab is used for indentation; YAML allows only spaces
content/front/template-code.md:3:10: error: invalid YAML: `{{ … }}` is template code, which front matter does not run; put the text in quotes
content/front/template-tags.md:2:2: error: invalid YAML: found character that cannot start any token (template code is not run in front matter; put the text in quotes)
content/front/trailing-comma.md:2:16: error: invalid YAML: did not find expected key (a trailing comma? YAML puts each key on its own line, without commas)
content/front/unclosed.md:1:1: error: front matter opened with `---` on line 1 is never closed (add a `---` line after it)
";

/// After the generated files (sorted between `front/` and `links/`).
const CORPUS_TAIL: &str = "\
content/links/script.md:3:11: error: `related`: unknown document `javascript:alert(1)`
3 | related: [\"javascript:alert(1)\"]
  |           ^^^^^^^^^^^^^^^^^^^^^
content/links/script.md:5:1: error: links with `javascript:` are not allowed
5 | [a](javascript:alert(1)) [b](JAVASCRIPT:alert(1)) [c](data:text/html,<script>alert(1)</script>)
  | ^^^^^^^^^^^^^^^^^^^^^^^^
content/links/script.md:5:26: error: links with `javascript:` are not allowed
5 | [a](javascript:alert(1)) [b](JAVASCRIPT:alert(1)) [c](data:text/html,<script>alert(1)</script>)
  |                          ^^^^^^^^^^^^^^^^^^^^^^^^
content/links/script.md:5:51: error: links with `data:` are not allowed
5 | [a](javascript:alert(1)) [b](JAVASCRIPT:alert(1)) [c](data:text/html,<script>alert(1)</script>)
  |                                                   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
content/links/script.md:7:1: error: links with `javascript:` are not allowed
7 | <javascript:alert(1)> ![i](data:image/svg+xml,<svg/onload=alert(1)>)
  | ^^^^^^^^^^^^^^^^^^^^^
content/links/script.md:7:23: error: links with `data:` are not allowed
7 | <javascript:alert(1)> ![i](data:image/svg+xml,<svg/onload=alert(1)>)
  |                       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
content/names/..md:1:1: warning: hidden file (its name starts with `.`) is not published; rename it to publish it
content/text/invisible.md:2:1: warning: `title` contains invisible or control characters (U+200B, U+202E); they are left out
2 | title: \"Pay\\u{202e}roll\\u{200b}\"
  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
content/text/invisible.md:3:1: warning: `summary` contains invisible or control characters (U+0007, U+001B); they are left out
3 | summary: \"Bell\\a and escape \\e[31m\"
  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
content/text/invisible.md:4:1: error: `id` must be lower-case letters, digits, `-` or `_`, found `pay\\u{200b}roll`
4 | id: \"pay\\u{200b}roll\"
  | ^^^^^^^^^^^^^^^^^^^^^
content/text/non-utf8.md:4:4: error: not valid UTF-8 (byte 26); save the file as UTF-8
";

/// Adds what git cannot carry portably under `content/gen/`; returns the expected diagnostics.
#[cfg(unix)]
fn generate(root: &Path, outside: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::symlink;
    let gen_dir = root.join("content/gen");
    std::fs::create_dir_all(gen_dir.join("real")).unwrap();
    std::fs::write(gen_dir.join("real/inner.md"), "# Inner\n").unwrap();
    symlink("real/inner.md", gen_dir.join("file-link.md")).unwrap();
    symlink("real", gen_dir.join("folder-link")).unwrap();
    symlink("missing.md", gen_dir.join("dangling.md")).unwrap();
    symlink("loop", gen_dir.join("loop")).unwrap();
    symlink("..", gen_dir.join("real/up")).unwrap();
    std::fs::write(outside.join("secret.md"), "# Secret\n").unwrap();
    symlink(outside.join("secret.md"), gen_dir.join("secret.md")).unwrap();
    symlink(outside, gen_dir.join("outside")).unwrap();
    let bad = std::ffi::OsStr::from_bytes(b"latin1-caf\xe9.md");
    std::fs::write(gen_dir.join(bad), "# Bad name\n").unwrap();
    std::fs::write(gen_dir.join("new\nline.md"), "[[missing-x]]\n").unwrap();
    let fifo = std::ffi::CString::new(gen_dir.join("pipe.md").as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    let big = std::fs::File::create(gen_dir.join("huge.md")).unwrap();
    big.set_len(cairn::source::MAX_DOC_BYTES + 1).unwrap();
    let outside = outside.canonicalize().unwrap();
    format!(
        "\
content/gen/dangling.md:1:1: error: symbolic link to `missing.md`, which does not exist
content/gen/folder-link/up:1:1: error: symbolic link loop (it leads back to a folder above it); skipped
content/gen/huge.md:1:1: error: larger than 10 MB; documents this big are refused (split it or move it out of content/)
content/gen/latin1-caf\u{fffd}.md:1:1: error: file name is not valid UTF-8; rename it (skipped)
content/gen/loop:1:1: error: symbolic link loop (it leads back to itself); skipped
content/gen/new\\u{{a}}line.md:1:1: error: unknown document `missing-x`
1 | [[missing-x]]
  | ^^^^^^^^^^^^^
content/gen/outside:1:1: error: symbolic link to `{out}`, outside the site folder; refused
content/gen/pipe.md:1:1: warning: not a regular file or folder (a pipe, socket or device); skipped
content/gen/real/up:1:1: error: symbolic link loop (it leads back to a folder above it); skipped
content/gen/secret.md:1:1: error: symbolic link to `{out}/secret.md`, outside the site folder; refused
",
        out = outside.display()
    )
}

#[cfg(unix)]
#[test]
fn every_hostile_file_is_reported_exactly_and_nothing_is_written() {
    let site = Site::copy("hostile");
    let outside = tempfile::tempdir().unwrap();
    let generated = generate(site.root(), outside.path());
    // `--verbose`: every problem with its quoted line, none folded into a count.
    let out = site.cairn(&["build", "--verbose"]);
    let expected = format!(
        "{CORPUS}{generated}{CORPUS_TAIL}error: build failed: 44 errors, 10 warnings; the previous site was left as it was\n"
    );
    assert_eq!(out.stderr, expected, "stderr was:\n{}", out.stderr);
    assert_eq!(out.code, 1);
    assert!(!site.out().exists());
    // The same problems, without the summary, from `lint`.
    let lint = site.cairn(&["lint", "--verbose"]);
    assert_eq!(lint.stderr, format!("{CORPUS}{generated}{CORPUS_TAIL}"));
}

#[test]
fn odd_file_names_and_extensions_build_and_link() {
    let site = Site::copy("hostile");
    for dir in ["escape", "front", "links", "text"] {
        std::fs::remove_dir_all(site.root().join("content").join(dir)).unwrap();
    }
    let report = cairn::build(&site.options()).unwrap();
    let shown: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        shown,
        [
            "content/names/..md:1:1: warning: hidden file (its name starts with `.`) is not published; rename it to publish it"
        ]
    );
    let pages: Vec<String> = tree(&site.out())
        .into_keys()
        .filter(|p| p.starts_with("names/"))
        .collect();
    assert_eq!(
        pages,
        [
            "names/100/index.html",
            "names/ab/index.html",
            "names/brackets/index.html",
            "names/café/index.html",
            "names/index.html",
            "names/links/index.html",
            "names/long/index.html",
            "names/shout/index.html",
            "names/with-space/index.html",
        ]
    );
    let html = site.read("names/links/index.html");
    // The body's links only, not the sidebar's, the connections' or previous/next.
    let body = html.split("<div class=\"prose").nth(1).unwrap();
    let body = body.split("<aside class=\"connections\"").next().unwrap();
    let hrefs: Vec<String> = links(body)
        .into_iter()
        .filter(|l| l.starts_with("/names/"))
        .collect();
    assert_eq!(
        hrefs,
        [
            "/names/with-space/",
            "/names/brackets/",
            "/names/100/",
            "/names/ab/",
            "/names/caf%C3%A9/",
            "/names/shout/",
            "/names/long/",
            "/names/shout/",
            "/names/long/",
        ]
    );
}

/// Parses one document as the build does, returning how long it took.
fn timed_parse(name: &str, text: String) -> (cairn::doc::Doc, Duration) {
    let config = cairn::config::SiteConfig::default();
    let file = SourceFile {
        path: cairn::names::SourcePath::new(name),
        text,
    };
    let started = Instant::now();
    let (doc, _) = cairn::doc::parse(file, &config);
    (doc, started.elapsed())
}

#[test]
fn a_megabyte_document_and_a_long_line_parse_quickly() {
    // Shapes that were quadratic: thousands of equal headings (anchor numbering), and a long
    // line full of links (column counting). Linear code parses each in well under a second
    // even unoptimised; the quadratic versions took a minute, so the bound below is generous
    // enough for a loaded machine and still catches a regression.
    let section = "## Same heading\n\nSome words, a [[target]] link and `code`.\n\n";
    let big = format!(
        "---\ntitle: Big\n---\n{}",
        section.repeat(1_000_000 / section.len())
    );
    assert!(big.len() >= 990_000);
    let line = format!("---\ntitle: Line\n---\n{}\n", "[[a]] ".repeat(20_000));
    let long_word = format!("---\ntitle: Word\n---\n{}\n", "x".repeat(100_000));
    let limit = Duration::from_secs(10);
    for (name, text) in [("big.md", big), ("line.md", line), ("word.md", long_word)] {
        let len = text.len();
        let (doc, took) = timed_parse(name, text);
        assert!(took < limit, "{name} ({len} bytes) took {took:?}");
        if name == "big.md" {
            assert_eq!(doc.outline.headings.len(), 1_000_000 / section.len());
            let last = doc.link_pos.last().unwrap();
            assert_eq!(last.col, 15);
        }
        if name == "line.md" {
            assert_eq!(doc.link_pos.len(), 20_000);
            assert_eq!(doc.link_pos[19_999].col, 6 * 19_999 + 1);
        }
    }
}

#[test]
fn a_megabyte_document_builds() {
    let site = Site::copy("basic");
    let para =
        "Words and a [[north-star]] link.\n\n## Heading\n\nMore.\n\n```rust\nfn x() {}\n```\n\n";
    site.write(
        "content/notes/big.md",
        &format!(
            "---\ntitle: Big\n---\n{}",
            para.repeat(1_000_000 / para.len())
        ),
    );
    site.write(
        "content/notes/line.md",
        &format!("---\ntitle: Line\n---\n{}\n", "word ".repeat(20_000)),
    );
    let report = cairn::build(&site.options()).unwrap();
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    assert!(site.read("notes/big/index.html").len() > 1_000_000);
}

/// `cairn serve` rebuilds after changes; changed files meet the same rules as a fresh read:
/// `.MD` is a document, hidden files are skipped, oversized documents and links out of the
/// site are refused. The first edit takes the incremental path, the link a full re-read.
#[cfg(unix)]
#[test]
fn incremental_rebuilds_apply_the_same_rules_to_changed_files() {
    let site = Site::copy("basic");
    let mut opts = site.options();
    opts.output = Some(site.root().join("live"));
    opts.checks = false;
    let mut session = cairn::session::Session::new(opts);
    assert!(session.build().unwrap().diagnostics.is_empty());
    let notes = site.root().join("content/notes");
    site.write("content/notes/Upper.MD", "# Upper\n");
    site.write("content/notes/.#lock.md", "# Lock\n");
    let big = std::fs::File::create(notes.join("huge.md")).unwrap();
    big.set_len(cairn::source::MAX_DOC_BYTES + 1).unwrap();
    let changed: Vec<_> = ["Upper.MD", ".#lock.md", "huge.md"]
        .iter()
        .map(|n| notes.join(n))
        .collect();
    let report = session.rebuild(&changed).unwrap();
    let shown: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        shown,
        [
            "content/notes/.#lock.md:1:1: warning: hidden file (its name starts with `.`) is not published; rename it to publish it",
            "content/notes/huge.md:1:1: error: larger than 10 MB; documents this big are refused (split it or move it out of content/)",
        ]
    );
    std::fs::remove_file(notes.join("huge.md")).unwrap();
    std::fs::remove_file(notes.join(".#lock.md")).unwrap();
    let report = session.rebuild(&changed).unwrap();
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    let live = site.root().join("live");
    assert!(live.join("notes/upper/index.html").exists());
    assert!(!live.join("notes/lock").exists());

    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), "# Secret\n").unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.md"), notes.join("leak.md")).unwrap();
    let report = session.rebuild(&[notes.join("leak.md")]).unwrap();
    let shown: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
    let secret = outside.path().canonicalize().unwrap().join("secret.md");
    assert_eq!(
        shown,
        [format!(
            "content/notes/leak.md:1:1: error: symbolic link to `{}`, outside the site folder; refused",
            secret.display()
        )]
    );
    assert!(!live.join("notes/leak").exists());
}

/// A cache entry's name is the page's digest, which anyone can compute by building the same
/// content; were the cache in the site folder, a change adding a file there (a pull request)
/// could replace a page. The cache lives outside the site, and files planted where it used to
/// be are never read.
#[test]
fn a_page_cannot_be_forged_through_the_build_cache() {
    let site = Site::copy("basic");
    assert_eq!(site.cairn(&["build"]).code, 0);
    let page = site.read("about/index.html");
    assert!(
        !site.root().join(".cairn/cache").exists(),
        "nothing is cached in the site folder"
    );
    // Find the cache entry holding the page, as someone with the same content and version can,
    // and plant a forged copy where a change to the site could put it: in the site folder.
    let cache = site.cache.path();
    let entry = walkdir::WalkDir::new(cache)
        .into_iter()
        .map(Result::unwrap)
        .find(|e| e.file_type().is_file() && std::fs::read(e.path()).unwrap() == page.as_bytes())
        .expect("the page is cached")
        .into_path();
    let planted = site
        .root()
        .join(".cairn/cache")
        .join(entry.strip_prefix(cache).unwrap());
    std::fs::create_dir_all(planted.parent().unwrap()).unwrap();
    std::fs::write(&planted, "<script>alert('forged')</script>").unwrap();
    std::fs::remove_dir_all(cache).unwrap();
    std::fs::remove_dir_all(site.out()).unwrap();
    assert_eq!(site.cairn(&["build"]).code, 0);
    assert_eq!(
        site.read("about/index.html"),
        page,
        "the forged entry was published"
    );
}

/// Issue: links after a title heading that holds a link (or a badge image) took the target of
/// the link before them.
#[test]
fn links_after_a_title_heading_with_links_keep_their_own_targets() {
    let site = Site::copy("basic");
    site.write("content/bee.md", "# Bee\n");
    site.write("content/cat.md", "# Cat\n");
    site.write("content/dog.md", "# Dog\n");
    site.write(
        "content/notes.md",
        "# Notes on [[bee]]\n\nSee [[cat]] and [dog](dog.md) and [ext](https://example.org/).\n",
    );
    site.write(
        "content/badge.md",
        "# Badge ![build](https://example.org/badge.svg)\n\nSee [dog](dog.md) and [ext](https://example.org/).\n",
    );
    let report = cairn::build(&site.options()).unwrap();
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    let notes = site.read("notes/index.html");
    assert!(
        notes.contains("See <a href=\"/docs/cat/\" class=\"wikilink\">Cat</a> and <a href=\"/docs/dog/\">dog</a> and <a href=\"https://example.org/\">ext</a>."),
        "{notes}"
    );
    let badge = site.read("badge/index.html");
    assert!(
        badge.contains(
            "See <a href=\"/docs/dog/\">dog</a> and <a href=\"https://example.org/\">ext</a>."
        ),
        "{badge}"
    );
}

fn parse_diagnostics(name: &str, text: String) -> Vec<String> {
    let config = cairn::config::SiteConfig::default();
    let file = SourceFile {
        path: cairn::names::SourcePath::new(name),
        text,
    };
    let (_, diags) = cairn::doc::parse(file, &config);
    diags.into_sorted().iter().map(|d| d.to_string()).collect()
}

/// Issue: nested YAML flow collections took the YAML library time quadratic in their depth
/// (200 KB of `[` took two minutes). A megabyte of nesting, in front matter or in
/// `site.yaml`, is refused at the line where it passes 64 levels, before the library reads it.
#[test]
fn deeply_nested_yaml_is_refused_where_it_crosses_the_limit() {
    let megabyte = 1 << 20;
    let deep = "[".repeat(megabyte);
    let shown = parse_diagnostics(
        "notes/deep.md",
        format!("---\ntitle: Deep\nx: {deep}\n---\n"),
    );
    assert_eq!(
        shown,
        [
            "content/notes/deep.md:3:67: error: invalid YAML: nested more than 64 levels deep; YAML this deep is refused (flatten it)"
        ]
    );
    let items = "[a, ".repeat(megabyte / 4);
    let shown = parse_diagnostics(
        "notes/items.md",
        format!("---\ntitle: Items\nx: {items}\n---\n"),
    );
    assert_eq!(
        shown,
        [
            "content/notes/items.md:3:256: error: invalid YAML: nested more than 64 levels deep; YAML this deep is refused (flatten it)"
        ]
    );
    let indented: String = (0..2000)
        .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
        .collect();
    let shown = parse_diagnostics("notes/indented.md", format!("---\n{indented}---\n"));
    assert_eq!(
        shown,
        [
            "content/notes/indented.md:66:65: error: invalid YAML: nested more than 64 levels deep; YAML this deep is refused (flatten it)"
        ]
    );
    let (_, diags) = cairn::config::parse(&format!(
        "title: T\nkinds: {}\n",
        "{a: ".repeat(megabyte / 4)
    ));
    let shown: Vec<String> = diags.into_sorted().iter().map(|d| d.to_string()).collect();
    assert_eq!(
        shown,
        [
            "site.yaml:2:260: error: nested more than 64 levels deep; YAML this deep is refused (flatten it)"
        ]
    );
}

/// The other shapes that could make reading YAML slower than its size: a megabyte of list
/// items, keys, one long scalar, items and keys written with escapes (which the position
/// finder cannot find as parsed, so each search for them used to run to the end of the text),
/// and aliases that expand (refused past twice the text).
#[test]
fn megabyte_yaml_of_other_shapes_is_read_or_refused() {
    use cairn::diag::Pos;
    use cairn::yaml::{Node, Value};
    let megabyte = 1 << 20;
    let len = |n: &Node| match &n.value {
        Value::Seq(items) => items.len(),
        Value::Map(entries) => entries.len(),
        _ => 0,
    };
    let first = |n: &Node| match &n.value {
        Value::Map(entries) => entries[0].node.clone(),
        _ => panic!("not a mapping"),
    };
    let last_item = |n: &Node| match &first(n).value {
        Value::Seq(items) => items.last().unwrap().pos,
        _ => panic!("not a list"),
    };
    let n = megabyte / 5;
    let list = cairn::yaml::parse(&format!("owners: [{}x]\n", "ann, ".repeat(n))).unwrap();
    assert_eq!(len(&first(&list)), n + 1);
    assert_eq!(last_item(&list), Pos::new(1, 10 + 5 * n as u32));
    let n = megabyte / 8;
    let escaped =
        cairn::yaml::parse(&format!("owners: [{}bob]\n", "\"\\x41\", ".repeat(n))).unwrap();
    assert_eq!(len(&first(&escaped)), n + 1);
    let n = megabyte / 10;
    let keys: String = (0..n).map(|i| format!("k{i:07}: v\n")).collect();
    let keys = cairn::yaml::parse(&keys).unwrap();
    assert_eq!(len(&keys), n);
    let n = megabyte / 12;
    let escaped_keys: String = (0..n).map(|i| format!("\"\\x41{i:06}\": v\n")).collect();
    assert_eq!(len(&cairn::yaml::parse(&escaped_keys).unwrap()), n);
    let scalar = format!("summary: {}\n", "word ".repeat(megabyte / 5));
    let scalar = cairn::yaml::parse(&scalar).unwrap();
    assert!(matches!(&first(&scalar).value, Value::Str(s) if s.len() > megabyte - 10));
    // A billion strings from a few hundred bytes.
    let mut laughs = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..9 {
        let items = vec![format!("*a{}", i - 1); 10].join(", ");
        laughs.push_str(&format!("a{i}: &a{i} [{items}]\n"));
    }
    let shown = parse_diagnostics("notes/laughs.md", format!("---\ntitle: T\n{laughs}---\n"));
    assert_eq!(
        shown,
        [
            "content/notes/laughs.md:3:37: error: invalid YAML: anchors and aliases expand to more than twice the size of the text; write the values out"
        ]
    );
}

/// Issue: an HTML attachment is published on the site's own address, where its scripts run
/// with the site's cookies. It is never copied unless site.yaml allows it: a warning names the
/// file and the setting and the site builds without it (an error under `--strict`, which writes
/// nothing); an SVG diagram publishes as before.
#[test]
fn html_attachments_are_not_published_unless_the_site_allows_them() {
    let site = Site::copy("basic");
    site.write(
        "content/reports/coverage.html",
        "<html><script>fetch('/').then(r => r.text())</script></html>",
    );
    site.write(
        "content/reports/flow.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect width=\"1\" height=\"1\"/></svg>",
    );
    let out = site.cairn(&["build", "--strict"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let warning = "content/reports/coverage.html:1:1: warning: not published: an HTML page could run scripts on the site's address; site.yaml `attachments: { active: allow }` publishes attachments like this\n";
    assert!(
        out.stderr
            .starts_with(&warning.replace("warning:", "error:")),
        "{}",
        out.stderr
    );
    assert!(!site.out().exists());
    let out = site.cairn(&["build"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.starts_with(warning), "{}", out.stderr);
    assert!(!site.out().join("reports/coverage.html").exists());
    assert!(site.out().join("reports/flow.svg").exists());
    let config = std::fs::read_to_string(site.root().join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        &format!("{config}attachments: {{ active: allow }}\n"),
    );
    let out = site.cairn(&["build"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stderr.contains("coverage.html"), "{}", out.stderr);
    assert!(site.out().join("reports/coverage.html").exists());
    assert!(site.out().join("reports/flow.svg").exists());
}

/// An SVG attachment that holds a script (or an event handler, embedded HTML...) runs it on the
/// site's address when opened: it is left out by what it holds, naming the file, unless
/// site.yaml allows active attachments; a plain diagram beside it publishes.
#[test]
fn svg_attachments_with_scripts_are_not_published_by_what_they_hold() {
    let site = Site::copy("basic");
    site.write(
        "content/diagrams/flow.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect width=\"1\" height=\"1\"/></svg>",
    );
    site.write(
        "content/diagrams/trap.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect onload=\"fetch('/')\"/></svg>",
    );
    let out = site.cairn(&["build"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("content/diagrams/trap.svg:1:1: warning: not published: "),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("flow.svg"), "{}", out.stderr);
    assert!(!site.out().join("diagrams/trap.svg").exists());
    assert!(site.out().join("diagrams/flow.svg").exists());
    site.write(
        "content/diagrams/trap.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><circle r=\"1\"/></svg>",
    );
    let out = site.cairn(&["build"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(site.out().join("diagrams/trap.svg").exists());
    assert!(site.out().join("diagrams/flow.svg").exists());
}
