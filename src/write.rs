//! The write stage: puts a finished site in place atomically.
//!
//! Files are written into a staging folder beside the output folder (same filesystem), and the
//! staging folder replaces the output only when every file is written. On Linux the swap is a
//! single `renameat2(RENAME_EXCHANGE)`; elsewhere two renames with recovery on the next run. A
//! failed or killed build therefore leaves the previous site exactly as it was, and leftovers
//! of an interrupted build are cleared by the next one.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::names::OutPath;

/// An output folder being rebuilt. Dropping it without [`Staging::commit`] discards the new
/// files and leaves the old site alone.
#[derive(Debug)]
pub struct Staging {
    output: PathBuf,
    staging: PathBuf,
    old: PathBuf,
    committed: bool,
    /// Held from `begin` to the end of `commit`: see [`lock`].
    _lock: Option<std::fs::File>,
}

fn sibling(output: &Path, suffix: &str) -> PathBuf {
    let name = output
        .file_name()
        .map_or_else(|| "site".into(), |n| n.to_string_lossy().into_owned());
    output.with_file_name(format!(".{name}.{suffix}"))
}

impl Staging {
    /// Prepares an empty staging folder for `output`, clearing what an interrupted run left.
    pub fn begin(output: &Path) -> Result<Staging> {
        let output = absolute(output)?;
        let staging = sibling(&output, "cairn-staging");
        let old = sibling(&output, "cairn-old");
        let parent = output.parent().unwrap_or(Path::new("/"));
        if parent.exists() && !parent.is_dir() {
            return Err(Error::io(
                parent,
                std::io::Error::other("exists and is not a folder"),
            ));
        }
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        let lock = lock(parent);
        if output.exists() && !output.is_dir() {
            return Err(Error::io(
                &output,
                std::io::Error::other("output exists and is not a folder"),
            ));
        }
        // A run killed between the two renames of the portable swap leaves only `old`.
        if !output.exists() && old.is_dir() {
            std::fs::rename(&old, &output).map_err(|e| Error::io(&old, e))?;
        }
        for leftover in [&staging, &old] {
            if leftover.exists() {
                std::fs::remove_dir_all(leftover).map_err(|e| Error::io(leftover, e))?;
            }
        }
        std::fs::create_dir(&staging).map_err(|e| Error::io(&staging, e))?;
        Ok(Staging {
            output,
            staging,
            old,
            committed: false,
            _lock: lock,
        })
    }

    /// Writes one file of the new site. Safe to call from many threads.
    pub fn write(&self, path: &OutPath, bytes: &[u8]) -> Result<()> {
        let (mut file, full) = self.create(path)?;
        let written = file.write_all(bytes).and_then(|()| file.flush());
        self.finish(written, &full)
    }

    /// Copies a file into the new site, without holding it in memory (attachments can be big).
    pub fn copy(&self, path: &OutPath, from: &Path) -> Result<()> {
        let mut src = std::fs::File::open(from).map_err(|e| Error::io(from, e))?;
        let (mut file, full) = self.create(path)?;
        let copied = std::io::copy(&mut src, &mut file).map(|_| ());
        self.finish(copied, &full)
    }

    /// A file that could not be written whole is removed, so a caller may try again (the
    /// build falls back from a cached copy to rendering) and nothing half-written stays.
    fn finish(&self, done: std::io::Result<()>, full: &Path) -> Result<()> {
        done.map_err(|e| {
            let _ = std::fs::remove_file(full);
            Error::io(self.shown(full), e)
        })
    }

    /// Creates a new file in the staging folder. The folder starts empty, so a file that is
    /// already there means two pages of the site have the same path; refusing it keeps one
    /// from silently and unpredictably replacing the other.
    fn create(&self, path: &OutPath) -> Result<(std::fs::File, PathBuf)> {
        if !path.is_contained() {
            return Err(Error::io(
                self.output.join(path.as_str()),
                std::io::Error::other("refusing to write outside the output folder"),
            ));
        }
        let full = self.staging.join(path.as_str());
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(self.shown(parent), e))?;
        }
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&full)
        {
            Ok(f) => Ok((f, full)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(Error::io(
                self.shown(&full),
                std::io::Error::other("two files of the site have this path"),
            )),
            Err(e) => Err(Error::io(self.shown(&full), e)),
        }
    }

    /// Reports paths as they will be after the swap.
    fn shown(&self, p: &Path) -> PathBuf {
        p.strip_prefix(&self.staging)
            .map_or_else(|_| p.to_path_buf(), |rel| self.output.join(rel))
    }

    /// Replaces the output folder with the new site.
    pub fn commit(mut self) -> Result<()> {
        if self.output.exists() {
            if !exchange(&self.staging, &self.output) {
                std::fs::rename(&self.output, &self.old).map_err(|e| Error::io(&self.output, e))?;
                std::fs::rename(&self.staging, &self.output)
                    .map_err(|e| Error::io(&self.output, e))?;
                self.staging = self.old.clone();
            }
        } else {
            std::fs::rename(&self.staging, &self.output).map_err(|e| Error::io(&self.output, e))?;
        }
        self.committed = true;
        // `staging` now holds the previous site (or nothing); removing it is housekeeping.
        remove_tree(&self.staging);
        Ok(())
    }
}

/// Removes a folder and everything in it, folders in parallel (a site is many small folders
/// of one page each, and removing the previous one is on every build's path). Symbolic links
/// are removed, never followed. Errors are ignored: this is housekeeping.
fn remove_tree(dir: &Path) {
    use rayon::prelude::*;
    if let Ok(entries) = std::fs::read_dir(dir) {
        let entries: Vec<_> = entries.flatten().collect();
        entries.par_iter().for_each(|e| {
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                remove_tree(&e.path());
            } else {
                let _ = std::fs::remove_file(e.path());
            }
        });
    }
    if std::fs::remove_dir(dir).is_err() {
        let _ = std::fs::remove_dir_all(dir);
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// An exclusive lock on the folder that holds the output, so that two builds into the same
/// output (a `serve` rebuild and a manual build, two CI jobs in one workspace) take turns:
/// otherwise the second would clear the first one's staging folder while it is being written
/// and the first could swap in a half-written site. The lock is released when the process
/// ends, even by SIGKILL, so it never goes stale. Where the file system cannot lock a folder
/// (some network file systems), builds go on unlocked.
#[cfg(unix)]
fn lock(dir: &Path) -> Option<std::fs::File> {
    use std::os::unix::io::AsRawFd;
    let f = std::fs::File::open(dir).ok()?;
    // SAFETY: `f` is an open descriptor for the duration of the call.
    let rc = unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX) };
    (rc == 0).then_some(f)
}

#[cfg(not(unix))]
fn lock(_: &Path) -> Option<std::fs::File> {
    None
}

fn absolute(p: &Path) -> Result<PathBuf> {
    if p.is_absolute() {
        return Ok(p.to_path_buf());
    }
    let cwd = std::env::current_dir().map_err(|e| Error::io(".", e))?;
    // `./public` should be reported as `/site/public`, not `/site/./public`.
    let rel: PathBuf = p
        .components()
        .filter(|c| *c != std::path::Component::CurDir)
        .collect();
    Ok(cwd.join(rel))
}

/// Atomically swaps two paths (Linux). `false` when the system cannot, so the caller falls back.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> bool {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let (Ok(a), Ok(b)) = (
        CString::new(a.as_os_str().as_bytes()),
        CString::new(b.as_os_str().as_bytes()),
    ) else {
        return false;
    };
    // SAFETY: both pointers are valid NUL-terminated strings for the duration of the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    rc == 0
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> bool {
    false
}

/// Replaces one file of a live output folder (the development server's), atomically: readers
/// see the old bytes or the new, never half a file.
pub fn replace_file(output: &Path, path: &OutPath, bytes: &[u8]) -> Result<()> {
    if !path.is_contained() {
        return Err(Error::io(
            output.join(path.as_str()),
            std::io::Error::other("refusing to write outside the output folder"),
        ));
    }
    let full = output.join(path.as_str());
    if let Some(parent) = full.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let tmp = full.with_file_name(format!(
        ".{}.cairn-new",
        full.file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
    ));
    std::fs::write(&tmp, bytes).map_err(|e| Error::io(&full, e))?;
    std::fs::rename(&tmp, &full).map_err(|e| Error::io(&full, e))
}

/// Removes a file that no longer belongs to a live output folder.
pub fn remove_file(output: &Path, path: &OutPath) {
    if path.is_contained() {
        let _ = std::fs::remove_file(output.join(path.as_str()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::UrlPath;

    #[cfg(unix)]
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
        std::os::unix::fs::symlink(&outside, tree.join("d0/link-to-dir")).unwrap();
        std::os::unix::fs::symlink(outside.join("kept/file"), tree.join("link-to-file")).unwrap();
        remove_tree(&tree);
        assert!(!tree.exists());
        assert_eq!(
            std::fs::read_to_string(outside.join("kept/file")).unwrap(),
            "keep me"
        );
    }

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
}
