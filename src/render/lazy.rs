//! The parts of a view that cost real work to make: a document's body as HTML, a drawing.
//! A template gets what they make; the page digest gets what they are made from (their
//! compact form, see [`super::digest`]), so taking a digest renders no Markdown and lays out
//! nothing, and a page taken from the cache never makes them at all.

use serde::ser::{Serialize, SerializeTuple, Serializer};

use super::Renderer;
use crate::markdown::{self, LinkTarget, RenderOptions};

/// A part made by `make` from `inputs` only when a template shows it.
pub(super) struct Lazy<'r, K> {
    r: &'r Renderer<'r>,
    inputs: K,
    make: fn(&Renderer<'_>, &K) -> String,
}

impl<'r, K: Serialize> Lazy<'r, K> {
    pub(super) fn new(
        r: &'r Renderer<'r>,
        inputs: K,
        make: fn(&Renderer<'_>, &K) -> String,
    ) -> Self {
        Lazy { r, inputs, make }
    }

    pub(super) fn make(&self) -> String {
        (self.make)(self.r, &self.inputs)
    }
}

impl<K: Serialize> Serialize for Lazy<'_, K> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_str(&self.make())
        } else {
            // Marked, so that a test can tell inputs from what the template sees.
            s.serialize_newtype_struct(LAZY, &self.inputs)
        }
    }
}

/// The name [`Lazy`] gives its compact form.
pub(super) const LAZY: &str = "cairn::lazy";

/// A document's body as HTML, or nothing (`""`) for a folder without an introduction.
pub(super) type Html<'r> = Lazy<'r, Option<Body<'r>>>;

impl<'r> Html<'r> {
    pub(super) fn maybe(r: &'r Renderer<'r>, body: Option<Body<'r>>) -> Self {
        Lazy::new(r, body, |r, body| {
            body.as_ref().map_or_else(String::new, |b| b.make(r))
        })
    }

    pub(super) fn of(r: &'r Renderer<'r>, body: Body<'r>) -> Self {
        Html::maybe(r, Some(body))
    }
}

/// What a document's body is rendered from wherever it is shown: its text (by the hash of
/// its path and text, which also decide its outline and title heading) and where its links go
/// as pages show them. Made once per document, with its digest, for its page and every packet.
pub(super) struct Source {
    links: Vec<LinkTarget>,
    digest: u64,
}

impl Source {
    pub(super) fn new(r: &Renderer<'_>, i: usize) -> Source {
        let links = r.site.link_targets(i, &r.config.base_url);
        let mut d = crate::digest::Digest::new();
        super::digest::feed(&mut d, &(r.site.docs[i].hash, Targets(&links)))
            .expect("link targets are plain data");
        Source {
            links,
            digest: d.finish(),
        }
    }
}

/// What a document's body is rendered from on one page: its [`Source`] and how it is placed
/// on the page. The configuration and the highlighter are in every page's digest already. The
/// document's position in the site is how the text is found, not an input: it is left out of
/// the digest, so that adding a document changes no other page.
pub(super) struct Body<'r> {
    doc: usize,
    source: &'r Source,
    anchor_prefix: &'r str,
    heading_offset: u8,
    plain_code: bool,
    raw_html: bool,
    /// Shown in print packets, where one rendering serves every packet holding it.
    packet: bool,
}

impl<'r> Body<'r> {
    /// Document `i`'s body on its own page (or as a folder's introduction).
    pub(super) fn page(r: &'r Renderer<'r>, i: usize) -> Self {
        Body::new(r, i, RenderOptions::default(), false)
    }

    /// Document `i`'s body inside a print packet.
    pub(super) fn packet(r: &'r Renderer<'r>, i: usize, opts: RenderOptions<'r>) -> Self {
        Body::new(r, i, opts, true)
    }

    fn new(r: &'r Renderer<'r>, i: usize, opts: RenderOptions<'r>, packet: bool) -> Self {
        Body {
            doc: i,
            source: r.source(i),
            anchor_prefix: opts.anchor_prefix,
            heading_offset: opts.heading_offset,
            plain_code: opts.plain_code,
            raw_html: r.config.raw_html,
            packet,
        }
    }

    pub(super) fn options(&self) -> RenderOptions<'_> {
        RenderOptions {
            raw_html: self.raw_html,
            anchor_prefix: self.anchor_prefix,
            heading_offset: self.heading_offset,
            plain_code: self.plain_code,
        }
    }

    pub(super) fn doc(&self) -> usize {
        self.doc
    }

    fn make(&self, r: &Renderer<'_>) -> String {
        if self.packet {
            return r.packet_body(self);
        }
        render(r, self)
    }
}

/// Renders `body` (no memo).
pub(super) fn render(r: &Renderer<'_>, body: &Body<'_>) -> String {
    let d = &r.site.docs[body.doc];
    markdown::render(
        d.body(),
        &d.outline,
        &body.source.links,
        d.title_heading,
        r.hl,
        body.options(),
    )
}

impl Serialize for Body<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Body {
            doc: _,
            source,
            anchor_prefix,
            heading_offset,
            plain_code,
            raw_html,
            packet: _,
        } = self;
        let mut t = s.serialize_tuple(5)?;
        t.serialize_element(&source.digest)?;
        t.serialize_element(anchor_prefix)?;
        t.serialize_element(heading_offset)?;
        t.serialize_element(plain_code)?;
        t.serialize_element(raw_html)?;
        t.end()
    }
}

/// Where a body's links go, in its compact form. Matched field by field, so a new kind of
/// link target cannot be left out of the digest.
struct Targets<'a>(&'a [LinkTarget]);

impl Serialize for Targets<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|t| match t {
            LinkTarget::Keep => (0u8, None, None),
            LinkTarget::Broken => (1, None, None),
            LinkTarget::Url { href, title } => (2, Some(href.as_str()), title.as_deref()),
        }))
    }
}
