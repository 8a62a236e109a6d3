//! Page-level technical checks: the page could be decoded and read in full.
//!
//! `page/fetch-failed`, `page/http-error`, `page/not-html` and `page/rule-crashed` are emitted
//! by the pipeline (there may be no parsed page to check); see [`super::PIPELINE_RULES`].

use super::{Family, PageCx, Rule};
use crate::fetch::charset::CharsetSource;
use crate::page::Page;
use crate::tr;

/// The family's rules.
pub fn family() -> Family {
    Family {
        rules: vec![
            Box::new(EncodingErrors),
            Box::new(CharsetMissing),
            Box::new(Truncated),
            Box::new(NestingTooDeep),
        ],
        ..Family::default()
    }
}

/// `page/encoding-errors`: bytes that do not decode in the page's declared encoding (a GBK page
/// labelled UTF-8, mixed encodings): visitors see mojibake.
pub struct EncodingErrors;

impl Rule for EncodingErrors {
    fn id(&self) -> &'static str {
        "page/encoding-errors"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        if !page.decode_errors {
            return;
        }
        let used = crate::fetch::charset::display_name(page.encoding);
        let declared = page
            .header_charset
            .as_deref()
            .or(page.meta_charset.as_deref())
            .unwrap_or(used);
        let msg = match page.likely_encoding {
            Some(likely) => tr!(
                cx.lang,
                "页面按 {declared} 解码时出现无效字节，内容看起来是 {}：访问者会看到乱码",
                "the page has bytes that are invalid in {declared}; the content looks like {}: visitors see garbled text",
                crate::fetch::charset::display_name(likely)
            ),
            None => tr!(
                cx.lang,
                "页面按 {declared} 解码时出现无效字节：部分文字会显示为乱码",
                "the page has bytes that are invalid in {declared}: some text shows garbled"
            ),
        };
        let f = cx.report_page(msg);
        f.data.insert("encoding".into(), used.into());
        if let Some(l) = page.likely_encoding {
            f.data.insert(
                "likely".into(),
                crate::fetch::charset::display_name(l).into(),
            );
        }
    }
}

/// `page/charset-missing`: a page with non-ASCII text that declares no charset, in neither the
/// HTTP header nor a `<meta>`: browsers guess, and guess wrong for GBK pages.
pub struct CharsetMissing;

impl Rule for CharsetMissing {
    fn id(&self) -> &'static str {
        "page/charset-missing"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        if page.charset_source != CharsetSource::Sniffed {
            return;
        }
        let msg = tr!(
            cx.lang,
            "页面未声明字符编码（HTTP 头和 <meta charset> 都没有），按内容推测为 {}",
            "the page declares no character encoding (neither the HTTP header nor <meta charset>); guessed {}",
            crate::fetch::charset::display_name(page.encoding)
        );
        cx.report_page(msg);
    }
}

/// `page/truncated`: the body was larger than the size limit and only its start was audited.
pub struct Truncated;

impl Rule for Truncated {
    fn id(&self) -> &'static str {
        "page/truncated"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        if !page.truncated {
            return;
        }
        let limit = cx
            .options
            .fetch
            .max_body_size()
            .min(cx.options.fetch.max_decompressed_size());
        // Shorter than the limit: the body stopped coming (the timeout, a closed connection,
        // a corrupt compressed stream), which --max-body-size would not change.
        let msg = if (page.byte_len as u64) < limit {
            tr!(
                cx.lang,
                "页面内容未完整接收（超时或连接中断），只检查了收到的前 {} 字节",
                "the page did not arrive in full (timeout or broken connection); only the first {} bytes received were audited",
                page.byte_len
            )
        } else {
            tr!(
                cx.lang,
                "页面超过大小上限，只检查了前 {} 字节（可用 --max-body-size 调整）",
                "the page exceeds the size limit; only its first {} bytes were audited (see --max-body-size)",
                page.byte_len
            )
        };
        cx.report_page(msg);
    }
}

/// `page/nesting-too-deep`: elements nested deeper than browsers keep (a broken template that
/// never closes its `<div>`s); the deeper tags were flattened for the audit.
pub struct NestingTooDeep;

impl Rule for NestingTooDeep {
    fn id(&self) -> &'static str {
        "page/nesting-too-deep"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let Some(depth) = page.nesting_flattened else {
            return;
        };
        let limit = crate::dom::MAX_NESTING;
        let msg = tr!(
            cx.lang,
            "元素嵌套约 {depth} 层，超过 {limit} 层（多为模板中未闭合的标签）；超出部分按浏览器的做法展平后再检查",
            "elements nest about {depth} levels deep, beyond {limit} (usually unclosed tags in a template); the deeper tags were flattened, as browsers do, before checking"
        );
        cx.report_page(msg)
            .data
            .insert("depth".into(), depth.into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fetch::RawPage;
    use crate::rules::testing::run_rules;
    use url::Url;

    fn raw(body: Vec<u8>, ct: Option<&str>) -> RawPage {
        let url = Url::parse("https://www.example.gov.cn/").expect("url");
        let mut r = RawPage::from_html(url, "");
        r.body = body;
        r.content_type = ct.map(str::to_string);
        r
    }

    fn ids(page: &Page) -> Vec<String> {
        run_rules(family().rules, page)
            .into_iter()
            .map(|f| f.rule)
            .collect()
    }

    #[test]
    fn gbk_labelled_utf8_is_reported() {
        let text = "<meta charset=utf-8><title>开平市人民政府门户网站</title><p>政府信息公开，政务服务，互动交流。</p>";
        let bytes = encoding_rs::GB18030.encode(text).0.into_owned();
        let page = Page::build(&raw(bytes, Some("text/html")));
        assert_eq!(ids(&page), vec!["page/encoding-errors"]);
    }

    #[test]
    fn undeclared_gbk_is_reported_declared_is_not() {
        let text = "<title>开平市人民政府门户网站</title><p>政府信息公开，政务服务，互动交流，开平市位于广东省中南部。</p>";
        let bytes = encoding_rs::GB18030.encode(text).0.into_owned();
        let page = Page::build(&raw(bytes.clone(), Some("text/html")));
        assert_eq!(ids(&page), vec!["page/charset-missing"]);
        let page = Page::build(&raw(bytes, Some("text/html; charset=gbk")));
        assert!(ids(&page).is_empty());
        // ASCII-only pages need no declaration.
        let page = Page::build(&raw(b"<p>hello</p>".to_vec(), Some("text/html")));
        assert!(ids(&page).is_empty());
    }

    #[test]
    fn deep_nesting_is_reported_and_parsed() {
        let html = "<div>".repeat(200_000) + "深处的文字";
        let page = Page::from_html(&html, "https://www.example.gov.cn/");
        assert_eq!(ids(&page), vec!["page/nesting-too-deep"]);
        assert!(page.visible_text().contains("深处的文字"));
        let shallow = Page::from_html(&"<div>".repeat(100), "https://www.example.gov.cn/");
        assert!(ids(&shallow).is_empty());
    }

    #[test]
    fn truncated() {
        let mut r = raw(b"<p>x</p>".to_vec(), Some("text/html; charset=utf-8"));
        r.truncated = true;
        let page = Page::build(&r);
        assert_eq!(ids(&page), vec!["page/truncated"]);
        // Cut long before the limit: a slow body hit the timeout (found by the robustness
        // tests, whose slow-drip page was told to raise --max-body-size).
        let f = &run_rules(family().rules, &page)[0];
        assert!(f.message.contains("未完整接收"), "{}", f.message);
        let mut options = crate::rules::testing::options();
        options.fetch.max_body_size = Some(crate::fetch::ByteSize(8));
        let f = &crate::rules::testing::run_rules_with(family().rules, &page, &options)[0];
        assert!(f.message.contains("超过大小上限"), "{}", f.message);
    }
}
