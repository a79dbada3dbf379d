//! Where checks may look in the site folder, and how they read files there: a path from a
//! check's parameters must lead to a place inside the site folder (symbolic links resolved),
//! and a file is read only when it is a regular file, never past a size limit, and without
//! blocking on a pipe someone put in its place.
//!
//! It does not decide which checks are fenced (see each kind), and it writes nothing.

use std::io::Read;
use std::path::{Path, PathBuf};

/// `path` (absolute, or relative to `root`) resolved with every symbolic link followed, if it
/// stays inside `root`. `shown` is how messages name it.
pub fn inside(root: &Path, path: &Path, shown: &str) -> Result<PathBuf, String> {
    let root = root
        .canonicalize()
        .map_err(|e| format!("cannot read the site folder {}: {e}", root.display()))?;
    let full = root
        .join(path)
        .canonicalize()
        .map_err(|e| format!("cannot read {shown}: {}", plain(&e)))?;
    if full.starts_with(&root) {
        Ok(full)
    } else {
        Err(format!("{shown} leads outside the site folder"))
    }
}

/// The bytes of the regular file at `path`, at most `limit` of them. A bigger file is an
/// error rather than a silently cut one: what a check reads from its end would be wrong.
pub fn read(path: &Path, limit: u64, shown: &str) -> Result<Vec<u8>, String> {
    let file = open(path).map_err(|e| format!("cannot read {shown}: {}", plain(&e)))?;
    let meta = file
        .metadata()
        .map_err(|e| format!("cannot read {shown}: {}", plain(&e)))?;
    if !meta.is_file() {
        return Err(format!("{shown} is not a regular file"));
    }
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {shown}: {}", plain(&e)))?;
    if bytes.len() as u64 > limit {
        return Err(format!(
            "{shown} is over {}, more than a check reads",
            size(limit)
        ));
    }
    Ok(bytes)
}

/// Opening a pipe for reading waits for a writer; non-blocking, it returns at once, and the
/// check on the file's type then refuses it. The last component is not followed either, so a
/// link put in place after the path was resolved is refused too.
#[cfg(unix)]
fn open(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::File::options()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW)
        .open(path)
}

#[cfg(not(unix))]
fn open(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// An I/O error without the "(os error N)" suffix, which says nothing to a reader.
fn plain(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// `4 MiB`, `512 KiB`, `100 bytes`.
pub fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_inside_the_site_and_within_the_limit() {
        let site = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let root = site.path();
        std::fs::write(root.join("ok.txt"), "42\n").unwrap();
        std::fs::write(outside.path().join("secret"), "s3cr3t").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), root.join("link")).unwrap();
        let fifo = std::ffi::CString::new(root.join("fifo").to_str().unwrap()).unwrap();
        // SAFETY: a valid C string naming a path in a temporary folder.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);

        let ok = inside(root, Path::new("ok.txt"), "ok.txt").unwrap();
        assert_eq!(read(&ok, 3, "ok.txt").unwrap(), b"42\n");
        assert_eq!(
            read(&ok, 2, "ok.txt").unwrap_err(),
            "ok.txt is over 2 bytes, more than a check reads"
        );
        for escape in ["link", "../", "/etc/passwd"] {
            assert_eq!(
                inside(root, Path::new(escape), escape).unwrap_err(),
                format!("{escape} leads outside the site folder")
            );
        }
        let fifo = inside(root, Path::new("fifo"), "fifo").unwrap();
        assert_eq!(
            read(&fifo, 10, "fifo").unwrap_err(),
            "fifo is not a regular file"
        );
        assert_eq!(
            inside(root, Path::new("nope"), "nope").unwrap_err(),
            "cannot read nope: No such file or directory"
        );
        assert_eq!(size(4 << 20), "4 MiB");
        assert_eq!(size(1000), "1000 bytes");
    }
}
