//! Build-time syntax highlighting: the one module that knows syntect.
//!
//! Code is marked up with CSS classes (prefix `hl-`), so one stylesheet with a light and a dark
//! palette serves every page. The syntax set is loaded once per build and shared read-only by
//! the render threads. An unknown language is rendered as plain, escaped code.

use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use crate::markdown::escape;

const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };
const LIGHT_THEME: &str = "InspiredGitHub";
const DARK_THEME: &str = "base16-ocean.dark";

pub struct Highlighter {
    syntaxes: SyntaxSet,
}

impl Default for Highlighter {
    fn default() -> Self {
        Self::new()
    }
}

impl Highlighter {
    pub fn new() -> Self {
        Highlighter {
            syntaxes: SyntaxSet::load_defaults_newlines(),
        }
    }

    /// A `<pre>` block for `code` in language `lang` (a fence token like `rust` or `sh`).
    pub fn highlight(&self, lang: Option<&str>, code: &str) -> String {
        let syntax = lang.and_then(|l| self.syntaxes.find_syntax_by_token(l));
        let lang_attr = lang
            .map(|l| format!(" data-lang=\"{}\"", escape(l)))
            .unwrap_or_default();
        let Some(syntax) = syntax else {
            return format!(
                "<pre class=\"code\"{lang_attr}><code>{}</code></pre>\n",
                escape(code)
            );
        };
        let mut generator =
            ClassedHTMLGenerator::new_with_class_style(syntax, &self.syntaxes, STYLE);
        for line in LinesWithEndings::from(code) {
            if generator
                .parse_html_for_line_which_includes_newline(line)
                .is_err()
            {
                return format!(
                    "<pre class=\"code\"{lang_attr}><code>{}</code></pre>\n",
                    escape(code)
                );
            }
        }
        format!(
            "<pre class=\"code hl-code\"{lang_attr}><code>{}</code></pre>\n",
            generator.finalize()
        )
    }

    /// The stylesheet for highlighted code: the light palette by default, the dark one when
    /// the reader's system prefers dark or the page sets `data-theme="dark"`.
    pub fn stylesheet() -> String {
        let themes = ThemeSet::load_defaults();
        let light =
            css_for_theme_with_class_style(&themes.themes[LIGHT_THEME], STYLE).unwrap_or_default();
        let dark =
            css_for_theme_with_class_style(&themes.themes[DARK_THEME], STYLE).unwrap_or_default();
        let mut out = String::new();
        out.push_str(&scoped(&light, ":root:not([data-theme=\"dark\"])"));
        out.push_str("@media (prefers-color-scheme: dark) {\n");
        out.push_str(&scoped(&dark, ":root:not([data-theme=\"light\"])"));
        out.push_str("}\n");
        out.push_str(&scoped(&dark, ":root[data-theme=\"dark\"]"));
        out
    }
}

/// Prefixes every selector of syntect's generated CSS with `scope`.
fn scoped(css: &str, scope: &str) -> String {
    let mut out = String::with_capacity(css.len() * 2);
    let mut in_comment = false;
    for line in css.lines() {
        if line.starts_with("/*") {
            in_comment = !line.contains("*/");
            continue;
        }
        if in_comment {
            in_comment = !line.contains("*/");
            continue;
        }
        match line.strip_suffix(" {") {
            Some(selectors) => {
                let scoped: Vec<String> = selectors
                    .split(", ")
                    .map(|s| format!("{scope} {s}"))
                    .collect();
                out.push_str(&scoped.join(", "));
                out.push_str(" {\n");
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_languages_get_classes() {
        let h = Highlighter::new();
        let html = h.highlight(Some("rust"), "fn main() { let x = \"<b>\"; }\n");
        assert!(
            html.starts_with("<pre class=\"code hl-code\" data-lang=\"rust\"><code>"),
            "{html}"
        );
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(html.contains("&lt;b&gt;"), "{html}");
    }

    #[test]
    fn unknown_languages_are_plain_and_escaped() {
        let h = Highlighter::new();
        let html = h.highlight(Some("no-such-lang"), "a < b\n");
        assert_eq!(
            html,
            "<pre class=\"code\" data-lang=\"no-such-lang\"><code>a &lt; b\n</code></pre>\n"
        );
        assert_eq!(
            h.highlight(None, "x"),
            "<pre class=\"code\"><code>x</code></pre>\n"
        );
    }

    #[test]
    fn stylesheet_has_both_palettes() {
        let css = Highlighter::stylesheet();
        assert!(css.contains("prefers-color-scheme: dark"));
        assert!(css.contains(":root[data-theme=\"dark\"] .hl-code"));
        assert!(!css.contains("generated by"));
    }
}
