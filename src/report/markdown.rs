//! Markdown for a CI job summary (`$GITHUB_STEP_SUMMARY`) or a merge-request comment: totals,
//! the baseline comparison, a table per site and per rule, and the first findings.
//!
//! Everything that comes from pages is escaped (Markdown punctuation with a backslash, `<`,
//! `>` and `&` as entities), so a page cannot inject links, images or HTML into the summary.

use std::collections::BTreeMap;
use std::io::Write;

use super::{Report, Severity, Writer, view};
use crate::baseline::BaselineSummary;
use crate::tr;

/// How many findings are listed (the rest are counted).
pub const MAX_LISTED: usize = 100;

/// Writes Markdown.
pub struct MarkdownWriter;

/// Escapes text for Markdown (inline, one line).
pub fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

impl Writer for MarkdownWriter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
        let lang = report.lang;
        let s = &report.summary;
        writeln!(
            out,
            "## {}\n",
            tr!(lang, "govaudit 审计结果", "govaudit audit results")
        )?;
        writeln!(
            out,
            "{}\n",
            tr!(
                lang,
                "**{} 个站点 · {} 个页面 · {} 个问题**（错误 {} · 警告 {} · 提示 {}）",
                "**{} site(s) · {} page(s) · {} finding(s)** (errors {} · warnings {} · notices {})",
                s.sites,
                s.pages,
                s.findings,
                s.by_severity.error,
                s.by_severity.warning,
                s.by_severity.notice
            )
        )?;
        if !report.complete {
            writeln!(
                out,
                "> {}\n",
                tr!(
                    lang,
                    "⚠ 审计未完成（被中断或达到时间限制），结果只包含已检查的部分。",
                    "⚠ The audit did not finish (interrupted or time limit); results cover what was checked."
                )
            )?;
        }
        if let Some(b) = s
            .extra
            .get("baseline")
            .and_then(|v| serde_json::from_value::<BaselineSummary>(v.clone()).ok())
        {
            writeln!(
                out,
                "{}\n",
                tr!(
                    lang,
                    "**基线对比**（{}）：新增 **{}** · 仍存在 {} · 已修复 {} · 无法核对 {}",
                    "**Baseline** ({}): **{}** new · {} still present · {} fixed · {} stale",
                    md_escape(&b.file),
                    b.new,
                    b.present,
                    b.fixed,
                    b.stale
                )
            )?;
            if !b.fixed_entries.is_empty() {
                writeln!(
                    out,
                    "<details><summary>{}</summary>\n",
                    tr!(lang, "已修复的问题（{}）", "Fixed findings ({})", b.fixed)
                )?;
                for e in b.fixed_entries.iter().take(MAX_LISTED) {
                    writeln!(
                        out,
                        "- {} · {} — {}",
                        md_escape(&e.rule),
                        md_escape(e.page.as_deref().unwrap_or(&e.site)),
                        md_escape(&e.message)
                    )?;
                }
                writeln!(out, "\n</details>\n")?;
            }
        }

        if !report.sites.is_empty() {
            writeln!(out, "### {}\n", tr!(lang, "站点", "Sites"))?;
            writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |\n|---|---:|---:|---:|---:|---:|",
                tr!(lang, "站点", "Site"),
                tr!(lang, "页面", "Pages"),
                tr!(lang, "错误", "Errors"),
                tr!(lang, "警告", "Warnings"),
                tr!(lang, "提示", "Notices"),
                tr!(lang, "估算得分", "Score (estimate)")
            )?;
            for (i, site) in report.sites.iter().enumerate() {
                let c = view::severity_counts(report, i);
                let name = match view::site_label(site) {
                    Some(n) => format!("{} ({})", md_escape(&n), md_escape(&site.root)),
                    None => md_escape(&site.root),
                };
                let score = view::site_score(site)
                    .map(|(e, v, veto)| {
                        let mut t = e.to_string();
                        if v == "fail" {
                            t.push_str(lang.pick(" ✗", " ✗"));
                        }
                        if !veto.is_empty() {
                            t.push_str(&tr!(lang, "（否决项）", " (veto)"));
                        }
                        t
                    })
                    .unwrap_or_default();
                writeln!(
                    out,
                    "| {name} | {} | {} | {} | {} | {score} |",
                    site.pages, c.error, c.warning, c.notice
                )?;
            }
            writeln!(out)?;
        }

        if !s.by_rule.is_empty() {
            writeln!(out, "### {}\n", tr!(lang, "按规则", "By rule"))?;
            writeln!(
                out,
                "| {} | {} | {} | {} |\n|---|---|---:|---|",
                tr!(lang, "规则", "Rule"),
                tr!(lang, "级别", "Severity"),
                tr!(lang, "数量", "Count"),
                tr!(lang, "说明", "Title")
            )?;
            let mut worst: BTreeMap<&str, Severity> = BTreeMap::new();
            for (_, f) in report.all_findings() {
                let e = worst.entry(f.rule.as_str()).or_insert(f.severity);
                *e = (*e).max(f.severity);
            }
            let mut rules: Vec<(&String, &usize)> = s.by_rule.iter().collect();
            rules.sort_by(|a, b| {
                let sa = worst.get(a.0.as_str()).copied();
                let sb = worst.get(b.0.as_str()).copied();
                sb.cmp(&sa).then(b.1.cmp(a.1)).then(a.0.cmp(b.0))
            });
            for (rule, n) in rules {
                let sev = worst
                    .get(rule.as_str())
                    .map(|s| s.label(lang))
                    .unwrap_or("");
                writeln!(
                    out,
                    "| {} | {sev} | {n} | {} |",
                    md_escape(rule),
                    md_escape(&view::rule_title(rule, lang))
                )?;
            }
            writeln!(out)?;
        }

        let mut all: Vec<(Option<&super::PageReport>, &super::Finding)> =
            report.all_findings().collect();
        if !all.is_empty() {
            all.sort_by_key(|x| std::cmp::Reverse(x.1.severity));
            writeln!(out, "### {}\n", tr!(lang, "问题", "Findings"))?;
            for (page, f) in all.iter().take(MAX_LISTED) {
                let place = match page {
                    Some(p) => view::page_name(p).to_string(),
                    None => f
                        .url
                        .clone()
                        .or_else(|| f.pages.first().cloned())
                        .unwrap_or_default(),
                };
                let mut line = format!(
                    "- **{}** {} · {} — {}",
                    f.severity.label(lang),
                    md_escape(&f.rule),
                    md_escape(&place),
                    md_escape(&f.message)
                );
                let loc = view::location_text(f, lang);
                if !loc.is_empty() {
                    line.push_str(&format!(" ({})", md_escape(&loc)));
                }
                writeln!(out, "{line}")?;
            }
            if all.len() > MAX_LISTED {
                writeln!(
                    out,
                    "\n{}",
                    tr!(
                        lang,
                        "……另有 {} 个问题，见完整报告。",
                        "... and {} more findings; see the full report.",
                        all.len() - MAX_LISTED
                    )
                )?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(
            md_escape("[x](javascript:alert(1)) <img src=x> |a|"),
            "\\[x\\](javascript:alert(1)) &lt;img src=x&gt; \\|a\\|"
        );
        assert_eq!(md_escape("a\nb"), "a b");
    }
}
