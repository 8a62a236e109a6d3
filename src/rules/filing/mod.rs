//! Filing rules (备案): the ICP filing number and the public-security (公网安备) filing number,
//! RULES.md §1.
//!
//! The page is read once by [`extract::extraction`] (shared with the identity family); the rules
//! here judge the primary ICP and 公网安备 numbers of the page (well-formed, linked and in the
//! footer first) and every malformed copy. Footer rules aggregate: the same problem on many
//! pages is one site finding listing the pages (catalog `aggregate = true`), so their messages
//! name the values found but nothing page-specific.

pub mod data;
pub mod extract;
pub mod patterns;
pub mod text;

use serde::{Deserialize, Serialize};

use self::extract::{Evidence, Extraction, IcpHit, Loc, PsbHit, extraction};
use self::patterns::{IcpDetail, IcpLinkKind, IcpProblem, PsbLinkKind, PsbProblem};
use super::{Family, PageCx, Rule};
use crate::i18n::Lang;
use crate::page::Page;
use crate::report::{Finding, Severity};
use crate::tr;

/// Options of this family (flattened into the command line; `[filing]` in govaudit.toml).
#[derive(Debug, Clone, Default, clap::Args, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct FilingOptions {
    /// Hosts an ICP number may link to (repeatable) [default: beian.miit.gov.cn]
    #[arg(long = "icp-link-host", value_name = "HOST", value_delimiter = ',')]
    pub icp_link_hosts: Vec<String>,

    /// Outdated MIIT hosts reported by filing/icp-link (repeatable) [default:
    /// www.beian.miit.gov.cn, www.miibeian.gov.cn, miibeian.gov.cn, www.miitbeian.gov.cn,
    /// miitbeian.gov.cn]
    #[arg(long = "icp-outdated-host", value_name = "HOST", value_delimiter = ',')]
    pub icp_outdated_hosts: Vec<String>,

    /// Hosts of the current public-security filing platform (repeatable) [default:
    /// beian.mps.gov.cn]
    #[arg(long = "psb-link-host", value_name = "HOST", value_delimiter = ',')]
    pub psb_link_hosts: Vec<String>,

    /// Hosts of the old platform, accepted with filing/psb-link-legacy (repeatable) [default:
    /// www.beian.gov.cn, beian.gov.cn]
    #[arg(long = "psb-legacy-host", value_name = "HOST", value_delimiter = ',')]
    pub psb_legacy_hosts: Vec<String>,

    /// Six-digit 公网安备 prefixes that are not GB/T 2260 codes but valid, for
    /// filing/psb-division-unknown (repeatable) [default: 110401 (Beijing central agencies)]
    #[arg(
        long = "psb-division-exempt",
        value_name = "DIGITS",
        value_delimiter = ','
    )]
    pub psb_division_exempt: Vec<String>,
}

fn or_default(v: &[String], default: &[&str]) -> Vec<String> {
    if v.is_empty() {
        default.iter().map(|s| (*s).to_string()).collect()
    } else {
        v.iter().map(|s| s.trim().to_ascii_lowercase()).collect()
    }
}

impl FilingOptions {
    /// Accepted ICP link hosts.
    pub fn icp_link_hosts(&self) -> Vec<String> {
        or_default(&self.icp_link_hosts, &["beian.miit.gov.cn"])
    }

    /// Outdated MIIT hosts.
    pub fn icp_outdated_hosts(&self) -> Vec<String> {
        or_default(
            &self.icp_outdated_hosts,
            &[
                "www.beian.miit.gov.cn",
                "www.miibeian.gov.cn",
                "miibeian.gov.cn",
                "www.miitbeian.gov.cn",
                "miitbeian.gov.cn",
            ],
        )
    }

    /// Current PSB platform hosts.
    pub fn psb_link_hosts(&self) -> Vec<String> {
        or_default(&self.psb_link_hosts, &["beian.mps.gov.cn"])
    }

    /// Old PSB platform hosts.
    pub fn psb_legacy_hosts(&self) -> Vec<String> {
        or_default(
            &self.psb_legacy_hosts,
            &["www.beian.gov.cn", "beian.gov.cn"],
        )
    }

    /// Exempt six-digit prefixes.
    pub fn psb_division_exempt(&self) -> Vec<String> {
        or_default(&self.psb_division_exempt, &["110401"])
    }
}

/// The family's rules.
pub fn family() -> Family {
    Family {
        rules: vec![
            Box::new(IcpMissing),
            Box::new(IcpFormat),
            Box::new(IcpLink),
            Box::new(IcpPosition),
            Box::new(PsbMissing),
            Box::new(PsbFormat),
            Box::new(PsbLink),
            Box::new(PsbLinkLegacy),
            Box::new(PsbCodeMismatch),
            Box::new(PsbProvinceMismatch),
            Box::new(PsbIcon),
            Box::new(PsbDivisionUnknown),
        ],
        ..Family::default()
    }
}

/// The page's extraction, or `None` for pages the footer rules do not apply to (see
/// [`extract::footer_applies`]).
fn ext(page: &Page, cx: &PageCx<'_>) -> Option<std::rc::Rc<Extraction>> {
    extract::footer_applies(page).then(|| extraction(page, cx.options, cx.site, cx.services))
}

/// Reports a finding at a match: its element (selector, line), the text as shown as snippet,
/// `evidence: "script"` for script-written markup.
pub(crate) fn report_at<'c>(
    cx: &'c mut PageCx<'_>,
    page: &Page,
    loc: &Loc,
    message: String,
) -> &'c mut Finding {
    let f = match loc.el {
        Some(id) if (id.0 as usize) < page.element_count() => cx.report(&page.el(id), message),
        _ => cx.report_page(message),
    };
    if !loc.shown.is_empty() {
        f.snippet = Some(crate::dom::truncate_chars(&loc.shown, super::SNIPPET_CHARS).into_owned());
    }
    if loc.evidence == Evidence::Script {
        f.evidence = Some("script".into());
        if let Some(u) = &loc.script_url {
            f.data.insert("script".into(), u.clone().into());
        }
    }
    f
}

/// Reports a missing footer item. When the footer seems to be written by a same-site script
/// that could not be read (an offline audit of a remote site), the finding is a notice saying
/// it was not verified, never a false "missing".
pub(crate) fn report_missing(
    cx: &mut PageCx<'_>,
    ext: &Extraction,
    what_zh: &str,
    what_en: &str,
    message: String,
) {
    match &ext.unverified_script {
        Some(script) => {
            let msg = tr!(
                cx.lang,
                "页面底部由脚本 {script} 写入，本次审计未能读取该脚本（离线），未核实{what_zh}",
                "the page footer is written by the script {script}, which this audit could not read (offline): {what_en} not verified"
            );
            let f = cx.report_page(msg);
            f.severity = Severity::Notice;
            f.evidence = Some("script".into());
            f.data.insert("script".into(), script.clone().into());
            f.data.insert("verified".into(), false.into());
        }
        None => {
            let f = cx.report_page(message);
            f.data.insert("footer".into(), ext.footer.as_str().into());
        }
    }
}

/// The expected ICP form, for messages.
fn icp_expected(lang: Lang) -> &'static str {
    lang.pick(
        "应为“省简称ICP备8位或10位数字号”，可带“-序号”，如“粤ICP备05079694号”",
        "expected <province>ICP备<8 or 10 digits>号, optionally -N, e.g. 粤ICP备05079694号",
    )
}

fn icp_detail(d: &IcpDetail, lang: Lang) -> String {
    match d {
        IcpDetail::NoProvince => lang.pick("缺少省份简称", "no province abbreviation").into(),
        IcpDetail::NoBei => lang.pick("“ICP”后缺少“备”字", "no 备 after ICP").into(),
        IcpDetail::NoHao => lang
            .pick("数字后缺少“号”字", "no 号 after the digits")
            .into(),
        IcpDetail::DigitCount(n) => {
            tr!(
                lang,
                "主体备案号为 {n} 位数字（应为 8 位或 10 位）",
                "the number has {n} digits (8 or 10 expected)"
            )
        }
        IcpDetail::LowerCase => lang.pick("“ICP”写成了小写", "ICP in lower case").into(),
        IcpDetail::BadSequence => lang
            .pick(
                "网站序号写法不对（应为“-1”这样的形式）",
                "malformed site sequence (expected -1, -2…)",
            )
            .into(),
    }
}

/// The problem's short id (for `data.problem`) and its description.
fn icp_problem_text(p: &IcpProblem, shown: &str, lang: Lang) -> (&'static str, String) {
    let exp = icp_expected(lang);
    match p {
        IcpProblem::Licence => (
            "licence",
            tr!(
                lang,
                "“{shown}”是经营许可证编号，不是 ICP 备案号；页面底部应标明 ICP 备案号（{exp}）",
                "“{shown}” is a business licence number, not the ICP filing number; the footer must show the filing number ({exp})"
            ),
        ),
        IcpProblem::Placeholder => (
            "placeholder",
            tr!(
                lang,
                "ICP 备案号“{shown}”是模板占位符，不是真实的备案号（{exp}）",
                "ICP number “{shown}” is a template placeholder, not a real filing number ({exp})"
            ),
        ),
        IcpProblem::Junk(j) => (
            "junk",
            tr!(
                lang,
                "ICP 备案号“{shown}”在“ICP备”和数字之间夹有多余文字“{j}”（{exp}）",
                "ICP number “{shown}” has extra text “{j}” between ICP备 and the digits ({exp})"
            ),
        ),
        IcpProblem::Strict(details) => {
            let what = details
                .iter()
                .map(|d| icp_detail(d, lang))
                .collect::<Vec<_>>();
            let what = what.join(lang.pick("；", "; "));
            (
                "format",
                tr!(
                    lang,
                    "ICP 备案号“{shown}”格式不对：{what}（{exp}）",
                    "ICP number “{shown}” is malformed: {what} ({exp})"
                ),
            )
        }
        IcpProblem::InnerWhitespace => {
            let fixed = text::compact(shown);
            (
                "inner-whitespace",
                tr!(
                    lang,
                    "ICP 备案号“{shown}”中间有空格，应写作“{fixed}”",
                    "ICP number “{shown}” has whitespace inside; write it as “{fixed}”"
                ),
            )
        }
    }
}

/// `filing/icp-missing`.
pub struct IcpMissing;

impl Rule for IcpMissing {
    fn id(&self) -> &'static str {
        "filing/icp-missing"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let Some(ext) = ext(page, cx) else { return };
        if !ext.icp.is_empty() {
            return;
        }
        let msg = tr!(
            cx.lang,
            "页面底部未找到 ICP 备案号（应标明“省简称ICP备N号”并链接到 beian.miit.gov.cn）",
            "no ICP filing number found in the page footer (expected <province>ICP备N号 linked to beian.miit.gov.cn)"
        );
        report_missing(cx, &ext, "ICP 备案号", "the ICP number", msg);
    }
}

/// `filing/icp-format`.
pub struct IcpFormat;

impl Rule for IcpFormat {
    fn id(&self) -> &'static str {
        "filing/icp-format"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let Some(ext) = ext(page, cx) else { return };
        // A business licence beside a 备案 number is another licence, not a wrong number.
        let has_filing = ext
            .icp
            .iter()
            .any(|h| h.m.problem != Some(IcpProblem::Licence));
        let mut seen: Vec<String> = Vec::new();
        for h in &ext.icp {
            let Some(p) = &h.m.problem else { continue };
            if *p == IcpProblem::Licence && has_filing {
                continue;
            }
            if seen.contains(&h.loc.shown) {
                continue;
            }
            seen.push(h.loc.shown.clone());
            let (kind, msg) = icp_problem_text(p, &h.loc.shown, cx.lang);
            let f = report_at(cx, page, &h.loc, msg);
            f.data.insert("found".into(), h.loc.shown.clone().into());
            f.data.insert("problem".into(), kind.into());
        }
    }
}

fn hosts(cx: &PageCx<'_>) -> extract::OwnedHosts {
    Extraction::hosts(cx.options)
}

/// `filing/icp-link`.
pub struct IcpLink;

impl Rule for IcpLink {
    fn id(&self) -> &'static str {
        "filing/icp-link"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let Some(ext) = ext(page, cx) else { return };
        let owned = hosts(cx);
        let hosts = owned.view();
        let Some(h) = ext.primary_icp(&hosts) else {
            return;
        };
        let shown = &h.loc.shown;
        let target = h.link.as_ref().map(|l| l.display()).unwrap_or_default();
        let (kind, msg) = match h.link_kind(&hosts) {
            Some(IcpLinkKind::Ok) => return,
            None => (
                "not-linked",
                tr!(
                    cx.lang,
                    "ICP 备案号“{shown}”没有链接，附近也没有指向工信部备案系统（https://beian.miit.gov.cn/）的链接",
                    "ICP number “{shown}” is not linked, and no link to the MIIT filing system (https://beian.miit.gov.cn/) is next to it"
                ),
            ),
            Some(IcpLinkKind::Outdated(host)) => (
                "outdated-host",
                tr!(
                    cx.lang,
                    "ICP 备案号“{shown}”链接到已停用的工信部旧域名 {host}，应改为 https://beian.miit.gov.cn/",
                    "ICP number “{shown}” links to the outdated MIIT host {host}; link https://beian.miit.gov.cn/ instead"
                ),
            ),
            Some(IcpLinkKind::Placeholder) => (
                "placeholder",
                tr!(
                    cx.lang,
                    "ICP 备案号“{shown}”的链接“{target}”不指向任何页面，应链接到 https://beian.miit.gov.cn/",
                    "ICP number “{shown}” links to “{target}”, which goes nowhere; link https://beian.miit.gov.cn/"
                ),
            ),
            Some(IcpLinkKind::Psb(host)) => (
                "psb-platform",
                tr!(
                    cx.lang,
                    "ICP 备案号“{shown}”链接到了公安备案平台 {host}，应链接到工信部备案系统 https://beian.miit.gov.cn/",
                    "ICP number “{shown}” links to the public-security platform {host}; link the MIIT system https://beian.miit.gov.cn/"
                ),
            ),
            Some(IcpLinkKind::Other(host)) => (
                "wrong-target",
                tr!(
                    cx.lang,
                    "ICP 备案号“{shown}”链接到 {host}，应链接到工信部备案系统 https://beian.miit.gov.cn/",
                    "ICP number “{shown}” links to {host}; link the MIIT filing system https://beian.miit.gov.cn/"
                ),
            ),
        };
        let f = report_at(cx, page, &h.loc, msg);
        f.data.insert("found".into(), shown.clone().into());
        f.data.insert("problem".into(), kind.into());
        if !target.is_empty() {
            f.data.insert("link".into(), target.into());
        }
        f.data
            .insert("expected".into(), "https://beian.miit.gov.cn/".into());
    }
}

/// `filing/icp-position`.
pub struct IcpPosition;

impl Rule for IcpPosition {
    fn id(&self) -> &'static str {
        "filing/icp-position"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let Some(ext) = ext(page, cx) else { return };
        let owned = hosts(cx);
        let Some(h) = ext.primary_icp(&owned.view()) else {
            return;
        };
        if h.loc.in_bottom || h.loc.evidence == Evidence::Script {
            return;
        }
        let shown = &h.loc.shown;
        let msg = tr!(
            cx.lang,
            "ICP 备案号“{shown}”不在页面底部（备案管理办法要求标在主页底部的中央位置）",
            "ICP number “{shown}” is not in the page footer (the filing rules require it at the bottom centre of the home page)"
        );
        report_at(cx, page, &h.loc, msg);
    }
}

/// `filing/psb-missing`.
pub struct PsbMissing;

impl Rule for PsbMissing {
    fn id(&self) -> &'static str {
        "filing/psb-missing"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let Some(ext) = ext(page, cx) else { return };
        if !ext.psb.is_empty() {
            return;
        }
        let msg = tr!(
            cx.lang,
            "页面底部未找到公安机关备案号（应为“省简称公网安备14位数字号”，带备案图标并链接到 beian.mps.gov.cn）",
            "no public-security filing number found in the page footer (expected <province>公网安备<14 digits>号 with its icon, linked to beian.mps.gov.cn)"
        );
        report_missing(
            cx,
            &ext,
            "公安机关备案号",
            "the public-security number",
            msg,
        );
    }
}

fn psb_problem_text(p: &PsbProblem, shown: &str, lang: Lang) -> (&'static str, String) {
    let exp = lang.pick(
        "应为“省简称公网安备14位数字号”，如“粤公网安备 44078302000116号”",
        "expected <province>公网安备<14 digits>号, e.g. 粤公网安备 44078302000116号",
    );
    match p {
        PsbProblem::Placeholder => (
            "placeholder",
            tr!(
                lang,
                "公安备案号“{shown}”是模板占位符（{exp}）",
                "public-security number “{shown}” is a template placeholder ({exp})"
            ),
        ),
        PsbProblem::Legacy13 => (
            "legacy-13",
            tr!(
                lang,
                "公安备案号“{shown}”是 2016 年以前的地方 13 位编号，应在全国互联网安全管理服务平台重新备案（{exp}）",
                "public-security number “{shown}” is a pre-2016 local 13-digit number; re-file on the national platform ({exp})"
            ),
        ),
        PsbProblem::Prefix(pre) => {
            let what = match pre {
                Some(c) => tr!(
                    lang,
                    "前缀“{c}”不是省份简称",
                    "prefix “{c}” is not a province abbreviation"
                ),
                None => lang
                    .pick("缺少省份简称", "no province abbreviation")
                    .to_string(),
            };
            (
                "prefix",
                tr!(
                    lang,
                    "公安备案号“{shown}”格式不对：{what}（{exp}）",
                    "public-security number “{shown}” is malformed: {what} ({exp})"
                ),
            )
        }
        PsbProblem::DigitCount(n) => (
            "digit-count",
            tr!(
                lang,
                "公安备案号“{shown}”有 {n} 位数字，应为 14 位（{exp}）",
                "public-security number “{shown}” has {n} digits, 14 expected ({exp})"
            ),
        ),
        PsbProblem::Punctuation { sep, no_hao } => {
            let mut what = Vec::new();
            if let Some(s) = sep {
                what.push(tr!(
                    lang,
                    "“公网安备”后多了分隔符“{s}”（常见于图标替换残留）",
                    "a stray “{s}” after 公网安备 (often an icon artefact)"
                ));
            }
            if *no_hao {
                what.push(
                    lang.pick("数字后缺少“号”字", "no 号 after the digits")
                        .to_string(),
                );
            }
            let what = what.join(lang.pick("；", "; "));
            (
                "punctuation",
                tr!(
                    lang,
                    "公安备案号“{shown}”格式不对：{what}（{exp}）",
                    "public-security number “{shown}” is malformed: {what} ({exp})"
                ),
            )
        }
        PsbProblem::LabelText(j) => (
            "label-text",
            tr!(
                lang,
                "公安备案号“{shown}”在“公网安备”后多了“{j}”（{exp}）",
                "public-security number “{shown}” has “{j}” after 公网安备 ({exp})"
            ),
        ),
        PsbProblem::LabelOnly(label) => (
            "label-only",
            tr!(
                lang,
                "公安备案号只写成“{label}：…”（“{shown}”），没有使用“省简称公网安备…号”的标准写法（{exp}）",
                "the public-security number is shown only as “{label}: …” (“{shown}”), not in the standard <province>公网安备…号 form ({exp})"
            ),
        ),
    }
}

/// `filing/psb-missing`'s sibling: `filing/psb-format`.
pub struct PsbFormat;

impl Rule for PsbFormat {
    fn id(&self) -> &'static str {
        "filing/psb-format"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let Some(ext) = ext(page, cx) else { return };
        let good_digits: Vec<&str> = ext
            .psb
            .iter()
            .filter(|h| h.m.problem.is_none())
            .map(|h| h.m.digits.as_str())
            .collect();
        let mut seen: Vec<String> = Vec::new();
        for h in &ext.psb {
            let Some(p) = &h.m.problem else { continue };
            if matches!(p, PsbProblem::LabelOnly(_)) && good_digits.contains(&h.m.digits.as_str()) {
                continue;
            }
            if seen.contains(&h.loc.shown) {
                continue;
            }
            seen.push(h.loc.shown.clone());
            let (kind, msg) = psb_problem_text(p, &h.loc.shown, cx.lang);
            let f = report_at(cx, page, &h.loc, msg);
            f.data.insert("found".into(), h.loc.shown.clone().into());
            f.data.insert("digits".into(), h.m.digits.clone().into());
            f.data.insert("problem".into(), kind.into());
        }
    }
}

fn primary_psb<'e>(ext: &'e Extraction, cx: &PageCx<'_>) -> Option<&'e PsbHit> {
    ext.primary_psb(&hosts(cx).view())
}

fn psb_link_kind(h: &PsbHit, cx: &PageCx<'_>) -> Option<PsbLinkKind> {
    let owned = hosts(cx);
    h.link_kind(&owned.view())
}

/// `filing/psb-link`.
pub struct PsbLink;

impl Rule for PsbLink {
    fn id(&self) -> &'static str {
        "filing/psb-link"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let Some(ext) = ext(page, cx) else { return };
        let Some(h) = primary_psb(&ext, cx) else {
            return;
        };
        let shown = h.loc.shown.clone();
        let target = h.link.as_ref().map(|l| l.display()).unwrap_or_default();
        let digits = if h.m.digits.len() == 14 {
            h.m.digits.clone()
        } else {
            "<14位备案号>".into()
        };
        let expected = format!("https://beian.mps.gov.cn/#/query/webSearch?code={digits}");
        let (kind, msg) = match psb_link_kind(h, cx) {
            Some(PsbLinkKind::Current(_) | PsbLinkKind::Legacy(_)) => return,
            None => (
                "not-linked",
                tr!(
                    cx.lang,
                    "公安备案号“{shown}”没有链接到全国互联网安全管理服务平台，应链接到 {expected}",
                    "public-security number “{shown}” is not linked to the national platform; link {expected}"
                ),
            ),
            Some(PsbLinkKind::Placeholder) => (
                "placeholder",
                tr!(
                    cx.lang,
                    "公安备案号“{shown}”的链接“{target}”不指向任何页面，应链接到 {expected}",
                    "public-security number “{shown}” links to “{target}”, which goes nowhere; link {expected}"
                ),
            ),
            Some(PsbLinkKind::NoCode(host)) => (
                "no-code",
                tr!(
                    cx.lang,
                    "公安备案号“{shown}”链接到 {host}，但链接中没有备案号参数（code/recordcode），访问者查不到备案信息；应链接到 {expected}",
                    "public-security number “{shown}” links to {host} without the record code (code/recordcode), so visitors cannot look it up; link {expected}"
                ),
            ),
            Some(PsbLinkKind::Wrong(host)) => (
                "wrong-target",
                tr!(
                    cx.lang,
                    "公安备案号“{shown}”链接到 {host}，不是公安备案查询平台；应链接到 {expected}",
                    "public-security number “{shown}” links to {host}, not the public-security filing platform; link {expected}"
                ),
            ),
        };
        let f = report_at(cx, page, &h.loc, msg);
        f.data.insert("found".into(), shown.into());
        f.data.insert("problem".into(), kind.into());
        if !target.is_empty() {
            f.data.insert("link".into(), target.into());
        }
        f.data.insert("expected".into(), expected.into());
    }
}

/// `filing/psb-link-legacy`.
pub struct PsbLinkLegacy;

impl Rule for PsbLinkLegacy {
    fn id(&self) -> &'static str {
        "filing/psb-link-legacy"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let Some(ext) = ext(page, cx) else { return };
        let Some(h) = primary_psb(&ext, cx) else {
            return;
        };
        let Some(PsbLinkKind::Legacy(code)) = psb_link_kind(h, cx) else {
            return;
        };
        let target = h.link.as_ref().map(|l| l.display()).unwrap_or_default();
        let host = h
            .link
            .as_ref()
            .and_then(|l| l.url.as_ref())
            .and_then(|u| u.host_str())
            .unwrap_or("www.beian.gov.cn")
            .to_string();
        let expected = format!("https://beian.mps.gov.cn/#/query/webSearch?code={code}");
        let msg = tr!(
            cx.lang,
            "公安备案号链接使用旧平台地址 {host}（registerSystemInfo），建议改为新平台 {expected}",
            "the public-security link uses the old platform {host} (registerSystemInfo); prefer the current {expected}"
        );
        let f = report_at(cx, page, &h.loc, msg);
        f.data.insert("link".into(), target.into());
        f.data.insert("expected".into(), expected.into());
    }
}

/// `filing/psb-code-mismatch`.
pub struct PsbCodeMismatch;

impl Rule for PsbCodeMismatch {
    fn id(&self) -> &'static str {
        "filing/psb-code-mismatch"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let Some(ext) = ext(page, cx) else { return };
        let Some(h) = primary_psb(&ext, cx) else {
            return;
        };
        let code = match psb_link_kind(h, cx) {
            Some(PsbLinkKind::Current(c) | PsbLinkKind::Legacy(c)) => c,
            _ => return,
        };
        let digits = &h.m.digits;
        if digits.is_empty() || digits.contains(['X', 'x']) || code == *digits {
            return;
        }
        let shown = &h.loc.shown;
        let msg = tr!(
            cx.lang,
            "公安备案号链接中的备案号 {code} 与页面显示的“{shown}”（{digits}）不一致",
            "the record code {code} in the public-security link differs from the number shown, “{shown}” ({digits})"
        );
        let f = report_at(cx, page, &h.loc, msg);
        f.data.insert("text_digits".into(), digits.clone().into());
        f.data.insert("link_code".into(), code.into());
    }
}

/// `filing/psb-province-mismatch`.
pub struct PsbProvinceMismatch;

impl Rule for PsbProvinceMismatch {
    fn id(&self) -> &'static str {
        "filing/psb-province-mismatch"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let Some(ext) = ext(page, cx) else { return };
        let Some(h) = primary_psb(&ext, cx) else {
            return;
        };
        let Some(pre) = h.m.province else { return };
        let digits = &h.m.digits;
        if digits.len() != 14 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return;
        }
        let Some((by_prefix, by_digits)) = patterns::psb_province_mismatch(pre, digits) else {
            return;
        };
        let shown = &h.loc.shown;
        let two = &digits[..2];
        let msg = match by_digits {
            Some(d) => tr!(
                cx.lang,
                "公安备案号“{shown}”的前缀“{pre}”（{}）与备案号前两位 {two}（{}，简称“{}”）不符",
                "public-security number “{shown}”: prefix {pre} ({}) does not match digits 1–2 {two} ({}, {})",
                by_prefix.name,
                d.name,
                d.abbr
            ),
            None => tr!(
                cx.lang,
                "公安备案号“{shown}”的前两位 {two} 不是省级行政区划代码（前缀“{pre}”对应 {}）",
                "public-security number “{shown}”: digits 1–2 {two} are no province code (prefix {pre} is {})",
                by_prefix.name
            ),
        };
        let f = report_at(cx, page, &h.loc, msg);
        f.data.insert("prefix".into(), pre.to_string().into());
        f.data.insert("digits".into(), digits.clone().into());
    }
}

/// `filing/psb-icon`.
pub struct PsbIcon;

impl Rule for PsbIcon {
    fn id(&self) -> &'static str {
        "filing/psb-icon"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let Some(ext) = ext(page, cx) else { return };
        let Some(h) = primary_psb(&ext, cx) else {
            return;
        };
        if h.icon {
            return;
        }
        let shown = &h.loc.shown;
        let msg = tr!(
            cx.lang,
            "公安备案号“{shown}”旁没有公安备案编号图标（应从备案平台下载图标，与备案号一起放在页面底部）",
            "no public-security filing icon next to “{shown}” (download the icon from the platform and show it with the number)"
        );
        report_at(cx, page, &h.loc, msg);
    }
}

/// `filing/psb-division-unknown` (off by default).
pub struct PsbDivisionUnknown;

impl Rule for PsbDivisionUnknown {
    fn id(&self) -> &'static str {
        "filing/psb-division-unknown"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let Some(ext) = ext(page, cx) else { return };
        let Some(h) = primary_psb(&ext, cx) else {
            return;
        };
        let digits = &h.m.digits;
        if digits.len() != 14 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return;
        }
        let six = &digits[..6];
        if cx
            .options
            .filing
            .psb_division_exempt()
            .iter()
            .any(|e| e == six)
            || data::division_of_digits(digits).is_some()
        {
            return;
        }
        let shown = &h.loc.shown;
        let msg = tr!(
            cx.lang,
            "公安备案号“{shown}”的前六位 {six} 不是任何年份的县级以上行政区划代码（GB/T 2260）",
            "public-security number “{shown}”: digits 1–6 {six} are not a GB/T 2260 division code of any year"
        );
        let f = report_at(cx, page, &h.loc, msg);
        f.data.insert("division".into(), six.into());
    }
}

/// The comparison key of a page's ICP number (for site summaries).
pub fn icp_key(h: &IcpHit) -> String {
    h.m.key()
}

#[cfg(test)]
mod tests;
