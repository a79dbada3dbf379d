//! Markdown in two passes over the same text: `analyse` (parse stage) finds headings, anchors,
//! sections and links with their byte offsets; `render` (render stage) writes HTML once links
//! are resolved, taking anchors and link targets from the analysis in document order.
//!
//! Pure: links arrive already resolved, highlighting is delegated to [`Highlighter`].

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd, html};

use crate::highlight::Highlighter;
use crate::names::slugify;

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_WIKILINKS
}

#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    pub anchor: String,
    /// Byte offset of the heading in the body.
    pub offset: usize,
    /// Whether anything but blank text follows before the next heading of the same or a
    /// higher level (an empty required section is worth a warning).
    pub has_content: bool,
}

/// A link found in the body: `[[wiki]]`, `[x](dest)` or an image.
#[derive(Debug, Clone, PartialEq)]
pub struct BodyLink {
    pub dest: String,
    pub wiki: bool,
    pub image: bool,
    /// A wikilink written with its own label (`[[id|label]]`).
    pub labelled: bool,
    pub offset: usize,
    /// How many characters the link takes in the body (`[text](dest)` whole).
    pub len: u32,
}

/// What the parse stage learns from a body without rendering it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outline {
    pub headings: Vec<Heading>,
    pub links: Vec<BodyLink>,
    /// The body's words without markup or code blocks, for search and word counts (the
    /// parse stage takes them and leaves this empty).
    pub text: String,
}

impl Outline {
    /// The first level-1 heading, which titles a document without front matter.
    pub fn h1(&self) -> Option<(usize, &Heading)> {
        self.headings.iter().enumerate().find(|(_, h)| h.level == 1)
    }

    pub fn has_anchor(&self, anchor: &str) -> bool {
        self.headings.iter().any(|h| h.anchor == anchor)
    }
}

pub fn analyse(body: &str) -> Outline {
    let mut out = Outline::default();
    let mut seen = Anchors::default();
    let mut heading: Option<(u8, Option<String>, usize, String)> = None;
    // Headings whose section is still open, innermost last.
    let mut open: Vec<usize> = Vec::new();
    let mut in_code = false;
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                heading = Some((
                    level as u8,
                    id.map(|s| s.to_string()),
                    range.start,
                    String::new(),
                ));
                continue;
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, id, offset, text)) = heading.take() {
                    let text = text.trim().to_string();
                    let anchor = unique_anchor(id.unwrap_or_else(|| slugify(&text)), &mut seen);
                    while open.last().is_some_and(|&i| out.headings[i].level >= level) {
                        open.pop();
                    }
                    open.push(out.headings.len());
                    out.headings.push(Heading {
                        level,
                        text,
                        anchor,
                        offset,
                        has_content: false,
                    });
                }
                continue;
            }
            Event::Start(Tag::Link {
                link_type,
                ref dest_url,
                ..
            }) => {
                let wiki = matches!(link_type, LinkType::WikiLink { .. });
                let labelled = matches!(link_type, LinkType::WikiLink { has_pothole: true });
                out.links.push(BodyLink {
                    dest: dest_url.to_string(),
                    wiki,
                    image: false,
                    labelled,
                    offset: range.start,
                    len: chars(body, &range),
                });
            }
            Event::Start(Tag::Image {
                link_type,
                ref dest_url,
                ..
            }) => {
                let wiki = matches!(link_type, LinkType::WikiLink { .. });
                out.links.push(BodyLink {
                    dest: dest_url.to_string(),
                    wiki,
                    image: true,
                    labelled: true,
                    offset: range.start,
                    len: chars(body, &range),
                });
            }
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            _ => {}
        }
        let content = match &event {
            Event::Text(t) | Event::Code(t) => {
                if let Some((.., text)) = heading.as_mut() {
                    text.push_str(t);
                } else if !in_code {
                    push_words(&mut out.text, t);
                }
                !t.trim().is_empty()
            }
            Event::Start(Tag::CodeBlock(_) | Tag::Image { .. } | Tag::Table(_))
            | Event::Rule
            | Event::TaskListMarker(_) => true,
            Event::Html(t) | Event::InlineHtml(t) => !t.trim().is_empty(),
            _ => false,
        };
        if content && heading.is_none() {
            for &i in &open {
                out.headings[i].has_content = true;
            }
        }
    }
    out
}

/// The characters of `body` in `range` (on the range's first line: an underline stops there).
fn chars(body: &str, range: &std::ops::Range<usize>) -> u32 {
    let text = body.get(range.clone()).unwrap_or("");
    text.split('\n').next().unwrap_or("").chars().count() as u32
}

fn push_words(out: &mut String, t: &str) {
    if !out.is_empty() && !out.ends_with(' ') {
        out.push(' ');
    }
    out.push_str(t.trim());
}

/// Anchors already given out, and for each base the next number to try: remembering it keeps
/// a document with thousands of identical headings linear instead of quadratic.
#[derive(Default)]
struct Anchors {
    seen: HashSet<String>,
    next: HashMap<String, usize>,
}

fn unique_anchor(base: String, anchors: &mut Anchors) -> String {
    let base = if base.is_empty() {
        "section".to_string()
    } else {
        base
    };
    if anchors.seen.insert(base.clone()) {
        return base;
    }
    let n = anchors.next.entry(base.clone()).or_insert(1);
    loop {
        let anchor = format!("{base}-{n}");
        *n += 1;
        if anchors.seen.insert(anchor.clone()) {
            return anchor;
        }
    }
}

/// What a body link becomes in HTML, decided by the link stage.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkTarget {
    /// Leave the destination as written (external links).
    Keep,
    /// Point at this URL; `title` replaces the text of an unlabelled wikilink.
    Url { href: String, title: Option<String> },
    /// Unresolved or refused: rendered as text, not as a link.
    Broken,
}

/// Rendering choices that come from the site config, and from the page a body is shown on.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions<'a> {
    /// Pass raw HTML through. Off by default: raw HTML is shown as text.
    pub raw_html: bool,
    /// Put before every heading anchor (and same-page link), so several documents can share
    /// one page (the print packet) without clashing ids.
    pub anchor_prefix: &'a str,
    /// Levels to add to every heading (capped at 6), so a body nests under the page's own
    /// headings.
    pub heading_offset: u8,
    /// Write code blocks without highlighting: for bodies shown a second time (the print
    /// packet), where highlighting would double the build's most expensive work.
    pub plain_code: bool,
}

/// How an open link is closed when its end arrives.
enum Close {
    /// The original link tag, left to the HTML writer.
    Tag,
    /// A rewritten `<a>`.
    Anchor,
    /// A broken link shown as a `<span>`.
    Span,
}

/// Pairs each link the renderer meets with the analysed link that starts at the same byte of
/// the body. Counting links instead would shift every later link by one whenever the renderer
/// leaves some out (the links of the heading shown as the page title).
struct Targets<'a> {
    found: &'a [BodyLink],
    targets: &'a [LinkTarget],
    /// Links before this one are paired already: offsets only grow in document order.
    next: usize,
}

impl Targets<'_> {
    fn at(&mut self, offset: usize) -> LinkTarget {
        let from = self.next + self.found[self.next..].partition_point(|l| l.offset < offset);
        match self.found.get(from) {
            Some(l) if l.offset == offset => {
                self.next = from + 1;
                self.targets.get(from).cloned().unwrap_or(LinkTarget::Keep)
            }
            // Not a link the analysis saw (it parses the same text the same way, so this is
            // a caller passing another body): leave it as written.
            _ => LinkTarget::Keep,
        }
    }
}

/// Writes the body as HTML. `links` and `outline` come from the same body, in document order.
/// `skip_heading` is the index of a heading already shown as the page title.
pub fn render(
    body: &str,
    outline: &Outline,
    links: &[LinkTarget],
    skip_heading: Option<usize>,
    hl: &Highlighter,
    opts: RenderOptions,
) -> String {
    let prefix = opts.anchor_prefix;
    let shift = |level: pulldown_cmark::HeadingLevel| (level as u8 + opts.heading_offset).min(6);
    let mut events: Vec<Event> = Vec::new();
    let mut heading_no = 0;
    let mut targets = Targets {
        found: &outline.links,
        targets: links,
        next: 0,
    };
    let mut skipping = false;
    // How each open link is closed, innermost last.
    let mut closers: Vec<Close> = Vec::new();
    // Inside an unlabelled wikilink whose text was replaced by the target's title.
    let mut replaced = false;
    let mut code: Option<(Option<String>, String)> = None;

    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        if let Some((lang, buf)) = code.as_mut() {
            match event {
                Event::Text(t) => buf.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let html = if opts.plain_code {
                        Highlighter::plain(lang.as_deref(), buf)
                    } else {
                        hl.highlight(lang.as_deref(), buf)
                    };
                    events.push(Event::Html(html.into()));
                    code = None;
                }
                _ => {}
            }
            continue;
        }
        if replaced {
            if !matches!(event, Event::End(TagEnd::Link)) {
                continue;
            }
            replaced = false;
        }
        if skipping {
            skipping = !matches!(event, Event::End(TagEnd::Heading(_)));
            continue;
        }
        match event {
            Event::Start(Tag::Heading { level, classes, .. }) => {
                let i = heading_no;
                heading_no += 1;
                if Some(i) == skip_heading {
                    skipping = true;
                    continue;
                }
                let anchor = outline.headings.get(i).map_or("", |h| h.anchor.as_str());
                let class = if classes.is_empty() {
                    String::new()
                } else {
                    format!(" class=\"{}\"", escape(&classes.join(" ")))
                };
                events.push(Event::Html(
                    format!(
                        "<h{} id=\"{}{}\"{class}>",
                        shift(level),
                        escape(prefix),
                        escape(anchor)
                    )
                    .into(),
                ));
            }
            Event::End(TagEnd::Heading(level)) => {
                let anchor = outline
                    .headings
                    .get(heading_no - 1)
                    .map_or("", |h| h.anchor.as_str());
                let link = format!(
                    "<a class=\"anchor\" href=\"#{}{}\" aria-label=\"Link to this section\">#</a></h{}>\n",
                    escape(prefix),
                    escape(anchor),
                    shift(level)
                );
                events.push(Event::Html(link.into()));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split([',', ' ', '{'])
                        .next()
                        .filter(|s| !s.is_empty())
                        .map(String::from),
                    CodeBlockKind::Indented => None,
                };
                code = Some((lang, String::new()));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let target = targets.at(range.start);
                match target {
                    LinkTarget::Keep => {
                        closers.push(Close::Tag);
                        events.push(Event::Start(Tag::Link {
                            link_type,
                            dest_url,
                            title,
                            id,
                        }));
                    }
                    LinkTarget::Url {
                        href,
                        title: target_title,
                    } => {
                        let class = if matches!(link_type, LinkType::WikiLink { .. }) {
                            " class=\"wikilink\""
                        } else {
                            ""
                        };
                        let title_attr = if title.is_empty() {
                            String::new()
                        } else {
                            format!(" title=\"{}\"", escape(&title))
                        };
                        let href = match href.strip_prefix('#') {
                            Some(anchor) => format!("#{prefix}{anchor}"),
                            None => href,
                        };
                        closers.push(Close::Anchor);
                        events.push(Event::Html(
                            format!("<a href=\"{}\"{class}{title_attr}>", escape(&href)).into(),
                        ));
                        if let Some(t) = target_title.filter(|_| {
                            matches!(link_type, LinkType::WikiLink { has_pothole: false })
                        }) {
                            events.push(Event::Text(t.into()));
                            replaced = true;
                        }
                    }
                    LinkTarget::Broken => {
                        closers.push(Close::Span);
                        events.push(Event::Html(CowStr::Borrowed(
                            "<span class=\"broken-link\">",
                        )));
                    }
                }
            }
            Event::End(TagEnd::Link) => {
                events.push(match closers.pop() {
                    Some(Close::Anchor) => Event::Html(CowStr::Borrowed("</a>")),
                    Some(Close::Span) => Event::Html(CowStr::Borrowed("</span>")),
                    Some(Close::Tag) | None => Event::End(TagEnd::Link),
                });
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let target = targets.at(range.start);
                let dest_url = match target {
                    LinkTarget::Url { href, .. } => CowStr::from(href),
                    LinkTarget::Keep => dest_url,
                    LinkTarget::Broken => CowStr::Borrowed(""),
                };
                events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Html(h) | Event::InlineHtml(h) if !opts.raw_html => {
                let trimmed = h.trim();
                if !(trimmed.starts_with("<!--") && trimmed.ends_with("-->")) {
                    events.push(Event::Text(h));
                }
            }
            // A task list's box is an input: it needs a name for screen readers.
            Event::TaskListMarker(done) => events.push(Event::Html(CowStr::Borrowed(if done {
                "<input disabled=\"\" type=\"checkbox\" checked=\"\" aria-label=\"Done\"/>\n"
            } else {
                "<input disabled=\"\" type=\"checkbox\" aria-label=\"Not done\"/>\n"
            }))),
            other => events.push(other),
        }
    }
    let mut out = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    out
}

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hl() -> Highlighter {
        Highlighter::new()
    }

    #[test]
    fn headings_get_unique_anchors_and_content_flags() {
        let o = analyse(
            "# Title\n\n## Problem\n\nText.\n\n## Actions\n\n## Actions\n\n### Sub {#custom}\n\nx\n",
        );
        let anchors: Vec<_> = o.headings.iter().map(|h| h.anchor.as_str()).collect();
        assert_eq!(
            anchors,
            ["title", "problem", "actions", "actions-1", "custom"]
        );
        let content: Vec<_> = o.headings.iter().map(|h| h.has_content).collect();
        assert_eq!(content, [true, true, false, true, true]);
        assert_eq!(o.h1().unwrap().1.text, "Title");
    }

    #[test]
    fn many_equal_headings_number_on_without_clashing() {
        let body = "## A\n\n## A-1\n\n## A\n\n## A\n".repeat(2);
        let o = analyse(&body);
        let anchors: Vec<_> = o.headings.iter().map(|h| h.anchor.as_str()).collect();
        assert_eq!(
            anchors,
            ["a", "a-1", "a-2", "a-3", "a-4", "a-1-1", "a-5", "a-6"]
        );
        // Linear: twenty thousand equal headings used to take a minute.
        let o = analyse(&"## Same\n\ntext\n\n".repeat(20_000));
        assert_eq!(o.headings.last().unwrap().anchor, "same-19999");
    }

    #[test]
    fn links_are_found_with_offsets_but_not_in_code() {
        let body = "See [[grand-migration]] and [x](../a.md#b).\n\n`[[not]]`\n\n```\n[[nor]]\n```\n![d](img.png) [[id|label]]";
        let o = analyse(body);
        let dests: Vec<_> = o
            .links
            .iter()
            .map(|l| (l.dest.as_str(), l.wiki, l.image, l.labelled))
            .collect();
        assert_eq!(
            dests,
            [
                ("grand-migration", true, false, false),
                ("../a.md#b", false, false, false),
                ("img.png", false, true, true),
                ("id", true, false, true)
            ]
        );
        assert_eq!(o.links[0].offset, 4);
        assert_eq!(&body[o.links[1].offset..o.links[1].offset + 3], "[x]");
    }

    #[test]
    fn render_rewrites_links_and_titles() {
        let body = "[[a]] [[b|my label]] [c](c.md) <https://x.example> [[gone]]";
        let o = analyse(body);
        let links = vec![
            LinkTarget::Url {
                href: "/docs/a/".into(),
                title: Some("Title <A>".into()),
            },
            LinkTarget::Url {
                href: "/docs/b/".into(),
                title: Some("B".into()),
            },
            LinkTarget::Url {
                href: "/docs/c/".into(),
                title: Some("C".into()),
            },
            LinkTarget::Keep,
            LinkTarget::Broken,
        ];
        let html = render(body, &o, &links, None, &hl(), RenderOptions::default());
        assert_eq!(
            html,
            "<p><a href=\"/docs/a/\" class=\"wikilink\">Title &lt;A&gt;</a> <a href=\"/docs/b/\" class=\"wikilink\">my label</a> <a href=\"/docs/c/\">c</a> <a href=\"https://x.example\">https://x.example</a> <span class=\"broken-link\">gone</span></p>\n"
        );
    }

    #[test]
    fn links_after_a_skipped_title_heading_keep_their_own_targets() {
        let body = "# Notes on [[bee]] ![badge](b.svg)\n\nSee [[cat]] and [dog](dog.md) and [ext](https://example.org/).\n";
        let o = analyse(body);
        let url = |href: &str| LinkTarget::Url {
            href: href.into(),
            title: None,
        };
        let links = vec![
            url("/bee/"),
            url("/b.svg"),
            url("/cat/"),
            url("/dog/"),
            LinkTarget::Keep,
        ];
        let html = render(
            body,
            &o,
            &links,
            o.h1().map(|(i, _)| i),
            &hl(),
            RenderOptions::default(),
        );
        assert_eq!(
            html,
            "<p>See <a href=\"/cat/\" class=\"wikilink\">cat</a> and <a href=\"/dog/\">dog</a> and <a href=\"https://example.org/\">ext</a>.</p>\n"
        );
    }

    #[test]
    fn raw_html_is_text_unless_allowed() {
        let body = "Hi <script>alert(1)</script>\n\n<!-- a note -->\n";
        let o = analyse(body);
        let safe = render(body, &o, &[], None, &hl(), RenderOptions::default());
        assert!(!safe.contains("<script>"), "{safe}");
        assert!(safe.contains("&lt;script&gt;"));
        assert!(!safe.contains("a note"));
        let raw = render(
            body,
            &o,
            &[],
            None,
            &hl(),
            RenderOptions {
                raw_html: true,
                ..Default::default()
            },
        );
        assert!(raw.contains("<script>"));
    }

    #[test]
    fn headings_render_with_anchor_links_and_the_title_heading_is_skipped() {
        let body = "# Title\n\n## Why *now*\n";
        let o = analyse(body);
        let html = render(
            body,
            &o,
            &[],
            o.h1().map(|(i, _)| i),
            &hl(),
            RenderOptions::default(),
        );
        assert_eq!(
            html,
            "<h2 id=\"why-now\">Why <em>now</em><a class=\"anchor\" href=\"#why-now\" aria-label=\"Link to this section\">#</a></h2>\n"
        );
    }

    #[test]
    fn a_body_can_nest_under_a_page_with_prefixed_anchors() {
        let body = "## Context\n\nSee [[#context]].\n\n###### Deep\n";
        let o = analyse(body);
        let links = vec![LinkTarget::Url {
            href: "#context".into(),
            title: None,
        }];
        let opts = RenderOptions {
            anchor_prefix: "decision-x--",
            heading_offset: 2,
            ..Default::default()
        };
        let html = render(body, &o, &links, None, &hl(), opts);
        let code = "```rust\nfn x() {}\n```\n";
        let plain = RenderOptions {
            plain_code: true,
            ..Default::default()
        };
        assert_eq!(
            render(code, &analyse(code), &[], None, &hl(), plain),
            "<pre class=\"code\" data-lang=\"rust\" tabindex=\"0\"><code>fn x() {}\n</code></pre>\n"
        );
        assert!(
            html.starts_with("<h4 id=\"decision-x--context\">Context<a class=\"anchor\" href=\"#decision-x--context\""),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"#decision-x--context\" class=\"wikilink\">"),
            "{html}"
        );
        assert!(html.contains("<h6 id=\"decision-x--deep\">"), "{html}");
    }

    #[test]
    fn gfm_extensions_render() {
        let body = "| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n\n~~old~~ note[^1]\n\n[^1]: The footnote.\n";
        let html = render(
            body,
            &analyse(body),
            &[],
            None,
            &hl(),
            RenderOptions::default(),
        );
        for needle in [
            "<table>",
            "type=\"checkbox\" checked=\"\" aria-label=\"Done\"",
            "type=\"checkbox\" aria-label=\"Not done\"",
            "<del>old</del>",
            "footnote-definition",
        ] {
            assert!(html.contains(needle), "{needle} missing in {html}");
        }
    }
}
