//! `proof_of_life`: always OK. Its row proves that the checker ran, when, and which version,
//! so a page without it (or with an old date) is itself the alarm. No I/O.

use std::sync::Arc;

use super::Cx;
use super::kind::{Check, CheckKind};
use super::params::Params;
use super::row::Finding;
use crate::yaml::Entry;

pub struct Kind;

impl CheckKind for Kind {
    fn name(&self) -> &'static str {
        "proof_of_life"
    }

    fn read(&self, rest: &[&Entry], p: &mut Params) -> Option<Arc<dyn Check>> {
        p.none(rest);
        Some(Arc::new(ProofOfLife))
    }
}

#[derive(Debug)]
struct ProofOfLife;

impl Check for ProofOfLife {
    fn run(&self, cx: &Cx) -> Result<Vec<Finding>, String> {
        run(cx)
    }
}

fn run(cx: &Cx) -> Result<Vec<Finding>, String> {
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
