//! Nothing a document says becomes markup: the output is parsed with a browser-grade HTML
//! parser (html5ever, through scraper) and searched for scripts, event handlers and script
//! URLs that did not come from the theme.

use scraper::{ElementRef, Html, Node};

use crate::support::*;

/// Breaks out of text, of a double- and a single-quoted attribute, and of a tag.
const P: &str = r#""'><script>alert(1)</script><img src=x onerror=alert(2)>"#;

/// YAML double-quoted form of `s`.
fn yq(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn hostile_site() -> Site {
    let site = Site::copy("basic");
    site.write(
        "site.yaml",
        &format!(
            "title: {}\ndescription: {}\nbase_url: \"https://example.org/docs/\"\n{}",
            yq(&format!("Site {P}")),
            yq(P),
            "kinds:\n  rfc:\n    statuses: [open]\n    serves: [strategy]\n"
        ),
    );
    site.write(
        "content/visions/evil.md",
        &format!(
            "---\ntitle: {t}\nsummary: {t}\nstatus: active\nhorizon: {t}\nowners: [{t}, \"a\\\"b\"]\ntags: [{t}, \"<svg onload=alert(3)>\"]\naliases: [\"/old/\\\"><script>/\"]\n---\n{body}",
            t = yq(P),
            body = BODY
        ),
    );
    std::fs::write(site.root().join("content/visions/pic.png"), [0x89, b'P']).unwrap();
    // A file name is a title too when a page has neither front matter nor heading.
    site.write(
        "content/notes/\"><svg onload=alert(16)>.md",
        "Plain text.\n",
    );
    site.write(
        "content/notes/linker.md",
        "# Linker\n\n[[evil]] and [[visions/evil|<b>label</b>]] and [[svg-onloadalert16]]\n",
    );
    site
}

const BODY: &str = r#"## Vision statement

Stated.

# <script>alert(4)</script>

## Heading {#"><script>x</script> .c onclick=alert(5)}

<script>alert(6)</script>

<div onclick="alert(7)">raw block</div>

Inline <img src=x onerror=alert(8)> and <iframe src="javascript:alert(9)"></iframe>.

<style>body { display: none }</style>

[t](https://example.org/ "\" onmouseover=\"alert(10)") and ![" onerror="alert(11)](pic.png "'><script>")

[q](https://example.org/?q="><script>alert(15)</script>) and <https://example.org/"onmouseover="alert(14)>

```"><script>alert(13)</script>
<script>alert(13)</script>
```

`<script>` in code, a footnote[^n], and a table:

| <script>alert(17)</script> | <b onclick=alert(18)>b</b> |
|---|---|
| `<i>` | &lt;script&gt; |

[^n]: <script>alert(19)</script>
"#;

/// The script URL schemes a browser would run.
fn is_script_url(v: &str) -> bool {
    let v: String = v
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|s| v.starts_with(s))
}

/// Where the theme's own script is served from; the only script a page may have.
const THEME_SCRIPT: &str = "/docs/static/cairn.js?v=";

/// The inline scripts the theme's templates hold, and the classes of its forms: the only
/// ones a page may have. Anything else came from content.
fn theme_allows() -> &'static (Vec<String>, Vec<String>) {
    static ALLOWS: std::sync::OnceLock<(Vec<String>, Vec<String>)> = std::sync::OnceLock::new();
    ALLOWS.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
        let (mut scripts, mut forms) = (Vec::new(), Vec::new());
        for entry in std::fs::read_dir(dir).unwrap() {
            let t = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for part in t.split("<script>").skip(1) {
                scripts.push(part.split("</script>").next().unwrap().to_string());
            }
            for part in t.split("<form class=\"").skip(1) {
                forms.push(part.split('"').next().unwrap().to_string());
            }
        }
        (scripts, forms)
    })
}

/// Everything in `html` that could run code, as readable strings; empty when safe.
pub fn active_content(html: &str) -> Vec<String> {
    let (inline, forms) = theme_allows();
    let doc = Html::parse_document(html);
    let mut found = Vec::new();
    for node in doc.tree.nodes() {
        let Node::Element(el) = node.value() else {
            continue;
        };
        let name = el.name();
        match name {
            "script" => {
                let text: String = ElementRef::wrap(node).unwrap().text().collect();
                let theirs = match el.attr("src") {
                    // The theme's static files, with their cache-busting version.
                    Some(src) => {
                        src.starts_with('/')
                            && src.contains("/static/")
                            && src.contains(".js?v=")
                            && text.is_empty()
                    }
                    None => inline.contains(&text),
                };
                if !theirs {
                    found.push(format!("<script src={:?}>{text}", el.attr("src")));
                }
            }
            "form"
                if el
                    .attr("class")
                    .is_some_and(|c| forms.iter().any(|f| f == c))
                    && el.attr("action").is_none_or(|a| a.starts_with('/')) => {}
            "iframe" | "object" | "embed" | "frame" | "base" | "form" | "style" => {
                found.push(format!("<{name}>"))
            }
            _ => {}
        }
        for (attr, value) in el.attrs() {
            if attr.to_ascii_lowercase().starts_with("on") {
                found.push(format!("<{name} {attr}={value:?}>"));
            }
            let url = if attr == "content" && el.attr("http-equiv").is_some() {
                value.split_once("url=").map_or("", |(_, u)| u).to_string()
            } else if matches!(
                attr,
                "href" | "src" | "action" | "formaction" | "poster" | "srcset" | "xlink:href"
            ) {
                value.to_string()
            } else {
                continue;
            };
            if is_script_url(&url) {
                found.push(format!("<{name} {attr}={value:?}>"));
            }
        }
    }
    found
}

#[test]
fn nothing_from_documents_becomes_markup() {
    let site = hostile_site();
    let report = cairn::build(&site.options()).unwrap();
    assert!(!report.has_errors(), "{:#?}", report.diagnostics);
    let files = tree(&site.out());
    assert!(site.read("index.html").contains(THEME_SCRIPT));
    let mut pages = 0;
    for (path, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        if path.ends_with(".html") {
            pages += 1;
            let found = active_content(&text);
            assert!(found.is_empty(), "{path}: {found:#?}");
        } else if path.ends_with(".xml") {
            // The feed and sitemap have a fixed vocabulary; any other tag came from a document.
            const TAGS: [&str; 14] = [
                "?xml",
                "feed",
                "title",
                "subtitle",
                "link",
                "updated",
                "id",
                "author",
                "name",
                "entry",
                "summary",
                "published",
                "category",
                "urlset",
            ];
            for tag in text.split('<').skip(1) {
                let name = tag
                    .trim_start_matches('/')
                    .split(|c: char| c.is_whitespace() || c == '>' || c == '/')
                    .next()
                    .unwrap();
                assert!(
                    TAGS.contains(&name) || ["url", "loc", "lastmod"].contains(&name),
                    "{path}: unexpected <{name}"
                );
            }
        }
    }
    assert!(pages > 10);

    // The hostile text is shown as text, not dropped.
    let page = Html::parse_document(&site.read("visions/evil/index.html"));
    let h1: String = page
        .tree
        .nodes()
        .filter_map(ElementRef::wrap)
        .find(|e| e.value().attr("id") == Some("doc-title"))
        .unwrap()
        .text()
        .collect();
    assert_eq!(h1, P);
    let all_text: String = page.root_element().text().collect();
    for shown in ["<script>alert(6)</script>", "<svg-onload=alert(3)>", "a\"b"] {
        assert!(all_text.contains(shown), "{shown} not shown as text");
    }
    // An unlabelled wikilink shows its target's title; a label is text too.
    let linker = Html::parse_document(&site.read("notes/linker/index.html"));
    let wikilinks: Vec<String> = linker
        .tree
        .nodes()
        .filter_map(ElementRef::wrap)
        .filter(|e| e.value().attr("class") == Some("wikilink"))
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(wikilinks, [P, "<b>label</b>", "\"><svg onload=alert(16)>"]);
}

#[test]
fn the_hostile_strings_would_be_caught_unescaped() {
    // The checker itself must see what it is looking for.
    let raw = format!("<p>{P}</p><a href=\" JaVa\tScRiPt:x\">a</a><div onclick=x></div>");
    let found = active_content(&raw);
    assert_eq!(found.len(), 4, "{found:#?}");
}

#[test]
fn script_links_are_refused_and_never_rendered_as_links() {
    let site = Site::copy("basic");
    site.write(
        "content/notes/x.md",
        "# X\n\n[a](javascript:alert(1)) [b](data:text/html,x) <vbscript:x> [[javascript:alert(1)]]\n",
    );
    let report = cairn::build(&site.options()).unwrap();
    let shown: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        shown,
        [
            "content/notes/x.md:3:1: error: links with `javascript:` are not allowed",
            "content/notes/x.md:3:26: error: links with `data:` are not allowed",
            "content/notes/x.md:3:48: error: links with `vbscript:` are not allowed",
            "content/notes/x.md:3:61: error: unknown document `javascript:alert(1)`",
        ]
    );
    // Even rendered regardless of the errors, as `serve` shows a failing page, they are text.
    let a = cairn::pipeline::analyse(&site.options()).unwrap();
    let theme = cairn::theme::Theme::load(site.root(), "default").unwrap();
    let hl = cairn::highlight::Highlighter::new();
    let templates = cairn::render::Templates::new(&theme, &hl).unwrap();
    let renderer = cairn::render::Renderer::new(
        &a.site,
        &a.config,
        &templates,
        &hl,
        cairn::render::RenderEnv {
            today: today(),
            status: None,
        },
    )
    .unwrap();
    let i = a
        .site
        .docs
        .iter()
        .position(|d| d.source.as_str() == "notes/x.md")
        .unwrap();
    let (_, bytes) = renderer.render(&cairn::render::Page::document(i)).unwrap();
    let html = String::from_utf8(bytes).unwrap();
    let found = active_content(&html);
    assert!(found.is_empty(), "{found:#?}");
    assert!(!html.to_ascii_lowercase().contains("href=\"javascript"));
}
