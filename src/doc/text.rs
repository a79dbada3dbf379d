//! Text shown on pages, cleaned of what would mislead a reader (invisible and control
//! characters), titles made from file names, and review periods. Pure.

use jiff::{Span, ToSpan};

use crate::schema::Reader;
use crate::yaml::Node;

/// Removes invisible characters (see [`crate::names::is_invisible`]), which would make two
/// titles look equal while they differ, or reorder the text around them. Returns the text and
/// the characters removed. Zero-width joiners stay: emoji sequences and several scripts
/// (Persian, Hindi) need them.
pub(super) fn clean_text(s: &str) -> (String, Vec<char>) {
    let mut removed = Vec::new();
    let text: String = s
        .chars()
        .filter(|&c| {
            let drop = crate::names::is_invisible(c) && !matches!(c, '\u{200c}' | '\u{200d}');
            // Line breaks and tabs in a title are folded by `trim` and HTML; not worth a warning.
            if drop && !matches!(c, '\n' | '\t') && !removed.contains(&c) {
                removed.push(c);
            }
            !drop
        })
        .collect();
    removed.sort_unstable();
    (text.trim().to_string(), removed)
}

/// Cleans a value shown on pages and warns when something invisible was in it.
pub(super) fn shown_text(r: &mut Reader, key: &str, n: &Node, s: &str) -> String {
    let (text, removed) = clean_text(s);
    if !removed.is_empty() {
        r.warning_on(n, invisible_message(&format!("`{key}`"), &removed));
    }
    text
}

pub(super) fn invisible_message(what: &str, removed: &[char]) -> String {
    let list: Vec<String> = removed
        .iter()
        .map(|c| format!("U+{:04X}", *c as u32))
        .collect();
    format!(
        "{what} contains invisible or control characters ({}); they are left out",
        list.join(", ")
    )
}

/// `my-file_name` → `My file name`, for titles made from file names.
pub(super) fn humanize(stem: &str) -> String {
    let (stem, _) = clean_text(stem);
    let words = stem.replace(['-', '_'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => "Home".into(),
    }
}

/// `6 months`, `2 weeks`, `90 days`, `1 year`.
pub fn parse_period(s: &str) -> Option<Span> {
    let mut parts = s.split_whitespace();
    let n: i64 = parts.next()?.parse().ok()?;
    let unit = parts.next()?;
    if parts.next().is_some() || n <= 0 || n > 100 * 366 {
        return None;
    }
    match unit.trim_end_matches('s') {
        "day" => Some(n.days()),
        "week" => Some(n.weeks()),
        "month" => Some(n.months()),
        "year" => Some(n.years()),
        _ => None,
    }
}
