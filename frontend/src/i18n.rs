//! Interface language: zh-CN and English, switchable and remembered on the device.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// The BCP 47 tag for the `lang` attribute of the document.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }
}

/// A piece of interface text in both languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Text {
    pub zh: &'static str,
    pub en: &'static str,
}

impl Text {
    pub fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.zh,
            Lang::En => self.en,
        }
    }
}

macro_rules! texts {
    ($($name:ident = $zh:literal, $en:literal;)*) => {
        $(pub const $name: Text = Text { zh: $zh, en: $en };)*
    };
}

texts! {
    APP_NAME = "一业一证", "Yiye — one industry, one license";
    TAGLINE = "一张表单，一张行业综合许可证，一个二维码。", "One form, one combined industry license, one QR code.";
    SWITCH_LANGUAGE = "English", "中文";
    SWITCH_LANGUAGE_LABEL = "Switch to English", "切换到中文";
    START_HEADING = "您想做什么？", "What do you want to do?";
    START_APPLY = "申请行业综合许可证", "Apply for a combined license";
    START_APPLY_HINT = "选择行业，填写一张合并表单。", "Choose your industry and fill in one merged form.";
    START_CONTINUE = "继续已保存的申请", "Continue a saved application";
    START_CONTINUE_HINT = "草稿保存在本设备上。", "Drafts are kept on this device.";
    START_CHECK = "核验许可证", "Check a license";
    START_CHECK_HINT = "扫描许可证二维码，离线核验。", "Scan a license QR code and verify it offline.";
    ISSUER_KEY = "发证机关签名密钥", "Issuing authority's signing key";
    ISSUER_KEY_UNAVAILABLE = "暂时无法获取发证机关密钥（离线？）", "The issuing authority's key is not available right now (offline?)";
    COMING_SOON = "此功能即将上线。", "This part is coming soon.";
    BACK_TO_START = "返回首页", "Back to the start page";
}
