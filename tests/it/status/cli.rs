//! The `cairn` binary: `cairn check` formats and exit codes, `build --no-checks` and
//! `--fail-on`, quiet CI runs, and secrets from `${NAME}` that never reach any output.

use std::path::Path;

use cairn::check::csv;

use super::{Site, servers, site};
use crate::support::{Cairn, Output};

fn cairn(s: &Site, args: &[&str]) -> Output {
    Cairn::new(s.root())
        .args(args)
        .arg("--root")
        .arg(s.root())
        .env("CAIRN_TODAY", "2026-11-23")
        .env("CAIRN_TEST_SECRET", "hunter2-s3cr3t")
        .env_remove("CI")
        .env_remove("CAIRN_TEST_UNSET")
        .run()
}

fn text(o: &Output) -> (String, String) {
    (o.stdout.clone(), o.stderr.clone())
}

const MIXED: &str = "  - name: Alive
    kind: proof_of_life
    link: \"[[backups]]\"
  - name: Report
    kind: command
    command: [sh, scripts/report.sh]
    link: https://ops.example/queue
";

const REPORT: &str = r#"echo 'WARNING,"disk, /var","said ""full""",'
echo 'ERROR,queue,<script>alert(1)</script>,'
"#;

#[test]
fn check_prints_every_format_and_exits_by_the_worst_row() {
    let s = site(MIXED);
    s.write("scripts/report.sh", REPORT);
    let out = cairn(&s, &["check"]);
    let (stdout, _) = text(&out);
    assert_eq!(out.code, 1, "{stdout}");
    let first = stdout.lines().nth(1).unwrap();
    assert!(first.starts_with("ERROR    Report"), "{stdout}");
    assert!(
        stdout.contains("1 error, 1 warning, 1 OK · 2 checks"),
        "{stdout}"
    );

    let out = cairn(&s, &["check", "--format", "csv"]);
    let records = csv::parse(&out.stdout).unwrap();
    let fields: Vec<&Vec<String>> = records.iter().map(|(_, f)| f).collect();
    assert_eq!(fields[0][..4], ["level", "check", "item", "message"]);
    assert_eq!(fields.len(), 4);
    assert_eq!(
        fields[2][..4],
        ["WARNING", "Report", "disk, /var", "said \"full\""]
    );
    assert_eq!(fields[3][4], "https://ops.example/runbooks/backups/");

    let out = cairn(&s, &["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["rows"].as_array().unwrap().len(), 3);
    assert_eq!(json["level"], "ERROR");

    let out = cairn(&s, &["check", "--format", "html"]);
    let html = out.stdout;
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    for absent in ["<script", "<link", "<style", "src="] {
        assert!(!html.contains(absent), "{absent} in the email report");
    }
    assert!(html.contains("href=\"https://ops.example/runbooks/backups/\""));
    assert!(html.contains("href=\"https://ops.example/status/\""));
    assert!(html.contains("style=\""));
}

#[test]
fn exit_codes_of_check_and_build() {
    let ok = site("  - name: Alive\n    kind: proof_of_life\n    link: https://x.example/\n");
    assert_eq!(cairn(&ok, &["check"]).code, 0);

    let snoozed = site(
        "  - name: Known\n    kind: command\n    command: [\"false\"]\n    snooze_until: 2026-12-01\n    link: https://x.example/\n",
    );
    assert_eq!(cairn(&snoozed, &["check"]).code, 0);

    let broken = site("  - name: Web\n    kind: http\n    urll: x\n    link: https://x.example/\n");
    let out = cairn(&broken, &["check"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.code, 2);
    assert!(
        stderr.contains("site.yaml:8:5: error: a check of kind `http` needs `url`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("site.yaml:9:5: warning: unknown key `urll`"),
        "{stderr}"
    );

    let none = site("");
    assert_eq!(cairn(&none, &["check"]).code, 2);

    let failing = site(
        "  - name: Broken\n    kind: command\n    command: [\"false\"]\n    link: https://x.example/\n",
    );
    let out = cairn(&failing, &["build"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.code, 0, "{stderr}");
    assert!(
        stderr.contains("status: 1 error, 0 OK from 1 checks in "),
        "{stderr}"
    );
    let out = cairn(&failing, &["build", "--fail-on", "error"]);
    assert_eq!(out.code, 1);
    assert!(failing.path("public/status/index.html").exists());
    let out = cairn(&failing, &["build", "--no-checks"]);
    assert_eq!(out.code, 0);
    assert!(!failing.path("public/status").exists());
}

#[test]
fn ci_runs_are_quiet() {
    let s = site("  - name: Alive\n    kind: proof_of_life\n    link: \"[[backups]]\"\n");
    let out = Cairn::new(s.root())
        .args(["build", "--root"])
        .arg(s.root())
        .run();
    assert_eq!(
        (out.code, out.stderr.as_str(), out.stdout.as_str()),
        (0, "", "")
    );
}

/// Every file under `dir`, as text.
fn all_files(dir: &Path, out: &mut Vec<(String, String)>) {
    for e in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if e.file_type().is_file() {
            let text = String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()).into_owned();
            out.push((e.path().display().to_string(), text));
        }
    }
}

#[test]
fn secrets_never_reach_any_output() {
    let http = servers::http();
    let s = site(&format!(
        "  - name: Echo
    kind: http
    url: http://{http}/echo?token=${{CAIRN_TEST_SECRET}}
    link: https://x.example/
  - name: Bearer
    kind: http
    url: http://{http}/ok
    headers:
      Authorization: Bearer ${{CAIRN_TEST_SECRET}}
    link: https://x.example/
  - name: Leaky script
    kind: command
    command: [sh, scripts/leak.sh]
    env:
      TOKEN: ${{CAIRN_TEST_SECRET}}
    link: https://x.example/
  - name: Unset
    kind: command
    command: [\"echo\", \"${{CAIRN_TEST_UNSET}}\"]
    link: https://x.example/
"
    ));
    s.write(
        "scripts/leak.sh",
        "echo \"ERROR,token,the token is $TOKEN,\"\necho \"leaked $TOKEN\" >&2\nexit 1\n",
    );
    let mut seen = Vec::new();
    let build = cairn(&s, &["build"]);
    assert_eq!(build.code, 0, "{:?}", text(&build));
    let (o, e) = text(&build);
    seen.push(("build".to_string(), o + &e));
    for format in ["text", "json", "csv", "html"] {
        let (o, e) = text(&cairn(&s, &["check", "--format", format]));
        seen.push((format.to_string(), o + &e));
    }
    all_files(&s.path("public"), &mut seen);
    all_files(&s.path(".cairn"), &mut seen);
    for (what, body) in &seen {
        assert!(!body.contains("hunter2"), "the secret leaked into {what}");
    }
    let page = s.read("public/status/index.html");
    // The rows still say which secret was involved, by name.
    assert!(page.contains("the token is ${CAIRN_TEST_SECRET}"), "{page}");
    assert!(page.contains("/echo?token=${CAIRN_TEST_SECRET}"));
    assert!(page.contains("leaked ${CAIRN_TEST_SECRET}"));
    assert!(page.contains("the environment variable `CAIRN_TEST_UNSET` is not set"));
    let json = s.read("public/status/status.json");
    assert!(
        json.contains("answered 500, expected 200: GET /echo?token=${CAIRN_TEST_SECRET} HTTP/1.1"),
        "{json}"
    );
    assert!(json.contains("\"check\": \"Bearer\",\n      \"item\": \"http://"));
}

#[test]
fn csv_cells_that_start_a_formula_are_defused() {
    let s = site(
        "  - name: \"=cmd|' /C calc'!A0\"\n    kind: command\n    command: [sh, scripts/formulas.sh]\n    link: https://ops.example/\n",
    );
    s.write(
        "scripts/formulas.sh",
        "echo 'ERROR,=2+3,+SUM(A1:A9),'\necho 'WARNING,@A1,-1+1,'\necho 'OK,plain -1,a=b,'\n",
    );
    let out = cairn(&s, &["check", "--format", "csv"]);
    let records = csv::parse(&out.stdout).unwrap();
    let cells: Vec<&[String]> = records.iter().map(|(_, f)| &f[1..4]).collect();
    let name = "'=cmd|' /C calc'!A0";
    assert_eq!(cells[1], [name, "'=2+3", "'+SUM(A1:A9)"]);
    assert_eq!(cells[2], [name, "'@A1", "'-1+1"]);
    // A formula sign in the middle of a cell is left as it is.
    assert_eq!(cells[3], [name, "plain -1", "a=b"]);
}

#[test]
fn headers_holding_secrets_are_not_sent_to_another_host_on_a_redirect() {
    let http = servers::http();
    let (other, seen) = servers::recorder();
    let check = |name: &str, url: String| {
        format!(
            "  - name: {name}\n    kind: http\n    url: {url}\n    headers:\n      X-Api-Key: key-${{CAIRN_TEST_SECRET}}\n      Accept: text/plain\n    link: https://x.example/\n"
        )
    };
    let s = site(
        &[
            check(
                "Moved away",
                format!("http://{http}/redirect/http://{other}/landing"),
            ),
            check("Moved here", format!("http://{http}/redirect//ok")),
        ]
        .concat(),
    );
    let out = cairn(&s, &["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let row = |name: &str| {
        json["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["check"] == name)
            .unwrap_or_else(|| panic!("no row {name}: {json}"))
            .clone()
    };
    assert!(
        !seen.lock().unwrap().contains("hunter2"),
        "the secret was sent to another host: {}",
        seen.lock().unwrap()
    );
    let away = row("Moved away");
    assert_eq!(away["level"], "ERROR");
    assert_eq!(
        away["message"],
        format!(
            "redirected to http://{other}/landing, another host; not followed, as `X-Api-Key` holds a secret (point `url` at where the check should go)"
        )
    );
    // On the same host the redirect is followed, headers and all.
    let here = row("Moved here");
    assert_eq!(here["level"], "OK", "{here}");
}
