//! A theme made ready to render: templates compiled, static files gathered with the generated
//! syntax stylesheet, and a digest of all of it. Built once per theme and kept by a session
//! across rebuilds, since compiling templates costs more than rendering one page.

use std::collections::BTreeMap;

use tera::Tera;

use crate::error::{Error, Result};
use crate::highlight::Highlighter;
use crate::theme::Theme;

pub const SYNTAX_CSS: &str = "syntax.css";

pub struct Templates {
    pub(super) tera: Tera,
    pub(super) statics: BTreeMap<String, Vec<u8>>,
    /// The theme's and the highlighter's share of every page digest.
    pub(super) digest: u64,
}

impl Templates {
    pub fn new(theme: &Theme, hl: &Highlighter) -> Result<Templates> {
        let mut tera = Tera::new();
        // `status-{{ s | slug }}`: one class for a status kept as written (`on hold`).
        tera.register_filter("slug", |s: &str, _: tera::Kwargs, _: &tera::State| {
            crate::names::slugify(s)
        });
        tera.add_raw_templates(
            theme
                .templates
                .iter()
                .map(|(n, t)| (n.as_str(), t.as_str())),
        )
        .map_err(|e| Error::Template {
            name: template_of(&e),
            message: e.to_string(),
        })?;
        let mut statics = theme.statics.clone();
        statics.insert(SYNTAX_CSS.into(), Highlighter::stylesheet().into_bytes());
        let digest = crate::digest::Digest::new()
            .str(env!("CARGO_PKG_VERSION"))
            .u64(theme.digest())
            .u64(hl.fingerprint())
            .finish();
        Ok(Templates {
            tera,
            statics,
            digest,
        })
    }
}

/// The template an error is about, from tera's report (`--> name.html:3:7`).
fn template_of(e: &tera::Error) -> String {
    let s = e.to_string();
    s.lines()
        .find_map(|l| l.trim_start().strip_prefix("--> "))
        .and_then(|loc| loc.split(':').next())
        .unwrap_or("(theme)")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use syntect::parsing::SyntaxSet;

    /// The templates' digest is part of every page digest, so a highlighter that marks code
    /// up differently (a new syntect release, other grammars) never reuses a cached page.
    #[test]
    fn another_highlighter_changes_the_digest_of_every_page() {
        let theme = Theme::builtin();
        let digest = |hl: &Highlighter| Templates::new(&theme, hl).unwrap().digest;
        let stock = digest(&Highlighter::new());
        assert_eq!(
            stock,
            digest(&Highlighter::new()),
            "the same highlighter, the same digest"
        );
        let mut grammars = SyntaxSet::load_defaults_newlines().into_builder();
        // One grammar more than the stock set, however small the change.
        let mut extra = grammars.syntaxes()[0].clone();
        extra.name = "Cairn Test".into();
        extra.file_extensions = vec!["cairntest".into()];
        grammars.add(extra);
        let other = Highlighter::with_syntaxes(grammars.build());
        assert_ne!(stock, digest(&other));
    }
}
