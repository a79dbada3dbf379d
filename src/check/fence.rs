//! Where checks may look in the site folder, and how they read files there: a path from a
//! check's parameters must lead to a place inside the site folder (symbolic links resolved),
//! and a file is read only when it is a regular file, never past a size limit, and without
//! blocking on a pipe someone put in its place.
//!
//! It does not decide which checks are fenced (see each kind), and it writes nothing.

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

/// The bytes of the regular file at `path`, at most `limit` of them, read by the shared
/// rules of [`crate::fence`] (non-blocking, a final link not followed). A bigger file is an
/// error rather than a silently cut one: what a check reads from its end would be wrong.
pub fn read(path: &Path, limit: u64, shown: &str) -> Result<Vec<u8>, String> {
    use crate::fence::ReadError;
    crate::fence::read_regular(path, false, limit).map_err(|e| match e {
        ReadError::TooBig(_) => format!("{shown} is over {}, more than a check reads", size(limit)),
        ReadError::NotAFile | ReadError::Link => format!("{shown} is not a regular file"),
        ReadError::Io(e) => format!("cannot read {shown}: {}", plain(&e)),
        other => format!("cannot read {shown}: {other}"),
    })
}

/// An I/O error without the "(os error N)" suffix, which says nothing to a reader.
fn plain(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// `4 MiB`, `512 KiB`, `100 bytes`: a check's limits, as its messages give them.
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
