//! Build-time syntax highlighting: the one module that knows syntect.
//!
//! Code is marked up with CSS classes (prefix `hl-`), so one stylesheet with a light and a dark
//! palette serves every page. The syntax set is loaded once per build and shared by the render
//! threads. An unknown language is rendered as plain, escaped code.
//!
//! Parsing lines is nearly all of a build's work, and documentation repeats itself: the same
//! imports, closing braces and config keys appear in block after block. So the parse of a line
//! is remembered by (syntax, parser state, line) once that line has been seen twice, and reused
//! when it comes again in the same state. The output is the same bytes either way. Parser
//! states cannot cross threads, so each render thread keeps its own memo, tied to one
//! `Highlighter` and dropped when another one starts using the thread.

use std::cell::RefCell;
use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, css_for_theme_with_class_style, line_tokens_to_classed_spans};
use syntect::parsing::{ParseState, ScopeStack, ScopeStackOp, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

use crate::markdown::escape;

const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };
const LIGHT_THEME: &str = "InspiredGitHub";
const DARK_THEME: &str = "base16-ocean.dark";

/// Parser states remembered per distinct line; more would only cost memory.
const STATES_PER_LINE: usize = 4;

type Ops = Vec<(usize, ScopeStackOp)>;

pub struct Highlighter {
    syntaxes: SyntaxSet,
    /// Which highlighter a thread's memo belongs to.
    id: u64,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

thread_local! {
    static MEMO: RefCell<(u64, Memo)> = RefCell::new((0, Memo::default()));
}

#[derive(Default)]
struct Memo {
    /// Lines seen once: only a line that comes back is worth remembering.
    seen: HashSet<u64>,
    /// Earlier parses by line hash: the line itself, the state before, the ops, the state after.
    parsed: HashMap<u64, Vec<(String, ParseState, Ops, ParseState)>>,
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
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// A `<pre>` block for `code` in language `lang` (a fence token like `rust` or `sh`).
    pub fn highlight(&self, lang: Option<&str>, code: &str) -> String {
        let syntax = lang.and_then(|l| self.syntaxes.find_syntax_by_token(l));
        let lang_attr = lang
            .map(|l| format!(" data-lang=\"{}\"", escape(l)))
            .unwrap_or_default();
        match syntax.and_then(|s| self.classed(s, code)) {
            Some(html) => {
                format!("<pre class=\"code hl-code\"{lang_attr}><code>{html}</code></pre>\n")
            }
            None => format!(
                "<pre class=\"code\"{lang_attr}><code>{}</code></pre>\n",
                escape(code)
            ),
        }
    }

    /// The code as HTML with class spans; `None` if the syntax definition fails on it.
    fn classed(&self, syntax: &SyntaxReference, code: &str) -> Option<String> {
        let mut state = ParseState::new(syntax);
        let mut scopes = ScopeStack::new();
        let mut html = String::with_capacity(code.len() * 3);
        let mut open: isize = 0;
        for line in LinesWithEndings::from(code) {
            let ops = self.parse_line(syntax, &mut state, line)?;
            let (spans, delta) =
                line_tokens_to_classed_spans(line, &ops, STYLE, &mut scopes).ok()?;
            html.push_str(&spans);
            open += delta;
        }
        for _ in 0..open {
            html.push_str("</span>");
        }
        Some(html)
    }

    /// Parses one line from `state`, reusing an earlier parse of the same line in the same
    /// state when there is one.
    fn parse_line(
        &self,
        syntax: &SyntaxReference,
        state: &mut ParseState,
        line: &str,
    ) -> Option<Ops> {
        let mut h = DefaultHasher::new();
        syntax.name.hash(&mut h);
        line.hash(&mut h);
        let key = h.finish();
        MEMO.with(|cell| {
            let mut cell = cell.borrow_mut();
            if cell.0 != self.id {
                *cell = (self.id, Memo::default());
            }
            let memo = &mut cell.1;
            let hit = memo.parsed.get(&key).and_then(|v| {
                v.iter()
                    .find(|(text, before, ..)| before == state && text == line)
            });
            if let Some((_, _, ops, after)) = hit {
                *state = after.clone();
                return Some(ops.clone());
            }
            let before = state.clone();
            let ops = state.parse_line(line, &self.syntaxes).ok()?;
            if !memo.seen.insert(key) {
                let states = memo.parsed.entry(key).or_default();
                if states.len() < STATES_PER_LINE {
                    states.push((line.to_string(), before, ops.clone(), state.clone()));
                }
            }
            Some(ops)
        })
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
    fn remembered_lines_give_the_same_html() {
        let h = Highlighter::new();
        let code = "fn a() {\n    let s = \"x\";\n}\n/* open\n}\n*/\n}\n";
        let first = h.highlight(Some("rust"), code);
        // The third time every line comes from the memo, including `}` inside and outside the
        // comment, which parse differently.
        h.highlight(Some("rust"), code);
        assert_eq!(h.highlight(Some("rust"), code), first);
        assert_eq!(Highlighter::new().highlight(Some("rust"), code), first);
        assert!(first.contains("hl-comment"), "{first}");
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
