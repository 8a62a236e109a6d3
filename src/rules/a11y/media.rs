//! Time-based media and motion: `a11y/video-caption`, `a11y/no-autoplay-audio`,
//! `a11y/marquee`, `a11y/blink` (axe rules of the same names).

use super::index;
use crate::page::Page;
use crate::rules::{PageCx, Rule};
use crate::tr;

/// `a11y/video-caption`: a `<video>` with no `<track kind="captions">`. Captions burned into
/// the picture cannot be seen in the markup, so the message says to check for them.
pub struct VideoCaption;

impl Rule for VideoCaption {
    fn id(&self) -> &'static str {
        "a11y/video-caption"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        for el in page.elements_named("video") {
            if ix.sr_hidden(el.id()) {
                continue;
            }
            let captions = el.descendants().any(|t| {
                t.name() == "track"
                    && t.attr("kind")
                        .is_some_and(|k| k.trim().eq_ignore_ascii_case("captions"))
            });
            if captions {
                continue;
            }
            let src = el
                .attr_trimmed("src")
                .or_else(|| {
                    el.descendants()
                        .find(|s| s.name() == "source")
                        .and_then(|s| s.attr_trimmed("src"))
                })
                .unwrap_or_default();
            let msg = tr!(
                cx.lang,
                "视频没有字幕轨道（<track kind=\"captions\">）：{src}（如字幕已压制在画面中，请人工确认）",
                "video has no captions track (<track kind=\"captions\">): {src} (if captions are burned into the picture, confirm by hand)"
            );
            cx.report(&el, msg);
        }
    }
}

/// `a11y/no-autoplay-audio`: `<audio>`/`<video autoplay>` that is not muted and shows no
/// controls to stop it, and the legacy background-music elements (`<bgsound>`,
/// `<embed autostart>`): the sound drowns the screen reader.
pub struct NoAutoplayAudio;

impl Rule for NoAutoplayAudio {
    fn id(&self) -> &'static str {
        "a11y/no-autoplay-audio"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        for el in page.elements_named_any(&["audio", "video", "bgsound", "embed"]) {
            let problem = match el.name() {
                "bgsound" => true,
                "embed" => {
                    el.attr("autostart").is_some_and(|v| {
                        let v = v.trim().to_ascii_lowercase();
                        v == "true" || v == "1" || v.is_empty()
                    }) && el.attr("src").is_some_and(|s| {
                        let s = s.to_ascii_lowercase();
                        [".mp3", ".wav", ".mid", ".midi", ".wma", ".ogg", ".m4a"]
                            .iter()
                            .any(|e| s.contains(e))
                    })
                }
                _ => el.has_attr("autoplay") && !el.has_attr("muted") && !el.has_attr("controls"),
            };
            if !problem {
                continue;
            }
            let src = el.attr_trimmed("src").unwrap_or_default();
            let msg = tr!(
                cx.lang,
                "<{}> 自动播放声音且没有静音或控制条（{src}）：会干扰读屏软件，应提供停止或静音的方法",
                "<{}> plays sound automatically with no mute or controls ({src}): it drowns the screen reader; offer a way to stop or mute it",
                el.name()
            );
            cx.report(&el, msg);
        }
    }
}

/// `a11y/marquee`: `<marquee>` scrolls text that cannot be paused (the scrolling news ticker
/// of many portals).
pub struct Marquee;

impl Rule for Marquee {
    fn id(&self) -> &'static str {
        "a11y/marquee"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        for el in page.elements_named("marquee") {
            let text = super::short(el.visible_text(), 30);
            let msg = tr!(
                cx.lang,
                "<marquee> 滚动文字无法暂停或停止（“{text}”）",
                "<marquee> scrolls text that cannot be paused or stopped (\"{text}\")"
            );
            cx.report(&el, msg);
        }
    }
}

/// `a11y/blink`: `<blink>` flashes text that cannot be stopped.
pub struct Blink;

impl Rule for Blink {
    fn id(&self) -> &'static str {
        "a11y/blink"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        for el in page.elements_named("blink") {
            let msg = tr!(
                cx.lang,
                "<blink> 闪烁文字无法停止",
                "<blink> flashes text that cannot be stopped"
            );
            cx.report(&el, msg);
        }
    }
}
