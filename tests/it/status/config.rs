//! Check configuration in `site.yaml`: problems are diagnostics with line and column, dead
//! `[[doc]]` links are build diagnostics, and broken configs stop with a configuration error.

use cairn::Error;

use super::{NOW, site};

fn lines(diags: &[cairn::diag::Diagnostic]) -> Vec<String> {
    diags.iter().map(|d| d.to_string()).collect()
}

#[test]
fn dead_links_and_missing_links_are_build_diagnostics() {
    let s = site(concat!(
        "  - name: Alive\n    kind: proof_of_life\n",
        "  - name: Backups\n    kind: proof_of_life\n    link: \"[[backup]]\"\n",
        "  - name: Anchor\n    kind: proof_of_life\n    link: \"[[backups#nowhere]]\"\n",
        "  - name: Fine\n    kind: proof_of_life\n    link: \"[[runbooks/backups#restore]]\"\n",
    ));
    let report = cairn::build(&s.opts(NOW)).unwrap();
    assert_eq!(
        lines(&report.diagnostics),
        [
            "site.yaml:7:5: warning: check `Alive` has no `link`: add the runbook or dashboard where to start when it fails",
            "site.yaml:11:5: error: check `Backups`: `link`: unknown document `backup` (did you mean `backups`?)",
            "site.yaml:14:5: error: check `Anchor`: `link`: no heading `#nowhere` in content/runbooks/backups.md",
        ]
    );
    assert!(report.has_errors());
    assert!(!s.path("public").exists(), "a failed build writes nothing");
}

#[test]
fn wrong_types_and_unknown_kinds_are_configuration_errors() {
    let s = site(concat!(
        "  - name: Web\n    kind: htttp\n    link: https://x/\n",
        "  - name: Disk\n    kind: level\n    file: d.txt\n    warn_above: lots\n    link: https://x/\n",
        "  - name: Cert\n    kind: tls_expiry\n    host: x.example\n    warn_dayz: 3\n    link: https://x/\n",
    ));
    for result in [
        cairn::build(&s.opts(NOW)).map(|_| ()),
        cairn::build::check(&s.opts(NOW)).map(|_| ()),
    ] {
        let Err(Error::Config { diagnostics, .. }) = result else {
            panic!("expected a configuration error");
        };
        assert_eq!(
            lines(&diagnostics),
            [
                "site.yaml:8:5: error: unknown check kind `htttp` (did you mean `http`?); the kinds are proof_of_life, http, tls_expiry, command, file_age, triggers, level, docs",
                "site.yaml:13:5: error: `warn_above` must be a number, found a string",
                "site.yaml:18:5: warning: unknown key `warn_dayz` in a check of kind `tls_expiry` (did you mean `warn_days`?)",
            ]
        );
    }
}

#[test]
fn status_settings_are_validated() {
    let s = site("  - name: Alive\n    kind: proof_of_life\n    link: https://x/\n");
    s.write(
        "site.yaml",
        &s.read("site.yaml")
            .replace("stale_after: 26h", "stale_after: a day\n  paralel: 4"),
    );
    let Err(Error::Config { diagnostics, .. }) = cairn::build(&s.opts(NOW)) else {
        panic!("expected a configuration error");
    };
    assert_eq!(
        lines(&diagnostics),
        [
            "site.yaml:4:3: error: `stale_after` must be a duration such as 500ms, 10s, 5m, 26h or 14d, found `a day`",
            "site.yaml:5:3: warning: unknown key `paralel` in `status` (did you mean `parallel`?)",
        ]
    );
}
