//! Diagnostics at scale: identical problems grouped for the terminal. After the first
//! [`SHOWN`] of one kind (the same message once the names in it are masked, e.g. every
//! "no heading `#…`"), the rest are counted instead of printed, and one line per grouped kind
//! at the end says how many there were. `--verbose` and `--format json` list every one.
//!
//! Only the printing groups: the library returns every diagnostic. Pure; the caller prints.

use std::collections::HashMap;

use cairn::diag::{Diagnostic, Severity};

/// How many diagnostics of one kind are printed before the rest are counted.
pub const SHOWN: usize = 20;

/// How many of one kind also print the source line and its underline: after a few, the
/// same underline under the same key tells the reader nothing new.
pub const QUOTED: usize = 3;

/// Messages whose first quoted name is what the problem is about, so each name is a kind of
/// its own ("unknown key `lastmod`" and "unknown key `toc`" are two kinds, each repeated on
/// every page of a site written for another tool).
const NAMED: [&str; 3] = ["unknown key `", "unknown status `", "unknown kind `"];

/// A kind of problem that repeated past [`SHOWN`].
#[derive(Debug, PartialEq)]
pub struct Group {
    pub severity: Severity,
    pub template: String,
    /// How many there are in all.
    pub total: usize,
}

impl Group {
    /// `... and 4,539 more: warning: unknown key `lastmod` in front matter (4,559 in all; use --verbose to list all)`.
    pub fn line(&self) -> String {
        format!(
            "... and {} more: {}: {} ({} in all; use --verbose to list all)",
            thousands(self.total - SHOWN),
            self.severity,
            self.template,
            thousands(self.total)
        )
    }
}

/// The diagnostics to print, in their order, each with whether its source line is quoted, and
/// the kinds that were cut short, most frequent first.
pub fn group(diags: &[Diagnostic]) -> (Vec<(&Diagnostic, bool)>, Vec<Group>) {
    let mut seen: HashMap<(Severity, String), usize> = HashMap::new();
    let mut order = Vec::new();
    let mut shown = Vec::new();
    for d in diags {
        let key = (d.severity, template(&d.message));
        let n = seen.entry(key.clone()).or_insert_with(|| {
            order.push(key.clone());
            0
        });
        *n += 1;
        if *n <= SHOWN {
            shown.push((d, *n <= QUOTED));
        }
    }
    let mut groups: Vec<Group> = order
        .into_iter()
        .filter_map(|key| {
            let total = seen[&key];
            (total > SHOWN).then_some(Group {
                severity: key.0,
                template: key.1,
                total,
            })
        })
        .collect();
    // Stable: equal counts keep the order they were first met in.
    groups.sort_by_key(|g| std::cmp::Reverse(g.total));
    (shown, groups)
}

/// A message with what varies from one instance to the next masked: the "did you mean" hint,
/// quoted names (but the first for [`NAMED`] messages) and file paths.
pub fn template(message: &str) -> String {
    let message = match message.find(" (did you mean") {
        Some(i) => &message[..i],
        None => message,
    };
    let keep_first = NAMED.iter().any(|p| message.starts_with(p));
    let mut out = String::with_capacity(message.len());
    let mut quoted = 0;
    let mut rest = message;
    while let Some(start) = rest.find('`') {
        let Some(len) = rest[start + 1..].find('`') else {
            break;
        };
        out.push_str(&mask_paths(&rest[..start]));
        quoted += 1;
        if keep_first && quoted == 1 {
            out.push_str(&rest[start..start + len + 2]);
        } else {
            out.push_str("`…`");
        }
        rest = &rest[start + len + 2..];
    }
    out.push_str(&mask_paths(rest));
    out
}

/// `in content/a/b.md` → `in …`: a word with a `/` and a file extension names a file.
fn mask_paths(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (n, w) in text.split(' ').enumerate() {
        if n > 0 {
            out.push(' ');
        }
        let bare = w.trim_end_matches([',', ';', ':', ')']);
        if bare.contains('/') && bare.rsplit('/').next().is_some_and(|f| f.contains('.')) {
            out.push('…');
            out.push_str(&w[bare.len()..]);
        } else {
            out.push_str(w);
        }
    }
    out
}

/// `4539` → `4,539`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use cairn::diag::Pos;

    fn warn(path: &str, message: &str) -> Diagnostic {
        Diagnostic::new(Severity::Warning, path, Pos::START, message)
    }

    #[test]
    fn names_that_vary_are_masked() {
        assert_eq!(
            template("unknown key `lastmod` in front matter (did you mean `updated`?)"),
            "unknown key `lastmod` in front matter"
        );
        assert_eq!(
            template("no heading `#gift` in content/visions/north-star.md"),
            "no heading `…` in …"
        );
        assert_eq!(
            template("no heading `#other` in this document"),
            "no heading `…` in this document"
        );
    }

    #[test]
    fn repeats_past_the_limit_are_counted() {
        let mut diags: Vec<Diagnostic> = (0..SHOWN + 5)
            .map(|i| {
                warn(
                    &format!("content/p{i}.md"),
                    "unknown key `lastmod` in front matter",
                )
            })
            .collect();
        diags.push(warn("content/q.md", "unknown key `toc` in front matter"));
        diags.extend((0..SHOWN + 1).map(|i| {
            warn(
                &format!("content/r{i}.md"),
                &format!("no heading `#h{i}` in content/s{i}.md"),
            )
        }));
        let (shown, groups) = group(&diags);
        assert_eq!(shown.len(), SHOWN + 1 + SHOWN);
        assert!(shown.iter().any(|(d, _)| d.message.contains("`toc`")));
        // The first few of each kind quote their line; the rest are one line each.
        let quoted = shown.iter().filter(|(_, q)| *q).count();
        assert_eq!(quoted, QUOTED + 1 + QUOTED);
        assert!(shown[..QUOTED].iter().all(|(_, q)| *q));
        assert!(!shown[QUOTED].1);
        assert_eq!(
            groups,
            [
                Group {
                    severity: Severity::Warning,
                    template: "unknown key `lastmod` in front matter".into(),
                    total: SHOWN + 5,
                },
                Group {
                    severity: Severity::Warning,
                    template: "no heading `…` in …".into(),
                    total: SHOWN + 1,
                },
            ]
        );
        assert_eq!(
            groups[0].line(),
            "... and 5 more: warning: unknown key `lastmod` in front matter (25 in all; use --verbose to list all)"
        );
    }

    #[test]
    fn few_problems_are_all_shown() {
        let diags = vec![warn("a", "x"), warn("b", "x")];
        let (shown, groups) = group(&diags);
        assert_eq!(shown.len(), 2);
        assert!(groups.is_empty());
        assert_eq!(thousands(4539), "4,539");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
