//! `site.yaml`'s `repository:` section: where the site's source is hosted, and the "Edit this
//! page" and "View source" addresses of a document built from it. Every part that comes from
//! the configuration or a file name is percent-encoded, and only `http`/`https` addresses are
//! accepted, so the result is safe in an `href` once HTML-escaped. Pure: it never contacts the
//! host, and it knows nothing of pages or templates.

use crate::names::encode_path;
use crate::schema::Reader;
use crate::yaml::Node;

const KEYS: [&str; 4] = ["url", "branch", "edit_path", "view_path"];

/// A hosted repository and the paths of its edit and view pages (GitHub's by default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repository {
    /// `https://host/owner/name`, without a trailing `/`.
    url: String,
    branch: String,
    /// Below `url`, with `{branch}` and `{path}` to fill in: `edit/{branch}/{path}`.
    edit_path: String,
    view_path: String,
}

impl Repository {
    /// The page of commit `id` (hexadecimal, so it needs no encoding).
    pub fn commit_url(&self, id: &str) -> String {
        format!("{}/commit/{id}", self.url)
    }

    /// The page that edits `file` (a path from the site's root, `content/x.md`).
    pub fn edit_url(&self, file: &str) -> String {
        self.fill(&self.edit_path, file)
    }

    /// The page that shows `file` as it is on the branch.
    pub fn view_url(&self, file: &str) -> String {
        self.fill(&self.view_path, file)
    }

    fn fill(&self, pattern: &str, file: &str) -> String {
        let mut out = format!("{}/", self.url);
        let mut rest = pattern;
        while let Some(open) = rest.find('{') {
            out.push_str(&encode_path(&rest[..open]));
            let close = open + rest[open..].find('}').expect("checked when read");
            match &rest[open + 1..close] {
                "branch" => out.push_str(&encode_path(&self.branch)),
                _ => out.push_str(&encode_path(file)),
            }
            rest = &rest[close + 1..];
        }
        out.push_str(&encode_path(rest));
        out
    }
}

/// Whether `url` is an absolute `http`/`https` address with a host and nothing that could
/// end the attribute or the path it is put in.
fn check_url(url: &str) -> Result<&str, String> {
    let lower = url.to_ascii_lowercase();
    let Some(rest) = ["https://", "http://"]
        .iter()
        .find_map(|s| lower.strip_prefix(s))
    else {
        return Err(format!(
            "`url` must start with https:// or http://, found `{url}`"
        ));
    };
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() {
        return Err(format!("`url` has no host: `{url}`"));
    }
    if let Some(c) = url
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || "\"'<>\\`{}|^?#".contains(*c))
    {
        return Err(format!("`url` may not contain {c:?}: `{url}`"));
    }
    Ok(url.trim_end_matches('/'))
}

/// Whether `pattern` is a relative path holding `{path}`, with no placeholder but
/// `{branch}` and `{path}`.
fn check_pattern(key: &str, pattern: &str) -> Result<(), String> {
    if pattern.starts_with('/') || pattern.contains("://") || pattern.contains('\\') {
        return Err(format!(
            "`{key}` is a path below `url` (such as `edit/{{branch}}/{{path}}`), found `{pattern}`"
        ));
    }
    if pattern.split('/').any(|s| s == "..") {
        return Err(format!("`{key}` may not climb out of `url` with `..`"));
    }
    let mut rest = pattern;
    let mut has_path = false;
    while let Some(open) = rest.find('{') {
        let Some(len) = rest[open..].find('}') else {
            return Err(format!("`{key}` has a `{{` without its `}}`"));
        };
        match &rest[open + 1..open + len] {
            "path" => has_path = true,
            "branch" => {}
            other => {
                return Err(format!(
                    "`{key}` knows `{{branch}}` and `{{path}}`, found `{{{other}}}`"
                ));
            }
        }
        rest = &rest[open + len + 1..];
    }
    if rest.contains('}') || !has_path {
        return Err(format!("`{key}` must hold `{{path}}`, found `{pattern}`"));
    }
    Ok(())
}

/// Reads `repository: { url, branch, edit_path, view_path }`; `None` (with an error) when it
/// is unusable.
pub fn read(r: &mut Reader, n: &Node) -> Option<Repository> {
    let mut repo = Repository {
        url: String::new(),
        branch: "main".into(),
        edit_path: "edit/{branch}/{path}".into(),
        view_path: "blob/{branch}/{path}".into(),
    };
    let mut ok = true;
    for e in r.map("`repository`", n) {
        let node = &e.node;
        let key = e.key.as_str();
        let Some(value) = KEYS.contains(&key).then(|| r.string(key, node)).flatten() else {
            if !KEYS.contains(&key) {
                r.unknown_key(e, "`repository`", &KEYS);
            } else {
                ok = false;
            }
            continue;
        };
        let checked = match key {
            "url" => check_url(&value).map(|u| repo.url = u.to_string()),
            "branch" if value.trim().is_empty() => Err("`branch` is empty".to_string()),
            "branch" => {
                repo.branch = value;
                Ok(())
            }
            "edit_path" => check_pattern(key, &value).map(|()| repo.edit_path = value),
            _ => check_pattern(key, &value).map(|()| repo.view_path = value),
        };
        if let Err(msg) = checked {
            r.error_on(node, format!("`repository`: {msg}"));
            ok = false;
        }
    }
    if repo.url.is_empty() && ok {
        r.error_on(n, "`repository` needs a `url` (https://host/owner/name)");
        ok = false;
    }
    ok.then_some(repo)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostics;

    fn parse(yaml: &str) -> (Option<Repository>, Vec<String>) {
        let node = crate::yaml::parse(yaml).unwrap();
        let mut diags = Diagnostics::new();
        let repo = read(&mut Reader::new("site.yaml", 1, &mut diags), &node);
        let msgs = diags
            .into_sorted()
            .iter()
            .map(|d| d.message.clone())
            .collect();
        (repo, msgs)
    }

    #[test]
    fn github_by_default_with_every_part_encoded() {
        let (repo, msgs) = parse("url: https://github.com/kestrel/eng/\nbranch: \"main <x>\"\n");
        assert!(msgs.is_empty(), "{msgs:?}");
        let repo = repo.unwrap();
        assert_eq!(
            repo.edit_url("content/a b/\"q\"<x>.md"),
            "https://github.com/kestrel/eng/edit/main%20%3Cx%3E/content/a%20b/%22q%22%3Cx%3E.md"
        );
        assert_eq!(
            repo.view_url("content/x.md"),
            "https://github.com/kestrel/eng/blob/main%20%3Cx%3E/content/x.md"
        );
    }

    #[test]
    fn gitlab_and_gitea_patterns() {
        let (repo, msgs) = parse(
            "url: https://gitlab.example/eng/site\nbranch: trunk\nedit_path: \"-/edit/{branch}/docs/{path}\"\nview_path: \"-/blob/{branch}/docs/{path}\"\n",
        );
        assert!(msgs.is_empty(), "{msgs:?}");
        let repo = repo.unwrap();
        assert_eq!(
            repo.edit_url("content/x.md"),
            "https://gitlab.example/eng/site/-/edit/trunk/docs/content/x.md"
        );
        let (repo, _) = parse(
            "url: https://gitea.example/eng/site\nedit_path: \"_edit/{branch}/{path}\"\nview_path: \"src/branch/{branch}/{path}\"\n",
        );
        assert_eq!(
            repo.unwrap().view_url("content/x.md"),
            "https://gitea.example/eng/site/src/branch/main/content/x.md"
        );
    }

    #[test]
    fn other_schemes_and_odd_patterns_are_refused() {
        for (yaml, want) in [
            (
                "url: javascript:alert(1)",
                "must start with https:// or http://",
            ),
            (
                "url: \"JAVASCRIPT://x\"",
                "must start with https:// or http://",
            ),
            ("url: https://", "has no host"),
            ("url: \"https://h/x\\\"onmouseover=x\"", "may not contain"),
            ("url: https://h/x?y=1", "may not contain '?'"),
            (
                "url: https://h/x\nedit_path: /etc/{path}",
                "is a path below `url`",
            ),
            (
                "url: https://h/x\nedit_path: \"https://evil/{path}\"",
                "is a path below `url`",
            ),
            (
                "url: https://h/x\nedit_path: \"../../{path}\"",
                "may not climb out",
            ),
            (
                "url: https://h/x\nedit_path: \"edit/{user}/{path}\"",
                "found `{user}`",
            ),
            (
                "url: https://h/x\nview_path: \"blob/{branch}\"",
                "must hold `{path}`",
            ),
            ("branch: main", "needs a `url`"),
        ] {
            let (repo, msgs) = parse(yaml);
            assert_eq!(repo, None, "{yaml}");
            assert!(msgs.iter().any(|m| m.contains(want)), "{yaml}: {msgs:?}");
        }
        let (_, msgs) = parse("url: https://h/x\nbrnach: main\n");
        assert!(msgs[0].contains("did you mean `branch`"), "{msgs:?}");
    }
}
