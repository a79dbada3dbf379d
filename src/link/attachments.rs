//! Attachments that could run scripts on the site's own address: HTML pages, and SVG or XML
//! files holding scripts, event handlers, embedded HTML or a style sheet that makes HTML.
//! Published from `content/`, such a file opened in a browser runs with the site's cookies and
//! storage, so it is not published unless `site.yaml` allows active attachments
//! (`attachments: { active: allow }`): a warning names it and the setting (an error under
//! `--strict`), and it is left out of the attachments the site copies. An SVG diagram without
//! any of that publishes as usual.
//!
//! Pure: [`check_name`] decides from the file name (an HTML page is active whatever it holds),
//! [`check_markup`] from the bytes of an SVG or XML file, for the stage that reads them.

use crate::config::SiteConfig;
use crate::diag::{Diagnostic, Pos};
use crate::names::SourcePath;

/// Pages a browser shows as HTML, so any script in them runs.
const HTML: [&str; 7] = ["html", "htm", "xhtml", "xht", "shtml", "mht", "mhtml"];
/// Markup that runs scripts only when it holds some: judged by [`check_markup`].
const MARKUP: [&str; 4] = ["svg", "xml", "xsl", "xslt"];
/// Compressed SVG: browsers unpack it, this check cannot.
const COMPRESSED: [&str; 1] = ["svgz"];

fn extension(path: &SourcePath) -> String {
    let name = path.file_name();
    name.rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default()
}

/// Whether `path` is SVG or XML, which [`check_markup`] must read to judge.
pub fn is_markup(path: &SourcePath) -> bool {
    MARKUP.contains(&extension(path).as_str())
}

/// Judges an attachment by its name alone: a diagnostic if it is active whatever it holds
/// (an HTML page, a compressed SVG) and the site does not allow that.
pub fn check_name(path: &SourcePath, config: &SiteConfig) -> Option<Diagnostic> {
    if config.active_attachments {
        return None;
    }
    let ext = extension(path);
    let what = if HTML.contains(&ext.as_str()) {
        "an HTML page"
    } else if COMPRESSED.contains(&ext.as_str()) {
        "a compressed SVG, whose content cannot be checked"
    } else {
        return None;
    };
    Some(refusal(&config.content.show(path), what))
}

/// Judges an SVG or XML attachment by its content: a diagnostic if it could run scripts and
/// the site does not allow that. `bytes` is the whole file.
pub fn check_markup(path: &SourcePath, bytes: &[u8], config: &SiteConfig) -> Option<Diagnostic> {
    if config.active_attachments || !is_markup(path) {
        return None;
    }
    active_markup(bytes).map(|what| refusal(&config.content.show(path), what))
}

/// Not published: a warning (an error under `--strict`, which promotes warnings) naming the
/// setting that would publish it.
fn refusal(shown: &str, what: &str) -> Diagnostic {
    Diagnostic::new(
        crate::diag::Severity::Warning,
        shown,
        Pos::START,
        format!(
            "not published: {what} could run scripts on the site's address; site.yaml `attachments: {{ active: allow }}` publishes attachments like this"
        ),
    )
}

/// What makes SVG or XML markup active, if anything: looked for after character references
/// are decoded (`&#106;avascript:` is `javascript:`) and, for URL schemes, with the blanks
/// browsers drop from them removed.
pub fn active_markup(bytes: &[u8]) -> Option<&'static str> {
    let text = decode_references(&String::from_utf8_lossy(bytes)).to_ascii_lowercase();
    const ELEMENTS: [(&str, &str); 9] = [
        ("<script", "an SVG or XML file with a `<script>`"),
        (
            "<foreignobject",
            "an SVG with a `<foreignObject>` (HTML inside)",
        ),
        ("<iframe", "an SVG or XML file with an `<iframe>`"),
        ("<embed", "an SVG or XML file with an `<embed>`"),
        ("<object", "an SVG or XML file with an `<object>`"),
        ("<handler", "an SVG with a `<handler>`"),
        ("<listener", "an SVG with a `<listener>`"),
        (
            "<?xml-stylesheet",
            "an XML file with a style sheet (which can make HTML)",
        ),
        (
            "http://www.w3.org/1999/xhtml",
            "an XML file in the HTML namespace",
        ),
    ];
    if let Some((_, what)) = ELEMENTS.iter().find(|(needle, _)| text.contains(needle)) {
        return Some(what);
    }
    if has_event_handler(&text) {
        return Some("an SVG or XML file with an event handler attribute (`on…=`)");
    }
    let squeezed: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    if ["javascript:", "vbscript:", "data:text/html"]
        .iter()
        .any(|s| squeezed.contains(s))
    {
        return Some("an SVG or XML file with a script link");
    }
    None
}

/// An attribute named `on…` inside a tag (`onload=`, `onclick =`).
fn has_event_handler(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut in_tag = false;
    let mut quote: Option<u8> = None;
    for (i, &b) in bytes.iter().enumerate() {
        if let Some(q) = quote {
            if b == q {
                quote = None;
            }
            continue;
        }
        match b {
            b'<' => in_tag = true,
            b'>' => in_tag = false,
            b'"' | b'\'' if in_tag => quote = Some(b),
            b'o' if in_tag
                && i > 0
                && matches!(bytes[i - 1], b' ' | b'\t' | b'\n' | b'\r' | b'/') =>
            {
                let rest = &bytes[i..];
                if rest.get(1) != Some(&b'n') {
                    continue;
                }
                let name = rest[2..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b':'))
                    .count();
                let after = rest[2 + name..].iter().find(|c| !c.is_ascii_whitespace());
                if name > 0 && after == Some(&b'=') {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// Decodes `&#NN;`, `&#xHH;` and the five XML entities; anything else stays as written.
fn decode_references(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[1..].find(';').map(|e| e + 1).filter(|&e| e <= 12);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let named = match name {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => None,
            };
            named.or_else(|| {
                let code = match name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => name.strip_prefix('#').and_then(|d| d.parse().ok()),
                };
                code.and_then(char::from_u32)
            })
        });
        match (decoded, end) {
            (Some(c), Some(e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIAGRAM: &str = r##"<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" font-family="sans-serif">
  <title>Flow &amp; more</title>
  <a href="https://example.org/"><rect width="10" height="10" fill="#eee"/></a>
  <text x="1" y="5">turn on = off, &#x2014; done</text>
</svg>
"##;

    #[test]
    fn plain_diagrams_are_not_active() {
        assert_eq!(active_markup(DIAGRAM.as_bytes()), None);
    }

    #[test]
    fn scripts_handlers_and_embedded_html_are_active_however_written() {
        for svg in [
            "<svg><script>alert(1)</script></svg>",
            "<svg><SCRIPT >x</SCRIPT></svg>",
            "<svg onload=\"alert(1)\"/>",
            "<svg><rect\n  onClick = 'x'/></svg>",
            "<svg/onload=alert(1)>",
            "<svg><foreignObject><div>x</div></foreignObject></svg>",
            "<svg><a href=\"javascript:alert(1)\">x</a></svg>",
            "<svg><a href=\"&#106;ava&#x09;script:alert(1)\">x</a></svg>",
            "<svg><a xlink:href=\"java\nscript:x\">x</a></svg>",
            "<svg>&lt;script&gt;</svg>",
            "<?xml-stylesheet type=\"text/xsl\" href=\"x.xsl\"?><r/>",
            "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body/></html>",
            "<svg><iframe src=\"x\"/></svg>",
        ] {
            assert!(active_markup(svg.as_bytes()).is_some(), "{svg}");
        }
        // Text that only looks like a handler is not one.
        assert_eq!(active_markup(b"<svg><text>once on=x</text></svg>"), None);
        assert_eq!(
            active_markup(b"<svg><rect data-x=\"a onload=b\"/></svg>"),
            None
        );
    }

    #[test]
    fn html_attachments_are_withheld_by_name_unless_allowed() {
        let assets: Vec<SourcePath> = ["a/page.html", "b.HTM", "d.svgz", "c.svg", "e.png"]
            .into_iter()
            .map(SourcePath::new)
            .collect();
        let shown: Vec<String> = assets
            .iter()
            .filter_map(|a| check_name(a, &SiteConfig::default()))
            .map(|d| d.to_string())
            .collect();
        let end = "could run scripts on the site's address; site.yaml `attachments: { active: allow }` publishes attachments like this";
        assert_eq!(
            shown,
            [
                format!("content/a/page.html:1:1: warning: not published: an HTML page {end}"),
                format!("content/b.HTM:1:1: warning: not published: an HTML page {end}"),
                format!(
                    "content/d.svgz:1:1: warning: not published: a compressed SVG, whose content cannot be checked {end}"
                ),
            ]
        );
        let allowed = SiteConfig {
            active_attachments: true,
            ..SiteConfig::default()
        };
        assert!(assets.iter().all(|a| check_name(a, &allowed).is_none()));
        let svg = SourcePath::new("c.svg");
        let script = b"<svg><script>x</script></svg>";
        assert!(check_markup(&svg, script, &SiteConfig::default()).is_some());
        assert!(check_markup(&svg, script, &allowed).is_none());
        assert!(check_markup(&svg, DIAGRAM.as_bytes(), &SiteConfig::default()).is_none());
    }
}
