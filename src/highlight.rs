//! Build-time syntax highlighting: the one module that knows syntect.
//!
//! Code is marked up with CSS classes (prefix `hl-`), so one stylesheet with a light and a dark
//! palette serves every page. The syntax set is loaded once per build and shared by the render
//! threads. An unknown language is rendered as plain, escaped code.
//!
//! Parsing lines is nearly all of a build's work, and documentation repeats itself: the same
//! imports, closing braces and config keys appear in block after block. So the parse of a line
//! is remembered by (syntax, parser state, line) once that line has been seen twice, with its
//! markup, and reused when it comes again in the same state. The output is the same bytes
//! either way, and the same bytes as syntect's own HTML writer. Parser
//! states cannot cross threads, so each render thread keeps its own memo, tied to one
//! `Highlighter` and dropped when another one starts using the thread.

use std::cell::RefCell;
use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};

use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, css_for_theme_with_class_style};
use syntect::parsing::{
    BasicScopeStackOp, ParseState, Scope, ScopeStack, ScopeStackOp, SyntaxReference, SyntaxSet,
};
use syntect::util::LinesWithEndings;

use crate::markdown::escape;

const PREFIX: &str = "hl-";
const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: PREFIX };
const LIGHT_THEME: &str = "InspiredGitHub";
const DARK_THEME: &str = "base16-ocean.dark";
/// Long lines scroll sideways inside the block; keyboard users need to reach it to scroll.
const FOCUSABLE: &str = " tabindex=\"0\"";
/// WCAG AA for normal text.
const MIN_CONTRAST: f64 = 4.5;

/// Samples whose markup stands for the highlighter's behaviour in [`Highlighter::fingerprint`].
const PROBES: [(&str, &str); 5] = [
    (
        "rust",
        "#[derive(Debug)]\npub fn f<'a>(x: &'a str) -> Option<u8> { /* c */ x.parse().ok() }\n",
    ),
    (
        "python",
        "@dataclass\nclass A:\n    def f(self, n: int = 1) -> str:\n        return f\"{n!r}\"  # c\n",
    ),
    ("yaml", "key: [a, 'b', 1.5]\nnested:\n  - name: x # c\n"),
    (
        "bash",
        "set -euo pipefail\nfor f in \"$DIR\"/*.log; do grep -c 'x' \"$f\"; done\n",
    ),
    ("json", "{\"a\": [1, true, null, \"s\"]}\n"),
];

/// Parser states remembered per distinct line; more would only cost memory.
const STATES_PER_LINE: usize = 4;

type Ops = Vec<(usize, ScopeStackOp)>;

/// Code blocks larger than this are shown plain. Highlighting runs at a few hundred kilobytes
/// a second; a pasted log or data dump gains nothing from colour and should not slow the build.
pub const MAX_HIGHLIGHT_BYTES: usize = 256 * 1024;

pub struct Highlighter {
    syntaxes: SyntaxSet,
    /// Which highlighter a thread's memo belongs to.
    id: u64,
    fingerprint: std::sync::OnceLock<u64>,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

thread_local! {
    static MEMO: RefCell<(u64, Memo)> = RefCell::new((0, Memo::default()));
}

#[derive(Default)]
struct Memo {
    /// Lines seen once: only a line that comes back is worth remembering.
    seen: HashSet<u64>,
    /// Earlier parses by line hash.
    parsed: HashMap<u64, Vec<Remembered>>,
    /// Each scope's class list.
    classes: HashMap<Scope, Box<str>>,
}

/// One parse of a line: the line, the parser state before it, its ops, the state after.
struct Remembered {
    line: String,
    before: Rc<ParseState>,
    ops: Ops,
    /// The line's markup and the spans it leaves open, when they do not depend on the scopes
    /// open before it.
    markup: Option<(Box<str>, isize)>,
    after: Rc<ParseState>,
}

/// The parser state between two lines: shared with the memo after a remembered line, owned
/// after a line parsed afresh.
enum State {
    Owned(ParseState),
    Shared(Rc<ParseState>),
    /// Only while a line is being parsed.
    Taken,
}

impl State {
    fn get(&self) -> Option<&ParseState> {
        match self {
            State::Owned(s) => Some(s),
            State::Shared(s) => Some(s),
            State::Taken => None,
        }
    }

    /// Whether a remembered state is this one: the same shared state, or an equal one.
    fn same_as(&self, remembered: &Rc<ParseState>) -> bool {
        match self {
            State::Shared(s) => Rc::ptr_eq(s, remembered) || **s == **remembered,
            other => other.get() == Some(&**remembered),
        }
    }

    /// The state as a shared one, copying it only if it is owned.
    fn share(&mut self) -> Rc<ParseState> {
        match std::mem::replace(self, State::Taken) {
            State::Shared(s) => {
                *self = State::Shared(s.clone());
                s
            }
            State::Owned(s) => {
                let s = Rc::new(s);
                *self = State::Shared(s.clone());
                s
            }
            State::Taken => unreachable!("a state is taken only while a line is parsed"),
        }
    }

    fn into_owned(self) -> ParseState {
        match self {
            State::Owned(s) => s,
            State::Shared(s) => Rc::try_unwrap(s).unwrap_or_else(|s| (*s).clone()),
            State::Taken => unreachable!("a state is taken only while a line is parsed"),
        }
    }
}

impl Default for Highlighter {
    fn default() -> Self {
        Self::new()
    }
}

impl Highlighter {
    pub fn new() -> Self {
        Self::with_syntaxes(SyntaxSet::load_defaults_newlines())
    }

    /// A highlighter with other syntax definitions (another syntect release has other ones).
    pub fn with_syntaxes(syntaxes: SyntaxSet) -> Self {
        Highlighter {
            syntaxes,
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            fingerprint: std::sync::OnceLock::new(),
        }
    }

    /// What the highlighter is, as far as its output goes: its syntax definitions, its
    /// stylesheet and how it marks up a sample in each common language. A new syntect release
    /// that changes any of them changes this, and so every cached page with code.
    pub fn fingerprint(&self) -> u64 {
        *self.fingerprint.get_or_init(|| {
            let mut d = crate::digest::Digest::new();
            let dump = syntect::dumps::dump_binary(&self.syntaxes);
            d.str(&String::from_utf8_lossy(&dump));
            d.str(&Self::stylesheet());
            for (lang, sample) in PROBES {
                d.str(&self.highlight(Some(lang), sample));
            }
            d.finish()
        })
    }

    /// A `<pre>` block for `code` in language `lang` (a fence token like `rust` or `sh`).
    pub fn highlight(&self, lang: Option<&str>, code: &str) -> String {
        let syntax = lang
            .filter(|_| code.len() <= MAX_HIGHLIGHT_BYTES)
            .and_then(|l| self.syntaxes.find_syntax_by_token(l));
        let lang_attr = lang
            .map(|l| format!(" data-lang=\"{}\"", escape(l)))
            .unwrap_or_default();
        match syntax.and_then(|s| self.classed(s, code)) {
            Some(html) => {
                format!(
                    "<pre class=\"code hl-code\"{lang_attr}{FOCUSABLE}><code>{html}</code></pre>\n"
                )
            }
            None => Self::plain(lang, code),
        }
    }

    /// The same block without highlighting: escaped code in the same `<pre>`.
    pub fn plain(lang: Option<&str>, code: &str) -> String {
        let lang_attr = lang
            .map(|l| format!(" data-lang=\"{}\"", escape(l)))
            .unwrap_or_default();
        format!(
            "<pre class=\"code\"{lang_attr}{FOCUSABLE}><code>{}</code></pre>\n",
            escape(code)
        )
    }

    /// The code as HTML with class spans; `None` if the syntax definition fails on it.
    fn classed(&self, syntax: &SyntaxReference, code: &str) -> Option<String> {
        let mut state = State::Owned(ParseState::new(syntax));
        let mut scopes = ScopeStack::new();
        let mut html = String::with_capacity(code.len() * 3);
        let mut open: isize = 0;
        MEMO.with(|cell| {
            let mut cell = cell.borrow_mut();
            if cell.0 != self.id {
                *cell = (self.id, Memo::default());
            }
            let memo = &mut cell.1;
            for line in LinesWithEndings::from(code) {
                open += self.line(memo, syntax, &mut state, &mut scopes, line, &mut html)?;
            }
            Some(())
        })?;
        for _ in 0..open {
            html.push_str("</span>");
        }
        Some(html)
    }

    /// Parses one line from `state` and appends its markup to `html`, reusing an earlier parse
    /// of the same line in the same state when there is one. Returns how many spans the line
    /// leaves open (negative when it closes earlier ones).
    fn line(
        &self,
        memo: &mut Memo,
        syntax: &SyntaxReference,
        state: &mut State,
        scopes: &mut ScopeStack,
        line: &str,
        html: &mut String,
    ) -> Option<isize> {
        let mut h = DefaultHasher::new();
        syntax.name.hash(&mut h);
        line.hash(&mut h);
        let key = h.finish();
        let Memo {
            seen,
            parsed,
            classes,
        } = memo;
        if let Some(hit) = parsed.get(&key).and_then(|v| {
            v.iter()
                .find(|e| state.same_as(&e.before) && e.line == line)
        }) {
            // The state after a remembered line is shared, not copied: the next line is
            // likely remembered too, and only a line parsed afresh needs a state of its own.
            *state = State::Shared(hit.after.clone());
            return match &hit.markup {
                Some((markup, delta)) => {
                    for (_, op) in &hit.ops {
                        scopes.apply(op).ok()?;
                    }
                    html.push_str(markup);
                    Some(*delta)
                }
                None => spans(html, line, &hit.ops, scopes, classes),
            };
        }
        // A line seen for the first time is only noted: most lines of a site occur once,
        // and keeping the parser states around each of them would cost more than it saves.
        let keep = !seen.insert(key) && parsed.get(&key).is_none_or(|v| v.len() < STATES_PER_LINE);
        let before = keep.then(|| state.share());
        let mut owned = std::mem::replace(state, State::Taken).into_owned();
        let ops = owned.parse_line(line, &self.syntaxes).ok();
        *state = State::Owned(owned);
        let ops = ops?;
        let from = html.len();
        let delta = spans(html, line, &ops, scopes, classes)?;
        if let Some(before) = before {
            let after = state.share();
            // The markup of a line depends on the scopes open before it only through ops
            // that clear or restore them.
            let markup = ops
                .iter()
                .all(|(_, op)| {
                    matches!(
                        op,
                        ScopeStackOp::Push(_) | ScopeStackOp::Pop(_) | ScopeStackOp::Noop
                    )
                })
                .then(|| (html[from..].into(), delta));
            parsed.entry(key).or_default().push(Remembered {
                line: line.to_string(),
                before,
                ops,
                markup,
                after,
            });
        }
        Some(delta)
    }

    /// The stylesheet for highlighted code: the light palette by default, the dark one when
    /// the reader's system prefers dark or the page sets `data-theme="dark"`.
    pub fn stylesheet() -> String {
        let themes = ThemeSet::load_defaults();
        let palette = |name: &str| {
            let theme = &themes.themes[name];
            let css = css_for_theme_with_class_style(theme, STYLE).unwrap_or_default();
            match theme.settings.background {
                Some(bg) => readable(&css, (bg.r, bg.g, bg.b)),
                None => css,
            }
        };
        let (light, dark) = (palette(LIGHT_THEME), palette(DARK_THEME));
        // Exactly one palette may match in every state: the palettes style different scope
        // combinations, so a light rule left matching under a dark system preference would
        // win over a less specific dark rule.
        let mut out = String::new();
        out.push_str(&scoped(&light, ":root[data-theme=\"light\"]"));
        out.push_str("@media not (prefers-color-scheme: dark) {\n");
        out.push_str(&scoped(&light, ":root:not([data-theme=\"dark\"])"));
        out.push_str("}\n@media (prefers-color-scheme: dark) {\n");
        out.push_str(&scoped(&dark, ":root:not([data-theme=\"light\"])"));
        out.push_str("}\n");
        out.push_str(&scoped(&dark, ":root[data-theme=\"dark\"]"));
        out
    }
}

/// The stock themes colour comments and some keywords below AA contrast. Every
/// `color: #rrggbb` of `css` is moved towards black (on a light background) or white (on a
/// dark one) just far enough to reach [`MIN_CONTRAST`] against `bg`, keeping its hue.
fn readable(css: &str, bg: (u8, u8, u8)) -> String {
    let target = if luminance(bg) > 0.18 { 0.0 } else { 255.0 };
    let mut out = String::with_capacity(css.len());
    for line in css.split_inclusive('\n') {
        let hex = line
            .trim_start()
            .strip_prefix("color: #")
            .and_then(|rest| rest.get(..6))
            .and_then(|h| u32::from_str_radix(h, 16).ok());
        let Some(hex) = hex else {
            out.push_str(line);
            continue;
        };
        let mut c = [(hex >> 16) as u8, (hex >> 8) as u8, hex as u8].map(f64::from);
        let mut step = 0;
        while contrast((c[0] as u8, c[1] as u8, c[2] as u8), bg) < MIN_CONTRAST && step < 40 {
            c = c.map(|v| v + (target - v) * 0.08);
            step += 1;
        }
        let indent = &line[..line.len() - line.trim_start().len()];
        out.push_str(&format!(
            "{indent}color: #{:02x}{:02x}{:02x};\n",
            c[0].round() as u8,
            c[1].round() as u8,
            c[2].round() as u8
        ));
    }
    out
}

/// WCAG relative luminance.
fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
    let lin = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.039_28 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
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

/// Appends `line` to `out` with a `<span>` for every scope `ops` push, as syntect's
/// `line_tokens_to_classed_spans` writes it (the same bytes), with each scope's class list
/// looked up in `classes` instead of syntect's global scope table: render threads would
/// queue on its lock. Returns the spans opened less those closed.
fn spans(
    out: &mut String,
    line: &str,
    ops: &Ops,
    scopes: &mut ScopeStack,
    classes: &mut HashMap<Scope, Box<str>>,
) -> Option<isize> {
    let mut at = 0;
    let mut delta = 0;
    // An element opened and closed with nothing inside is taken back out.
    let mut empty = false;
    let mut opened_at = 0;
    for &(i, ref op) in ops {
        if i > at {
            empty = false;
            escape_code(out, line.get(at..i)?);
            at = i;
        }
        scopes
            .apply_with_hook(op, |op, _| match op {
                BasicScopeStackOp::Push(scope) => {
                    opened_at = out.len();
                    empty = true;
                    out.push_str("<span class=\"");
                    out.push_str(classes.entry(scope).or_insert_with(|| class_list(scope)));
                    out.push_str("\">");
                    delta += 1;
                }
                BasicScopeStackOp::Pop => {
                    if empty {
                        out.truncate(opened_at);
                    } else {
                        out.push_str("</span>");
                    }
                    delta -= 1;
                    empty = false;
                }
            })
            .ok()?;
    }
    escape_code(out, line.get(at..)?);
    Some(delta)
}

/// `source.rust` → `hl-source hl-rust`.
fn class_list(scope: Scope) -> Box<str> {
    let name = scope.build_string();
    let mut out = String::with_capacity(name.len() * 2);
    for (i, atom) in name.split('.').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(PREFIX);
        out.push_str(atom);
    }
    out.into()
}

/// Code text escaped as syntect escapes it.
fn escape_code(out: &mut String, text: &str) {
    let mut last = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'&' => "&amp;",
            b'\'' => "&#39;",
            b'"' => "&quot;",
            _ => continue,
        };
        out.push_str(&text[last..i]);
        out.push_str(entity);
        last = i + 1;
    }
    out.push_str(&text[last..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_languages_get_classes() {
        let h = Highlighter::new();
        let html = h.highlight(Some("rust"), "fn main() { let x = \"<b>\"; }\n");
        assert!(
            html.starts_with(
                "<pre class=\"code hl-code\" data-lang=\"rust\" tabindex=\"0\"><code>"
            ),
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
        // Lines whose ops clear and restore scopes are remembered without their markup.
        let code = "<script>\nvar a = 1;\n</script>\n<script>\nvar a = 1;\n</script>\n";
        let first = Highlighter::new().highlight(Some("html"), code);
        h.highlight(Some("html"), code);
        assert_eq!(h.highlight(Some("html"), code), first);
        assert!(first.contains("hl-js"), "{first}");
    }

    #[test]
    fn spans_are_the_bytes_syntect_writes() {
        let h = Highlighter::new();
        let mut samples: Vec<(&str, &str)> = PROBES.to_vec();
        // Embedded languages clear and restore scopes; quotes and ampersands are escaped.
        samples.extend([
            (
                "html",
                "<p class='a'>x &amp; y</p>\n<script>if (a < b && c) { s = \"</\"; }</script>\n<style>p { color: red }</style>\n",
            ),
            ("md", "# T\n\n```rust\nlet x = 1;\n```\n\n> *q* `c` [l](u)\n"),
            ("php", "<?php echo \"$a {$b['c']}\"; ?>\n<b>x</b>\n"),
            ("rust", "let s = format!(\"{x:>8}\\n\");\n"),
        ]);
        let mut ops_seen = (0, 0);
        for (lang, code) in samples {
            let syntax = h.syntaxes.find_syntax_by_token(lang).unwrap();
            let mut state = ParseState::new(syntax);
            let (mut ours, mut theirs) = (ScopeStack::new(), ScopeStack::new());
            let mut classes = HashMap::new();
            for line in LinesWithEndings::from(code) {
                let ops = state.parse_line(line, &h.syntaxes).unwrap();
                for (_, op) in &ops {
                    match op {
                        ScopeStackOp::Clear(_) => ops_seen.0 += 1,
                        ScopeStackOp::Restore => ops_seen.1 += 1,
                        _ => {}
                    }
                }
                let want =
                    syntect::html::line_tokens_to_classed_spans(line, &ops, STYLE, &mut theirs)
                        .unwrap();
                let mut got = String::new();
                let delta = spans(&mut got, line, &ops, &mut ours, &mut classes).unwrap();
                assert_eq!((got, delta), want, "{lang}: {line:?}");
            }
        }
        assert!(ops_seen.0 > 0 && ops_seen.1 > 0, "no sample cleared scopes");
    }

    #[test]
    fn unknown_languages_are_plain_and_escaped() {
        let h = Highlighter::new();
        let html = h.highlight(Some("no-such-lang"), "a < b\n");
        assert_eq!(
            html,
            "<pre class=\"code\" data-lang=\"no-such-lang\" tabindex=\"0\"><code>a &lt; b\n</code></pre>\n"
        );
        assert_eq!(
            h.highlight(None, "x"),
            "<pre class=\"code\" tabindex=\"0\"><code>x</code></pre>\n"
        );
    }

    #[test]
    fn huge_blocks_are_plain() {
        let h = Highlighter::new();
        let code = "let x = 1;\n".repeat(MAX_HIGHLIGHT_BYTES / 11 + 1);
        let html = h.highlight(Some("rust"), &code);
        assert!(
            html.starts_with("<pre class=\"code\" data-lang=\"rust\""),
            "{}",
            &html[..80]
        );
        assert!(!html.contains("hl-"));
    }

    #[test]
    fn stylesheet_has_both_palettes() {
        let css = Highlighter::stylesheet();
        assert!(css.contains("prefers-color-scheme: dark"));
        assert!(css.contains(":root[data-theme=\"dark\"] .hl-code"));
        assert!(css.contains(":root[data-theme=\"light\"] .hl-code"));
        // Without a chosen theme, the light palette applies only when the system is not dark.
        let (before, after) = css
            .split_once("@media not (prefers-color-scheme: dark) {")
            .unwrap();
        assert!(!before.contains(":root:not("));
        let light_block = after.split("\n}\n").next().unwrap();
        assert!(light_block.contains(":root:not([data-theme=\"dark\"]) .hl-code"));
        assert!(!css.contains("generated by"));
    }

    #[test]
    fn every_code_colour_reaches_aa_contrast() {
        let css = Highlighter::stylesheet();
        // Stock InspiredGitHub comments (#969896 on white) are 2.9:1.
        assert!(!css.contains("#969896"), "{css}");
        let readable = readable(
            "  color: #969896;\n  background-color: #ffffff;\n",
            (255, 255, 255),
        );
        let hex = readable
            .lines()
            .next()
            .unwrap()
            .trim()
            .trim_start_matches("color: #");
        let c = u32::from_str_radix(&hex[..6], 16).unwrap();
        let c = ((c >> 16) as u8, (c >> 8) as u8, c as u8);
        assert!(contrast(c, (255, 255, 255)) >= MIN_CONTRAST, "{readable}");
        assert!(readable.ends_with("  background-color: #ffffff;\n"));
        assert!((contrast((0, 0, 0), (255, 255, 255)) - 21.0).abs() < 1e-9);
    }
}
