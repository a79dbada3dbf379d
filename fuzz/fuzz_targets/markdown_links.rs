//! Markdown analysis, link resolution and rendering over a few documents that link to each
//! other. Documents are separated by NUL bytes in the input.

#![no_main]

use std::sync::OnceLock;

use cairn::config::SiteConfig;
use cairn::diag::Diagnostics;
use cairn::highlight::Highlighter;
use cairn::markdown::{self, RenderOptions};
use cairn::names::SourcePath;
use cairn::source::SourceFile;
use libfuzzer_sys::fuzz_target;

const PATHS: [&str; 4] = [
    "strategies/cloud.md",
    "visions/north-star.md",
    "runbooks/ops/backups.md",
    "notes/_index.md",
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    static HL: OnceLock<Highlighter> = OnceLock::new();
    let hl = HL.get_or_init(Highlighter::new);
    let config = SiteConfig::default();
    let mut all = Diagnostics::new();
    let docs: Vec<_> = text
        .split('\0')
        .zip(PATHS)
        .map(|(t, p)| {
            let (d, diags) = cairn::doc::parse(
                SourceFile {
                    path: SourcePath::new(p),
                    text: t.to_string(),
                },
                &config,
            );
            all.extend(diags);
            d
        })
        .collect();
    let assets = [SourcePath::new("img/a.png")];
    let (site, _) = cairn::link::link(docs, &config, true, &assets);
    for (i, d) in site.docs.iter().enumerate() {
        assert_eq!(site.links[i].len(), d.outline.links.len());
        let html = markdown::render(
            d.body(),
            &d.outline,
            &site.link_targets(i, &config.base_url),
            d.title_heading,
            hl,
            RenderOptions::default(),
        );
        // Raw HTML is text unless the site allows it; nothing may open a script.
        assert!(!html.contains("<script"), "{html}");
    }
});
