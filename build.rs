//! Compiles the default theme into the binary: every template and static file under
//! `themes/default/`, found by walking the folder, so that adding a template (a new page type's)
//! needs no list kept by hand. Writes `default_theme.rs` in `OUT_DIR` for `src/theme.rs`.

use std::path::Path;

fn main() {
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    println!("cargo:rerun-if-changed=themes/default");
    let mut files = Vec::new();
    for part in ["templates", "static"] {
        walk(&theme, &theme.join(part), &mut files);
    }
    files.sort();
    let mut out = String::from("&[\n");
    for rel in &files {
        out.push_str(&format!(
            "    ({rel:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), {:?}))),\n",
            format!("/themes/default/{rel}")
        ));
    }
    out.push_str("]\n");
    let dest =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("default_theme.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}

/// Every file under `dir` (hidden ones, such as an editor's, left out), relative to `theme`
/// with `/` separators.
fn walk(theme: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.expect("the theme folder is readable").path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            walk(theme, &path, out);
        } else {
            let rel = path.strip_prefix(theme).expect("below the theme folder");
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push(parts.join("/"));
        }
    }
}
