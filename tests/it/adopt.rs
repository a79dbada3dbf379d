//! Documents written for other tools build as they are: decision records of adr-tools
//! (Nygard), MADR 2, 3 and 4 and Log4brains, and pages written for Jekyll, Docusaurus and Hugo.
//! Each fixture is a small folder written here; each record gets its kind, status, date,
//! owners, supersedes and title, and the site builds without errors.

use cairn::pipeline::{self, Analysis};

use crate::support::Site;

const SITE_YAML: &str = "title: Imported\nbase_url: /\nlinks: {broken: warn}\n";

/// A site of `files` (paths under `content/`) with a minimal `site.yaml`.
fn site(files: &[(&str, &str)]) -> Site {
    Site::of(SITE_YAML, "content", files)
}

/// One document as the rest of the site sees it.
#[derive(Debug, PartialEq)]
struct Seen {
    kind: String,
    title: String,
    status: Option<String>,
    created: Option<String>,
    owners: Vec<String>,
    supersedes: Vec<String>,
}

fn seen(a: &Analysis, id: &str) -> Seen {
    let i = a
        .site
        .docs
        .iter()
        .position(|d| d.id.as_str() == id)
        .unwrap_or_else(|| panic!("no document `{id}`"));
    let d = &a.site.docs[i];
    Seen {
        kind: a.config.kinds.get(d.kind).name.clone(),
        title: d.title.clone(),
        status: d.status.clone(),
        created: d.created.map(|c| c.to_string()),
        owners: d.owners.clone(),
        supersedes: a.site.relations[i]
            .iter()
            .filter(|(r, _)| *r == cairn::relation::Relation::Supersedes)
            .map(|(_, t)| a.site.docs[*t].id.to_string())
            .collect(),
    }
}

fn record(title: &str, status: &str, created: &str, owners: &[&str], supersedes: &[&str]) -> Seen {
    Seen {
        kind: "decision".into(),
        title: title.into(),
        status: Some(status.into()),
        created: Some(created.into()),
        owners: owners.iter().map(|s| s.to_string()).collect(),
        supersedes: supersedes.iter().map(|s| s.to_string()).collect(),
    }
}

/// Builds the site: exit 0, no errors (and none of the `errors` words in what it printed),
/// and the analysis to look into.
fn builds(site: &Site) -> (Analysis, String) {
    let out = site.cairn(&["build", "--no-checks"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stderr.contains("error"), "{}", out.stderr);
    (pipeline::analyse(&site.options()).unwrap(), out.stderr)
}

const NYGARD_1: &str = "# 1. Record architecture decisions

Date: 2016-02-12

## Status

Accepted

## Context

We need to record the architectural decisions made on this project.

## Decision

We will use Architecture Decision Records.

## Consequences

See Michael Nygard's article.
";

const NYGARD_2: &str = "# 2. Use shell scripts

* Date: 05/03/2016

## Status

Superseded by [3. Use Go](0003-use-go.md)

## Context

Portability.

## Decision

Shell.

## Consequences

No Windows.
";

const NYGARD_3: &str = "# 3. Use Go

Date: 2019-03-06

## Status

✅ Accepted

Supersedes [2. Use shell scripts](0002-use-shell-scripts.md)

## Context

Windows users.

## Decision

Go.

## Consequences

A build step.
";

#[test]
fn nygard_records_are_decisions_with_status_date_and_supersedes() {
    let site = site(&[
        ("decisions/0001-record-architecture-decisions.md", NYGARD_1),
        ("decisions/0002-use-shell-scripts.md", NYGARD_2),
        ("decisions/0003-use-go.md", NYGARD_3),
    ]);
    let (a, stderr) = builds(&site);
    assert_eq!(
        stderr.lines().filter(|l| l.contains("warning")).count(),
        0,
        "{stderr}"
    );
    assert_eq!(
        seen(&a, "0001-record-architecture-decisions"),
        record(
            "Record architecture decisions",
            "accepted",
            "2016-02-12",
            &[],
            &[]
        )
    );
    assert_eq!(
        seen(&a, "0002-use-shell-scripts"),
        record("Use shell scripts", "superseded", "2016-03-05", &[], &[])
    );
    assert_eq!(
        seen(&a, "0003-use-go"),
        record(
            "Use Go",
            "accepted",
            "2019-03-06",
            &[],
            &["0002-use-shell-scripts"]
        )
    );
    let go = a
        .site
        .docs
        .iter()
        .position(|d| d.id.as_str() == "0003-use-go")
        .unwrap();
    assert_eq!(a.site.docs[go].number, Some(3));
    // The superseded record shows what replaced it.
    let old = site.read("decisions/0002-use-shell-scripts/index.html");
    assert!(old.contains("Superseded by"), "{old}");
}

/// Issue 12: adr-tools writes `Superseded by [..](..)` in the old record, and the new one does
/// not always say `Supersedes`: the relation is read from the old record's side alone.
/// A status kept as written (`on hold`) is one class, not two.
#[test]
fn a_one_sided_superseded_by_supersedes_and_a_status_with_spaces_is_one_class() {
    let go_silent = NYGARD_3.replace(
        "Supersedes [2. Use shell scripts](0002-use-shell-scripts.md)\n\n",
        "",
    );
    let on_hold = NYGARD_1
        .replace("# 1. Record", "# 4. Hold")
        .replace("Accepted", "On hold");
    let site = site(&[
        ("decisions/0002-use-shell-scripts.md", NYGARD_2),
        ("decisions/0003-use-go.md", &go_silent),
        ("decisions/0004-hold.md", &on_hold),
    ]);
    let (a, _) = builds(&site);
    assert_eq!(
        seen(&a, "0003-use-go"),
        record(
            "Use Go",
            "accepted",
            "2019-03-06",
            &[],
            &["0002-use-shell-scripts"]
        )
    );
    assert_eq!(
        seen(&a, "0002-use-shell-scripts"),
        record("Use shell scripts", "superseded", "2016-03-05", &[], &[])
    );
    let go = site.read("decisions/0003-use-go/index.html");
    assert!(go.contains("Use shell scripts"), "{go}");
    let held = site.read("decisions/0004-hold/index.html");
    assert!(held.contains("class=\"status status-on-hold\""), "{held}");
    let list = site.read("decisions/index.html");
    assert!(list.contains("id=\"group-on-hold\""), "{list}");
    assert!(!list.contains("status-on hold"), "{list}");
}

#[test]
fn madr_2_3_and_4_records_are_decisions() {
    let madr2 = "# Use Markdown Architectural Decision Records

* Status: accepted
* Deciders: Oliver Kopp, Olaf Zimmermann
* Date: 2017-12-12

## Context and Problem Statement

We want to record decisions.

## Considered Options

* MADR
* Nygard

## Decision Outcome

Chosen option: MADR.

### Positive Consequences

* Structure.
";
    let madr3 = "---
status: proposed
date: 2022-11-02
deciders: [Oliver Kopp]
consulted: Some team
informed: Everyone
---
# Use YAML front matter

## Context and Problem Statement

Metadata.

## Considered Options

* Front matter

## Decision Outcome

Chosen option: front matter.

### Consequences

* Good, because tools read it.
";
    let madr4 = "---
status: \"Rejected\"
date: 2024-06-01
decision-makers: Oliver Kopp, Koen Vaes
---
# Drop the status field

## Context and Problem Statement

Too much metadata.

## Decision Outcome

No.

### Consequences

* Neutral.
";
    let site = site(&[
        ("decisions/0000-use-madr.md", madr2),
        ("decisions/0001-use-yaml.md", madr3),
        ("decisions/0002-drop-status.md", madr4),
    ]);
    let (a, stderr) = builds(&site);
    assert_eq!(
        stderr.lines().filter(|l| l.contains("warning")).count(),
        0,
        "{stderr}"
    );
    assert_eq!(
        seen(&a, "0000-use-madr"),
        record(
            "Use Markdown Architectural Decision Records",
            "accepted",
            "2017-12-12",
            &["Oliver Kopp", "Olaf Zimmermann"],
            &[]
        )
    );
    assert_eq!(
        seen(&a, "0001-use-yaml"),
        record(
            "Use YAML front matter",
            "proposed",
            "2022-11-02",
            &["Oliver Kopp"],
            &[]
        )
    );
    let i = a
        .site
        .docs
        .iter()
        .position(|d| d.id.as_str() == "0001-use-yaml")
        .unwrap();
    assert_eq!(
        a.site.docs[i].fields,
        [
            ("consulted".to_string(), "Some team".to_string()),
            ("informed".to_string(), "Everyone".to_string())
        ]
    );
    assert_eq!(
        seen(&a, "0002-drop-status"),
        record(
            "Drop the status field",
            "rejected",
            "2024-06-01",
            &["Oliver Kopp, Koen Vaes"],
            &[]
        )
    );
}

#[test]
fn a_madr_record_that_says_nothing_of_its_status_is_accepted_as_log4brains_reads_it() {
    // MADR's own records: front matter for the site's navigation only, a chosen option, no
    // status anywhere. One beside it says it is on hold.
    let decided = "---
parent: Decisions
nav_order: 100
---
# Use Markdown Any Decision Records

## Context and Problem Statement

Which format?

## Decision Outcome

Chosen option: \"MADR\", because it is lean.
";
    let held = "---
parent: Decisions
status: on hold
---
# Use a log4brains site

## Decision Outcome

Chosen option: none yet.
";
    let nygard_without_status = "# 3. Keep a log

Date: 2020-01-01

## Context

Logs.
";
    let site = site(&[
        ("decisions/0001-use-madr.md", decided),
        ("decisions/0002-use-log4brains.md", held),
        ("decisions/0003-keep-a-log.md", nygard_without_status),
    ]);
    let a = pipeline::analyse(&site.options()).unwrap();
    let madr = seen(&a, "0001-use-madr");
    assert_eq!(madr.kind, "decision");
    assert_eq!(madr.status.as_deref(), Some("accepted"));
    assert_eq!(
        seen(&a, "0002-use-log4brains").status.as_deref(),
        Some("on hold")
    );
    // Only a chosen option says a decision was taken: a record without one keeps the warning.
    let out = site.cairn(&["lint"]);
    assert!(
        !out.stderr
            .contains("0001-use-madr.md:1:1: warning: missing `status`"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("0003-keep-a-log.md:1:1: warning: missing `status`"),
        "{}",
        out.stderr
    );
    // Under --strict the status is as missing as in Cairn's own format.
    let strict = site.cairn(&["lint", "--strict"]);
    assert!(
        strict
            .stderr
            .contains("0001-use-madr.md:1:1: warning: missing `status`")
            || strict
                .stderr
                .contains("0001-use-madr.md:1:1: error: missing `status`"),
        "{}",
        strict.stderr
    );
}

#[test]
fn log4brains_records_are_decisions_and_odd_statuses_never_stop_the_site() {
    let l4b = |status: &str| {
        format!(
            "# Use Lunr for search\n\n- Status: {status}\n- Date: 2020-11-03\n- Deciders: Thomas Vaillant\n\n## Context and Problem Statement\n\nSearch.\n\n## Decision Outcome\n\nLunr.\n\n### Consequences\n\nSmall index.\n"
        )
    };
    let site = site(&[
        ("decisions/20201103-use-lunr.md", &l4b("accepted")),
        ("decisions/20201104-use-x.md", &l4b("on hold")),
        ("decisions/20201105-use-y.md", &l4b("Deprecated")),
    ]);
    let (a, stderr) = builds(&site);
    assert_eq!(
        seen(&a, "20201103-use-lunr"),
        record(
            "Use Lunr for search",
            "accepted",
            "2020-11-03",
            &["Thomas Vaillant"],
            &[]
        )
    );
    assert_eq!(
        seen(&a, "20201105-use-y").status.as_deref(),
        Some("deprecated")
    );
    assert_eq!(
        seen(&a, "20201104-use-x").status.as_deref(),
        Some("on hold")
    );
    assert_eq!(
        stderr
            .lines()
            .filter(|l| l.contains("warning"))
            .collect::<Vec<_>>(),
        [
            "content/decisions/20201104-use-x.md:3:11: warning: status `on hold` is not one of a decision's (draft, proposed, accepted, rejected, deprecated, superseded); kept as written"
        ],
    );
    // Kept as written, it is listed on the decisions page in a group of its own.
    let index = site.read("decisions/index.html");
    assert!(index.contains("on hold"), "{index}");
}

#[test]
fn jekyll_and_docusaurus_pages_mean_what_their_authors_meant() {
    let jekyll = "---
layout: page
title: Onboarding
description: How we start.
author: Ann
last_modified_at: 2021-04-01T10:00:00Z
date: 2020-01-10T00:00:00.000Z
nav_order: 2
redirect_from: [/old-onboarding/]
status: active
id: ONBOARD-0001
related:
  - title: Handbook
    url: /handbook/
---

---

Welcome.
";
    let docusaurus = "---
sidebar_position: 3
authors: [bo]
---
# Handbook

Text.
";
    let site = site(&[
        ("guides/onboarding.md", jekyll),
        ("handbook.md", docusaurus),
        ("guides/rule.md", "---\n\nA page that opens with a rule.\n"),
    ]);
    let (a, stderr) = builds(&site);
    let on = a
        .site
        .docs
        .iter()
        .find(|d| d.title == "Onboarding")
        .unwrap();
    assert_eq!(on.id.as_str(), "onboard-0001");
    assert_eq!(on.summary.as_deref(), Some("How we start."));
    assert_eq!(on.owners, ["Ann"]);
    assert_eq!(
        on.updated.map(|d| d.to_string()).as_deref(),
        Some("2021-04-01")
    );
    assert_eq!(
        on.created.map(|d| d.to_string()).as_deref(),
        Some("2020-01-10")
    );
    assert_eq!(on.order, Some(2));
    assert_eq!(on.status.as_deref(), Some("active"));
    assert_eq!(on.aliases[0].text, "/old-onboarding/");
    assert_eq!(on.relations[0].target, "/handbook/");
    let hb = a.site.docs.iter().find(|d| d.title == "Handbook").unwrap();
    assert_eq!(
        (hb.order, hb.owners.as_slice()),
        (Some(3), &["bo".to_string()][..])
    );
    // The only unknown key is the one no other key means; the non-slug id warns.
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning")).collect();
    assert_eq!(warnings.len(), 2, "{stderr}");
    assert!(
        warnings.iter().any(|w| w.contains("unknown key `layout`")),
        "{stderr}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("read as `onboard-0001`")),
        "{stderr}"
    );
    assert!(site.out().join("old-onboarding/index.html").exists());
}

#[test]
fn strict_reports_each_compatibility_reading_as_for_a_native_document() {
    let site = site(&[
        ("decisions/0001-record-architecture-decisions.md", NYGARD_1),
        (
            "guides/g.md",
            "---\ntitle: G\nstatus: active\nlastmod: 2020-01-01\n---\n",
        ),
    ]);
    let out = site.cairn(&["lint", "--strict"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    for expected in [
        "content/guides/g.md:3:1: error: a page has no status",
        "content/guides/g.md:4:1: error: unknown key `lastmod` in front matter",
    ] {
        assert!(out.stderr.contains(expected), "{expected}\n{}", out.stderr);
    }
    // Its folder still makes it a decision (where documents live is the site's rule, not a
    // reading of another format), but its body's `## Status` and `Date:` are not read.
    let a = pipeline::analyse(&cairn::BuildOptions {
        strict: true,
        ..site.options()
    })
    .unwrap();
    let record = seen(&a, "0001-record-architecture-decisions");
    assert_eq!(record.kind, "decision");
    assert_ne!(record.status.as_deref(), Some("accepted"));
    assert_eq!(record.created, None);
}

#[test]
fn hugo_pages_with_toml_front_matter_build_with_file_positions() {
    let hugo = "+++
title = \"Release process\"
description = \"How a release goes out.\"
date = 2019-05-01T09:00:00+02:00
lastmod = 2021-02-03
weight = 10
draft = false
authors = [\"ann\", \"bo\"]
aliases = [\"/old-release/\"]
tags = [\"Releases\"]
+++

Text.
";
    let site = site(&[
        ("guides/release.md", hugo),
        (
            "guides/broken.md",
            "+++\ntitle = \"Broken\"\nweight = \n+++\nText.\n",
        ),
    ]);
    let out = site.cairn(&["build", "--no-checks"]);
    // One error, on the file line of the bad value; the other page is read in full.
    assert_eq!(out.code, 1, "{}", out.stderr);
    let errors: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.contains(": error:"))
        .collect();
    assert_eq!(errors.len(), 1, "{}", out.stderr);
    assert!(
        errors[0].starts_with("content/guides/broken.md:3:") && errors[0].contains("invalid TOML"),
        "{}",
        out.stderr
    );
    site.write("content/guides/broken.md", "+++\ntitle = \"Fixed\"\n+++\n");
    let (a, _) = builds(&site);
    let d = a
        .site
        .docs
        .iter()
        .find(|d| d.title == "Release process")
        .unwrap();
    assert_eq!(d.summary.as_deref(), Some("How a release goes out."));
    assert_eq!(
        d.created.map(|c| c.to_string()).as_deref(),
        Some("2019-05-01")
    );
    assert_eq!(
        d.updated.map(|c| c.to_string()).as_deref(),
        Some("2021-02-03")
    );
    assert_eq!(
        (d.order, d.owners.clone()),
        (Some(10), vec!["ann".to_string(), "bo".to_string()])
    );
    assert_eq!(d.tags, ["releases"]);
    assert_eq!(
        (d.aliases[0].text.as_str(), d.aliases[0].pos.line),
        ("/old-release/", 9)
    );
    assert!(site.out().join("old-release/index.html").exists());
    // Under --strict, TOML is refused as Cairn's own format would.
    let strict = site.cairn(&["lint", "--strict"]);
    assert!(
        strict.stderr.contains(
            "content/guides/release.md:1:1: error: TOML front matter (+++) is not supported"
        ),
        "{}",
        strict.stderr
    );
}
