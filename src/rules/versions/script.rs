//! Whether the function an entry calls (`StranBody`, `aria.oldFixedStart`) is defined by a
//! script the page loads, decided statically: the scripts are fetched through
//! [`Services`] (once per run) and searched for a definition of the name.

use std::sync::LazyLock;

use regex::Regex;
use url::Url;

use crate::i18n::Lang;
use crate::rules::SiteInfo;
use crate::services::Services;
use crate::tr;

/// Most external scripts searched for one function.
pub const MAX_SCRIPTS: usize = 40;

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

fn skip_ws_back(bytes: &[u8], mut i: usize) -> usize {
    while i > 0 && bytes[i - 1].is_ascii_whitespace() {
        i -= 1;
    }
    i
}

/// Whether JavaScript source defines `name`: `function name(`, `name = …` (also
/// `window.name =`, `x.prototype.name =`), an object property `name: …` / `"name": …`,
/// `window["name"] = …`, or a method `name(…) {`. Found by scanning, not parsing: a
/// definition inside a comment or a string also counts.
pub fn defines(code: &str, name: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    let bytes = code.as_bytes();
    for (pos, _) in code.match_indices(name) {
        let end = pos + name.len();
        let before = if pos > 0 { bytes[pos - 1] } else { b' ' };
        let after = bytes.get(end).copied().unwrap_or(b' ');
        let quoted = matches!(before, b'"' | b'\'') && after == before;
        if !quoted && (is_ident(before) || is_ident(after)) {
            continue;
        }
        // Preceded by `function` (or `function*`)?
        let b = skip_ws_back(bytes, pos);
        let head = &code[..b];
        let head = head.strip_suffix('*').map(str::trim_end).unwrap_or(head);
        if head.ends_with("function")
            && head.len() >= 8
            && !head.as_bytes()[..head.len() - 8]
                .last()
                .copied()
                .is_some_and(is_ident)
        {
            return true;
        }
        let mut i = skip_ws(bytes, end + usize::from(quoted));
        if quoted && bytes.get(i) == Some(&b']') {
            // window["name"] = …
            i = skip_ws(bytes, i + 1);
        }
        let prev = bytes.get(b.wrapping_sub(1)).copied().unwrap_or(b' ');
        match bytes.get(i) {
            Some(b'=') if !matches!(bytes.get(i + 1), Some(b'=') | Some(b'>')) => {
                return true;
            }
            Some(b':') if bytes.get(i + 1) != Some(&b':') && prev != b'?' => {
                return true;
            }
            Some(b'(') if !quoted && before != b'.' => {
                // method shorthand: name(params) {
                if let Some(close) = code[i..].find(')') {
                    let j = skip_ws(bytes, i + close + 1);
                    if bytes.get(j) == Some(&b'{') {
                        return true;
                    }
                }
            }
            _ => {}
        }
    }
    false
}

static DYNAMIC_LOAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)createElement\(\s*['"]script['"]\s*\)|document\.write[^;]{0,300}<script|getScript\(|require\(\s*\[|\bimport\(|loadScript\("#,
    )
    .expect("static regex")
});

/// What happened to one script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScriptStatus {
    /// 2xx and defines the function.
    Defines,
    /// 2xx, no definition.
    Loaded,
    /// Not 2xx, or the file is missing, or the request failed: the reason.
    Failed(String),
    /// Not fetched (offline audit): the reason.
    Unfetched(String),
}

/// The verdict on a function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Defined by this script (`inline` or a URL).
    Defined(String),
    /// The script expected to define it (a known toolbar or converter script) did not load.
    ScriptFailed {
        /// The script.
        script: String,
        /// Why.
        reason: String,
    },
    /// No script that loaded defines it, and some scripts did not load.
    NotDefinedSomeFailed {
        /// Scripts that did not load, with why.
        failed: Vec<(String, String)>,
        /// Scripts that loaded.
        loaded: usize,
    },
    /// Every script loaded; none defines it.
    NotDefined {
        /// Scripts searched.
        loaded: usize,
    },
    /// Could not be decided statically.
    Unknown(String),
}

impl Verdict {
    /// Whether the verdict is a definite failure.
    pub fn is_broken(&self) -> bool {
        matches!(
            self,
            Verdict::ScriptFailed { .. }
                | Verdict::NotDefinedSomeFailed { .. }
                | Verdict::NotDefined { .. }
        )
    }

    /// `true` defined, `false` broken, `null` unknown (for facts).
    pub fn defined(&self) -> Option<bool> {
        match self {
            Verdict::Defined(_) => Some(true),
            Verdict::Unknown(_) => None,
            _ => Some(false),
        }
    }

    /// Describes a broken or unknown verdict for `function` (`StranBody`).
    pub fn describe(&self, function: &str, lang: Lang) -> String {
        match self {
            Verdict::Defined(by) => tr!(
                lang,
                "{function} 由 {by} 定义",
                "{function} is defined by {by}"
            ),
            Verdict::ScriptFailed { script, reason } => tr!(
                lang,
                "应定义 {function} 的脚本 {script} 未能加载（{reason}）",
                "the script {script} that should define {function} did not load ({reason})"
            ),
            Verdict::NotDefinedSomeFailed { failed, loaded } => {
                let list = failed
                    .iter()
                    .take(5)
                    .map(|(u, r)| format!("{u}（{r}）"))
                    .collect::<Vec<_>>()
                    .join("、");
                tr!(
                    lang,
                    "已加载的 {loaded} 个脚本都未定义 {function}，且以下脚本未能加载：{list}",
                    "none of the {loaded} scripts that loaded defines {function}, and these did not load: {list}"
                )
            }
            Verdict::NotDefined { loaded } => tr!(
                lang,
                "页面加载的 {loaded} 个脚本（及内联脚本）都未定义 {function}",
                "none of the {loaded} scripts the page loads (nor an inline script) defines {function}"
            ),
            Verdict::Unknown(why) => why.clone(),
        }
    }
}

/// Fetches a script and classifies it. A missing local file is a failure only when the audit
/// reads a folder (see [`super::local_files_are_evidence`]).
pub fn script_status(
    services: &Services,
    site: &SiteInfo,
    url: &Url,
    name: &str,
    lang: Lang,
) -> ScriptStatus {
    if url.scheme() != "file" && !services.network() {
        return ScriptStatus::Unfetched("offline".into());
    }
    let fetched = services.fetch(url);
    match &*fetched {
        Ok(raw) => match raw.status {
            Some(s) if (200..300).contains(&s) => {
                let body = String::from_utf8_lossy(&raw.body);
                if defines(&body, name) {
                    ScriptStatus::Defines
                } else {
                    ScriptStatus::Loaded
                }
            }
            Some(s) => ScriptStatus::Failed(format!("HTTP {s}")),
            None => ScriptStatus::Failed(tr!(lang, "无状态码", "no status")),
        },
        Err(_) if url.scheme() == "file" && !super::local_files_are_evidence(site) => {
            ScriptStatus::Unfetched("not in the audited input".into())
        }
        Err(e) => {
            if url.scheme() == "file" {
                ScriptStatus::Failed(match e.kind {
                    crate::fetch::FetchErrorKind::Io => tr!(lang, "文件不存在", "file not found"),
                    _ => e.message.clone(),
                })
            } else {
                ScriptStatus::Failed(e.message.clone())
            }
        }
    }
}

fn has_dynamic_loader(services: &Services, url: &Url) -> bool {
    match &*services.fetch(url) {
        Ok(raw) => DYNAMIC_LOAD.is_match(&String::from_utf8_lossy(&raw.body)),
        Err(_) => false,
    }
}

/// Decides whether `function` (dotted; its last segment is searched) is defined. `inline` says
/// an inline script of the page defines it; `preferred` is the script expected to define it
/// (the toolbar's or converter's script), searched first; `scripts` are the page's other
/// external scripts.
pub fn verify(
    services: &Services,
    site: &SiteInfo,
    function: &str,
    inline: bool,
    preferred: Option<&Url>,
    scripts: &[Url],
    lang: Lang,
) -> Verdict {
    if inline {
        return Verdict::Defined("inline".into());
    }
    let name = function.rsplit('.').next().unwrap_or(function);
    if let Some(p) = preferred {
        match script_status(services, site, p, name, lang) {
            ScriptStatus::Defines => return Verdict::Defined(p.to_string()),
            ScriptStatus::Failed(reason) => {
                return Verdict::ScriptFailed {
                    script: p.to_string(),
                    reason,
                };
            }
            ScriptStatus::Unfetched(_) => {
                return Verdict::Unknown(tr!(
                    lang,
                    "{function} 应由 {p} 定义，但本次审计未读取该脚本（离线审计不访问外部地址，单个文件的审计不包含它旁边的文件），需要联网或在浏览器中核实",
                    "{function} should be defined by {p}, which this audit did not read (an offline audit does not fetch remote addresses; a single-file audit does not include the files beside it): verify online or in a browser"
                ));
            }
            ScriptStatus::Loaded => {}
        }
    }
    let rest: Vec<Url> = scripts
        .iter()
        .filter(|u| Some(*u) != preferred)
        .take(MAX_SCRIPTS)
        .cloned()
        .collect();
    // Warm the cache concurrently; each result is then read from it.
    let remote: Vec<Url> = rest
        .iter()
        .filter(|u| u.scheme() != "file")
        .cloned()
        .collect();
    if services.network() && !remote.is_empty() {
        services.fetch_many(&remote);
    }
    let mut failed = Vec::new();
    let mut unfetched = Vec::new();
    let mut loaded: Vec<&Url> = preferred.into_iter().collect();
    for u in &rest {
        match script_status(services, site, u, name, lang) {
            ScriptStatus::Defines => return Verdict::Defined(u.to_string()),
            ScriptStatus::Loaded => loaded.push(u),
            ScriptStatus::Failed(r) => failed.push((u.to_string(), r)),
            ScriptStatus::Unfetched(_) => unfetched.push(u.to_string()),
        }
    }
    if !unfetched.is_empty() {
        let list = unfetched
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("、");
        let also_failed = if failed.is_empty() {
            String::new()
        } else {
            let list = failed
                .iter()
                .take(3)
                .map(|(u, r)| format!("{u}（{r}）"))
                .collect::<Vec<_>>()
                .join("、");
            tr!(
                lang,
                "；另有 {} 个脚本未能加载：{list}",
                "; {} more did not load: {list}",
                failed.len()
            )
        };
        return Verdict::Unknown(tr!(
            lang,
            "内联脚本和已读取的 {} 个脚本都未定义 {function}；本次审计未读取 {} 个脚本（{list}；离线审计不访问外部地址，单个文件的审计不包含它旁边的文件）{also_failed}，需要联网或在浏览器中核实",
            "neither an inline script nor the {} script(s) read define {function}; this audit did not read {} script(s) ({list}; an offline audit does not fetch remote addresses, a single-file audit does not include the files beside it){also_failed}: verify online or in a browser",
            loaded.len(),
            unfetched.len()
        ));
    }
    if loaded.iter().any(|u| has_dynamic_loader(services, u)) {
        return Verdict::Unknown(tr!(
            lang,
            "页面加载的脚本都未直接定义 {function}，但其中有脚本会动态加载其他脚本，需要在浏览器中核实",
            "no script the page loads defines {function} directly, but one loads further scripts at run time: verify in a browser"
        ));
    }
    if !failed.is_empty() {
        return Verdict::NotDefinedSomeFailed {
            failed,
            loaded: loaded.len(),
        };
    }
    Verdict::NotDefined {
        loaded: loaded.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions() {
        for code in [
            "function StranBody(fobj){}",
            "function  StranBody (){}",
            "var StranBody = function(){}",
            "window.StranBody=function(){}",
            "window['StranBody'] = f;",
            "var o = {start: function(){}, oldFixedStart: function(){}}",
            "a.prototype.oldFixedStart=function(){}",
            "{\"oldFixedStart\":function(){}}",
            "class A { oldFixedStart() { } }",
            "const StranBody = () => 1",
            "function* StranBody(){}",
        ] {
            let name = if code.contains("oldFixedStart") {
                "oldFixedStart"
            } else {
                "StranBody"
            };
            assert!(defines(code, name), "{code}");
        }
        for code in [
            "StranBody();",
            "if (StranBody()) { x() }",
            "var StranBodyX = 1;",
            "x = a ? StranBody : b;",
            "if (StranBody == null) {}",
            "obj.StranBody();",
            "myStranBody = 1",
            "var s = 'StranBody';",
            "StranBody => 1",
        ] {
            assert!(!defines(code, "StranBody"), "{code}");
        }
    }

    #[test]
    fn offline_remote_scripts_are_unknown() {
        let s = Services::offline();
        let site = crate::rules::testing::site("https://x.gov.cn/");
        let site = &site;
        let u = Url::parse("https://x.gov.cn/ch.js").expect("url");
        assert!(matches!(
            verify(&s, site, "StranBody", false, Some(&u), &[], Lang::En),
            Verdict::Unknown(_)
        ));
        assert_eq!(
            verify(&s, site, "StranBody", true, None, &[], Lang::En),
            Verdict::Defined("inline".into())
        );
    }

    #[test]
    fn local_scripts_are_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let folder = crate::rules::SiteInfo {
            index: 0,
            root: dir.path().display().to_string(),
            root_url: Url::from_directory_path(dir.path()).expect("url"),
            kind: crate::rules::SiteKind::Local {
                root_dir: dir.path().to_path_buf(),
            },
            start_urls: Vec::new(),
        };
        let site = &folder;
        let good = dir.path().join("ch.js");
        std::fs::write(&good, "function StranBody(){}").expect("write");
        let other = dir.path().join("jquery.js");
        std::fs::write(&other, "var $ = 1;").expect("write");
        let s = Services::offline();
        let good_u = Url::from_file_path(&good).expect("url");
        let other_u = Url::from_file_path(&other).expect("url");
        let missing_u = Url::from_file_path(dir.path().join("missing.js")).expect("url");
        assert_eq!(
            verify(
                &s,
                site,
                "StranBody",
                false,
                None,
                &[other_u.clone(), good_u.clone()],
                Lang::En
            ),
            Verdict::Defined(good_u.to_string())
        );
        assert_eq!(
            verify(
                &s,
                site,
                "StranBody",
                false,
                None,
                std::slice::from_ref(&other_u),
                Lang::En
            ),
            Verdict::NotDefined { loaded: 1 }
        );
        assert!(matches!(
            verify(
                &s,
                site,
                "StranBody",
                false,
                Some(&missing_u),
                std::slice::from_ref(&other_u),
                Lang::En
            ),
            Verdict::ScriptFailed { .. }
        ));
        assert!(matches!(
            verify(
                &s,
                site,
                "StranBody",
                false,
                None,
                &[other_u, missing_u],
                Lang::En
            ),
            Verdict::NotDefinedSomeFailed { .. }
        ));
    }
}
