//! Human-readable output: findings grouped by page, coloured by severity, site findings and
//! family sections (identity inventory, IPv6...) per site, totals at the end.

use std::io::Write;

use colored::Colorize;

use super::{Finding, PageReport, Report, Severity, Writer};
use crate::i18n::Lang;
use crate::tr;

/// Writes the terminal report. `color` is decided by the caller (TTY, `NO_COLOR`, flags).
pub struct TerminalWriter {
    /// Whether to use ANSI colours.
    pub color: bool,
    /// `--quiet`: only the site headers, sections and totals; no finding lines.
    pub quiet: bool,
}

impl TerminalWriter {
    fn sev(&self, s: Severity, lang: Lang) -> String {
        let label = format!("{:<4}", s.label(lang));
        let label = if lang == Lang::Zh {
            s.label(lang).to_string()
        } else {
            format!("{label:<7}")
        };
        if !self.color {
            return label;
        }
        match s {
            Severity::Error => label.red().bold().to_string(),
            Severity::Warning => label.yellow().bold().to_string(),
            Severity::Notice => label.cyan().to_string(),
        }
    }

    fn dim(&self, s: &str) -> String {
        if self.color {
            s.dimmed().to_string()
        } else {
            s.to_string()
        }
    }

    fn bold(&self, s: &str) -> String {
        if self.color {
            s.bold().to_string()
        } else {
            s.to_string()
        }
    }

    fn finding(&self, f: &Finding, lang: Lang, out: &mut dyn Write) -> std::io::Result<()> {
        let loc = match f.line {
            Some(l) => tr!(lang, "第{l}行", "line {l}"),
            None => String::new(),
        };
        writeln!(
            out,
            "  {}  {}  {}{}",
            self.sev(f.severity, lang),
            self.dim(&f.rule),
            if loc.is_empty() {
                String::new()
            } else {
                format!("{}  ", self.dim(&loc))
            },
            f.message
        )?;
        if let Some(snippet) = &f.snippet {
            writeln!(out, "        {}", self.dim(snippet))?;
        }
        if !f.pages.is_empty() {
            const SHOW: usize = 5;
            let shown: Vec<&str> = f.pages.iter().take(SHOW).map(String::as_str).collect();
            let more = f.pages.len().saturating_sub(SHOW);
            let list = shown.join(", ");
            let line = if more > 0 {
                {
                    let total = f.pages.len();
                    tr!(lang, "{list} 等 {total} 个页面", "{list} and {more} more")
                }
            } else {
                list
            };
            writeln!(out, "        {}", self.dim(&line))?;
        }
        Ok(())
    }

    fn page_header(&self, p: &PageReport, lang: Lang) -> String {
        let name = p.path.as_deref().unwrap_or(&p.url);
        let mut parts = Vec::new();
        if let Some(s) = p.status {
            parts.push(s.to_string());
        }
        if let Some(e) = &p.encoding {
            parts.push(e.clone());
        }
        if let Some(t) = &p.title {
            parts.push(crate::dom::truncate_chars(t, 40).into_owned());
        } else {
            parts.push(tr!(lang, "（无标题）", "(no title)"));
        }
        format!("{}  {}", self.bold(name), self.dim(&parts.join(" · ")))
    }
}

impl Writer for TerminalWriter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
        let lang = report.lang;
        for (site_idx, site) in report.sites.iter().enumerate() {
            for p in report.pages.iter().filter(|p| p.site == site_idx) {
                if p.findings.is_empty() || self.quiet {
                    continue;
                }
                writeln!(out, "{}", self.page_header(p, lang))?;
                for f in &p.findings {
                    self.finding(f, lang, out)?;
                }
                writeln!(out)?;
            }
            let header = tr!(
                lang,
                "站点 {}（{} 个页面）",
                "Site {} ({} pages)",
                site.root,
                site.pages
            );
            writeln!(out, "{}", self.bold(&header))?;
            if let Some((est, verdict, veto)) = super::view::site_score(site) {
                let v = if verdict == "fail" {
                    lang.pick("不合格", "fail")
                } else {
                    lang.pick("合格", "pass")
                };
                let mut line = tr!(
                    lang,
                    "估算得分 {est}（{v}，非官方估算）",
                    "Score estimate {est} ({v}; not an official score)"
                );
                if !veto.is_empty() {
                    line.push_str(&tr!(lang, "　否决项：{}", "  veto: {}", veto.join(", ")));
                }
                writeln!(out, "  {}", self.dim(&line))?;
            }
            for note in &site.notes {
                writeln!(out, "  {}", self.dim(note))?;
            }
            for section in crate::rules::terminal_sections() {
                if let Some(text) = section(report, site_idx, lang) {
                    for line in text.lines() {
                        writeln!(out, "  {line}")?;
                    }
                }
            }
            if !self.quiet {
                for f in &site.findings {
                    self.finding(f, lang, out)?;
                }
            }
            if site.findings.is_empty() {
                writeln!(
                    out,
                    "  {}",
                    self.dim(&tr!(lang, "无站点级问题", "no site-level findings"))
                )?;
            }
            writeln!(out)?;
        }
        let s = &report.summary;
        let clean_pages = report
            .pages
            .iter()
            .filter(|p| p.findings.is_empty())
            .count();
        let counts = Severity::ALL
            .iter()
            .map(|sev| format!("{} {}", self.sev(*sev, lang), s.by_severity.get(*sev)))
            .collect::<Vec<_>>()
            .join(" · ");
        let total = tr!(
            lang,
            "共审计 {} 个站点、{} 个页面（{} 个页面无问题），发现 {} 个问题：{}",
            "Audited {} site(s), {} page(s) ({} without findings): {} finding(s): {}",
            s.sites,
            s.pages,
            clean_pages,
            s.findings,
            counts
        );
        writeln!(out, "{}", self.bold(&total))?;
        if let Some(b) = s.extra.get("baseline").and_then(|v| {
            serde_json::from_value::<crate::baseline::BaselineSummary>(v.clone()).ok()
        }) {
            writeln!(
                out,
                "{}",
                tr!(
                    lang,
                    "基线 {}：新增 {} 个 · 仍存在 {} 个（未列出）· 已修复 {} 个 · 无法核对 {} 个",
                    "Baseline {}: {} new · {} still present (not listed) · {} fixed · {} stale",
                    b.file,
                    b.new,
                    b.present,
                    b.fixed,
                    b.stale
                )
            )?;
        }
        if !report.complete {
            writeln!(
                out,
                "{}",
                tr!(
                    lang,
                    "注意：审计未完成（被中断或达到时间限制），报告只包含已检查的部分。",
                    "Note: the audit did not finish (interrupted or time limit); the report covers what was checked."
                )
            )?;
        }
        Ok(())
    }
}
