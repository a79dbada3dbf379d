//! The write stage: puts a finished site in place atomically.
//!
//! Files are written into a staging folder beside the output folder (same filesystem), and the
//! staging folder replaces the output only when every file is written. On Linux the swap is a
//! single `renameat2(RENAME_EXCHANGE)`; elsewhere two renames with recovery on the next run. A
//! failed or killed build therefore leaves the previous site exactly as it was, and leftovers
//! of an interrupted build are cleared by the next one.
//!
//! What is replaced and removed here is whole folders, so [`guard_output`] first refuses an
//! output that holds or sits among the site's own files, and any output, staging or old-site
//! folder that is a symbolic link (a checkout may plant one): removing through it would reach
//! whatever it points at. Files are created and removed by the rules of [`crate::fence`].
//! Nothing here reads the site's sources.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::fence;
use crate::names::OutPath;
use crate::source::ContentDir;

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
    /// An output, staging or old-site folder that is a symbolic link is refused before
    /// anything is touched: replacing or clearing it would reach whatever it points at.
    pub fn begin(output: &Path) -> Result<Staging> {
        let output = absolute(output)?;
        let staging = sibling(&output, "cairn-staging");
        let old = sibling(&output, "cairn-old");
        for p in [&output, &staging, &old] {
            refuse_link(p)?;
        }
        let parent = output.parent().unwrap_or(Path::new("/"));
        if parent.exists() && !parent.is_dir() {
            return Err(Error::io(
                parent,
                std::io::Error::other("exists and is not a folder"),
            ));
        }
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        let lock = lock(parent);
        // Again under the lock: another build may have been swapping while this one waited.
        for p in [&output, &staging, &old] {
            refuse_link(p)?;
        }
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
            if std::fs::symlink_metadata(leftover).is_ok() {
                fence::remove_tree(leftover);
                if std::fs::symlink_metadata(leftover).is_ok() {
                    return Err(Error::io(
                        leftover,
                        std::io::Error::other("left by an earlier build and cannot be removed"),
                    ));
                }
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

    /// Makes the folders the files at `paths` go into, each once, parents first: the page
    /// list names every folder, so writing a file needs no `mkdir` at all.
    pub fn make_folders(&self, paths: impl IntoIterator<Item = OutPath>) -> Result<()> {
        let mut folders = std::collections::BTreeSet::new();
        for p in paths.into_iter().filter(OutPath::is_contained) {
            let mut dir = Path::new(p.as_str()).parent();
            while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty()) {
                if !folders.insert(d.to_path_buf()) {
                    break;
                }
                dir = d.parent();
            }
        }
        // Sorted, a folder comes before the folders inside it.
        for d in folders {
            let full = self.staging.join(d);
            match std::fs::create_dir(&full) {
                Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
                    return Err(Error::io(self.shown(&full), e));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Writes one file of the new site. Safe to call from many threads.
    pub fn write(&self, path: &OutPath, bytes: &[u8]) -> Result<()> {
        let (mut file, full) = self.create(path)?;
        let written = file.write_all(bytes).and_then(|()| file.flush());
        self.finish(written, &full)
    }

    /// Copies a file into the new site, without holding it in memory (attachments can be big).
    /// `from` must be a regular file (a pipe swapped in after the walk would block the build).
    pub fn copy(&self, path: &OutPath, from: &Path) -> Result<()> {
        let mut src = fence::open_regular(from, true).map_err(|e| Error::io(from, e.into()))?;
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
        // The staging folder is this build's own, made empty by `begin`, and nothing else
        // writes into it (checks have ended before it exists): no link can be on the way.
        // Its folder is made by `make_folders` beforehand, so the file is tried first and its
        // folders are made only when missing (attachments, a caller that made none).
        let created = match fence::create_new(&full) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(parent) = full.parent() {
                    std::fs::create_dir_all(parent)
                        .map_err(|e| Error::io(self.shown(parent), e))?;
                }
                fence::create_new(&full)
            }
            other => other,
        };
        match created {
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
        refuse_link(&self.output)?;
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
        fence::remove_tree(&self.staging);
        Ok(())
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
/// see the old bytes or the new, never half a file. Never writes through a link: not the
/// output's, not a folder's inside it, not the file's own.
pub fn replace_file(output: &Path, path: &OutPath, bytes: &[u8]) -> Result<()> {
    let full = live_path(output, path)?;
    fence::replace(&full, bytes).map_err(|e| Error::io(&full, e))
}

/// Brings one attachment of a live output folder up to date from `from`, streamed (it can be
/// big), or removes it when `from` is gone or is not a regular file.
pub fn replace_file_from(output: &Path, path: &OutPath, from: &Path) -> Result<()> {
    let Ok(mut src) = fence::open_regular(from, true) else {
        remove_file(output, path);
        return Ok(());
    };
    let full = live_path(output, path)?;
    fence::replace_with(&full, |f| std::io::copy(&mut src, f).map(|_| ()))
        .map_err(|e| Error::io(&full, e))
}

/// Where `path` goes in the live output folder, its folders made, none of them a link.
fn live_path(output: &Path, path: &OutPath) -> Result<PathBuf> {
    if !path.is_contained() {
        return Err(Error::io(
            output.join(path.as_str()),
            std::io::Error::other("refusing to write outside the output folder"),
        ));
    }
    refuse_link(output)?;
    let rel = Path::new(path.as_str());
    let dir = fence::real_dirs(output, rel.parent().unwrap_or(Path::new("")))
        .map_err(|e| Error::io(output.join(path.as_str()), e))?;
    Ok(dir.join(rel.file_name().unwrap_or_default()))
}

/// Removes a file that no longer belongs to a live output folder (a link there is removed
/// itself, never followed).
pub fn remove_file(output: &Path, path: &OutPath) {
    if path.is_contained() && refuse_link(output).is_ok() {
        let _ = std::fs::remove_file(output.join(path.as_str()));
    }
}

/// An error when `p` is a symbolic link: the output, staging and old-site folders are
/// replaced and removed whole, and doing that to a link would reach what it points at.
fn refuse_link(p: &Path) -> Result<()> {
    match std::fs::symlink_metadata(p) {
        Ok(m) if m.file_type().is_symlink() => Err(Error::Usage(format!(
            "refusing to write the site into {}: {} is a symbolic link (remove it, or choose \
             another output folder)",
            p.display(),
            p.display()
        ))),
        _ => Ok(()),
    }
}

/// The site's own folders, which an output folder must not be in.
const SOURCE_DIRS: [&str; 3] = ["static", "templates", "themes"];

/// Refuses an output folder that a build must not replace, before anything is touched: one
/// that holds the site (the site root or a folder above it), one inside the folders the site
/// is read from (`content/`, `static/`, `templates/`, `themes/`, or where a link among them
/// leads), and one reached through a symbolic link below the site root, or whose staging or
/// old-site folder beside it is a link (a checkout can plant any of these).
pub fn guard_output(root: &Path, output: &Path, content: &ContentDir) -> Result<()> {
    let root_real = std::fs::canonicalize(root).unwrap_or_else(|_| fence::lexical(root));
    let root_given = fence::lexical(root);
    let out = fence::lexical(output);
    // Below the site root every step is the checkout's and is checked; above it, the path
    // is the caller's own.
    let base = [&root_real, &root_given]
        .into_iter()
        .find(|r| out.starts_with(r));
    let link = match base {
        Some(base) => fence::first_link(base, &out),
        None => std::fs::symlink_metadata(&out)
            .is_ok_and(|m| m.file_type().is_symlink())
            .then(|| out.clone()),
    };
    if let Some(link) = link {
        return Err(Error::Usage(format!(
            "refusing to write the site into {}: {} is a symbolic link (remove it, or choose \
             another output folder)",
            output.display(),
            link.display()
        )));
    }
    for suffix in ["cairn-staging", "cairn-old"] {
        let beside = sibling(&out, suffix);
        if std::fs::symlink_metadata(&beside).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Error::Usage(format!(
                "refusing to write the site into {}: {} is a symbolic link (remove it)",
                output.display(),
                beside.display()
            )));
        }
    }
    let real_out = match (out.parent(), out.file_name()) {
        (Some(parent), Some(name)) => std::fs::canonicalize(parent)
            .unwrap_or_else(|_| parent.to_path_buf())
            .join(name),
        _ => out.clone(),
    };
    if root_real.starts_with(&real_out) {
        return Err(Error::Usage(format!(
            "refusing to write the site into {}: it holds the site's own files",
            output.display()
        )));
    }
    for dir in std::iter::once(content.as_str()).chain(SOURCE_DIRS) {
        let at = under(&root_real, dir);
        let real = std::fs::canonicalize(&at).unwrap_or_else(|_| at.clone());
        if real_out.starts_with(&at) || real_out.starts_with(&real) {
            return Err(Error::Usage(format!(
                "refusing to write the site into {}: it is inside {dir}/, which holds the \
                 site's own files",
                output.display()
            )));
        }
    }
    Ok(())
}

/// `dir` (one of the site's folders, `/`-separated) under `root`.
fn under(root: &Path, dir: &str) -> PathBuf {
    dir.split('/').fold(root.to_path_buf(), |p, c| p.join(c))
}

#[cfg(test)]
mod tests;
