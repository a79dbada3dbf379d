//! `proof_of_life`: always OK. Its row proves that the checker ran, when, and which version,
//! so a page without it (or with an old date) is itself the alarm. No I/O.

use super::Cx;
use super::row::Finding;

pub fn run(cx: &Cx) -> Result<Vec<Finding>, String> {
    Ok(vec![Finding::ok(
        format!("cairn {}", env!("CARGO_PKG_VERSION")),
        format!(
            "the checks ran at {}",
            cx.now
                .round(jiff::Unit::Second)
                .unwrap_or(cx.now)
                .strftime("%Y-%m-%d %H:%M:%S UTC")
        ),
    )])
}
