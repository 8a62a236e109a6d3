//! JUnit XML, as GitLab, Jenkins and Azure DevOps read it.
//!
//! A `<testsuite>` per page (named by its path or URL) and one per site for site-level
//! findings; in each, a `<testcase>` per rule with findings (`classname` = the family, `name` =
//! the rule id) holding one `<failure>` whose text lists every finding of that rule there. A
//! page without findings has one passing testcase named `govaudit`, so clean pages show as
//! passed. Passing testcases are not written per rule: that would be a hundred testcases per
//! page and make reports of large sites unusable.

use std::collections::BTreeMap;
use std::io::Write;

use super::{Finding, Report, Writer};
use crate::i18n::Lang;
use crate::tr;

/// Writes JUnit XML.
pub struct JunitWriter;

/// Escapes text for XML content and attribute values, dropping characters XML 1.0 forbids.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => out.push('\u{fffd}'),
            '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

struct Suite<'a> {
    name: String,
    file: Option<String>,
    url: Option<String>,
    findings: Vec<&'a Finding>,
}

fn failure_text(findings: &[&Finding], lang: Lang) -> String {
    let mut s = String::new();
    for f in findings {
        s.push_str(&format!("[{}] {}", f.severity.label(lang), f.message));
        if let Some(l) = f.line {
            s.push_str(&tr!(lang, "（第{l}行）", " (line {l})"));
        }
        s.push('\n');
        if let Some(sel) = &f.selector {
            s.push_str(&format!("  {sel}\n"));
        }
        if let Some(sn) = &f.snippet {
            s.push_str(&format!("  {sn}\n"));
        }
        if let Some(u) = &f.url {
            s.push_str(&format!("  {u}\n"));
        }
        for p in f.pages.iter().take(50) {
            s.push_str(&format!("  - {p}\n"));
        }
        if f.pages.len() > 50 {
            s.push_str(&tr!(
                lang,
                "  ……共 {} 个页面\n",
                "  ... {} pages in all\n",
                f.pages.len()
            ));
        }
    }
    s
}

impl Writer for JunitWriter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
        let lang = report.lang;
        let mut suites: Vec<Suite<'_>> = Vec::new();
        for (i, site) in report.sites.iter().enumerate() {
            for p in report.pages.iter().filter(|p| p.site == i) {
                suites.push(Suite {
                    name: super::view::page_name(p).to_string(),
                    file: p.path.clone(),
                    url: Some(p.url.clone()),
                    findings: p.findings.iter().collect(),
                });
            }
            suites.push(Suite {
                name: tr!(lang, "站点 {}", "site {}", site.root),
                file: None,
                url: None,
                findings: site.findings.iter().collect(),
            });
        }
        let mut tests = 0usize;
        let mut failures = 0usize;
        let mut body = String::new();
        for s in &suites {
            let mut by_rule: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
            for f in &s.findings {
                by_rule.entry(f.rule.as_str()).or_default().push(f);
            }
            let cases = by_rule.len().max(1);
            tests += cases;
            failures += by_rule.len();
            body.push_str(&format!(
                "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\" time=\"0\" timestamp=\"{}\">\n",
                xml_escape(&s.name),
                cases,
                by_rule.len(),
                xml_escape(report.generated_at.trim_end_matches('Z'))
            ));
            if let Some(u) = &s.url {
                body.push_str(&format!(
                    "    <properties>\n      <property name=\"url\" value=\"{}\"/>\n    </properties>\n",
                    xml_escape(u)
                ));
            }
            let file_attr = s
                .file
                .as_deref()
                .map(|f| format!(" file=\"{}\"", xml_escape(f)))
                .unwrap_or_default();
            if by_rule.is_empty() {
                body.push_str(&format!(
                    "    <testcase classname=\"govaudit\" name=\"govaudit\"{file_attr} time=\"0\"/>\n"
                ));
            }
            for (rule, fs) in &by_rule {
                let family = rule.split('/').next().unwrap_or(rule);
                let worst = fs
                    .iter()
                    .map(|f| f.severity)
                    .max()
                    .unwrap_or(super::Severity::Notice);
                let first = fs.first().map(|f| f.message.as_str()).unwrap_or("");
                let msg = if fs.len() > 1 {
                    tr!(
                        lang,
                        "{first}（共 {} 处）",
                        "{first} ({} findings)",
                        fs.len()
                    )
                } else {
                    first.to_string()
                };
                body.push_str(&format!(
                    "    <testcase classname=\"{}\" name=\"{}\"{file_attr} time=\"0\">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
                    xml_escape(family),
                    xml_escape(rule),
                    xml_escape(&msg),
                    worst.as_str(),
                    xml_escape(&failure_text(fs, lang))
                ));
            }
            body.push_str("  </testsuite>\n");
        }
        write!(
            out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"govaudit\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" time=\"0\">\n{body}</testsuites>\n"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(
            xml_escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;"
        );
        assert_eq!(xml_escape("a\u{1}b\u{ffff}"), "a\u{fffd}b\u{fffd}");
    }
}
