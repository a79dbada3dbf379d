//! Times the history pass alone on a site: `history_pass SITE [CACHE_DIR]`. Prints one JSON
//! line: seconds, documents and commits found, and whether the stored history was used.
//! Built with `cargo build --release --example history_pass`; not part of `cargo test`.

use std::path::Path;
use std::time::Instant;

/// The binary's allocator, so the figures are the build's.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let site = args.next().expect("usage: history_pass SITE [CACHE_DIR]");
    let cache = args.next();
    let started = Instant::now();
    let history = cairn::history::read(
        &Path::new(&site).join("content"),
        cache.as_deref().map(Path::new),
    );
    let seconds = started.elapsed().as_secs_f64();
    match history {
        Ok(Some(h)) => println!(
            "{{\"seconds\": {seconds:.4}, \"documents\": {}, \"commits\": {}, \"shallow\": {}}}",
            h.docs.len(),
            h.commits.len(),
            h.shallow
        ),
        Ok(None) => println!(
            "{{\"seconds\": {seconds:.4}, \"documents\": 0, \"commits\": 0, \"repository\": false}}"
        ),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
