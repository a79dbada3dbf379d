//! The morning report as one self-contained HTML document for email: inline styles only (mail
//! clients drop style sheets), no scripts, no images, every link absolute. Every text from a
//! check is escaped here, since this report does not go through the theme's templates. Pure.

use super::format::{absolute, level_label, summary, when};
use super::row::{Level, Report};
use crate::markdown::escape;
use crate::names::{BaseUrl, UrlPath};

const FONT: &str = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";

fn colours(level: Level, snoozed: bool) -> (&'static str, &'static str) {
    match (level, snoozed) {
        (Level::Ok, _) => ("#067647", "#ecfdf3"),
        (_, true) => ("#475467", "#f2f4f7"),
        (Level::Warning, _) => ("#93370d", "#fffaeb"),
        (Level::Error, _) => ("#b42318", "#fef3f2"),
    }
}

/// The report for `cairn check --format html`.
pub fn html(report: &Report, site_title: &str, base: &BaseUrl) -> String {
    let counts = report.counts();
    let status_url = base.absolute(&UrlPath::page(["status"]));
    let (fg, bg) = colours(report.level(), false);
    let title = format!("{}: {}", site_title, summary(counts));
    let mut out = String::new();
    out.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n</head>\n",
        escape(&title)
    ));
    out.push_str(&format!(
        "<body style=\"margin:0;padding:24px;background:#ffffff;color:#101828;{FONT};font-size:14px;line-height:1.5\">\n"
    ));
    out.push_str(&format!(
        "<h1 style=\"margin:0 0 4px;font-size:20px\">Status of {}</h1>\n",
        escape(site_title)
    ));
    out.push_str(&format!(
        "<p style=\"margin:0 0 16px;padding:8px 12px;border-radius:6px;background:{bg};color:{fg};font-weight:600\">{}</p>\n",
        escape(&summary(counts))
    ));
    out.push_str(&format!(
        "<p style=\"margin:0 0 16px;color:#475467\">Generated {} from {} checks. <a href=\"{}\" style=\"color:#1d4ed8\">Open the status page</a>.</p>\n",
        escape(&when(report.generated_at)),
        report.checks,
        escape(&status_url)
    ));
    out.push_str("<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" style=\"border-collapse:collapse;width:100%;max-width:960px\">\n");
    let th = "style=\"text-align:left;padding:6px 8px;border-bottom:2px solid #d0d5dd;font-size:12px;text-transform:uppercase;color:#475467\"";
    out.push_str(&format!(
        "<tr><th {th}>Level</th><th {th}>Check</th><th {th}>Item</th><th {th}>Message</th><th {th}>Since</th></tr>\n"
    ));
    for r in &report.rows {
        let snoozed = r.snoozed_until.is_some() && r.level != Level::Ok;
        let (fg, bg) = colours(r.level, snoozed);
        let td = "style=\"padding:6px 8px;border-bottom:1px solid #eaecf0;vertical-align:top\"";
        let td_nowrap = "style=\"padding:6px 8px;border-bottom:1px solid #eaecf0;vertical-align:top;white-space:nowrap\"";
        let link = match &r.link {
            Some(l) => format!(
                " <a href=\"{}\" style=\"color:#1d4ed8\">{}</a>",
                escape(&absolute(l, base)),
                escape(r.link_title.as_deref().unwrap_or("where to start"))
            ),
            None => String::new(),
        };
        let since = r
            .since
            .filter(|_| r.level != Level::Ok)
            .map(when)
            .unwrap_or_default();
        out.push_str(&format!(
            "<tr><td {td}><span style=\"display:inline-block;padding:1px 6px;border-radius:4px;background:{bg};color:{fg};font-weight:600;font-size:12px;white-space:nowrap\">{}</span></td><td {td}>{}</td><td {td}>{}</td><td {td}>{}{link}</td><td {td_nowrap}>{}</td></tr>\n",
            escape(&level_label(r)),
            escape(&r.check),
            escape(&r.item),
            escape(&r.message),
            escape(&since),
        ));
    }
    out.push_str("</table>\n");
    out.push_str(&format!(
        "<p style=\"margin:16px 0 0;color:#667085;font-size:12px\">Cairn {} · <a href=\"{}\" style=\"color:#667085\">{}</a></p>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION"),
        escape(&status_url),
        escape(&status_url)
    ));
    out
}
