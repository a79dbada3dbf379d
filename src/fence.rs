//! The filesystem rules of a build, in one place: what may be read and how much, how folders
//! are walked, how files are written and removed. Everything in a checkout may come from a
//! pull request, symbolic links included, so:
//!
//! - reading goes through a [`Fence`]: a path is read only when its real location is inside
//!   the site folder (links may point anywhere inside it), only when it is a regular file (a
//!   pipe would block, `/dev/zero` never ends) and only up to a limit the caller names;
//! - walking a folder ([`Fence::walk`]) follows links only inside the fence, skips hidden
//!   names (files and folders), enters a folder through links once at most and gives up
//!   after [`MAX_ENTRIES`] entries, so it is linear in the size of the tree;
//! - writing never goes through a link: folders are made by [`real_dirs`], which refuses a
//!   link on the way; files are created by [`create_new`] (`O_EXCL | O_NOFOLLOW`) and replaced
//!   by [`replace`] (a new file beside, renamed over the old name); trees are removed by
//!   [`remove_tree`], which removes links and never follows them.
//!
//! It knows nothing of documents, themes or pages, and never prints.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

/// A walk stops after this many files and folders: a real site has far fewer, and reading
/// more would take longer than any build should.
pub const MAX_ENTRIES: usize = 1_000_000;

/// The folders whose files may be read, through symbolic links or not: the site folder, and
/// a folder `site.yaml` names explicitly. Links whose real target lies elsewhere are refused.
#[derive(Debug, Clone)]
pub struct Fence {
    roots: Vec<PathBuf>,
}

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// Its real location, outside the fence.
    Outside(PathBuf),
    /// It is a symbolic link where none is followed.
    Link,
    /// A pipe, socket, device or folder: never read.
    NotAFile,
    /// Larger than this many bytes.
    TooBig(u64),
    Io(std::io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Outside(target) => f.write_str(&outside_message(target)),
            ReadError::Link => f.write_str("is a symbolic link; refused"),
            ReadError::NotAFile => {
                f.write_str("not a regular file (a pipe, socket, device or folder); refused")
            }
            ReadError::TooBig(limit) => write!(f, "larger than {}; refused", size(*limit)),
            ReadError::Io(e) => e.fmt(f),
        }
    }
}

impl From<std::io::Error> for ReadError {
    fn from(e: std::io::Error) -> Self {
        ReadError::Io(e)
    }
}

impl From<ReadError> for std::io::Error {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::Io(e) => e,
            other => std::io::Error::other(other.to_string()),
        }
    }
}

/// The message for a link leading out of the site, shown at the link.
pub fn outside_message(target: &Path) -> String {
    format!(
        "symbolic link to `{}`, outside the site folder; refused",
        target.display()
    )
}

/// `10 MB`, `512 KB`: sizes in the units people write limits in.
pub fn size(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes >= MB && bytes % MB == 0 {
        format!("{} MB", bytes / MB)
    } else if bytes >= 1024 {
        format!("{} KB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

impl Fence {
    /// Reads may reach anywhere inside `site`, and nowhere else.
    pub fn new(site: &Path) -> Fence {
        Fence {
            roots: vec![std::fs::canonicalize(site).unwrap_or_else(|_| lexical(site))],
        }
    }

    /// Also inside `dir`, wherever it really is: for a folder `site.yaml` names explicitly.
    pub fn also(mut self, dir: &Path) -> Fence {
        if let Ok(real) = std::fs::canonicalize(dir) {
            self.roots.push(real);
        }
        self
    }

    /// The fence for reading the documents folder `content` and the site around it (its
    /// parent). `named`: `site.yaml` names the folder explicitly, so it may be a link out of
    /// the site, whose target is then inside the fence; otherwise such a link is refused,
    /// with its real target as the error.
    pub fn for_content(content: &Path, named: bool) -> Result<Fence, PathBuf> {
        let site = match content.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        Fence::for_content_in(site, content, named)
    }

    /// [`Fence::for_content`] for a documents folder anywhere under the site folder `site`
    /// (`site.yaml` `content: doc/adr`).
    pub fn for_content_in(site: &Path, content: &Path, named: bool) -> Result<Fence, PathBuf> {
        let fence = Fence::new(site);
        if named {
            return Ok(fence.also(content));
        }
        match fence.outside(content) {
            Some(target) => Err(target),
            None => Ok(fence),
        }
    }

    /// Whether a real (canonical) path lies inside the fence.
    pub fn contains(&self, real: &Path) -> bool {
        self.roots.iter().any(|r| real.starts_with(r))
    }

    /// The real location of `path` when it lies outside the fence. Paths that do not
    /// resolve (dangling links, loops, missing files) are `None`: whoever opens them reports
    /// why.
    pub fn outside(&self, path: &Path) -> Option<PathBuf> {
        let real = std::fs::canonicalize(path).ok()?;
        (!self.contains(&real)).then_some(real)
    }

    /// Opens a regular file whose real location is inside the fence.
    pub fn open(&self, path: &Path) -> Result<File, ReadError> {
        let real = std::fs::canonicalize(path)?;
        if !self.contains(&real) {
            return Err(ReadError::Outside(real));
        }
        // The real path has no links; refusing one now keeps a link swapped in since out.
        open_regular(&real, false)
    }

    /// Reads a regular file inside the fence, at most `limit` bytes.
    pub fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
        let real = std::fs::canonicalize(path)?;
        if !self.contains(&real) {
            return Err(ReadError::Outside(real));
        }
        read_regular(&real, false, limit)
    }

    /// Overwrites a regular file inside the fence in place (a file reached through a link
    /// inside is written at its real place), never through a link swapped in since.
    pub fn overwrite(&self, path: &Path, bytes: &[u8]) -> Result<(), ReadError> {
        let real = std::fs::canonicalize(path)?;
        if !self.contains(&real) {
            return Err(ReadError::Outside(real));
        }
        if !std::fs::metadata(&real)?.is_file() {
            return Err(ReadError::NotAFile);
        }
        let mut options = OpenOptions::new();
        options.write(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            // Non-blocking: opening a pipe for writing fails at once instead of waiting.
            options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
        }
        let mut file = options.open(&real)?;
        file.write_all(bytes)?;
        Ok(())
    }

    /// Every entry under `dir`, sorted by name, following links only inside the fence.
    pub fn walk(&self, dir: &Path) -> Walk<'_> {
        Walk {
            fence: self,
            root: dir.to_path_buf(),
            inner: walkdir::WalkDir::new(dir)
                .follow_links(true)
                .sort_by_file_name()
                .into_iter(),
            seen: 0,
            done: false,
            hidden: false,
            linked: std::collections::HashSet::new(),
        }
    }
}

/// Reads a file that `site.yaml` names (a check's data file), at most `limit` bytes. A path
/// inside the site folder `root` is read under its fence, so a link in the checkout cannot
/// lead it out; a path outside is the configuration's own explicit choice (like a command it
/// runs) and is read as named, still only as a regular file and up to the limit.
pub fn read_named(root: &Path, path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    if lexical(path).starts_with(lexical(root)) {
        Fence::new(root).read(path, limit)
    } else {
        read_regular(path, true, limit)
    }
}

/// Opens a file for reading only if it is a regular file. `follow`: whether a link at `path`
/// itself is followed (the folders above it always are: see [`first_link`] for those).
/// Opening never blocks: a pipe is opened non-blocking and then refused.
pub fn open_regular(path: &Path, follow: bool) -> Result<File, ReadError> {
    open_sized(path, follow).map(|(file, _)| file)
}

/// [`open_regular`], with the file's size.
fn open_sized(path: &Path, follow: bool) -> Result<(File, u64), ReadError> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let nofollow = if follow { 0 } else { libc::O_NOFOLLOW };
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY | nofollow);
    }
    let file = options.open(path).map_err(|e| {
        if !follow && is_link_error(&e) {
            ReadError::Link
        } else {
            ReadError::Io(e)
        }
    })?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile);
    }
    Ok((file, meta.len()))
}

/// Reads a regular file (see [`open_regular`]), at most `limit` bytes.
pub fn read_regular(path: &Path, follow: bool, limit: u64) -> Result<Vec<u8>, ReadError> {
    let (file, len) = open_sized(path, follow)?;
    read_to_limit(file, len, limit)
}

/// Reads at most `limit` bytes; `len` (the size when opened) only sizes the buffer, since a
/// file can grow while it is read.
fn read_to_limit(file: File, len: u64, limit: u64) -> Result<Vec<u8>, ReadError> {
    let hint = len.min(limit).saturating_add(1);
    let mut bytes = Vec::with_capacity(usize::try_from(hint).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooBig(limit));
    }
    Ok(bytes)
}

#[cfg(unix)]
fn is_link_error(e: &std::io::Error) -> bool {
    e.raw_os_error() == Some(libc::ELOOP)
}

#[cfg(not(unix))]
fn is_link_error(_: &std::io::Error) -> bool {
    false
}

/// One entry of a [`Fence::walk`].
#[derive(Debug)]
pub enum Entry {
    /// A regular file (or a link to one inside the fence), with its path relative to the
    /// folder walked.
    File { path: PathBuf, rel: PathBuf },
    /// A folder below the one walked (or a link to one inside the fence); it is entered next.
    Folder { path: PathBuf, rel: PathBuf },
    /// A name starting with `.` (git's, an editor's), skipped; a hidden folder is not entered.
    Hidden { path: PathBuf, file: bool },
    /// A link leading out of the fence, with its real target; not read, not entered.
    Outside { path: PathBuf, target: PathBuf },
    /// A pipe, socket or device: never opened.
    Special { path: PathBuf },
    /// A link to a folder that the walk already entered through another link; not entered.
    Repeated { path: PathBuf },
    /// A step that failed, and why: a loop, a dangling link, an unreadable folder.
    Broken { path: Option<PathBuf>, why: String },
    /// [`MAX_ENTRIES`] were seen; the walk stops here.
    TooMany,
}

/// See [`Fence::walk`].
pub struct Walk<'f> {
    fence: &'f Fence,
    root: PathBuf,
    inner: walkdir::IntoIter,
    seen: usize,
    done: bool,
    hidden: bool,
    /// The real folders entered through links so far.
    linked: std::collections::HashSet<PathBuf>,
}

impl Walk<'_> {
    /// Hidden names are walked too, for a walk that matches paths rather than publishing them.
    pub fn with_hidden(mut self) -> Self {
        self.hidden = true;
        self
    }
}

impl Iterator for Walk<'_> {
    type Item = Entry;

    fn next(&mut self) -> Option<Entry> {
        loop {
            if self.done {
                return None;
            }
            let e = match self.inner.next()? {
                Ok(e) => e,
                Err(err) => {
                    return Some(Entry::Broken {
                        path: err.path().map(Path::to_path_buf),
                        why: walk_error(&err),
                    });
                }
            };
            self.seen += 1;
            if self.seen > MAX_ENTRIES {
                self.done = true;
                return Some(Entry::TooMany);
            }
            let kind = e.file_type();
            if !self.hidden && e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.') {
                if kind.is_dir() {
                    self.inner.skip_current_dir();
                }
                return Some(Entry::Hidden {
                    file: kind.is_file(),
                    path: e.into_path(),
                });
            }
            // The folder walked may itself be a link.
            if e.path_is_symlink() || e.depth() == 0 {
                if let Ok(real) = std::fs::canonicalize(e.path()) {
                    if !self.fence.contains(&real) {
                        if kind.is_dir() {
                            self.inner.skip_current_dir();
                        }
                        return Some(Entry::Outside {
                            path: e.into_path(),
                            target: real,
                        });
                    }
                    // Each folder is entered through links once at most: links that fan out
                    // (two to one folder, in each of twenty folders) would otherwise make a
                    // walk of millions of paths out of a handful of files.
                    if kind.is_dir() && e.depth() > 0 && !self.linked.insert(real) {
                        self.inner.skip_current_dir();
                        return Some(Entry::Repeated {
                            path: e.into_path(),
                        });
                    }
                }
            }
            if kind.is_dir() && e.depth() == 0 {
                continue;
            }
            if !kind.is_dir() && !kind.is_file() {
                return Some(Entry::Special {
                    path: e.into_path(),
                });
            }
            let rel = e
                .path()
                .strip_prefix(&self.root)
                .map(Path::to_path_buf)
                .unwrap_or_default();
            let path = e.into_path();
            return Some(if kind.is_dir() {
                Entry::Folder { path, rel }
            } else {
                Entry::File { path, rel }
            });
        }
    }
}

/// What a failed walk step means for the user: a loop, a dangling link, or an unreadable folder.
fn walk_error(e: &walkdir::Error) -> String {
    if e.loop_ancestor().is_some() {
        return "symbolic link loop (it leads back to a folder above it); skipped".into();
    }
    let io = e.io_error();
    if io.is_some_and(is_link_error) {
        return "symbolic link loop (it leads back to itself); skipped".into();
    }
    if let Some(path) = e.path() {
        if io.is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound) {
            if let Ok(target) = std::fs::read_link(path) {
                return format!(
                    "symbolic link to `{}`, which does not exist",
                    target.display()
                );
            }
        }
    }
    format!(
        "cannot read: {}",
        io.map_or_else(|| e.to_string(), std::io::Error::to_string)
    )
}

/// `p` as an absolute path, with `.` dropped and `..` taken off lexically: how a person reads
/// `--output ../site`, and what the links on the way are then checked against.
pub fn lexical(p: &Path) -> PathBuf {
    let mut out = if p.is_absolute() {
        PathBuf::new()
    } else {
        std::env::current_dir().unwrap_or_default()
    };
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The first symbolic link met going down from `base` (not included) to `path` (included),
/// or `None` when there is none or `path` is not under `base`.
pub fn first_link(base: &Path, path: &Path) -> Option<PathBuf> {
    let rel = path.strip_prefix(base).ok()?;
    let mut at = base.to_path_buf();
    for c in rel.components() {
        at.push(c);
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => return Some(at),
            Ok(_) => {}
            // Nothing further down exists, so nothing further down is a link.
            Err(_) => return None,
        }
    }
    None
}

fn refused_link(at: &Path) -> std::io::Error {
    std::io::Error::other(format!(
        "{} is a symbolic link; refusing to write through it",
        at.display()
    ))
}

/// Makes the folders of `rel` under `base` (which must exist or be creatable: it is the
/// caller's own), refusing any step that is a symbolic link or not a folder, so nothing is
/// ever written through a link a checkout planted. Returns `base.join(rel)`.
pub fn real_dirs(base: &Path, rel: &Path) -> std::io::Result<PathBuf> {
    let mut at = base.to_path_buf();
    if !at.as_os_str().is_empty() {
        std::fs::create_dir_all(&at)?;
    }
    for c in rel.components() {
        match c {
            Component::Normal(name) => at.push(name),
            Component::CurDir => continue,
            _ => {
                return Err(std::io::Error::other(format!(
                    "{}: must be a path inside {}",
                    rel.display(),
                    base.display()
                )));
            }
        }
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => return Err(refused_link(&at)),
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(std::io::Error::other(format!(
                    "{} exists and is not a folder",
                    at.display()
                )));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                match std::fs::create_dir(&at) {
                    Ok(()) => {}
                    // Made by another thread meanwhile: check it again.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        if std::fs::symlink_metadata(&at).is_ok_and(|m| !m.is_dir()) {
                            return Err(refused_link(&at));
                        }
                    }
                    Err(e) => return Err(e),
                }
            }
            Err(e) => return Err(e),
        }
    }
    Ok(at)
}

/// Creates a file that does not exist yet. Never opens what is there, a link included (even
/// a dangling one, which would otherwise create its target).
pub fn create_new(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    options.open(path)
}

/// The name a file is written under before it replaces `path`.
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.{suffix}"))
}

/// Replaces `path` with `bytes` atomically (readers see the old file or the new one) and
/// without writing through a link: the bytes go into a new file beside it (a leftover of a
/// killed run, or a link planted under that name, is removed first, never opened), which is
/// then renamed over `path` (a link there is replaced, not followed). The folder must be one
/// without links ([`real_dirs`]).
pub fn replace(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    replace_with(path, |f| f.write_all(bytes))
}

/// Like [`replace`], with the new file's bytes written by `fill`.
pub fn replace_with(
    path: &Path,
    fill: impl FnOnce(&mut File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let tmp = beside(path, "cairn-new");
    let mut file = match create_new(&tmp) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            std::fs::remove_file(&tmp)?;
            create_new(&tmp)?
        }
        other => other?,
    };
    let written = fill(&mut file)
        .and_then(|()| file.flush())
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Removes `path`: a folder with everything in it (folders in parallel: a site is many small
/// folders of one page each, and removing the previous one is on every build's path), or a
/// file. A link, at `path` or anywhere inside, is removed itself and never followed. Errors
/// are ignored: this is housekeeping.
pub fn remove_tree(path: &Path) {
    use rayon::prelude::*;
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return;
    };
    if !meta.is_dir() {
        let _ = std::fs::remove_file(path);
        return;
    }
    if let Ok(entries) = std::fs::read_dir(path) {
        let entries: Vec<_> = entries.flatten().collect();
        entries.par_iter().for_each(|e| {
            // `file_type` of a directory entry does not follow links.
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                remove_tree(&e.path());
            } else {
                let _ = std::fs::remove_file(e.path());
            }
        });
    }
    if std::fs::remove_dir(path).is_err() {
        // The standard library's removal does not follow links either.
        let _ = std::fs::remove_dir_all(path);
    }
}

#[cfg(all(test, unix))]
mod tests;
