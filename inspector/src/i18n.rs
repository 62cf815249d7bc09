//! Interface language: zh-CN and English, remembered on the device under the same key as the
//! applicant app, so a person who switched there sees the same language here.

use bilingual::texts;
pub use bilingual::{InLang, Lang, Text};
use signer::{Malformed, Reason};

texts! {
    APP_NAME = "一业一证 · 核验", "Yiye — check a license";
    SCAN_HEADING = "扫描许可证二维码", "Scan the license QR code";
    SCAN_HINT = "把二维码放进方框内，保持稳定。", "Hold the QR code inside the square and keep still.";
    CAMERA_STARTING = "正在打开摄像头…", "Starting the camera…";
    CAMERA_REFUSED = "本页没有使用摄像头的权限。", "This page is not allowed to use the camera.";
    CAMERA_REFUSED_NEXT = "请点地址栏旁的锁形（或设置）图标，把“摄像头”设为“允许”，再点“重试摄像头”。也可以用下方的“从照片识别”，或粘贴二维码内容。", "Tap the lock (or settings) icon beside the address, set Camera to Allow, then tap “Try the camera again”. Or use “Read from a photo” or paste the code's text below.";
    CAMERA_MISSING = "这台设备上没有找到摄像头。", "No camera was found on this device.";
    CAMERA_MISSING_NEXT = "请接上摄像头后点“重试摄像头”，或换一台有摄像头的手机。也可以用下方的“从照片识别”，或粘贴二维码内容。", "Connect a camera and tap “Try the camera again”, or use a phone with a camera. Or use “Read from a photo” or paste the code's text below.";
    CAMERA_IN_USE = "摄像头正被其他应用使用。", "The camera is in use by another app.";
    CAMERA_IN_USE_NEXT = "请关闭正在用摄像头的应用（视频通话、相机等），再点“重试摄像头”。也可以用下方的“从照片识别”，或粘贴二维码内容。", "Close the app that is using it (a video call, the camera app), then tap “Try the camera again”. Or use “Read from a photo” or paste the code's text below.";
    CAMERA_INSECURE = "本页不是通过安全连接（https）打开的，浏览器不允许它使用摄像头。", "This page was not opened over a secure connection (https), so the browser does not let it use the camera.";
    CAMERA_INSECURE_NEXT = "请用 https:// 开头的地址打开本页。也可以用下方的“从照片识别”，或粘贴二维码内容。", "Open this page at its https:// address. Or use “Read from a photo” or paste the code's text below.";
    CAMERA_UNKNOWN = "摄像头无法启动。", "The camera could not be started.";
    CAMERA_UNKNOWN_NEXT = "请点“重试摄像头”或重新打开本页。也可以用下方的“从照片识别”，或粘贴二维码内容。", "Tap “Try the camera again” or reload this page. Or use “Read from a photo” or paste the code's text below.";
    CAMERA_RETRY = "重试摄像头", "Try the camera again";
    TORCH_ON = "打开手电筒", "Turn the torch on";
    TORCH_OFF = "关闭手电筒", "Turn the torch off";
    DECODER_NATIVE = "识别：浏览器内置", "Reader: the browser's own";
    DECODER_WASM = "识别：本应用", "Reader: built in";
    READER_FAILED = "无法加载二维码识别程序。", "The QR reader could not be loaded.";
    READER_FAILED_HINT = "请在下方粘贴二维码内容，或联网后重新打开本页。", "Paste the code's text below, or open this page again with a network connection.";
    MS_PER_FRAME = "毫秒/帧", "ms per frame";
    PHOTO = "从照片识别", "Read from a photo";
    PHOTO_FAILED = "照片中没有找到可读的二维码。请靠近些、避免反光后重拍。", "No readable QR code in the photo. Take it again closer and without glare.";
    PASTE_LABEL = "或粘贴二维码内容（YY1:… 或链接）", "Or paste the QR text (YY1:… or the link)";
    PASTE_CHECK = "核验", "Check";
    VALID = "有效", "Valid";
    VALID_HINT = "许可证真实、在有效期内、未被撤销。", "Genuine, in force and not revoked.";
    INVALID = "无效", "NOT valid";
    REASON_FORGED = "二维码被篡改或伪造：签名不符。", "Altered or forged: the signature does not match.";
    REASON_UNKNOWN_KEY = "签发密钥未知：不是本系统已知机关签发的，或本机密钥列表过旧。", "Signed by an unknown issuer key: not from a known authority, or this device's key list is out of date.";
    REASON_ISSUER_MISMATCH = "签发机关与密钥不符：可能伪造。", "The issuer does not match the signing key: possibly forged.";
    REASON_KEY_NOT_VALID = "签发时该密钥不在有效期内。", "The signing key was not valid when this license was issued.";
    REASON_EXPIRED = "许可证已过期。", "The license has expired.";
    REASON_NOT_YET_VALID = "许可证尚未生效。", "The license is not yet valid.";
    REASON_REVOKED = "许可证已被撤销。", "The license has been revoked.";
    REASON_NOT_YIYE = "这不是一业一证许可证二维码。", "This is not a Yiye license QR code.";
    REASON_UNREADABLE = "二维码内容不完整或无法读取，请重新扫描。", "The QR content is incomplete or unreadable. Scan again.";
    REASON_UPDATE_APP = "此许可证使用了本应用尚不认识的新内容：请联网刷新本页以更新应用。", "This license carries content from a newer version that this app does not know: connect and reload this page to update the app.";
    REASON_NO_KEYS = "本机还没有签发密钥列表：请联网打开一次本页面。", "This device has no issuer keys yet: open this page once with a network connection.";
    SCAN_AGAIN = "继续扫描", "Scan another";
    LICENSE_NUMBER = "许可证编号", "License number";
    BUSINESS_NAME = "名称", "Business name";
    CREDIT_CODE = "统一社会信用代码", "Unified social credit code";
    ADDRESS = "经营场所", "Business premises";
    LEGAL_REP = "法定代表人", "Legal representative";
    INDUSTRY = "行业", "Industry";
    ISSUER = "发证机关", "Issued by";
    VALIDITY = "有效期", "Valid";
    PERMITS = "包含的许可", "Permits covered";
    PERMIT_NUMBER = "编号", "Number";
    DEPARTMENT = "部门", "Department";
    SCOPE = "范围", "Scope";
    UNKNOWN_PERMIT = "未知许可（本应用版本过旧）", "Unknown permit (this app is out of date)";
    NOT_TRUSTED = "以下内容未经验证，不可信", "The content below is NOT verified and must not be trusted";
    NOT_IN_FORCE = "以下是这张许可证的内容：它确由签发机关签发，但现在无效，不能凭它经营", "What this license says: it was genuinely issued, but it is NOT in force and does not permit trading";
    IN_FORCE = "许可证内容", "What the license says";
    KEYS_AS_OF = "签发密钥更新于", "Issuer keys as of";
    REVOCATIONS_AS_OF = "撤销名单更新于", "Revocation list as of";
    SIGNED_AT = "签署于", "signed";
    NEVER = "从未（需联网）", "never (needs a network)";
    STALE_WARNING = "撤销名单已过期：近期被撤销的许可证可能显示为有效。请联网刷新。", "The revocation list is old: a recently revoked license may show as valid. Connect to refresh it.";
    REFRESH = "刷新", "Refresh";
    REFRESHING = "正在刷新…", "Refreshing…";
    REFRESH_FAILED = "刷新失败（离线？），使用本机缓存。", "Refresh failed (offline?); using what this device has.";
    MAX_AGE_LABEL = "撤销名单最长使用", "Warn when the revocation list is older than";
    HOURS = "小时", "hours";
    HISTORY = "核验记录", "Check history";
    HISTORY_EMPTY = "本机还没有核验记录。", "No checks on this device yet.";
    HISTORY_CLEAR = "清除记录", "Clear history";
    HISTORY_NOTE = "记录只保存在本机上。", "The history is kept on this device only.";
    UNREADABLE_ENTRY = "（无法读取）", "(unreadable)";
    UNVERIFIED_ENTRY = "（内容未经验证，不显示）", "(its content was not verified, so it is not shown)";
    SHORT_FORGED = "伪造或被篡改", "Forged or altered";
    SHORT_UNKNOWN_KEY = "签发者未知", "Unknown issuer";
    SHORT_ISSUER_MISMATCH = "签发机关不符，可能伪造", "Wrong issuer, possibly forged";
    SHORT_KEY_NOT_VALID = "签发密钥当时无效", "Signing key not valid then";
    SHORT_EXPIRED = "已过期", "Expired";
    SHORT_NOT_YET_VALID = "尚未生效", "Not yet in force";
    SHORT_REVOKED = "已撤销", "Revoked";
    SHORT_NOT_YIYE = "不是一业一证二维码", "Not a Yiye license code";
    SHORT_UPDATE_APP = "需要更新本应用", "This app needs updating";
    SHORT_UNREADABLE = "无法读取", "Unreadable";
    // A permit without an end date (a filing, a one-off approval), worded as Chinese
    // certificates print it (see the applicant's i18n.rs).
    NO_FIXED_TERM = "长期有效", "No fixed term";
}

/// A verdict in a few plain words, from its stable code (`"valid"` or a reason's code): what
/// the history shows, for entries of every version, since the history stores codes.
pub fn verdict_label(code: &str) -> Text {
    match code {
        "valid" => VALID,
        "signature_invalid" => SHORT_FORGED,
        "unknown_key" => SHORT_UNKNOWN_KEY,
        "issuer_mismatch" => SHORT_ISSUER_MISMATCH,
        "key_not_valid_at_issue" => SHORT_KEY_NOT_VALID,
        "expired" => SHORT_EXPIRED,
        "not_yet_valid" => SHORT_NOT_YET_VALID,
        "revoked" => SHORT_REVOKED,
        "malformed_prefix" | "malformed_version" => SHORT_NOT_YIYE,
        "malformed_unsupported_claim" => SHORT_UPDATE_APP,
        code if code.starts_with("malformed_") => SHORT_UNREADABLE,
        // A code from a newer version of the app: still not valid.
        _ => INVALID,
    }
}

/// The reason a license is not valid, in plain words.
pub fn reason(reason: &Reason) -> Text {
    match reason {
        Reason::SignatureInvalid => REASON_FORGED,
        Reason::UnknownKey => REASON_UNKNOWN_KEY,
        Reason::IssuerMismatch => REASON_ISSUER_MISMATCH,
        Reason::KeyNotValidAtIssue => REASON_KEY_NOT_VALID,
        Reason::Expired => REASON_EXPIRED,
        Reason::NotYetValid => REASON_NOT_YET_VALID,
        Reason::Revoked => REASON_REVOKED,
        Reason::Malformed(Malformed::Prefix(_) | Malformed::Version(_)) => REASON_NOT_YIYE,
        Reason::Malformed(Malformed::UnsupportedClaim(_)) => REASON_UPDATE_APP,
        Reason::Malformed(_) => REASON_UNREADABLE,
    }
}

#[cfg(test)]
mod tests {
    use signer::{Malformed, Reason};

    use super::*;

    /// Every code a verdict can have reads as plain words of its own, never the generic "not
    /// valid" kept for codes of a newer app.
    #[test]
    fn every_verdict_code_has_plain_words() {
        let reasons = [
            Reason::SignatureInvalid,
            Reason::UnknownKey,
            Reason::IssuerMismatch,
            Reason::KeyNotValidAtIssue,
            Reason::Expired,
            Reason::NotYetValid,
            Reason::Revoked,
            Reason::Malformed(Malformed::Prefix("YY1:")),
            Reason::Malformed(Malformed::Version("YY9".into())),
            Reason::Malformed(Malformed::Oversize("text")),
            Reason::Malformed(Malformed::Base45("x")),
            Reason::Malformed(Malformed::Compression("x")),
            Reason::Malformed(Malformed::Cbor("x")),
            Reason::Malformed(Malformed::Structure("x")),
            Reason::Malformed(Malformed::UnsupportedClaim("x".into())),
        ];
        for reason in &reasons {
            let label = verdict_label(reason.code());
            assert_ne!(label, INVALID, "{}", reason.code());
            assert!(!label.en.contains('_'), "{}", reason.code());
        }
        assert_eq!(verdict_label("signature_invalid").en, "Forged or altered");
        assert_eq!(verdict_label("valid"), VALID);
        assert_eq!(verdict_label("a_code_of_a_newer_app"), INVALID);
    }
}
