//! Shared helpers: copy a fixture into a temp folder, build it, read its output.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use cairn::BuildOptions;
use jiff::civil::Date;

pub const TODAY: &str = "2026-05-01";

pub fn today() -> Date {
    TODAY.parse().unwrap()
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A fixture copied into a fresh temporary folder, so tests can change it and build it.
pub struct Site {
    pub dir: tempfile::TempDir,
    /// The build cache folder the binary is given (outside the site, as by default).
    pub cache: tempfile::TempDir,
}

impl Site {
    pub fn copy(name: &str) -> Site {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&fixture(name), dir.path());
        Site {
            dir,
            cache: tempfile::tempdir().unwrap(),
        }
    }

    /// An empty temporary folder, with its own cache.
    pub fn empty() -> Site {
        Site {
            dir: tempfile::tempdir().unwrap(),
            cache: tempfile::tempdir().unwrap(),
        }
    }

    /// A site written from strings: `site.yaml`, and each file under the documents folder.
    pub fn of(site_yaml: &str, folder: &str, files: &[(&str, &str)]) -> Site {
        let site = Site::empty();
        site.write("site.yaml", site_yaml);
        for (path, text) in files {
            site.write(&format!("{folder}/{path}"), text);
        }
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn out(&self) -> PathBuf {
        self.root().join("public")
    }

    pub fn options(&self) -> BuildOptions {
        BuildOptions::new(self.root(), today())
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Runs the `cairn` binary in the site folder (see [`Cairn`]).
    pub fn cairn(&self, args: &[&str]) -> Output {
        self.command().args(args).run()
    }

    /// The `cairn` binary set up to run in the site folder with its own build cache.
    pub fn command(&self) -> Cairn {
        Cairn::new(self.root()).cache(self.cache.path())
    }
}

/// The `cairn` binary as every test runs it: in a site folder, with a fixed `CAIRN_TODAY`, a
/// build cache of the test's own, `CI=true` (quiet) and `NO_COLOR=1`. Each of these can be
/// changed or removed for the test that is about it.
pub struct Cairn {
    cmd: Command,
}

impl Cairn {
    /// Runs in `dir`, with a build cache in `dir/.test-cache` unless [`Cairn::cache`] says
    /// otherwise.
    pub fn new(dir: &Path) -> Cairn {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cairn"));
        cmd.current_dir(dir)
            .env("CAIRN_TODAY", TODAY)
            .env("CAIRN_CACHE_DIR", dir.join(".test-cache"))
            .env("CI", "true")
            .env("NO_COLOR", "1");
        Cairn { cmd }
    }

    pub fn args<I, S>(mut self, args: I) -> Cairn
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.cmd.args(args);
        self
    }

    pub fn arg(mut self, arg: impl AsRef<std::ffi::OsStr>) -> Cairn {
        self.cmd.arg(arg);
        self
    }

    pub fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Cairn {
        self.cmd.env(key, value);
        self
    }

    pub fn env_remove(mut self, key: &str) -> Cairn {
        self.cmd.env_remove(key);
        self
    }

    /// Runs in another folder than the site's.
    pub fn cwd(mut self, dir: &Path) -> Cairn {
        self.cmd.current_dir(dir);
        self
    }

    pub fn cache(self, dir: &Path) -> Cairn {
        self.env("CAIRN_CACHE_DIR", dir)
    }

    /// Runs it to the end and returns its exit code and output.
    pub fn run(mut self) -> Output {
        let out = self.cmd.output().unwrap();
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// The command itself, for a test that spawns, limits or kills it.
    pub fn into_command(self) -> Command {
        self.cmd
    }
}

/// A fixture copied and built, with no diagnostics.
pub fn built(name: &str) -> Site {
    let site = Site::copy(name);
    let report = cairn::build(&site.options()).unwrap();
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    site
}

#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// Every file under `dir`, by relative path, with its bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// The values of every `href="…"` and `src="…"` in an HTML text.
pub fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').unwrap();
            out.push(rest[..end].replace("&amp;", "&"));
            rest = &rest[end..];
        }
    }
    out
}
