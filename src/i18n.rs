//! User-facing language selection and message helpers.
//!
//! Every user-facing message exists in Chinese (the default) and English. Rules build their
//! messages with the [`tr!`](crate::tr) macro, which formats only the selected language.

use serde::{Deserialize, Serialize};

/// The language of user-facing messages.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// 简体中文 (default).
    #[default]
    #[value(alias = "zh-CN", alias = "zh-cn", alias = "cn")]
    Zh,
    /// English.
    #[value(alias = "en-US", alias = "en-us")]
    En,
}

impl Lang {
    /// Picks one of two texts.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// The BCP 47 tag of the language.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
}

/// Formats a message in the selected language.
///
/// ```
/// use govaudit::{tr, i18n::Lang};
/// let src = "banner.png";
/// assert_eq!(tr!(Lang::En, "图片 {src} 缺少 alt", "image {src} has no alt"), "image banner.png has no alt");
/// assert_eq!(tr!(Lang::Zh, "共 {} 项", "{} items", 3), "共 3 项");
/// ```
#[macro_export]
macro_rules! tr {
    ($lang:expr, $zh:literal, $en:literal $(, $arg:expr)* $(,)?) => {
        match $lang {
            $crate::i18n::Lang::Zh => format!($zh $(, $arg)*),
            $crate::i18n::Lang::En => format!($en $(, $arg)*),
        }
    };
}
