//! Front matter: normalising, splitting, YAML with positions, and the whole one-file parse.
//! Besides not panicking, every diagnostic must point inside the file.

#![no_main]

use cairn::config::SiteConfig;
use cairn::names::SourcePath;
use cairn::source::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = cairn::source::normalize(data) else {
        return;
    };
    if let Ok(split) = cairn::frontmatter::split(&text, false) {
        assert_eq!(&text[split.body_offset..], split.body);
        if let Some(front) = split.yaml {
            if split.toml {
                let _ = cairn::frontmatter::parse_toml(front);
            } else {
                let _ = cairn::yaml::parse(front);
                // The same reader also takes `site.yaml`.
                let _ = cairn::config::parse(front);
            }
        }
    }
    let config = SiteConfig::default();
    for path in ["strategies/s.md", "notes/n.md", "visions/_index.md"] {
        let file = SourceFile {
            path: SourcePath::new(path),
            text: text.clone(),
        };
        let (_, diags) = cairn::doc::parse(file, &config);
        let lines: Vec<&str> = text.split('\n').collect();
        for d in diags.iter() {
            let line = lines.get(d.line as usize - 1);
            assert!(line.is_some(), "{d} is past the last line");
            let width = line.unwrap().chars().count() as u32;
            assert!(d.col >= 1 && d.col <= width + 1, "{d} is past the end of its line");
        }
    }
});
